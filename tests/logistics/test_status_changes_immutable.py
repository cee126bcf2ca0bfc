"""A pickup's status history cannot be rewritten, by any path, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from banpum.logistics.models import CarrierAccount, PickupStatusChange
from tests.logistics.helpers import approve, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(order: Any, offline_account: CarrierAccount) -> PickupStatusChange:
    pickup = book(approve(order))
    return PickupStatusChange.objects.filter(pickup=pickup).latest("id")


def test_a_raw_update_is_refused(change: PickupStatusChange) -> None:
    table = PickupStatusChange._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The table name is our model's, not input.
        cursor.execute(f"UPDATE {table} SET to_status = %s WHERE id = %s", ["failed", change.pk])  # noqa: S608
    change.refresh_from_db()
    assert change.to_status == "accepted"


def test_queryset_and_bulk_updates_are_refused(change: PickupStatusChange) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PickupStatusChange.objects.filter(pk=change.pk).update(action="forged")
    change.at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PickupStatusChange.objects.bulk_update([change], ["at"])


def test_the_history_still_leaves_with_its_pickup(change: PickupStatusChange) -> None:
    change.pickup.delete()
    assert not PickupStatusChange.objects.filter(pk=change.pk).exists()
