"""Upgrading an install with pickups: migration 0006 gives each its carrier, a parcel per
waybill (tracking events included) and what the carrier heard of a cancel."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from banpum.logistics.models import CancelState, CarrierAccount, Parcel, Pickup, PickupStatus
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.services import return_request_cancel
from tests.logistics.helpers import CJ, CS, address_order, approve, book, journey, pickup_of

BEFORE = [("logistics", "0004_alter_carrieraccount_options_and_more")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_existing_pickups_get_carriers_parcels_and_cancel_states(
    store: Any, offline_account: CarrierAccount
) -> None:
    delivered = approve(address_order(store))
    book(delivered, "612345678901")
    tracking_events_ingest(carrier_code=CJ, events_in=journey("612345678901"), now=timezone.now())
    waiting = approve(address_order(store))
    book(waiting, "612345678902")
    cancelled = return_request_cancel(
        return_request=approve(address_order(store)), actor=CS, now=timezone.now()
    )
    # Every app's latest, not only logistics': going back to 0004 also unapplies the apps whose
    # migrations depend on later logistics ones (settlement), and later transactional tests
    # need their tables back.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    _migrate(BEFORE)
    _migrate(latest)

    first, second, third = (pickup_of(r) for r in (delivered, waiting, cancelled))
    assert {p.carrier.code for p in (first, second, third)} == {CJ}
    assert first.parcel is not None
    assert second.parcel is not None
    assert (first.parcel.tracking_number, first.parcel.is_open) == ("612345678901", False)
    assert first.parcel.tracking_events.count() == 6
    assert (second.parcel.tracking_number, second.parcel.is_open) == ("612345678902", True)
    assert third.parcel is None
    # Its booking was tried (the carrier was down), so the carrier is still owed the cancel.
    assert (third.status, third.cancel_state) == (PickupStatus.CANCELLED, CancelState.REQUESTED)
    assert Parcel.objects.count() == 2
    assert Pickup.objects.filter(cancel_state="").count() == 2
