"""Return events cannot be rewritten, by any path, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.returns.models import ReturnEvent, ReturnRequest
from banpum.returns.services import return_note_add
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(order: Any) -> ReturnEvent:
    return ReturnEvent.objects.filter(return_request=open_return(order)).earliest("id")


def test_a_raw_update_is_refused(event: ReturnEvent) -> None:
    table = ReturnEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The table name is our model's, not input.
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["rewritten", event.pk])  # noqa: S608
    event.refresh_from_db()
    assert event.note == ""


@pytest.mark.parametrize(
    "change",
    [
        {"at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
        {"to_status": "completed"},
        {"data": {"forged": True}},
    ],
    ids=["at", "to_status", "data"],
)
def test_queryset_update_is_refused(event: ReturnEvent, change: dict[str, Any]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ReturnEvent.objects.filter(pk=event.pk).update(**change)


def test_bulk_update_is_refused(event: ReturnEvent) -> None:
    event.at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ReturnEvent.objects.bulk_update([event], ["at"])


def test_deleting_the_user_who_acted_keeps_the_event(order: Any) -> None:
    """SET_NULL of the acting user is the one update let through; the label stays."""
    user = get_user_model().objects.create_user("agent", password="x")
    membership = StoreMembership.objects.create(user=user, store=order.store, role="cs_agent")
    return_request = open_return(order)
    note = return_note_add(
        return_request=return_request,
        actor=Actor.staff(user, membership),
        note="고객 통화 완료",
        now=return_request.created_at,
    )
    user.delete()
    event = ReturnEvent.objects.get(return_request=note, type="note_added")
    assert event.actor_user_id is None
    assert event.actor_label


def test_a_whole_return_can_still_be_deleted(event: ReturnEvent) -> None:
    """Cleanup and flush delete returns with their history (children first, by Django)."""
    ReturnRequest.objects.filter(pk=event.return_request_id).delete()
    assert not ReturnEvent.objects.filter(pk=event.pk).exists()
