"""The store's message templates: what each event sends by email, SMS and 알림톡 in Korean and
English, an editor with the event's variables and a live preview on one of the store's returns,
reset to the default, and recording a 알림톡's approval at the provider.

An editor's address names the template by words (``?event=…&channel=…&language=…``): every
store has all of them, so they are not objects of a store. Saving, previewing, approving and
resetting all go through ``notify.services.templates``. With htmx the preview follows what is
typed; without JavaScript the preview button posts the whole page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError, ValidationFailed
from banpum.notify.catalogue import DESCRIPTIONS, STAFF_EVENTS, Channel, Language, NotifyEvent
from banpum.notify.models import MessageTemplate
from banpum.notify.services.templates import (
    EffectiveTemplate,
    template_approved,
    template_effective,
    template_preview,
    template_reset,
    template_save,
)
from banpum.office.access import actor_of, needs
from banpum.office.store_settings.common import errors_onto_form, is_htmx, render_settings
from banpum.office.store_settings.message_forms import (
    TemplateForm,
    overview_rows,
    phone_figures,
    template_key,
    variables_of,
)
from banpum.office.store_settings.message_sending_forms import sending_summary
from banpum.returns.models import ReturnRequest

CURRENT = "settings-messages"
RECENT_RETURNS = 20
PREVIEW = "office/settings/_message_preview.html"

Key = tuple[NotifyEvent, Channel, Language]


@needs(Capability.NOTIFY_TEMPLATES_EDIT)
@require_http_methods(["GET"])
def message_templates(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    return render_settings(
        request,
        membership,
        "office/settings/messages.html",
        {
            "rows": overview_rows(membership.store),
            "languages": list(Language),
            **sending_summary(membership.store),
        },
        current=CURRENT,
    )


def edit_url(event: str, channel: str, language: str) -> str:
    query = urlencode({"event": event, "channel": channel, "language": language})
    return f"{reverse('office:settings-message-edit')}?{query}"


def _key_of(request: HttpRequest) -> Key:
    key = template_key(
        request.GET.get("event", ""),
        request.GET.get("channel", ""),
        request.GET.get("language", ""),
    )
    if key is None:
        raise Http404
    return key


def _recent_returns(membership: StoreMembership) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.filter(store=membership.store, number__isnull=False).order_by(
            "-created_at", "-pk"
        )[:RECENT_RETURNS]
    )


@needs(Capability.NOTIFY_TEMPLATES_EDIT)
@require_http_methods(["GET", "POST"])
def message_template_edit(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    key = _key_of(request)
    event, channel, language = key
    current = template_effective(membership.store, event, channel, language)
    recent = _recent_returns(membership)
    if request.method == "GET":
        form = TemplateForm(
            channel=channel,
            initial={
                "subject": current.subject,
                "text": current.text,
                "alimtalk_code": current.alimtalk_code,
                "sample": recent[0].number if recent else "",
            },
        )
        return _editor(
            request, membership, key, current, form, recent, _preview(membership, key, form)
        )
    form = TemplateForm(request.POST, channel=channel)
    if request.POST.get("action") == "preview":
        return _editor(
            request, membership, key, current, form, recent, _preview(membership, key, form)
        )
    if form.is_valid():
        try:
            template_save(
                membership.store,
                event,
                channel,
                language,
                subject=form.cleaned_data.get("subject") or "",
                text=form.cleaned_data.get("text") or "",
                alimtalk_code=form.cleaned_data.get("alimtalk_code") or "",
                actor=actor_of(request, membership),
                now=timezone.now(),
            )
        except ApplicationError as error:
            errors_onto_form(form, error)
        else:
            saved = template_effective(membership.store, event, channel, language)
            if saved.needs_approval:
                messages.warning(
                    request,
                    _(
                        "Saved. The 알림톡 text changed: register it at the provider and mark it "
                        "approved; until then shoppers get the SMS text."
                    ),
                )
            else:
                messages.success(request, _("Saved: messages from now on use this text."))
            return redirect(edit_url(event, channel, language))
    return _editor(
        request, membership, key, current, form, recent, _preview(membership, key, form), status=422
    )


@needs(Capability.NOTIFY_TEMPLATES_EDIT)
@require_POST
def message_template_preview(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    """The editor's live preview under htmx: the draft as typed, on the chosen return."""
    event, channel, language = (
        request.GET.get("event", ""),
        request.GET.get("channel", ""),
        request.GET.get("language", ""),
    )
    form = TemplateForm(request.POST, channel=_channel_or_sms(channel))
    context = _preview_of(membership, event, channel, language, form)
    status = 200 if "preview" in context or is_htmx(request) else 422
    return render_settings(request, membership, PREVIEW, context, current=CURRENT, status=status)


def _channel_or_sms(channel: str) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        return Channel.SMS  # the service words the refusal; the form just needs fields


def _preview(membership: StoreMembership, key: Key, form: TemplateForm) -> dict[str, Any]:
    event, channel, language = key
    return _preview_of(membership, event.value, channel.value, language.value, form)


def _preview_of(
    membership: StoreMembership, event: str, channel: str, language: str, form: TemplateForm
) -> dict[str, Any]:
    """The draft rendered as the reader would get it, or the messages why it cannot be."""
    context: dict[str, Any] = {"preview_channel": channel}
    number = form.value("sample").strip()[:40]
    if not number:
        context["preview_errors"] = [_("Choose a return of this store to preview on.")]
        return context
    return_request = (
        ReturnRequest.objects.filter(store=membership.store, number=number)
        .select_related("store", "order", "customer")
        .first()
    )
    if return_request is None:
        raise Http404
    context["preview_return"] = return_request
    try:
        rendered = template_preview(
            membership.store,
            event,
            channel,
            language,
            return_request,
            subject=form.value("subject"),
            text=form.value("text"),
            now=timezone.now(),
        )
    except ValidationFailed as error:
        fields = error.extra.get("fields") or {}
        context["preview_errors"] = [m for ms in fields.values() for m in ms] or [error.message]
        return context
    except ApplicationError as error:
        context["preview_errors"] = [error.message]
        return context
    context["preview"] = rendered
    if channel != Channel.EMAIL:
        context["figures"] = phone_figures(rendered)
    return context


def _editor(
    request: HttpRequest,
    membership: StoreMembership,
    key: Key,
    current: EffectiveTemplate,
    form: TemplateForm,
    recent: list[ReturnRequest],
    preview: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    event, channel, language = key
    row = MessageTemplate.objects.filter(
        store=membership.store, event=event, channel=channel, language=language
    ).first()
    query = urlencode({"event": event.value, "channel": channel.value, "language": language.value})
    context = {
        "template": current,
        "row": row,
        "event": event,
        "description": DESCRIPTIONS[event],
        "staff": event in STAFF_EVENTS,
        "channel": channel,
        "language": language,
        "form": form,
        "variables": variables_of(event),
        "recent_returns": recent,
        "sample": form.value("sample"),
        "query": query,
        **preview,
    }
    return render_settings(
        request, membership, "office/settings/message_edit.html", context, current=CURRENT,
        status=status,
    )  # fmt: skip


def _row_of(membership: StoreMembership, template_id: int) -> MessageTemplate:
    row = MessageTemplate.objects.filter(store=membership.store, pk=template_id).first()
    if row is None:
        raise Http404
    return row


@needs(Capability.NOTIFY_TEMPLATES_EDIT)
@require_POST
def message_template_approve(
    request: HttpRequest, membership: StoreMembership, template_id: int
) -> HttpResponse:
    """A manager records that the provider approved the 알림톡 as it stands now; refused if it
    changed since the page was opened (the approval was for the text they saw)."""
    row = _row_of(membership, template_id)
    back = edit_url(row.event, row.channel, row.language)
    if row.channel != Channel.ALIMTALK or not row.needs_approval:
        messages.info(request, _("This template waits for no approval."))
        return redirect(back)
    if request.POST.get("seen", "") != row.updated_at.isoformat():
        messages.error(
            request, _("The text changed since you opened the page: check it and approve again.")
        )
        return redirect(back)
    try:
        template_approved(row, actor=actor_of(request, membership), now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Approved as %(code)s: shoppers get this 알림톡 from now on.")
            % {"code": row.alimtalk_code},
        )
    return redirect(back)


@needs(Capability.NOTIFY_TEMPLATES_EDIT)
@require_POST
def message_template_reset(
    request: HttpRequest, membership: StoreMembership, template_id: int
) -> HttpResponse:
    row = _row_of(membership, template_id)
    try:
        template_reset(row, actor=actor_of(request, membership))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Back to Banpum's default text."))
    return redirect(edit_url(row.event, row.channel, row.language))
