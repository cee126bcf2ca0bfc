"""Forward shipments and hand-entered waybills tracked through tracker.delivery.

Real HTTP to the local fake of tracker.delivery's GraphQL API; the client is the real one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from banpum.commerce.models import Shipment
from banpum.integrations.carriers.tracker_delivery import TrackerDeliveryClient
from banpum.logistics.models import PickupStatus
from banpum.logistics.services.pickups import pickup_register_manual
from banpum.logistics.services.tracking import tracking_poll_public
from banpum.returns.models import ReturnStatus as S
from tests.factories import make_order
from tests.integrations.fakes.tracker_delivery_server import FakeTrackerDelivery, make_event
from tests.logistics.helpers import CS, address_order, reload, unlinked_account
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake() -> Iterator[FakeTrackerDelivery]:
    with FakeTrackerDelivery(client_id="banpum", client_secret="s3cret") as server:
        yield server


def client_for(fake: FakeTrackerDelivery) -> TrackerDeliveryClient:
    return TrackerDeliveryClient("banpum", "s3cret", endpoint=fake.url, timeout=2)


def test_a_forward_delivery_sets_delivered_at_which_starts_the_window(
    store: Any, fake: FakeTrackerDelivery
) -> None:
    order = make_order(store=store, delivered_days_ago=None)
    shipment = Shipment.objects.get(order=order)
    assert shipment.delivered_at is None
    fake.add_parcel(
        shipment.carrier_code,
        shipment.tracking_number,
        [
            make_event("AT_PICKUP", "2026-11-20T09:00:00+09:00", name="집화처리"),
            make_event("DELIVERED", "2026-11-22T14:05:00+09:00", name="배달완료"),
        ],
    )

    assert tracking_poll_public(client=client_for(fake), now=timezone.now()) == {
        "polled": 1,
        "failed": 0,
    }

    assert reload(shipment).delivered_at == dt.datetime(2026, 11, 22, 5, 5, tzinfo=dt.UTC)
    # Delivered parcels are not asked about again.
    assert tracking_poll_public(client=client_for(fake), now=timezone.now()) == {
        "polled": 0,
        "failed": 0,
    }


def test_a_hand_entered_waybill_moves_its_return_to_arrived(
    store: Any, fake: FakeTrackerDelivery
) -> None:
    unlinked_account(store, code="kr.hanjin", is_default=True)
    return_request = walk_to(open_return(address_order(store)), S.AWAITING_SHIPMENT)
    pickup = pickup_register_manual(
        return_request=return_request, actor=CS, waybill_number="4123 5678 9012", now=timezone.now()
    )
    Shipment.objects.update(delivered_at=timezone.now())  # only the return parcel is tracked
    fake.add_parcel(
        "kr.hanjin",
        "412356789012",
        [
            make_event("AT_PICKUP", "2026-11-23T10:00:00+09:00", location="인천"),
            make_event("DELIVERED", "2026-11-24T11:00:00+09:00", location="이천"),
        ],
    )

    assert tracking_poll_public(client=client_for(fake), now=timezone.now())["polled"] == 1

    assert reload(pickup).status == PickupStatus.DELIVERED
    assert reload(return_request).status == S.ARRIVED


def test_failures_are_counted_and_nothing_changes(store: Any, fake: FakeTrackerDelivery) -> None:
    order = make_order(store=store, delivered_days_ago=None)
    fake.mode = "internal"
    assert tracking_poll_public(client=client_for(fake), now=timezone.now()) == {
        "polled": 0,
        "failed": 1,
    }
    assert Shipment.objects.get(order=order).delivered_at is None


def test_without_credentials_it_does_nothing(store: Any, settings: Any) -> None:
    make_order(store=store, delivered_days_ago=None)
    settings.BANPUM_TRACKER_DELIVERY_CLIENT_ID = ""
    assert tracking_poll_public(now=timezone.now()) == {"polled": 0, "failed": 0}
