"""Read-mostly admin for returns: status moves only through the services."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from banpum.core.actors import Actor
from banpum.core.admin import ReadOnlyAdmin
from banpum.core.errors import ApplicationError
from banpum.policy import texts
from banpum.policy.models import ReturnPolicy
from banpum.policy.selectors import policy_rules
from banpum.returns import services
from banpum.returns.models import (
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatus,
)
from banpum.returns.timeline import event_text


def _status_label(status: str) -> str:
    return str(ReturnStatus(status).label) if status in ReturnStatus.values else status


@admin.display(description=_("status change"))
def status_change(event: ReturnEvent) -> str:
    if not event.from_status:
        return _status_label(event.to_status)
    return f"{_status_label(event.from_status)} → {_status_label(event.to_status)}"


@admin.display(description=_("what happened"))
def what_happened(event: ReturnEvent) -> SafeString:
    # Escaped: the words carry the carrier's and the store's own text.
    return SafeString(linebreaks(event_text(event), autoescape=True))


def _reason_words(policy: ReturnPolicy, code: str) -> str:
    """A reason's label in the admin's language, from the policy version the return used."""
    return texts.reason_label(policy_rules(policy).reason(code), code)


@admin.display(description=_("reason"))
def reason_label(return_request: ReturnRequest) -> str:
    return _reason_words(return_request.policy, return_request.reason_code)


def _money(amount: object) -> str:
    return texts.money(amount) if amount is not None else "-"


def _date(value: object) -> str:
    """An ISO date of a stored decision, as the admin's language writes dates."""
    if not isinstance(value, str) or not value:
        return "-"
    return formats.date_format(dt.date.fromisoformat(value))


@admin.display(description=_("decision"))
def decision_html(return_request: ReturnRequest) -> SafeString:
    """The stored decision in words: outcome, explanation, each line, fee, refund, deadlines."""
    if not return_request.decision:
        return SafeString("-")
    decision = texts.decision_words(return_request.decision)
    names = {
        line.order_line_id: f"{line.order_line.line_number}. {line.order_line.name}"
        for line in return_request.lines.select_related("order_line")
    }
    fee = decision.get("fee") or {}
    refund = decision.get("refund") or {}
    deadlines = decision.get("deadlines") or {}
    yes, no = _("Eligible"), _("Not eligible")
    lines = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                names.get(line.get("order_line_id"), line.get("order_line_id")),
                line.get("quantity"),
                yes if line.get("eligible") else no,
                _money(line.get("refund_amount")),
                " ".join(p["message"] for p in line.get("problems") or []),
            )
            for line in decision.get("lines") or []
        ),
    )
    problems = " ".join(p["message"] for p in decision.get("problems") or [])
    return format_html(
        "<p><strong>{}</strong></p>{}<ul>{}</ul>"
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>"
        "<p>{}: {} · {} · {}</p>"
        "<p>{}: {} ({}: {}, {}: {}, {}: {})</p>"
        "<p>{}: {} · {}: {} · {}: {}</p>",
        texts.label(texts.OUTCOME_LABELS, decision.get("outcome")),
        format_html("<p>{}</p>", problems) if problems else "",
        format_html_join("", "<li>{}</li>", ((text,) for text in decision["explanation"])),
        _("Order line"),
        _("Quantity"),
        _("Eligibility"),
        _("Refund"),
        _("Problems"),
        lines,
        _("Return fee"),
        texts.label(texts.FEE_PAYER_LABELS, fee.get("payer")),
        _money(fee.get("amount")),
        texts.label(texts.FEE_COLLECTION_LABELS, fee.get("collection")) or "-",
        _("Refund estimate"),
        _money(refund.get("total")),
        _("items"),
        _money(refund.get("items")),
        _("shipping"),
        _money(refund.get("shipping")),
        _("deduction"),
        _money(refund.get("deduction")),
        _("Request by"),
        _date(deadlines.get("request_until")),
        _("Change of mind until"),
        _date(deadlines.get("withdrawal_until")),
        _("Refund within (business days)"),
        deadlines.get("refund_business_days") or "-",
    )


class ReadOnlyInline(admin.TabularInline[ReturnLine | ReturnEvent, ReturnRequest]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["order_line", "quantity", "reason", "condition", "refund_estimate", "outcome"]
    readonly_fields = ["reason"]

    @admin.display(description=_("reason"))
    def reason(self, line: ReturnLine) -> str:
        return _reason_words(line.return_request.policy, line.reason_code)


class ReturnEventInline(ReadOnlyInline):
    model = ReturnEvent
    fields = ["at", "type", "status_change", "actor_type", "actor_label", "what_happened", "note"]
    readonly_fields = ["status_change", "what_happened"]
    ordering = ["at", "id"]

    @admin.display(description=_("status change"))
    def status_change(self, event: ReturnEvent) -> str:
        return status_change(event)

    @admin.display(description=_("what happened"))
    def what_happened(self, event: ReturnEvent) -> SafeString:
        return what_happened(event)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin[ReturnRequest]):
    list_display = [
        "number",
        "status",
        "type",
        reason_label,
        "resolution",
        "method",
        "origin",
        "fee_amount",
        "refund_estimate",
        "order",
        "created_at",
    ]
    list_filter = ["status", "type", "origin", "resolution", "method", "hold_reason", "store"]
    list_select_related = ["order", "policy"]
    search_fields = ["number", "order__channel_order_number", "customer__name", "customer__phone"]
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline, ReturnEventInline]
    actions = ["approve", "cancel"]
    show_full_result_count = False

    # Words instead of codes and JSON: the reason's label, the decision explained.
    _SHOWN_AS = {"reason_code": reason_label, "decision": decision_html}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [self._SHOWN_AS.get(field.name, field.name) for field in self.model._meta.fields]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_readonly_fields(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[ReturnRequest], command: Callable[..., Any]
    ) -> None:
        done = 0
        for return_request in queryset:
            try:
                command(
                    return_request=return_request,
                    actor=Actor.staff(request.user),
                    now=timezone.now(),
                )
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"{return_request}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d return(s) updated.") % {"count": done})

    @admin.action(description=_("Approve selected returns"))
    def approve(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._apply(request, queryset, services.return_request_approve)

    @admin.action(description=_("Cancel selected returns"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._apply(request, queryset, services.return_request_cancel)


@admin.register(ReturnEvent)
class ReturnEventAdmin(ReadOnlyAdmin[ReturnEvent]):
    list_display = ["return_request", "type", status_change, what_happened, "actor_label", "at"]
    list_filter = ["type", "actor_type"]
    list_select_related = ["return_request"]
    search_fields = ["return_request__number", "note"]


@admin.register(ReturnLine)
class ReturnLineAdmin(admin.ModelAdmin[ReturnLine]):
    list_display = ["return_request", "order_line", "quantity", "reason_code", "condition"]
    list_select_related = ["return_request", "order_line"]
    search_fields = ["return_request__number", "order_line__sku"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReturnPhoto)
class ReturnPhotoAdmin(ReadOnlyAdmin[ReturnPhoto]):
    """Shoppers' photos as rows (the files stay in their private storage)."""

    list_display = ["return_request", "order", "content_type", "width", "height", "uploaded_at"]
    list_select_related = ["return_request", "order"]
    search_fields = ["return_request__number", "order__channel_order_number"]
