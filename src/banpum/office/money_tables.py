"""The refund queues as a sortable table, exported to CSV/Excel with accounts masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from banpum.office.formatting import money
from banpum.settlement import texts
from banpum.settlement.interest import days_late
from banpum.settlement.models import Refund, RefundMethod, RefundStatus
from banpum.settlement.transfer_schemas import bank_name


def _account_words(record: Refund) -> str:
    masked = getattr(record, "account_masked", None)
    if masked:
        return f"{bank_name(getattr(record, 'account_bank_code', '') or '')} {masked}".strip()
    if record.method == RefundMethod.BANK_TRANSFER:
        return str(_("Account needed"))
    return ""


class RefundTable(tables.Table):
    id = tables.Column(verbose_name=_("Refund"))
    return_number = tables.Column(
        verbose_name=_("Return number"), accessor="return_request__number", order_by=("id",)
    )
    order_number = tables.Column(
        verbose_name=_("Order number"), accessor="order__channel_order_number"
    )
    kind = tables.Column(verbose_name=_("Kind"))
    method = tables.Column(verbose_name=_("Method"))
    status = tables.Column(verbose_name=_("Status"))
    amount = tables.Column(verbose_name=_("Amount"), attrs={"td": {"class": "num"}})
    due_on = tables.DateColumn(verbose_name=_("Due"), format="Y.m.d")
    late = tables.Column(verbose_name=_("Days late"), empty_values=(), orderable=False)
    account = tables.Column(verbose_name=_("Refund account"), empty_values=(), orderable=False)
    problem = tables.Column(verbose_name=_("Last error"), empty_values=(), orderable=False)
    actions = tables.Column(
        verbose_name="", empty_values=(), orderable=False, exclude_from_export=True
    )

    class Meta:
        model = Refund
        fields = (
            "id",
            "return_number",
            "order_number",
            "kind",
            "method",
            "status",
            "amount",
            "due_on",
            "late",
            "account",
            "problem",
            "actions",
        )
        order_by = ("due_on", "id")
        attrs = {"class": "table"}
        empty_text = _("No refund in this queue.")

    def __init__(self, *args: Any, today: dt.date, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.request = request

    def render_return_number(self, record: Refund) -> SafeString | str:
        number = record.return_request.number if record.return_request else None
        if not number:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("office:return-money", args=[number]), number
        )

    def value_return_number(self, record: Refund) -> str:
        return record.return_request.number or "" if record.return_request else ""

    def render_kind(self, record: Refund) -> str:
        return str(record.get_kind_display())

    def render_method(self, record: Refund) -> str:
        return str(record.get_method_display())

    def render_status(self, record: Refund) -> SafeString:
        return format_html(
            '<span class="status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, record: Refund) -> str:
        return str(record.get_status_display())

    def render_amount(self, value: int) -> str:
        return money(value)

    def value_amount(self, value: int) -> int:
        return value

    def _late(self, record: Refund) -> int:
        if record.status in (RefundStatus.PAID, RefundStatus.PAID_BY_CHANNEL):
            return 0
        return days_late(record.due_on, self.today)

    def render_late(self, record: Refund) -> str:
        late = self._late(record)
        return str(late) if late else "-"

    def value_late(self, record: Refund) -> int:
        return self._late(record)

    def render_account(self, record: Refund) -> str:
        return _account_words(record)

    def value_account(self, record: Refund) -> str:
        return _account_words(record)

    def _problem(self, record: Refund) -> str:
        if not record.last_error_code:
            return ""
        return texts.error_label(record.last_error_code, record.last_error)

    def render_problem(self, record: Refund) -> str:
        return self._problem(record)

    def value_problem(self, record: Refund) -> str:
        return self._problem(record)

    def render_actions(self, record: Refund) -> SafeString | str:
        if record.status != RefundStatus.FAILED or self.request is None:
            return ""
        return format_html(
            '<form method="post" action="{}" class="inline-form">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit">{}</button></form>',
            reverse("office:refund-retry", args=[record.pk]),
            get_token(self.request),
            _("Retry"),
        )
