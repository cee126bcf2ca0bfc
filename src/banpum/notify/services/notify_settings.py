"""A store's message settings: which channels send, from which sender, in which language.

The office's Settings › Messages › Sending page saves through ``notify_settings_save``; the
dispatcher, the daily sweep and the send job read the result with
``notify.selectors.notify_settings_get``. Every channel may be off (a store that tells its
shoppers itself); the page says what that means.

A sender number must be one Korean carriers let a business send from (발신번호 사전등록): a
mobile, a landline with its area code, an internet phone (070), a personal number (050x), a
toll-free (080) or a representative number (15xx, 16xx, 18xx). It is stored as digits, the
way Solapi and NHN Cloud take it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.notify import errors
from banpum.notify.catalogue import Language
from banpum.notify.models import NotifySettings

EMAIL_MAX = 254
_SENDER_PHONE = re.compile(
    # A subscriber number never starts with 0: "020-…" is no area code.
    r"01[016789][1-9]\d{6,7}"  # mobile
    r"|02[1-9]\d{6,7}"  # Seoul
    r"|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])[1-9]\d{6,7}"  # other area codes
    r"|070[1-9]\d{7}"  # internet phone
    r"|050\d{8,9}"  # personal numbers (0502…0508)
    r"|080\d{7,8}"  # toll-free
    r"|1[568]\d{6}"  # representative numbers 15xx, 16xx, 18xx
)
_PHONE_SPELLING = re.compile(r"[\d\s().-]+")


def sender_phone_digits(value: str) -> str | None:
    """``02-1588-0000``, ``(02) 1588 0000`` or ``+82 2-1588-0000`` → ``0215880000``; None if
    it is not a number a Korean business can send messages from."""
    text = value.strip()
    if text.startswith("+82"):
        text = "0" + text[3:].lstrip(" -").removeprefix("0")
    if not _PHONE_SPELLING.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    return digits if _SENDER_PHONE.fullmatch(digits) else None


def _sender_email(value: str) -> str | None:
    email = value.strip()
    if len(email) > EMAIL_MAX:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


@transaction.atomic
def notify_settings_save(
    *,
    store: Store,
    email_enabled: bool,
    sms_enabled: bool,
    alimtalk_enabled: bool,
    sender_email: str,
    sender_phone: str,
    language: str,
    actor: Actor,
    now: dt.datetime,
) -> NotifySettings:
    """Replace the store's settings whole. An empty sender means the default sender, so a
    store that never chose one follows a change of the default. Applies to messages made from
    now on: those already queued keep the channel they were made for."""
    actor_require(actor, store.pk, Capability.NOTIFY_TEMPLATES_EDIT)
    fields: dict[str, list[str]] = {}
    email = ""
    if sender_email.strip():
        checked_email = _sender_email(sender_email)
        if checked_email is None:
            fields["sender_email"] = [errors.SENDER_EMAIL_INVALID.render()]
        else:
            email = checked_email
    phone = ""
    if sender_phone.strip():
        checked_phone = sender_phone_digits(sender_phone)
        if checked_phone is None:
            fields["sender_phone"] = [errors.SENDER_PHONE_INVALID.render()]
        else:
            phone = checked_phone
    if language not in Language.values:
        fields["language"] = [errors.LANGUAGE_UNKNOWN.render(choices=", ".join(Language.values))]
    if fields:
        raise ValidationFailed.for_fields(fields)
    saved, _created = NotifySettings.objects.update_or_create(
        store=store,
        defaults={
            "email_enabled": email_enabled,
            "sms_enabled": sms_enabled,
            "alimtalk_enabled": alimtalk_enabled,
            "sender_email": email,
            "sender_phone": phone,
            "language": language,
            "updated_by": actor.label[:150],
            "updated_at": now,
        },
    )
    return saved
