"""A pickup's status history is append-only in the database, as return events are.

``pickup_transition`` is the one writer of a pickup's status and records every move as a
``PickupStatusChange``; a trigger refuses any UPDATE of those rows, so no ``QuerySet.update``,
``bulk_update`` or raw SQL can rewrite the history. DELETE stays possible for the same reason as
for return events (returns/migrations/0006): Django cascades children before their parent, and
``flush`` must work; the application never deletes a status change.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "logistics_pickupstatuschange"
MESSAGE = "pickup status changes are append-only"

STATEMENTS = {
    "sqlite": (
        [
            f"""
            CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
            """
        ],
        [f"DROP TRIGGER IF EXISTS {TABLE}_no_update"],
    ),
    "postgresql": (
        [
            f"""
            CREATE OR REPLACE FUNCTION {TABLE}_refuse_update() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END
            $$
            """,
            f"""
            CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_update()
            """,
        ],
        [
            f"DROP TRIGGER IF EXISTS {TABLE}_no_update ON {TABLE}",
            f"DROP FUNCTION IF EXISTS {TABLE}_refuse_update()",
        ],
    ),
}


def _run(schema_editor: Any, *, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"no append-only trigger for the {vendor} database")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement)


def install(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, forward=True)


def uninstall(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0008_pickup_label_codes"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
