"""The machinery of a lifecycle table for rows that a job moves: the table, and the one locked
write that applies a move.

An entity whose status jobs change (a message, a webhook delivery) declares its moves as data,
``(from, action, to)`` triples, and writes its status only through ``row_transition``: the row is
locked, the move looked up in the table, the status and the other fields the move sets saved
together. A move the table does not hold raises the entity's own 409 error, so a retried or
duplicated job can never push a row somewhere its lifecycle does not go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from django.db import models, transaction

from banpum.core.errors import ErrorCode

Row = TypeVar("Row", bound=models.Model)
Table = dict[tuple[str, str], str]


def transition_table(transitions: tuple[tuple[StrEnum, StrEnum, StrEnum], ...]) -> Table:
    """``{(from, action): to}``; a (from, action) pair given twice is a programming error."""
    table: Table = {(str(s), str(a)): str(t) for s, a, t in transitions}
    if len(table) != len(transitions):
        raise RuntimeError("duplicate (status, action) in the transitions")
    return table


def row_transition(
    row: Row,
    *,
    table: Table,
    action: StrEnum,
    now: dt.datetime,
    illegal: ErrorCode,
    changes: Mapping[str, Any] | None = None,
) -> Row:
    """Apply ``action`` to ``row`` under its row lock, with the fields ``changes`` sets (and
    ``updated_at``); the locked, saved row. Not in the table: ``illegal`` (a 409)."""
    with transaction.atomic():
        locked = type(row)._default_manager.select_for_update().get(pk=row.pk)
        status = locked.status  # type: ignore[attr-defined]
        target = table.get((status, str(action)))
        if target is None:
            raise illegal(
                action=action.value,
                status=locked.get_status_display(),  # type: ignore[attr-defined]
                extra={"status": status, "action": action.value},
            )
        locked.status = target  # type: ignore[attr-defined]
        locked.updated_at = now  # type: ignore[attr-defined]
        fields = {"status", "updated_at"}
        for name, value in (changes or {}).items():
            if name == "status":
                raise ValueError("the status is the table's to set")
            setattr(locked, name, value)
            fields.add(name)
        locked.save(update_fields=sorted(fields))
    return locked
