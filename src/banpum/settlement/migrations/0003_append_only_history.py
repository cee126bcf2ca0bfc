"""Ledgers and histories of this app are append-only in the database (core.db.append_only)."""

from __future__ import annotations

from django.db import migrations

from banpum.core.db.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [
        ("settlement", "0002_bank_transfers"),
    ]

    operations = [
        AppendOnly("settlement.RefundStatusChange"),
        AppendOnly("settlement.StoreCreditEntry"),
        AppendOnly("settlement.RefundAccount"),
        AppendOnly("settlement.ExchangeStatusChange"),
    ]
