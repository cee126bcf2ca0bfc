"""Ledgers and histories of this app are append-only in the database (core.db.append_only)."""

from __future__ import annotations

from django.db import migrations

from banpum.core.db.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0010_outbound_shipments"),
    ]

    operations = [
        AppendOnly("logistics.OutboundStatusChange"),
    ]
