"""The message attempt log is append-only in the database (core.db.append_only)."""

from __future__ import annotations

from django.db import migrations

from banpum.core.db.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
    ]

    operations = [
        AppendOnly("notify.MessageAttempt"),
    ]
