"""Turning one thing that happened into message rows: who hears of it, by which channel, in
which words. Shared by the event dispatcher and the daily sweep; writes nothing but rows.

A shopper hears by email when they gave one, and on their phone by 알림톡 (or SMS when the
store turned 알림톡 off); a store may turn any channel off (``NotifySettings``, read by
``selectors.notify_settings_get``). Staff with a CS, manager or admin role hear by email.
Everything is rendered now, in the store's shoppers' language, and SMS and 알림톡 to shoppers
wait out the quiet hours (``notify.quiet``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from banpum.accounts.capabilities import Role
from banpum.accounts.models import StoreMembership
from banpum.commerce.models import Store
from banpum.notify.catalogue import Channel, Language, NotifyEvent
from banpum.notify.models import Message, MessageStatus
from banpum.notify.quiet import quiet_until
from banpum.notify.rendering import alimtalk_variables, render
from banpum.notify.selectors import PhoneReach, StoreChoices
from banpum.notify.services.templates import template_effective
from banpum.returns.models import ReturnEvent, ReturnRequest

STAFF_ROLES = (Role.CS_AGENT, Role.MANAGER, Role.ADMIN)


def staff_emails(store: Store) -> list[str]:
    """The email addresses of the store's active CS agents, managers and admins."""
    users = get_user_model().objects.filter(
        is_active=True,
        pk__in=StoreMembership.objects.filter(
            store=store, role__in=[role.value for role in STAFF_ROLES]
        ).values("user_id"),
    )
    return sorted({user.email for user in users if user.email})


def shopper_addresses(return_request: ReturnRequest) -> tuple[str, str]:
    """(email, phone) of the shopper, either may be empty."""
    customer = return_request.customer
    email = customer.email if customer else ""
    phone = (customer.phone if customer else "") or return_request.order.shipping_phone
    return email.strip(), phone.strip()


@dataclass(frozen=True)
class Source:
    """What the messages are about: ``key`` is unique per occurrence (an event, a day)."""

    key: str
    store: Store
    return_request: ReturnRequest | None = None
    event: ReturnEvent | None = None


def _message(
    source: Source,
    event: NotifyEvent,
    channel: Channel,
    recipient: str,
    language: Language,
    now: dt.datetime,
    **fields: object,
) -> Message:
    return Message(
        store=source.store,
        return_request=source.return_request,
        source_event=source.event,
        source_key=source.key,
        event=event.value,
        channel=channel,
        recipient=recipient,
        language=language,
        created_at=now,
        updated_at=now,
        next_attempt_at=now,
        **fields,
    )


def staff_messages(
    source: Source,
    event: NotifyEvent,
    values: Mapping[str, str],
    *,
    recipients: Iterable[str],
    language: Language,
    now: dt.datetime,
) -> list[Message]:
    template = template_effective(source.store, event, Channel.EMAIL, language)
    rendered = render(template.subject, template.text, values)
    return [
        _message(
            source,
            event,
            Channel.EMAIL,
            email,
            language,
            now,
            subject=rendered.subject[:300],
            text=rendered.text,
        )
        for email in recipients
    ]


def shopper_messages(
    source: Source,
    event: NotifyEvent,
    values: Mapping[str, str],
    *,
    choices: StoreChoices,
    email: str,
    phone: str,
    now: dt.datetime,
    pickup_date: dt.date | None = None,
) -> list[Message]:
    """The email and the phone message (알림톡, or SMS) of one shopper event."""
    language = choices.language
    made: list[Message] = []
    if email and choices.email:
        template = template_effective(source.store, event, Channel.EMAIL, language)
        rendered = render(template.subject, template.text, values)
        made.append(
            _message(
                source,
                event,
                Channel.EMAIL,
                email,
                language,
                now,
                subject=rendered.subject[:300],
                text=rendered.text,
            )
        )
    reach = choices.phone_reach
    if not phone or reach is PhoneReach.NOTHING:
        return made
    sms = template_effective(source.store, event, Channel.SMS, language)
    sms_rendered = render(sms.subject, sms.text, values)
    wait = quiet_until(now, source.store.timezone, pickup_date=pickup_date)
    timing: dict[str, object] = {"status": MessageStatus.QUEUED}
    if wait is not None:
        timing = {"status": MessageStatus.WAITING, "not_before": wait, "next_attempt_at": wait}
    if reach in (PhoneReach.ALIMTALK_THEN_SMS, PhoneReach.ALIMTALK_ONLY):
        kakao = template_effective(source.store, event, Channel.ALIMTALK, language)
        approved = kakao.alimtalk_code and not kakao.needs_approval
        rendered = render(kakao.subject, kakao.text, values)
        fields: dict[str, object] = {
            "subject": sms_rendered.subject[:300],
            "text": rendered.text if approved else sms_rendered.text,
            "alimtalk_code": kakao.alimtalk_code if approved else "",
            "variables": alimtalk_variables(kakao.text, values) if approved else {},
            "fallback_text": sms_rendered.text if reach is PhoneReach.ALIMTALK_THEN_SMS else "",
        }
        made.append(_message(source, event, Channel.ALIMTALK, phone, language, now, **fields))
    else:
        fields = {"subject": sms_rendered.subject[:300], "text": sms_rendered.text}
        made.append(_message(source, event, Channel.SMS, phone, language, now, **fields))
    for message in made:
        if message.channel != Channel.EMAIL:
            for name, value in timing.items():
                setattr(message, name, value)
    return made


def messages_created(messages: list[Message], *, now: dt.datetime) -> list[int]:
    """Insert ``messages``, skipping any the unique key says exist; the ids of those queued
    now (``ignore_conflicts`` leaves ids unset on some databases: read back)."""
    if not messages:
        return []
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    keys = {message.source_key for message in messages}
    return list(
        Message.objects.filter(
            source_key__in=keys, status=MessageStatus.QUEUED, attempts=0, created_at=now
        ).values_list("pk", flat=True)
    )
