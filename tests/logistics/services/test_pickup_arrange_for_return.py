"""Approval of a carrier-pickup return arranges the pickup: booked by a job, or instructions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone, translation

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import CarrierAccount, CarrierRule, Pickup, PickupStatus
from banpum.logistics.selectors import stalled_returns
from banpum.policy.types import Method
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_approve
from banpum.returns.timeline import event_text
from tests.logistics.helpers import (
    CS,
    EPOST,
    address_order,
    approve,
    linked_account,
    pickup_of,
    reload,
    sim_bookings,
    unlinked_account,
)
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


def logistics_events(return_request: ReturnRequest) -> list[tuple[str, str, str]]:
    """Kind, note (a person's words only) and the text an English reader sees."""
    rows = return_request.events.filter(type=EventType.LOGISTICS).order_by("id")
    with translation.override("en"):
        return [(e.data["kind"], e.note, event_text(e)) for e in rows]


def test_a_linked_carrier_is_booked_by_a_job_after_the_approval_commits(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        approved = approve(order)

    # Decided and written in the approval's transaction; not a single call to the carrier yet.
    assert approved.status == S.PICKUP_REQUESTED
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.account, pickup.attempts) == (PickupStatus.REQUESTED, account, 0)
    assert pickup.idempotency_key.startswith(f"{approved.number}-P1-")
    assert pickup.selection_reason == "the store's default carrier → CJ 반품 계약"
    assert pickup.next_attempt_at is not None
    assert (pickup.contact_name, pickup.postcode, pickup.box_size, pickup.fare_amount) == (
        "홍길동",
        "06236",
        "small",
        3500,
    )
    assert sim_bookings(account) == []
    assert len(callbacks) == 1

    callbacks[0]()  # the commit hook: enqueue, which runs the job at once in test mode

    pickup.refresh_from_db()
    [booking] = sim_bookings(account)
    assert pickup.status == PickupStatus.ACCEPTED
    assert pickup.waybill_number == booking["waybill_number"] != ""
    assert pickup.carrier_reference == booking["reference"]
    assert booking["idempotency_key"] == pickup.idempotency_key
    assert booking["return_number"] == approved.number
    assert (pickup.attempts, pickup.next_attempt_at, pickup.last_error) == (1, None, "")
    assert pickup.accepted_at is not None
    assert reload(approved).status == S.PICKUP_REQUESTED  # until the driver collects it
    assert logistics_events(approved) == [
        (
            "pickup_booked",
            "",
            f"CJ Logistics booked the pickup: waybill {pickup.waybill_number}.",
        )
    ]


def test_the_booking_carries_the_customer_and_the_return_address(
    order: Any, account: CarrierAccount, simulator: CarrierSimulator, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    # What the carrier received, read from the simulator's own records.
    [tenant] = [t for t in simulator._tenants.values() if t.bookings]
    [booking] = tenant.bookings.values()
    sent = booking.request
    assert sent["sender"] == {
        "name": "홍길동",
        "phone": "010-1234-5678",
        "postcode": "06236",
        "address1": "서울특별시 강남구 테헤란로 152",
        "address2": "12층",
    }
    assert sent["receiver"]["name"] == "반품센터"
    assert sent["receiver"]["postcode"] == "17383"
    assert sent["items"] == [{"name": order.lines.get().name, "quantity": 1}]
    assert sent["original_waybill"] == order.shipments.get().tracking_number
    assert sent["idempotency_key"] == pickup.idempotency_key


def test_no_pickup_row_and_no_job_when_the_approval_rolls_back(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> None:
    return_request = open_return(order)
    written: list[bool] = []

    def approve_then_fail() -> None:
        with transaction.atomic():
            return_request_approve(now=timezone.now(), return_request=return_request, actor=CS)
            written.append(Pickup.objects.filter(return_request=return_request).exists())
            raise RuntimeError("the approval's transaction fails after the pickup was written")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        approve_then_fail()
    assert written == [True]
    assert callbacks == []
    assert not Pickup.objects.filter(return_request=return_request).exists()
    assert reload(return_request).status == S.REQUESTED
    assert sim_bookings(account) == []


def test_an_unlinked_carrier_sends_the_customer_instructions(store: Any, order: Any) -> None:
    unlinked_account(store)
    approved = approve(order)
    assert approved.status == S.AWAITING_SHIPMENT
    assert not approved.pickups.exists()
    event = approved.events.filter(to_status=S.AWAITING_SHIPMENT).get()
    assert event.note == ""  # facts in data, words when shown (issue 7)
    with translation.override("en"):
        text = event_text(event)
    assert text.startswith("Hanjin cannot be booked from here")
    assert "the waybill number" in text
    assert "Carrier's customer centre: 1588-0011" in text
    assert "Send to: 반품센터 031-123-4567 (17383) 경기도 이천시 마장면 덕평로 1" in text
    assert "한진택배 앱에서 반품 예약" in text  # the store's own instructions, as written
    assert (event.data["carrier"], event.data["cause"]) == ("kr.hanjin", "carrier_unlinked")


def test_without_a_carrier_the_return_stays_approved_and_is_flagged_stalled(
    store: Any, order: Any
) -> None:
    approved = approve(order)
    assert approved.status == S.APPROVED
    assert not approved.pickups.exists()
    assert logistics_events(approved) == [
        ("no_carrier", "", "No active carrier account: set one up, then the pickup is booked.")
    ]
    later = timezone.now() + dt.timedelta(days=1)
    [stalled] = stalled_returns(store=store, now=later)
    assert (stalled.return_request, stalled.kind, stalled.pickup) == (approved, "not_booked", None)


def test_an_inactive_account_counts_as_none(store: Any, order: Any, simulator: Any) -> None:
    linked_account(store, simulator, is_active=False)
    assert approve(order).status == S.APPROVED


def test_a_carrier_rule_routes_jeju_to_another_account(
    store: Any, simulator: CarrierSimulator, committed: Any
) -> None:
    cj = linked_account(store, simulator)
    jeju = linked_account(store, simulator, name="우체국 제주", code=EPOST, is_default=False)
    CarrierRule.objects.create(
        store=store, priority=10, account=jeju, postcode_prefixes=["63"], note="제주 도서"
    )
    with committed():
        seoul = approve(address_order(store))
        island = approve(
            address_order(
                store, shipping_postcode="63122", shipping_address1="제주특별자치도 제주시"
            )
        )
    assert pickup_of(seoul).account == cj
    assert pickup_of(island).account == jeju
    assert pickup_of(island).selection_reason == (
        "rule 10 (제주 도서): postcode starts with 63 → 우체국 제주"
    )
    assert [b["return_number"] for b in sim_bookings(jeju)] == [island.number]
    assert [b["return_number"] for b in sim_bookings(cj)] == [seoul.number]


@pytest.mark.parametrize("method", [Method.SELF_SHIP, Method.CVS_DROP_OFF])
def test_other_methods_book_nothing(
    order: Any, account: CarrierAccount, method: Method, committed: Any
) -> None:
    with committed():
        approved = approve(order, method=method)
    assert approved.status == S.AWAITING_SHIPMENT
    assert not approved.pickups.exists()
    assert sim_bookings(account) == []


def test_the_booking_takes_the_address_date_and_memo_given_at_opening(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> None:
    from banpum.returns.pickup_wish import PickupWish

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    wish = PickupWish(
        contact_phone="010-5555-6666",
        postcode="04524",
        address1="서울특별시 중구 세종대로 110",
        preferred_date=tomorrow,
        memo="경비실에 맡겨 두었어요",
    )
    with django_capture_on_commit_callbacks():
        opened = open_return(order, create_kwargs={"pickup": wish})
        approved = return_request_approve(return_request=opened, actor=CS, now=timezone.now())
    pickup = pickup_of(approved)
    assert (pickup.postcode, pickup.address1, pickup.address2) == (
        "04524",
        "서울특별시 중구 세종대로 110",
        "12층",  # not given: the order's
    )
    assert (pickup.contact_name, pickup.contact_phone) == ("홍길동", "010-5555-6666")
    assert (pickup.preferred_date, pickup.memo) == (tomorrow, "경비실에 맡겨 두었어요")


def test_a_wished_day_past_by_the_approval_is_dropped(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> None:
    from banpum.returns.pickup_wish import PickupWish

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    wish = PickupWish(preferred_date=tomorrow)
    opened = open_return(order, create_kwargs={"pickup": wish})
    with django_capture_on_commit_callbacks():
        approved = return_request_approve(
            return_request=opened, actor=CS, now=timezone.now() + dt.timedelta(days=3)
        )
    assert pickup_of(approved).preferred_date is None
