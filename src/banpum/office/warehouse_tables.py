"""The unidentified parcels (미확인 입고) as their Excel/CSV download.

The page lays its rows out by hand (each waiting row carries its match form); this table is
the same columns for the file: the sender's phone masked (a list shows whose phone, not the
number), the arrival on the store's clock as a date cell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from banpum.office.formatting import local_naive, phone_masked
from banpum.warehouse.models import UnidentifiedParcel


class UnidentifiedParcelTable(tables.Table):
    id = tables.Column(verbose_name="#")
    received_at = tables.Column(verbose_name=_("Arrived"))
    code = tables.Column(verbose_name=_("Code"))
    sender = tables.Column(verbose_name=_("Sender"), accessor="sender_name", empty_values=())
    note = tables.Column(verbose_name=_("Note"))
    matched_return = tables.Column(
        verbose_name=_("Return"), accessor="matched_return__number", default=""
    )

    class Meta:
        model = UnidentifiedParcel
        fields = ("id", "received_at", "code", "sender", "note", "matched_return")
        orderable = False

    def __init__(self, *args: Any, zone: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone or settings.TIME_ZONE  # the store's: exported times on its clock

    def value_received_at(self, value: dt.datetime | None) -> dt.datetime | None:
        return local_naive(value, self.zone)

    def value_sender(self, record: UnidentifiedParcel) -> str:
        return f"{record.sender_name} {phone_masked(record.sender_phone)}".strip()
