"""The return list as a sortable table, and its CSV/Excel export."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from banpum.office.formatting import cell_safe, money, phone_masked
from banpum.policy import texts as policy_texts
from banpum.policy.models import ReturnPolicy
from banpum.policy.selectors import policy_rules
from banpum.returns.models import ReturnRequest


class ReturnTable(tables.Table):
    number = tables.Column(verbose_name=_("Return number"), order_by=("id",))
    status = tables.Column(verbose_name=_("Status"))
    order_number = tables.Column(
        verbose_name=_("Order number"), accessor="order__channel_order_number"
    )
    customer = tables.Column(verbose_name=_("Customer"), accessor="customer__name")
    reason = tables.Column(verbose_name=_("Reason"), accessor="reason_code")
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="Y.m.d H:i")
    refund_estimate = tables.Column(
        verbose_name=_("Refund estimate"), attrs={"td": {"class": "num"}}
    )

    class Meta:
        model = ReturnRequest
        fields = (
            "number",
            "status",
            "order_number",
            "customer",
            "reason",
            "created_at",
            "refund_estimate",
        )
        order_by = ("-created_at",)
        attrs = {"class": "table"}
        empty_text = _("No returns match.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rules: dict[int, Any] = {}

    def _reason_words(self, record: ReturnRequest) -> str:
        policy: ReturnPolicy = record.policy
        if policy.pk not in self._rules:
            self._rules[policy.pk] = policy_rules(policy)
        return policy_texts.reason_label(
            self._rules[policy.pk].reason(record.reason_code), record.reason_code
        )

    def _customer_words(self, record: ReturnRequest) -> str:
        customer = record.customer
        if customer is None:
            return ""
        return f"{customer.name} {phone_masked(customer.phone)}".strip()

    def render_number(self, record: ReturnRequest) -> SafeString:
        url = reverse("office:return-detail", args=[record.number])
        return format_html('<a href="{}">{}</a>', url, record.number)

    def value_number(self, record: ReturnRequest) -> str:
        return record.number or ""

    # ``value`` is already the status's label: tables2 calls ``get_status_display`` for a
    # field with choices, and each call costs a tenth of a millisecond (a dict of every label).
    def render_status(self, record: ReturnRequest, value: Any) -> SafeString:
        return format_html('<span class="badge badge-{}">{}</span>', record.status, value)

    def value_status(self, value: Any) -> str:
        return str(value)

    def render_customer(self, record: ReturnRequest) -> str:
        return self._customer_words(record)

    def value_customer(self, record: ReturnRequest) -> str:
        return self._customer_words(record)

    def render_reason(self, record: ReturnRequest) -> str:
        return self._reason_words(record)

    def value_reason(self, record: ReturnRequest) -> str:
        return self._reason_words(record)

    def render_refund_estimate(self, value: int) -> str:
        return money(value)

    def value_refund_estimate(self, value: int) -> int:
        return value


class SafeTableExport(TableExport):
    """tables2's export with every text cell safe to open in a spreadsheet (no formulas), and
    CSV with a UTF-8 byte order mark so that Excel reads the Korean right."""

    def table_to_dataset(self, table: Any, exclude_columns: Any, dataset_kwargs: Any = None) -> Any:
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = type(dataset)(title=dataset.title)
        safe.headers = [cell_safe(header) for header in dataset.headers or []]
        for row in dataset:
            safe.append([cell_safe(cell) for cell in row])
        return safe

    def export(self) -> Any:
        exported = super().export()
        if self.format == self.CSV:
            return "\ufeff" + exported
        return exported
