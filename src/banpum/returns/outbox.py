"""The returns' events as an outbox that several readers drain, each at its own pace.

A reader (the merchant webhooks, the notifications) keeps a cursor row (``safe_event_id``,
``updated_at``) and a table of the events it has handled past the cursor (``event_id``,
``dispatched_at``). It reads the events after its cursor that it has not marked, marks them in
the same transaction as the work they made, and moves the cursor only past events marked
``settle`` ago: an event with a lower id whose transaction committed late is still found, and
none is read twice. A reader's cursor starts at the newest event: history before it existed is
never sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Model, QuerySet

from banpum.returns.models import ReturnEvent


def outbox_latest_event_id() -> int:
    return int(ReturnEvent.objects.aggregate(latest=Max("id"))["latest"] or 0)


def outbox_cursor_ensure(cursor_model: type[Model], *, now: dt.datetime) -> None:
    """Create the reader's cursor at the newest event, unless it exists."""
    if not cursor_model._default_manager.filter(pk=1).exists():
        cursor_model._default_manager.get_or_create(
            pk=1, defaults={"safe_event_id": outbox_latest_event_id(), "updated_at": now}
        )


def outbox_unread(cursor: Any, marks_model: type[Model]) -> QuerySet[ReturnEvent]:
    """The events after ``cursor`` that the reader has not marked, oldest first."""
    handled = marks_model._default_manager.filter(event_id__gt=cursor.safe_event_id)
    return (
        ReturnEvent.objects.filter(id__gt=cursor.safe_event_id)
        .exclude(id__in=handled.values("event_id"))
        .order_by("id")
    )


def outbox_mark(marks_model: type[Model], events: Iterable[ReturnEvent], now: dt.datetime) -> None:
    marks_model._default_manager.bulk_create(
        [marks_model(event_id=event.pk, dispatched_at=now) for event in events],
        ignore_conflicts=True,
    )


def outbox_advance(
    cursor: Any, marks_model: type[Model], *, now: dt.datetime, settle: dt.timedelta
) -> None:
    """Move the cursor past the events marked ``settle`` ago, forgetting their marks."""
    marks = marks_model._default_manager
    settled = marks.filter(dispatched_at__lte=now - settle).aggregate(settled=Max("event_id"))[
        "settled"
    ]
    if settled is not None and settled > cursor.safe_event_id:
        cursor.safe_event_id = settled
        marks.filter(event_id__lte=settled).delete()
    cursor.updated_at = now
    cursor.save(update_fields=["safe_event_id", "updated_at"])
