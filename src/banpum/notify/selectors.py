"""Reads of a store's message settings and of the delivery log.

``notify_settings_get`` is the one reader of ``NotifySettings``: the dispatcher, the daily
sweep and the send job decide with it, and the office's settings page shows it, so the page
says exactly what the sending code will do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from banpum.commerce.models import Store
from banpum.notify.catalogue import Language
from banpum.notify.models import Message, MessageAttempt, NotifySettings
from banpum.returns.models import ReturnRequest


class PhoneReach(StrEnum):
    """What a shopper's phone gets, from the two phone channels together: the one decision
    that ``services.messages.shopper_messages`` sends by and the settings page words."""

    ALIMTALK_THEN_SMS = "alimtalk_then_sms"  # 알림톡, and the SMS when it is not delivered
    ALIMTALK_ONLY = "alimtalk_only"
    SMS_ONLY = "sms_only"
    NOTHING = "nothing"

    @classmethod
    def of(cls, *, alimtalk: bool, sms: bool) -> PhoneReach:
        if alimtalk:
            return cls.ALIMTALK_THEN_SMS if sms else cls.ALIMTALK_ONLY
        return cls.SMS_ONLY if sms else cls.NOTHING


@dataclass(frozen=True)
class StoreChoices:
    """A store's ``NotifySettings``, or the defaults from Django's settings.

    ``sender_email`` and ``sender_phone`` are what is sent from (the store's own, else the
    default); ``own_sender_email`` and ``own_sender_phone`` are what the store saved (empty: it
    uses the default), for a form that must not freeze today's default into the row.
    """

    email: bool
    sms: bool
    alimtalk: bool
    sender_email: str
    sender_phone: str
    language: Language
    saved: bool = False
    own_sender_email: str = ""
    own_sender_phone: str = ""
    updated_by: str = ""
    updated_at: dt.datetime | None = None

    @property
    def phone_reach(self) -> PhoneReach:
        return PhoneReach.of(alimtalk=self.alimtalk, sms=self.sms)

    @property
    def silent(self) -> bool:
        """Every channel off: no shopper hears of their return, no staff alert goes out."""
        return not (self.email or self.sms or self.alimtalk)


def default_sender_email() -> str:
    return str(settings.DEFAULT_FROM_EMAIL)


def default_sender_phone() -> str:
    return str(settings.BANPUM_NOTIFY_SENDER_PHONE)


def notify_settings_get(*, store: Store) -> StoreChoices:
    """What the store's messages do now: its row, or every channel on from the defaults."""
    row = NotifySettings.objects.filter(store=store).first()
    if row is None:
        return StoreChoices(
            True, True, True, default_sender_email(), default_sender_phone(), Language.KO
        )
    return StoreChoices(
        row.email_enabled,
        row.sms_enabled,
        row.alimtalk_enabled,
        row.sender_email or default_sender_email(),
        row.sender_phone or default_sender_phone(),
        Language(row.language),
        saved=True,
        own_sender_email=row.sender_email,
        own_sender_phone=row.sender_phone,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def messages_of_return(return_request: ReturnRequest) -> list[Message]:
    """The return's messages, oldest first, each with its attempts (``attempt_log``)."""
    return list(
        Message.objects.filter(return_request=return_request)
        .prefetch_related(
            Prefetch("attempt_log", queryset=MessageAttempt.objects.order_by("number", "id"))
        )
        .order_by("id")
    )


def message_list(*, return_request: ReturnRequest) -> QuerySet[Message]:
    """The return's messages for the API, to be paged by id; one query per page."""
    return Message.objects.filter(return_request=return_request)
