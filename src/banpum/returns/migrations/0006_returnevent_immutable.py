"""Return events are immutable in the database, not only in ``ReturnEvent.save()``.

A trigger refuses every UPDATE of an event's columns, on SQLite and PostgreSQL alike, so no
``bulk_update``, ``QuerySet.update`` or raw SQL can rewrite history. Two exceptions, both by
design:

- ``actor_user_id`` may be set to NULL: deleting a user account (``on_delete=SET_NULL``) must
  not be blocked by its history. The event keeps ``actor_label`` and ``actor_type``.
- DELETE is allowed. Events leave only with their whole return: Django runs cascades itself,
  deleting the children before the parent, so the database cannot tell a cascade from a lone
  delete, and test cleanup and ``flush`` (``DELETE FROM`` on SQLite) must keep working. The
  application never deletes an event (the admin refuses it; a return is never deleted).

On SQLite a later migration that rebuilds this table (most AlterFields do) drops its triggers:
tests/returns/test_events_immutable.py fails then; create them again in that migration.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "returns_returnevent"
# Every column but actor_user_id, whose change to NULL a separate trigger lets through.
COLUMNS = (
    "id, return_request_id, type, from_status, to_status, actor_type, actor_label, note, "
    "data, at"
)
MESSAGE = "return events are append-only"

SQLITE = [
    f"""
    CREATE TRIGGER returns_returnevent_no_update
    BEFORE UPDATE OF {COLUMNS} ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END
    """,
    f"""
    CREATE TRIGGER returns_returnevent_no_actor_change
    BEFORE UPDATE OF actor_user_id ON {TABLE}
    WHEN NEW.actor_user_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS returns_returnevent_no_update",
    "DROP TRIGGER IF EXISTS returns_returnevent_no_actor_change",
]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION returns_returnevent_refuse_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"""
    CREATE TRIGGER returns_returnevent_no_update
    BEFORE UPDATE OF {COLUMNS} ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION returns_returnevent_refuse_update()
    """,
    f"""
    CREATE TRIGGER returns_returnevent_no_actor_change
    BEFORE UPDATE OF actor_user_id ON {TABLE}
    FOR EACH ROW WHEN (NEW.actor_user_id IS NOT NULL)
    EXECUTE FUNCTION returns_returnevent_refuse_update()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS returns_returnevent_no_update ON {TABLE}",
    f"DROP TRIGGER IF EXISTS returns_returnevent_no_actor_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS returns_returnevent_refuse_update()",
]

BY_VENDOR = {
    "sqlite": (SQLITE, SQLITE_REVERSE),
    "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE),
}


def _run(schema_editor: Any, *, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in BY_VENDOR:
        raise RuntimeError(f"no append-only trigger for the {vendor} database")
    statements = BY_VENDOR[vendor][0 if forward else 1]
    for statement in statements:
        schema_editor.execute(statement)


def install(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, forward=True)


def uninstall(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0005_returnrequest_times_from_the_clock"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
