"""A store's message templates: the defaults in code merged with its edits, saved with
validation, and previewed on a real return.

The office's template editor calls these; the dispatcher reads ``template_effective``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.notify import errors
from banpum.notify.catalogue import Channel, Language, NotifyEvent, channels_of
from banpum.notify.defaults import default_template
from banpum.notify.models import MessageTemplate
from banpum.notify.rendering import Rendered, render, template_errors
from banpum.notify.variables import return_values
from banpum.returns.models import ReturnRequest

SUBJECT_MAX = 200
TEXT_MAX = 2000
_CODE = re.compile(r"\S{1,64}")


@dataclass(frozen=True)
class EffectiveTemplate:
    """What a store sends for (event, channel, language): its edit, or the default."""

    event: NotifyEvent
    channel: Channel
    language: Language
    subject: str
    text: str
    alimtalk_code: str
    needs_approval: bool
    edited: bool
    # 알림톡: what the provider approved (the text above, unless an edit waits for approval).
    approved_code: str = ""
    approved_text: str = ""


def _parse(event: str, channel: str, language: str) -> tuple[NotifyEvent, Channel, Language]:
    fields: dict[str, list[str]] = {}
    try:
        parsed_event = NotifyEvent(event)
    except ValueError:
        fields["event"] = [errors.EVENT_UNKNOWN.render(event=event)]
    try:
        parsed_channel = Channel(channel)
    except ValueError:
        fields["channel"] = [errors.CHANNEL_UNKNOWN.render(choices=", ".join(Channel.values))]
    try:
        parsed_language = Language(language)
    except ValueError:
        fields["language"] = [errors.LANGUAGE_UNKNOWN.render(choices=", ".join(Language.values))]
    if fields:
        raise ValidationFailed.for_fields(fields)
    if parsed_channel not in channels_of(parsed_event):
        raise errors.CHANNEL_NOT_FOR_EVENT.field(
            "channel", event=parsed_event.value, channel=parsed_channel.label
        )
    return parsed_event, parsed_channel, parsed_language


def _check(event: NotifyEvent, channel: Channel, *, subject: str, text: str) -> None:
    fields: dict[str, list[str]] = {}
    if not text.strip():
        fields["text"] = [errors.TEXT_EMPTY.render()]
    elif len(text) > TEXT_MAX:
        fields["text"] = [errors.TEXT_TOO_LONG.render(maximum=TEXT_MAX)]
    else:
        fields |= template_errors(event, "text", text)
    if channel == Channel.EMAIL and not subject.strip():
        fields["subject"] = [errors.SUBJECT_EMPTY.render()]
    elif len(subject) > SUBJECT_MAX:
        fields["subject"] = [errors.TEXT_TOO_LONG.render(maximum=SUBJECT_MAX)]
    else:
        fields |= template_errors(event, "subject", subject)
    if fields:
        raise ValidationFailed.for_fields(fields)


def template_effective(
    store: Store, event: NotifyEvent, channel: Channel, language: Language
) -> EffectiveTemplate:
    edit = MessageTemplate.objects.filter(
        store=store, event=event, channel=channel, language=language
    ).first()
    if edit is not None:
        approved = (edit.approved_code, edit.approved_text)
        if channel == Channel.ALIMTALK and not edit.needs_approval:
            approved = (edit.alimtalk_code, edit.text)
        return EffectiveTemplate(
            event, channel, language, edit.subject, edit.text, edit.alimtalk_code,
            edit.needs_approval, edited=True, approved_code=approved[0], approved_text=approved[1],
        )  # fmt: skip
    default = default_template(event, channel, language)
    approved_text = default.text if channel == Channel.ALIMTALK else ""
    return EffectiveTemplate(
        event, channel, language, default.subject, default.text, default.alimtalk_code,
        needs_approval=False, edited=False, approved_code=default.alimtalk_code,
        approved_text=approved_text,
    )  # fmt: skip


def templates_of_store(store: Store) -> list[EffectiveTemplate]:
    """Every (event, channel, language) the store sends, its edits over the defaults."""
    return [
        template_effective(store, event, channel, language)
        for event in NotifyEvent
        for channel in channels_of(event)
        for language in Language
    ]


@transaction.atomic
def template_save(
    store: Store,
    event: str,
    channel: str,
    language: str,
    *,
    subject: str,
    text: str,
    alimtalk_code: str = "",
    actor: Actor,
    now: dt.datetime,
) -> MessageTemplate:
    """Save the store's version of a template; a placeholder the event does not declare is a
    field error. Changing an approved 알림톡's text (or its code) marks it as needing
    re-approval at the provider: until then the message goes by SMS. Saving the approved text
    and code again needs no approval."""
    actor_require(actor, store.pk, Capability.NOTIFY_TEMPLATES_EDIT)
    parsed_event, parsed_channel, parsed_language = _parse(event, channel, language)
    subject, text, alimtalk_code = subject.strip(), text.strip(), alimtalk_code.strip()
    _check(parsed_event, parsed_channel, subject=subject, text=text)
    current = template_effective(store, parsed_event, parsed_channel, parsed_language)
    needs_approval = False
    if parsed_channel == Channel.ALIMTALK:
        alimtalk_code = alimtalk_code or current.alimtalk_code
        if not _CODE.fullmatch(alimtalk_code):
            raise errors.ALIMTALK_CODE_INVALID.field("alimtalk_code")
        approved = (current.approved_code, current.approved_text)
        needs_approval = (alimtalk_code, text) != approved
    else:
        alimtalk_code = ""
    saved, _created = MessageTemplate.objects.update_or_create(
        store=store,
        event=parsed_event,
        channel=parsed_channel,
        language=parsed_language,
        defaults={
            "subject": subject,
            "text": text,
            "alimtalk_code": alimtalk_code,
            "needs_approval": needs_approval,
            "approved_code": current.approved_code,
            "approved_text": current.approved_text,
            "updated_by": actor.label[:150],
            "updated_at": now,
        },
    )
    return saved


def template_approved(
    template: MessageTemplate, *, actor: Actor, now: dt.datetime
) -> MessageTemplate:
    """The provider approved the edited 알림톡 text: the channel sends 알림톡 again."""
    actor_require(actor, template.store_id, Capability.NOTIFY_TEMPLATES_EDIT)
    if template.channel != Channel.ALIMTALK or not template.needs_approval:
        raise errors.NOTHING_TO_APPROVE()
    MessageTemplate.objects.filter(pk=template.pk).update(
        needs_approval=False,
        approved_code=template.alimtalk_code,
        approved_text=template.text,
        updated_by=actor.label[:150],
        updated_at=now,
    )
    template.refresh_from_db()
    return template


def template_reset(template: MessageTemplate, *, actor: Actor) -> None:
    """Drop the store's edit: the default (its 알림톡 approved at the provider) is sent again."""
    actor_require(actor, template.store_id, Capability.NOTIFY_TEMPLATES_EDIT)
    MessageTemplate.objects.filter(pk=template.pk).delete()


def template_preview(
    store: Store,
    event: str,
    channel: str,
    language: str,
    return_request: ReturnRequest,
    *,
    subject: str,
    text: str,
    now: dt.datetime,
) -> Rendered:
    """A draft rendered on one of the store's returns, refused for the same reasons a save
    would be (nothing is saved)."""
    if return_request.store_id != store.pk:
        raise errors.RETURN_NOT_FOUND()
    parsed_event, parsed_channel, parsed_language = _parse(event, channel, language)
    _check(parsed_event, parsed_channel, subject=subject.strip(), text=text.strip())
    source = return_request.events.order_by("-id").first()
    values = return_values(
        parsed_event, return_request, language=parsed_language, now=now, source=source
    )
    return render(subject.strip(), text.strip(), values)
