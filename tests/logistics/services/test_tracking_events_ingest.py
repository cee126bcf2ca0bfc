"""Tracking events in: stored once, applied whatever their order, moving pickups, returns and
forward shipments; failures surface to CS with the carrier's words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus, TrackingEvent
from banpum.logistics.selectors import pickup_exceptions
from banpum.logistics.services import tracking
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.timeline import event_text
from tests.factories import StoreFactory, make_policy
from tests.logistics.helpers import (
    CJ,
    address_order,
    approve,
    book,
    incoming,
    journey,
    linked_account,
    pickup_of,
    reload,
    store_with_return_address,
)

pytestmark = pytest.mark.django_db

ABSENT: dict[str, Any] = {
    "raw_status": "고객부재",
    "description": "고객 부재로 반품 상품을 회수하지 못했습니다",
    "exception_code": "customer_absent",
}


@pytest.fixture
def booked(
    order: Any, offline_account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> ReturnRequest:
    """Booked with waybill 612345678901; no carrier in the loop, only the events fed here."""
    with django_capture_on_commit_callbacks():
        approved = approve(order)
        book(approved)
    assert pickup_of(approved).status == PickupStatus.ACCEPTED
    return approved


def waybill(return_request: ReturnRequest) -> str:
    return pickup_of(return_request).waybill_number


def ingest(*events: Any) -> tracking.IngestResult:
    return tracking_events_ingest(carrier_code=CJ, events_in=list(events), now=timezone.now())


def test_at_pickup_puts_the_return_in_transit(booked: ReturnRequest) -> None:
    number = waybill(booked)
    result = ingest(incoming(number, "INFORMATION_RECEIVED", 0), incoming(number, "AT_PICKUP", 1))
    assert (result.created, result.duplicates, result.unmatched) == (2, 0, [])
    pickup = pickup_of(booked)
    assert pickup.status == PickupStatus.PICKED_UP
    assert pickup.picked_up_at is not None
    returned = reload(booked)
    assert returned.status == S.IN_TRANSIT
    moved = returned.events.get(to_status=S.IN_TRANSIT)
    assert (moved.note, moved.actor_label) == ("", "carrier:kr.cjlogistics")
    with translation.override("en"):
        assert event_text(moved) == f"CJ Logistics collected the parcel: waybill {number}."


def test_delivered_puts_the_return_at_the_warehouse_door(booked: ReturnRequest) -> None:
    number = waybill(booked)
    start = timezone.now() - dt.timedelta(days=2)
    ingest(*journey(number, start))
    pickup = pickup_of(booked)
    assert pickup.status == PickupStatus.DELIVERED
    assert pickup.picked_up_at == start + dt.timedelta(hours=1)
    assert pickup.delivered_at == start + dt.timedelta(hours=24)
    returned = reload(booked)
    assert returned.status == S.ARRIVED
    steps = returned.events.exclude(to_status="").order_by("id").values_list("to_status", flat=True)
    assert list(steps)[-2:] == [S.IN_TRANSIT, S.ARRIVED]


def test_duplicates_are_counted_not_stored_twice(booked: ReturnRequest) -> None:
    number = waybill(booked)
    events = journey(number)
    first = ingest(*events, events[1])  # one duplicate inside the batch
    assert (first.created, first.duplicates) == (6, 1)
    again = ingest(*events)  # the carrier resends everything
    assert (again.created, again.duplicates) == (0, 6)
    assert TrackingEvent.objects.filter(tracking_number=number).count() == 6
    assert reload(booked).events.filter(to_status=S.ARRIVED).count() == 1


def test_events_without_an_id_are_deduplicated_by_their_content(booked: ReturnRequest) -> None:
    number = waybill(booked)
    plain = incoming(number, "AT_PICKUP", 1, event_id="", location="서울강남")
    bare = tracking.IncomingEvent(number, plain.status, plain.occurred_at, location="서울강남")
    assert ingest(bare).created == 1
    assert ingest(bare).duplicates == 1


def test_out_of_order_events_end_where_the_furthest_one_says(booked: ReturnRequest) -> None:
    number = waybill(booked)
    start = timezone.now() - dt.timedelta(days=2)
    steps = journey(number, start)
    ingest(steps[-1])  # DELIVERED first
    assert reload(booked).status == S.ARRIVED
    ingest(steps[2], steps[0], steps[1])  # then the rest, late and shuffled
    ingest(incoming(number, "IN_TRANSIT", 30, start=start))  # and a straggler after delivery
    pickup = pickup_of(booked)
    assert pickup.status == PickupStatus.DELIVERED
    assert pickup.picked_up_at == start + dt.timedelta(hours=1)  # the earliest proof wins
    assert reload(booked).status == S.ARRIVED
    assert reload(booked).events.filter(to_status=S.ARRIVED).count() == 1


def test_a_failed_attempt_is_an_exception_with_the_carriers_words_for_cs(
    store: Any, booked: ReturnRequest
) -> None:
    number = waybill(booked)
    ingest(
        incoming(number, "INFORMATION_RECEIVED", 0), incoming(number, "ATTEMPT_FAIL", 3, **ABSENT)
    )
    pickup = pickup_of(booked)
    assert pickup.status == PickupStatus.EXCEPTION
    assert pickup.exception_code == "customer_absent"
    assert pickup.exception_message == "고객부재: 고객 부재로 반품 상품을 회수하지 못했습니다"
    assert pickup.exception_at is not None
    assert list(pickup_exceptions(store=store)) == [pickup]
    assert reload(booked).status == S.PICKUP_REQUESTED
    [event] = booked.events.filter(type=EventType.LOGISTICS, data__kind="pickup_exception")
    assert event.note == ""
    with translation.override("en"):
        assert event_text(event) == (
            "Pickup failed: Customer absent. "
            "The carrier said: 고객부재: 고객 부재로 반품 상품을 회수하지 못했습니다"
        )
    assert event.data["exception_code"] == "customer_absent"

    ingest(incoming(number, "ATTEMPT_FAIL", 3, **ABSENT))  # a duplicate: nothing new
    assert booked.events.filter(data__kind="pickup_exception").count() == 1


def test_a_second_failed_attempt_updates_the_exception_and_tells_again(
    booked: ReturnRequest,
) -> None:
    number = waybill(booked)
    ingest(incoming(number, "ATTEMPT_FAIL", 3, **ABSENT))
    refused: dict[str, Any] = {
        "raw_status": "회수거부",
        "description": "고객이 인계를 거부했습니다",
    }
    ingest(incoming(number, "ATTEMPT_FAIL", 27, exception_code="refused", **refused))
    pickup = pickup_of(booked)
    assert (pickup.exception_code, pickup.exception_message) == (
        "refused",
        "회수거부: 고객이 인계를 거부했습니다",
    )
    assert booked.events.filter(data__kind="pickup_exception").count() == 2


def test_a_failure_after_pickup_is_ignored(booked: ReturnRequest) -> None:
    number = waybill(booked)
    ingest(incoming(number, "AT_PICKUP", 1), incoming(number, "ATTEMPT_FAIL", 8, **ABSENT))
    assert pickup_of(booked).status == PickupStatus.PICKED_UP
    assert not booked.events.filter(data__kind="pickup_exception").exists()


def test_a_failure_without_a_known_code_is_other(booked: ReturnRequest) -> None:
    ingest(incoming(waybill(booked), "EXCEPTION", 2, description="분실", exception_code="lost"))
    pickup = pickup_of(booked)
    assert (pickup.status, pickup.exception_code) == (PickupStatus.EXCEPTION, "other")
    assert TrackingEvent.objects.get(pickup=pickup).exception_code == ""


def test_unknown_statuses_are_kept_as_unknown(booked: ReturnRequest) -> None:
    ingest(incoming(waybill(booked), "LOST_IN_SPACE", 2, raw_status="우주"))
    event = TrackingEvent.objects.get()
    assert (event.status, event.raw_status) == ("UNKNOWN", "우주")
    assert pickup_of(booked).status == PickupStatus.ACCEPTED


def test_events_for_unknown_parcels_or_without_a_number_are_unmatched(
    order: Any, offline_account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():
        approve(order)  # a pickup not booked yet: its waybill is empty
    result = ingest(incoming("999999999999", "AT_PICKUP", 1), incoming("", "ATTEMPT_FAIL", 2))
    assert (result.created, sorted(result.unmatched)) == (0, ["", "999999999999"])
    assert Pickup.objects.get().status == PickupStatus.REQUESTED
    assert not TrackingEvent.objects.exists()


def test_events_of_a_cancelled_pickup_are_kept_but_move_nothing(
    booked: ReturnRequest, committed: Any
) -> None:
    from banpum.returns.services import return_request_cancel
    from tests.logistics.helpers import CS

    with committed():
        return_request_cancel(now=timezone.now(), return_request=booked, actor=CS)
    ingest(*journey(waybill(booked)))
    assert pickup_of(booked).status == PickupStatus.CANCELLED
    assert reload(booked).status == S.CANCELLED
    assert TrackingEvent.objects.count() == 6


def test_a_forward_delivery_sets_the_shipment_delivered_at_the_earliest_event(
    store: Any,
) -> None:
    order = address_order(store, delivered_days_ago=None)
    shipment = order.shipments.get()
    first = timezone.now() - dt.timedelta(days=3)
    events = [
        incoming(shipment.tracking_number, "DELIVERED", 5, start=first, event_id="d2"),
        incoming(shipment.tracking_number, "AT_PICKUP", 0, start=first, event_id="p1"),
        incoming(shipment.tracking_number, "DELIVERED", 2, start=first, event_id="d1"),
    ]
    result = ingest(*events)
    assert (result.created, result.shipments) == (3, {shipment.pk})
    shipment.refresh_from_db()
    assert shipment.delivered_at == first + dt.timedelta(hours=2)
    assert TrackingEvent.objects.filter(shipment=shipment, pickup=None).count() == 3


def test_a_store_scope_keeps_other_stores_parcels_out_of_reach(booked: ReturnRequest) -> None:
    other = store_with_return_address(StoreFactory(slug="other-store"))
    make_policy(other)
    foreign = linked_account(other, "http://127.0.0.1:9")
    number = waybill(booked)
    result = tracking_events_ingest(
        carrier_code=CJ,
        events_in=[incoming(number, "AT_PICKUP", 1)],
        store_id=foreign.store_id,
        now=timezone.now(),
    )
    assert (result.created, result.unmatched) == (0, [number])
    assert reload(booked).status == S.PICKUP_REQUESTED


def test_events_stored_before_a_crash_are_applied_when_the_carrier_resends_them(
    booked: ReturnRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = waybill(booked)
    real_apply = tracking.pickup_tracking_apply

    def crash(**kwargs: Any) -> Any:
        raise ConnectionError("the process died after storing the events")

    monkeypatch.setattr(tracking, "pickup_tracking_apply", crash)
    with pytest.raises(ConnectionError):
        ingest(*journey(number))
    assert TrackingEvent.objects.count() == 6  # stored, but never applied
    assert reload(booked).status == S.PICKUP_REQUESTED

    monkeypatch.setattr(tracking, "pickup_tracking_apply", real_apply)
    result = ingest(*journey(number))  # the carrier did not get a 2xx, so it sends again
    assert (result.created, result.duplicates) == (0, 6)
    assert reload(booked).status == S.ARRIVED
