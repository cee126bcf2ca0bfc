"""Append-only tables in the database itself: a migration operation that installs the triggers.

``AppendOnlyModel.save()`` refuses to save a row twice, but ``QuerySet.update``,
``bulk_update`` and raw SQL pass by it. The triggers refuse every UPDATE of a row's columns on
SQLite and PostgreSQL alike, with one exception by design: a nullable foreign key declared
``on_delete=SET_NULL`` may be set to NULL, so deleting what it points at (a user, a photo, a
parcel) is never blocked by history. DELETE stays possible, as for return events
(returns/migrations/0006): Django cascades children itself, and ``flush`` must work; the
application never deletes such a row.

The operation reads the columns from the migration's historical model, so it installs what the
table had at that point. On SQLite a later migration that rebuilds the table drops its
triggers: tests/core/test_append_only_triggers.py fails then; add the operation again in that
migration.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

MESSAGE = "rows of this table are append-only"


def trigger_name(table: str) -> str:
    return f"{table}_no_update"


def _columns(model: type[models.Model]) -> tuple[list[str], list[str]]:
    """(columns no UPDATE may touch, nullable SET_NULL foreign keys that may become NULL)."""
    frozen: list[str] = []
    may_clear: list[str] = []
    for field in model._meta.concrete_fields:
        if field.column is None:
            continue
        on_delete = getattr(field.remote_field, "on_delete", None)
        if field.null and on_delete is models.SET_NULL:
            may_clear.append(field.column)
        else:
            frozen.append(field.column)
    return frozen, may_clear


def _sqlite(table: str, frozen: list[str], may_clear: list[str]) -> tuple[list[str], list[str]]:
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END"
    create = [
        f"CREATE TRIGGER {trigger_name(table)} BEFORE UPDATE OF {', '.join(frozen)} "
        f"ON {table} {raise_}"
    ]
    drop = [f"DROP TRIGGER IF EXISTS {trigger_name(table)}"]
    for column in may_clear:
        name = f"{table}_{column}_only_cleared"
        create.append(
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {column} ON {table} "
            f"WHEN NEW.{column} IS NOT NULL {raise_}"
        )
        drop.append(f"DROP TRIGGER IF EXISTS {name}")
    return create, drop


def _postgresql(table: str, frozen: list[str], may_clear: list[str]) -> tuple[list[str], list[str]]:
    function = f"{table}_refuse_update"
    create = [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{table}: {MESSAGE}' USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        f"CREATE TRIGGER {trigger_name(table)} BEFORE UPDATE OF {', '.join(frozen)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}"]
    for column in may_clear:
        name = f"{table}_{column}_only_cleared"
        create.append(
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {column} ON {table} FOR EACH ROW "
            f"WHEN (NEW.{column} IS NOT NULL) EXECUTE FUNCTION {function}()"
        )
        drop.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    drop.append(f"DROP FUNCTION IF EXISTS {function}()")
    return create, drop


_VENDORS = {"sqlite": _sqlite, "postgresql": _postgresql}


def _statements(apps: Any, schema_editor: Any, label: str) -> tuple[list[str], list[str]]:
    vendor = schema_editor.connection.vendor
    if vendor not in _VENDORS:
        raise RuntimeError(f"no append-only trigger for the {vendor} database")
    model = apps.get_model(label)
    frozen, may_clear = _columns(model)
    return _VENDORS[vendor](model._meta.db_table, frozen, may_clear)


def AppendOnly(label: str) -> migrations.RunPython:
    """The operation that makes ``label``'s table ("app.Model") append-only."""

    def install(apps: Any, schema_editor: Any) -> None:
        for statement in _statements(apps, schema_editor, label)[0]:
            schema_editor.execute(statement)

    def uninstall(apps: Any, schema_editor: Any) -> None:
        for statement in _statements(apps, schema_editor, label)[1]:
            schema_editor.execute(statement)

    return migrations.RunPython(install, uninstall, elidable=False)
