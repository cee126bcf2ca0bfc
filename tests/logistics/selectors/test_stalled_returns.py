"""Returns at risk of being lost, found by looking far ahead (``now``): each step that takes
too long, with its age and the value of the goods still out of the seller's hands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus
from banpum.logistics.selectors import (
    StalledReturn,
    StallThresholds,
    pickup_exceptions,
    stalled_return_ids,
    stalled_returns,
)
from banpum.logistics.services.pickups import pickup_register_manual
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import StoreFactory, make_policy
from tests.logistics.helpers import (
    CJ,
    CS,
    address_order,
    approve,
    incoming,
    journey,
    linked_account,
    pickup_of,
    store_with_return_address,
    unlinked_account,
)

pytestmark = pytest.mark.django_db

LIMITS = StallThresholds(
    not_booked_hours=12,
    not_collected_days=3,
    not_shipped_days=7,
    not_delivered_days=5,
    exception_hours=4,
)


def ahead(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def found_at(store: Any, now: dt.datetime) -> list[StalledReturn]:
    """``stalled_returns``, checked against ``stalled_return_ids`` (the same rules, counted by
    the database for the office's queue): both find the same returns, every time."""
    found = stalled_returns(store=store, now=now, thresholds=LIMITS)
    ids = stalled_return_ids(store=store, now=now, thresholds=LIMITS)
    assert set(ids) == {item.return_request.pk for item in found}
    assert ids.count() == len(found)
    return found


def stalled(store: Any, **delta: float) -> dict[str, tuple[str, float, int]]:
    """number → (kind, age in hours, value at risk), ``delta`` from now."""
    return {
        item.return_request.number or "": (
            item.kind,
            round(item.age.total_seconds() / 3600),
            item.value_at_risk,
        )
        for item in found_at(store, ahead(**delta))
    }


@pytest.fixture
def booked(order: Any, account: CarrierAccount, committed: Any) -> ReturnRequest:
    with committed():
        return approve(order)


def test_approved_without_a_pickup(store: Any, order: Any) -> None:
    approved = approve(order)  # no carrier
    assert stalled(store, hours=11) == {}
    assert stalled(store, hours=13) == {approved.number: ("not_booked", 13, 10_000)}


def test_a_pickup_never_booked(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():
        approved = approve(order)
    [item] = found_at(order.store, ahead(hours=13))
    assert (item.return_request, item.kind, item.pickup) == (
        approved,
        "not_booked",
        pickup_of(approved),
    )


def test_booked_but_not_collected(store: Any, booked: ReturnRequest) -> None:
    assert stalled(store, days=2) == {}
    assert stalled(store, days=4) == {booked.number: ("not_collected", 96, 10_000)}


def test_collected_but_not_delivered(store: Any, booked: ReturnRequest) -> None:
    picked_up = timezone.now() - dt.timedelta(hours=1)
    tracking_events_ingest(
        carrier_code=CJ,
        events_in=[incoming(pickup_of(booked).waybill_number, "AT_PICKUP", 0, start=picked_up)],
        now=timezone.now(),
    )
    assert stalled(store, days=4) == {}
    assert stalled(store, days=6) == {booked.number: ("not_delivered", 145, 10_000)}


def test_delivered_returns_are_not_stalled(store: Any, booked: ReturnRequest) -> None:
    tracking_events_ingest(
        carrier_code=CJ, events_in=journey(pickup_of(booked).waybill_number), now=timezone.now()
    )
    assert stalled(store, days=30) == {}


def test_a_waybill_typed_in_but_never_delivered(store: Any, order: Any) -> None:
    unlinked_account(store)
    awaiting = approve(order)
    pickup_register_manual(
        return_request=awaiting, actor=CS, waybill_number="512345678901", now=timezone.now()
    )
    assert stalled(store, days=4) == {}
    assert stalled(store, days=6) == {awaiting.number: ("not_delivered", 144, 10_000)}


def test_an_exception_nobody_answered(store: Any, booked: ReturnRequest) -> None:
    failed_at = timezone.now() - dt.timedelta(hours=1)
    tracking_events_ingest(
        carrier_code=CJ,
        events_in=[
            incoming(
                pickup_of(booked).waybill_number,
                "ATTEMPT_FAIL",
                0,
                start=failed_at,
                exception_code="customer_absent",
            )
        ],
        now=timezone.now(),
    )
    assert stalled(store, hours=2) == {}
    assert stalled(store, hours=5) == {booked.number: ("exception", 6, 10_000)}


def test_a_booking_that_failed_for_good(store: Any, account: Any, committed: Any) -> None:
    with committed():
        failed = approve(address_order(store, shipping_postcode="00000"))
    assert pickup_of(failed).status == PickupStatus.FAILED
    assert stalled(store, hours=5) == {failed.number: ("booking_failed", 5, 10_000)}


def test_awaiting_the_customers_parcel_too_long(store: Any, order: Any) -> None:
    unlinked_account(store)
    awaiting = approve(order)
    assert awaiting.status == S.AWAITING_SHIPMENT
    assert stalled(store, days=6) == {}
    assert stalled(store, days=8) == {awaiting.number: ("not_shipped", 192, 10_000)}


def test_returns_past_the_parcel_are_not_stalled(store: Any, booked: ReturnRequest) -> None:
    """Received at the counter while the pickup still looks open: nothing is lost."""
    ReturnRequest.objects.filter(pk=booked.pk).update(status=S.RECEIVED)
    assert stalled(store, days=30) == {}


def test_each_return_once_and_the_oldest_first_with_the_values_summed(
    store: Any, account: Any, committed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with committed():
        collected = approve(address_order(store, lines=[{"quantity": 1, "unit_price": 50_000}]))
    with django_capture_on_commit_callbacks():
        never_booked = approve(address_order(store, lines=[{"quantity": 1, "unit_price": 7_000}]))
    Pickup.objects.filter(return_request=never_booked).update(
        requested_at=timezone.now() - dt.timedelta(days=10)
    )
    found = found_at(store, ahead(days=4))
    assert [(s.return_request, s.kind) for s in found] == [
        (never_booked, "not_booked"),
        (collected, "not_collected"),
    ]
    assert sum(s.value_at_risk for s in found) == 57_000


def test_another_stores_returns_are_not_listed(store: Any, booked: ReturnRequest) -> None:
    other = store_with_return_address(StoreFactory(slug="other"))
    make_policy(other)
    assert stalled_returns(store=other, now=ahead(days=30)) == []
    assert not stalled_return_ids(store=other, now=ahead(days=30)).exists()
    assert list(pickup_exceptions(store=other)) == []


def test_default_thresholds_come_from_the_environment_defaults() -> None:
    assert StallThresholds() == LIMITS


def test_another_store_with_its_own_carrier(
    store: Any, booked: ReturnRequest, simulator: Any
) -> None:
    other = store_with_return_address(StoreFactory(slug="second"))
    make_policy(other)
    linked_account(other, simulator)
    assert set(stalled(store, days=4)) == {booked.number}
    assert stalled_returns(store=other, now=ahead(days=4)) == []
    assert not stalled_return_ids(store=other, now=ahead(days=4)).exists()


def test_an_exception_stamped_in_the_future_is_stalled_from_when_it_arrived(
    store: Any, booked: ReturnRequest
) -> None:
    """A carrier clock three hours ahead must not keep the exception off the list for hours."""
    received = timezone.now()
    waybill = pickup_of(booked).waybill_number
    tracking_events_ingest(
        carrier_code=CJ,
        events_in=[
            incoming(waybill, "INFORMATION_RECEIVED", 0, start=received - dt.timedelta(hours=1)),
            incoming(waybill, "ATTEMPT_FAIL", 3, start=received, exception_code="customer_absent"),
        ],
        now=received,
    )
    pickup = pickup_of(booked)
    assert (pickup.status, pickup.exception_at) == (PickupStatus.EXCEPTION, received)
    # The row keeps the carrier's own stamp.
    assert pickup.parcel is not None
    stamped = pickup.parcel.tracking_events.get(status="ATTEMPT_FAIL")
    assert stamped.occurred_at == received + dt.timedelta(hours=3)

    def kinds(after: dt.timedelta) -> dict[str, str]:
        found = found_at(store, received + after)
        return {item.return_request.number or "": item.kind for item in found}

    assert kinds(dt.timedelta(hours=3, minutes=59)) == {}
    assert kinds(dt.timedelta(hours=4, minutes=1)) == {booked.number: "exception"}
