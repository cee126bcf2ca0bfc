"""Receiving by scan: from every status a box may come in, boxes counted, pickups closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from banpum.core.errors import Conflict
from banpum.logistics.models import PickupStatus, PickupStatusChange
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import ReturnStatus as S
from banpum.warehouse.models import ReturnReceipt
from banpum.warehouse.services import return_receive
from tests.logistics.helpers import (
    approve,
    book,
    incoming,
    linked_account,
    pickup_of,
    reload,
)
from tests.returns.helpers import open_return
from tests.warehouse.helpers import WORKER, arrive, at, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "status", [S.PICKUP_REQUESTED, S.AWAITING_SHIPMENT, S.IN_TRANSIT, S.ARRIVED]
)
def test_a_return_is_received_from_every_status_a_box_may_come_in(order: Any, status: S) -> None:
    return_request = walk(open_return(order), status, at(3))
    received = return_receive(return_request=return_request, actor=WORKER, now=at(6))
    assert received.status == S.RECEIVED
    assert received.received_at == at(6)
    receipt = ReturnReceipt.objects.get(return_request=received)
    assert (receipt.boxes, receipt.received_by, receipt.received_at) == (1, WORKER.label, at(6))


@pytest.mark.parametrize("status", [S.REQUESTED, S.APPROVED, S.CANCELLED])
def test_a_return_not_yet_sent_cannot_be_received(order: Any, status: S) -> None:
    return_request = walk(open_return(order), status, at(3))
    with pytest.raises(Conflict) as refused:
        return_receive(return_request=return_request, actor=WORKER, now=at(6))
    assert refused.value.code == "illegal_transition"
    assert not ReturnReceipt.objects.exists()


def test_the_refund_clock_starts_at_the_delivery_when_it_came_before_the_scan(order: Any) -> None:
    """Delivered Friday 3 July, scanned Monday 6 July: 3 business days from Friday end on
    Wednesday 8 July (the weekend does not count); from the scan it would be Thursday 9."""
    return_request = walk(open_return(order), S.IN_TRANSIT, at(1))
    arrive(return_request, at(3, 15))
    received = return_receive(return_request=return_request, actor=WORKER, now=at(6, 9))
    assert received.arrived_at == at(3, 15)
    assert received.refund_due_on == dt.date(2026, 7, 8)


def test_a_scan_before_any_delivery_starts_the_clock_itself(order: Any) -> None:
    return_request = walk(open_return(order), S.IN_TRANSIT, at(1))
    received = return_receive(return_request=return_request, actor=WORKER, now=at(6, 9))
    assert received.arrived_at is None
    assert received.refund_due_on == dt.date(2026, 7, 9)


def test_a_double_scan_says_when_and_by_whom(order: Any, english: None) -> None:
    return_request = walk(open_return(order), S.ARRIVED, at(3))
    return_receive(return_request=return_request, actor=WORKER, now=at(6, 9, 30))
    with pytest.raises(Conflict) as again:
        return_receive(return_request=return_request, actor=WORKER, now=at(6, 9, 31))
    assert again.value.code == "already_received"
    assert "2026-07-06 09:30" in again.value.message
    assert WORKER.label in again.value.message
    assert ReturnReceipt.objects.count() == 1


def test_receiving_closes_a_booked_pickup_through_its_table(order: Any) -> None:
    linked_account(order.store, "http://127.0.0.1:9")
    return_request = approve(order)
    book(return_request, "612300000001")
    received = return_receive(return_request=reload(return_request), actor=WORKER, now=at(6))
    pickup = pickup_of(received)
    assert pickup.status == PickupStatus.DELIVERED
    assert pickup.delivered_at == at(6)
    change = PickupStatusChange.objects.filter(pickup=pickup).latest("id")
    assert (change.action, change.from_status) == ("receive_at_warehouse", PickupStatus.ACCEPTED)
    assert pickup.parcel is not None
    assert not reload(pickup.parcel).is_open


def test_a_booking_still_unanswered_is_cancelled_not_delivered(order: Any) -> None:
    linked_account(order.store, "http://127.0.0.1:9")
    return_request = approve(order)
    assert pickup_of(return_request).status == PickupStatus.REQUESTED
    return_receive(return_request=reload(return_request), actor=WORKER, now=at(6))
    assert pickup_of(return_request).status == PickupStatus.CANCELLED


def test_a_two_box_pickup_is_received_box_by_box(order: Any) -> None:
    linked_account(order.store, "http://127.0.0.1:9")
    return_request = approve(order)
    pickup = book(return_request, "612300000002")
    type(pickup).objects.filter(pk=pickup.pk).update(box_count=2)

    first = return_receive(return_request=reload(return_request), actor=WORKER, now=at(6, 9))
    assert first.status == S.PARTIALLY_RECEIVED
    assert first.received_at is None
    assert pickup_of(return_request).status == PickupStatus.ACCEPTED  # the second box travels

    second = return_receive(return_request=first, actor=WORKER, now=at(6, 14))
    assert second.status == S.RECEIVED
    assert second.received_at == at(6, 14)
    assert pickup_of(return_request).status == PickupStatus.DELIVERED
    event = second.events.filter(data__action="receive_part").get()
    assert (event.data["boxes_received"], event.data["box_count"]) == (1, 2)


def test_a_late_delivery_event_stamped_before_the_scan_restarts_the_clock(order: Any) -> None:
    """Scanned Monday; the carrier's DELIVERED of Friday arrives on Tuesday."""
    linked_account(order.store, "http://127.0.0.1:9")
    return_request = approve(order)
    book(return_request, "612300000003")
    received = return_receive(return_request=reload(return_request), actor=WORKER, now=at(6, 9))
    assert received.refund_due_on == dt.date(2026, 7, 9)

    tracking_events_ingest(
        carrier_code="kr.cjlogistics",
        events_in=[incoming("612300000003", "DELIVERED", 0, start=at(3, 15))],
        now=at(7),
    )
    after = reload(received)
    assert after.arrived_at == at(3, 15)
    assert after.refund_due_on == dt.date(2026, 7, 8)
    assert after.status == S.RECEIVED
    assert pickup_of(after).delivered_at == at(3, 15)


def test_a_delivery_event_after_the_scan_changes_nothing(order: Any) -> None:
    linked_account(order.store, "http://127.0.0.1:9")
    return_request = approve(order)
    book(return_request, "612300000004")
    return_receive(return_request=reload(return_request), actor=WORKER, now=at(6, 9))
    tracking_events_ingest(
        carrier_code="kr.cjlogistics",
        events_in=[incoming("612300000004", "DELIVERED", 0, start=at(6, 11))],
        now=at(7),
    )
    after = reload(return_request)
    assert after.arrived_at is None
    assert after.refund_due_on == dt.date(2026, 7, 9)
