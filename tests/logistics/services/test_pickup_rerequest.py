"""CS answers a pickup exception: book again (new date, new address), or give up the pickup and
let the customer send the parcel (switch to self-ship)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.utils import timezone, translation

from banpum.core.errors import Conflict, ValidationFailed
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus
from banpum.logistics.selectors import pickup_exceptions
from banpum.logistics.services.pickups import (
    PickupDetails,
    pickup_rerequest,
    return_switch_to_self_ship,
)
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.timeline import event_text
from tests.logistics.helpers import (
    CJ,
    CS,
    address_order,
    approve,
    incoming,
    pickup_of,
    reload,
    sim_bookings,
    sim_requests,
)

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + dt.timedelta(days=7)


def customer_absent(pickup: Pickup) -> None:
    tracking_events_ingest(
        carrier_code=CJ,
        events_in=[
            incoming(pickup.waybill_number, "INFORMATION_RECEIVED", 0),
            incoming(
                pickup.waybill_number,
                "ATTEMPT_FAIL",
                3,
                raw_status="고객부재",
                description="고객 부재로 반품 상품을 회수하지 못했습니다",
                exception_code="customer_absent",
            ),
        ],
        now=timezone.now(),
    )


@pytest.fixture
def excepted(order: Any, account: CarrierAccount, committed: Any) -> ReturnRequest:
    """A return whose booked pickup failed: the customer was not at home."""
    with committed():
        approved = approve(order)
    with committed():
        customer_absent(pickup_of(approved))
    assert pickup_of(approved).status == PickupStatus.EXCEPTION
    return approved


def test_rerequest_after_an_exception_books_a_new_pickup_under_a_new_key(
    excepted: ReturnRequest,
    account: CarrierAccount,
    committed: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    old = pickup_of(excepted)
    details = PickupDetails(
        preferred_date=NEXT_WEEK,
        address1="서울특별시 송파구 올림픽로 300",
        address2="경비실",
        memo="경비실에 맡겨 두었습니다",
    )
    with committed():
        new = pickup_rerequest(
            pickup=old, actor=CS, details=details, note="고객 통화: 다음 주", now=timezone.now()
        )

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == PickupStatus.CANCELLED
    assert old.cancel_confirmed is True  # the failed booking is closed at the carrier too
    assert new.status == PickupStatus.ACCEPTED
    assert new.idempotency_key != old.idempotency_key
    assert new.idempotency_key.startswith(f"{excepted.number}-P2-")
    assert (new.preferred_date, new.address1, new.address2, new.postcode) == (
        NEXT_WEEK,
        "서울특별시 송파구 올림픽로 300",
        "경비실",
        "06236",  # kept
    )
    assert new.waybill_number not in ("", old.waybill_number)
    bookings = {b["idempotency_key"]: b for b in sim_bookings(account)}
    assert bookings[old.idempotency_key]["status"] == "cancelled"
    assert bookings[new.idempotency_key]["status"] == "accepted"
    assert len(sim_requests(caplog, "DELETE", "/v1/pickups/")) == 1
    event = excepted.events.get(data__kind="pickup_rerequested")
    assert (event.note, event.data["previous_pickup_id"]) == ("고객 통화: 다음 주", old.pk)
    assert list(pickup_exceptions(store=excepted.store)) == []
    assert reload(excepted).status == S.PICKUP_REQUESTED


def test_rerequest_after_a_failed_booking_with_a_corrected_address(
    store: Any, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        approved = approve(address_order(store, shipping_postcode="00000"))
    failed = pickup_of(approved)
    assert failed.status == PickupStatus.FAILED
    with committed():
        new = pickup_rerequest(
            pickup=failed, actor=CS, details=PickupDetails(postcode="06236"), now=timezone.now()
        )
    assert reload(failed).status == PickupStatus.FAILED  # never booked: nothing to cancel
    assert reload(new).status == PickupStatus.ACCEPTED
    [booking] = sim_bookings(account)
    assert booking["idempotency_key"] == new.idempotency_key


def test_rerequest_keeps_what_cs_leaves_empty(excepted: ReturnRequest, committed: Any) -> None:
    old = pickup_of(excepted)
    Pickup.objects.filter(pk=old.pk).update(box_count=3, box_size="medium", memo="문 앞")
    with committed():
        new = pickup_rerequest(
            pickup=reload(old), actor=CS, details=PickupDetails(), now=timezone.now()
        )
    assert (new.box_count, new.box_size, new.memo, new.fare_amount) == (3, "medium", "문 앞", 4000)
    assert new.preferred_date is None


def test_only_a_failed_or_excepted_pickup_can_be_requested_again(
    order: Any, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    with pytest.raises(Conflict) as refused:
        pickup_rerequest(pickup=pickup_of(approved), actor=CS, now=timezone.now())
    assert refused.value.code == "pickup_not_failed"
    assert refused.value.extra == {"status": "accepted"}
    assert approved.pickups.count() == 1


def test_no_rerequest_once_the_return_has_moved_on(excepted: ReturnRequest, committed: Any) -> None:
    with committed():
        return_switch_to_self_ship(return_request=excepted, actor=CS, now=timezone.now())
    excepted_pickup = pickup_of(excepted)
    Pickup.objects.filter(pk=excepted_pickup.pk).update(status=PickupStatus.EXCEPTION)
    with pytest.raises(Conflict) as refused:
        pickup_rerequest(pickup=excepted_pickup, actor=CS, now=timezone.now())
    assert refused.value.code == "return_not_waiting_for_pickup"


def test_switch_to_self_ship_cancels_the_pickup_and_tells_where_to_send(
    excepted: ReturnRequest, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        switched = return_switch_to_self_ship(
            return_request=excepted, actor=CS, note="고객이 직접 보내기로 함", now=timezone.now()
        )
    assert (switched.status, switched.method) == (S.AWAITING_SHIPMENT, "self_ship")
    pickup = pickup_of(excepted)
    assert (pickup.status, pickup.cancel_confirmed) == (PickupStatus.CANCELLED, True)
    assert sim_bookings(account)[0]["status"] == "cancelled"
    event = switched.events.get(to_status=S.AWAITING_SHIPMENT)
    assert event.note == "고객이 직접 보내기로 함"  # CS's words only; the rest is data
    with translation.override("en"):
        text = event_text(event)
    assert text.startswith("Switched to self-ship: the customer sends the parcel.\n")
    assert "(17383) 경기도 이천시 마장면 덕평로 1" in text
    assert list(pickup_exceptions(store=excepted.store)) == []


def test_switch_from_another_status_changes_nothing(
    order: Any, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    with committed():
        waybill = pickup_of(approved).waybill_number
        tracking_events_ingest(
            carrier_code=CJ, events_in=[incoming(waybill, "AT_PICKUP", 1)], now=timezone.now()
        )
    with pytest.raises(Conflict) as refused:
        return_switch_to_self_ship(return_request=approved, actor=CS, now=timezone.now())
    assert refused.value.code == "illegal_transition"
    returned = reload(approved)
    assert (returned.status, returned.method) == (S.IN_TRANSIT, "carrier_pickup")
    assert pickup_of(approved).status == PickupStatus.PICKED_UP


def test_switch_with_a_pickup_in_flight_cancels_it_at_the_carrier(
    order: Any, account: CarrierAccount, simulator: CarrierSimulator, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    with committed():
        switched = return_switch_to_self_ship(return_request=approved, actor=CS, now=timezone.now())
    assert switched.status == S.AWAITING_SHIPMENT
    assert [b["status"] for b in sim_bookings(account)] == ["cancelled"]
    assert switched.events.filter(type=EventType.LOGISTICS, data__kind="pickup_cancelled").exists()


# 2026-11-29 16:30 UTC is already 2026-11-30 01:30 in Seoul, the store's time zone.
SEOUL_JUST_AFTER_MIDNIGHT = dt.datetime(2026, 11, 29, 16, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("day", "accepted"),
    [(dt.date(2026, 11, 29), False), (dt.date(2026, 11, 30), True), (None, True)],
)
def test_a_rerequest_for_a_day_past_in_the_stores_time_zone_is_refused(
    excepted: ReturnRequest, committed: Any, day: dt.date | None, accepted: bool
) -> None:
    pickup = pickup_of(excepted)
    ask: dict[str, Any] = {
        "pickup": pickup,
        "actor": CS,
        "details": PickupDetails(preferred_date=day),
        "now": SEOUL_JUST_AFTER_MIDNIGHT,
    }
    if accepted:
        with committed():
            assert pickup_rerequest(**ask).preferred_date == day
        return
    with pytest.raises(ValidationFailed) as refused:
        pickup_rerequest(**ask)
    assert refused.value.status_code == 422
    assert list(refused.value.extra["fields"]) == ["preferred_date"]
    assert reload(pickup).status == PickupStatus.EXCEPTION  # nothing changed
