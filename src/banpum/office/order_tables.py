"""The order search's results as a sortable, paginated table (phones masked, money in won),
and as its Excel/CSV download: the same columns and the same masking, money as a number and
the order's time as a date on the store's clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Order
from banpum.office.formatting import local_naive, money, phone_masked


class OrderTable(tables.Table):
    channel_order_number = tables.Column(verbose_name=_("Order number"))
    channel = tables.Column(verbose_name=_("Sales channel"), accessor="channel__name")
    ordered_at = tables.DateTimeColumn(verbose_name=_("Ordered"), format="Y.m.d H:i")
    customer = tables.Column(verbose_name=_("Customer"), accessor="customer__name", default="")
    phone = tables.Column(
        verbose_name=_("Phone"), accessor="customer__phone", default="", orderable=False
    )
    shipping_name = tables.Column(verbose_name=_("Recipient"))
    paid_total = tables.Column(verbose_name=_("Amount paid"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Order
        fields = (
            "channel_order_number",
            "channel",
            "ordered_at",
            "customer",
            "phone",
            "shipping_name",
            "paid_total",
        )
        order_by = ("-ordered_at",)
        attrs = {"class": "table"}
        empty_text = _("No order matches.")

    def __init__(self, *args: Any, zone: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone or settings.TIME_ZONE  # the store's: exported times on its clock

    def render_channel_order_number(self, record: Order) -> SafeString:
        url = reverse("office:order-detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.channel_order_number)

    def value_channel_order_number(self, record: Order) -> str:
        return record.channel_order_number

    def value_ordered_at(self, value: dt.datetime | None) -> dt.datetime | None:
        return local_naive(value, self.zone)

    # The export masks the phone as the page does: never more personal data than the screen.
    def render_phone(self, record: Order) -> str:
        phone = record.customer.phone if record.customer else record.shipping_phone
        return phone_masked(phone)

    def value_phone(self, record: Order) -> str:
        return self.render_phone(record)

    def render_paid_total(self, value: int) -> str:
        return money(value)

    def value_paid_total(self, value: int) -> int:
        return value
