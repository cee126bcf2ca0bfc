"""Every append-only table refuses UPDATE in the database, not only in ``save()``."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from banpum.core.db.append_only import trigger_name
from banpum.core.models import AppendOnlyModel
from banpum.logistics.models import PickupStatusChange
from banpum.warehouse.models import ReturnReceipt, StockMovement, UnidentifiedParcel
from tests.factories import make_order
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


def _append_only_tables() -> list[str]:
    models = [
        model
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) or model is PickupStatusChange
    ]
    return sorted(model._meta.db_table for model in models)


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def test_the_list_is_not_empty() -> None:
    assert "warehouse_stockmovement" in _append_only_tables()
    assert "settlement_refundaccount" in _append_only_tables()


@pytest.mark.parametrize("table", _append_only_tables())
def test_every_append_only_table_has_its_trigger(table: str) -> None:
    assert trigger_name(table) in _triggers(), f"{table}: no append-only trigger"


def _receipt(store: Any) -> ReturnReceipt:
    return_request = open_return(make_order(store=store))
    parcel = UnidentifiedParcel.objects.create(store=store, received_at=timezone.now())
    return ReturnReceipt.objects.create(
        return_request=return_request,
        received_at=timezone.now(),
        at=timezone.now(),
        received_by="warehouse",
        unidentified_parcel=parcel,
    )


def test_an_update_is_refused(store: Any) -> None:
    receipt = _receipt(store)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReturnReceipt.objects.filter(pk=receipt.pk).update(boxes=5)
    receipt.refresh_from_db()
    assert receipt.boxes == 1


def test_a_set_null_reference_may_be_cleared_but_not_changed(store: Any) -> None:
    receipt = _receipt(store)
    other = UnidentifiedParcel.objects.create(store=store, received_at=timezone.now())
    with pytest.raises(DatabaseError), transaction.atomic():
        ReturnReceipt.objects.filter(pk=receipt.pk).update(unidentified_parcel=other)
    # Deleting the parcel clears the reference (on_delete=SET_NULL): history does not block it.
    assert receipt.unidentified_parcel is not None
    receipt.unidentified_parcel.delete()
    receipt.refresh_from_db()
    assert receipt.unidentified_parcel_id is None


def test_rows_still_go_when_their_parent_goes(store: Any) -> None:
    receipt = _receipt(store)
    receipt.return_request.receipts.all().delete()
    assert not ReturnReceipt.objects.filter(pk=receipt.pk).exists()
    assert StockMovement.objects.count() == 0
