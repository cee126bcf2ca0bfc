"""Polling carriers that send no webhooks: ``GET /v1/tracking/{waybill}`` on the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import PickupStatus, TrackingEvent
from banpum.logistics.selectors import pickup_exceptions
from banpum.logistics.services.tracking import tracking_poll
from banpum.returns.models import ReturnStatus as S
from tests.logistics.helpers import approve, linked_account, pickup_of, reload, sim_tracking

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


@pytest.fixture
def polled_account(store: Any, simulator: CarrierSimulator) -> Any:
    return linked_account(store, simulator, poll_tracking=True)


def test_polling_follows_the_parcel_to_the_warehouse(
    order: Any, polled_account: Any, simulator: CarrierSimulator, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)

    assert tracking_poll(now=timezone.now()) == {"polled": 1, "failed": 0}
    assert TrackingEvent.objects.filter(pickup=pickup).count() == 1  # 접수, nothing more yet
    assert reload(approved).status == S.PICKUP_REQUESTED

    simulator.advance(2 * 3600)
    tracking_poll(now=timezone.now())
    assert reload(approved).status == S.IN_TRANSIT

    simulator.advance(DAY + 3600)
    assert tracking_poll(now=timezone.now()) == {"polled": 1, "failed": 0}
    carrier_view = sim_tracking(polled_account, pickup.waybill_number)
    assert TrackingEvent.objects.filter(pickup=pickup).count() == len(carrier_view["events"]) == 6
    assert reload(pickup).status == PickupStatus.DELIVERED
    assert reload(approved).status == S.ARRIVED

    assert tracking_poll(now=timezone.now()) == {
        "polled": 0,
        "failed": 0,
    }  # delivered parcels are left alone


def test_polling_finds_a_failed_pickup(
    store: Any, order: Any, polled_account: Any, simulator: CarrierSimulator, committed: Any
) -> None:
    simulator.faults_update(exception_rate=1.0, exception_codes=["customer_absent"])
    with committed():
        approved = approve(order)
    simulator.advance(2 * 3600)
    tracking_poll(now=timezone.now())
    pickup = pickup_of(approved)
    assert pickup.status == PickupStatus.EXCEPTION
    assert pickup.exception_code == "customer_absent"
    assert "고객 부재" in pickup.exception_message
    assert list(pickup_exceptions(store=store)) == [pickup]


def test_a_carrier_that_fails_to_answer_is_counted_and_skipped(
    order: Any, polled_account: Any, simulator: CarrierSimulator, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    simulator.faults_update(error_rate=1.0)
    assert tracking_poll(now=timezone.now()) == {"polled": 0, "failed": 1}
    assert reload(approved).status == S.PICKUP_REQUESTED


def test_accounts_with_webhooks_are_not_polled(order: Any, account: Any, committed: Any) -> None:
    with committed():
        approve(order)
    assert tracking_poll(now=timezone.now()) == {"polled": 0, "failed": 0}
