"""The booking job against a misbehaving carrier: retries with backoff, lost replies, refusals.

Whatever happens, the carrier (the simulator, over real HTTP) ends up with at most one booking
per pickup, because every attempt carries the pickup row's idempotency key.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from banpum.integrations.carriers.base import PickupBooked
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import CarrierAccount, Gateway, PickupException, PickupStatus
from banpum.logistics.selectors import pickup_exceptions
from banpum.logistics.services.pickups import common as pickup_services
from banpum.logistics.services.pickups import pickup_booking_apply, pickup_request_send
from banpum.returns.models import EventType
from banpum.returns.models import ReturnStatus as S
from banpum.returns.timeline import event_text
from tests.logistics.helpers import (
    address_order,
    approve,
    pickup_of,
    reload,
    sim_bookings,
    sim_requests,
)

pytestmark = pytest.mark.django_db


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)  # Huey's etas are naive UTC


def seconds_until(moment: dt.datetime) -> float:
    return (moment - timezone.now()).total_seconds()


def test_a_retryable_error_is_retried_with_backoff_then_books_exactly_once(
    order: Any, account: CarrierAccount, simulator: CarrierSimulator, committed: Any, jobs: Any
) -> None:
    simulator.faults_update(error_rate=1.0)
    with committed():
        approved = approve(order)

    pickup = pickup_of(approved)
    assert (pickup.status, pickup.attempts) == (PickupStatus.REQUESTED, 1)
    assert pickup.last_error.startswith("http_500: carrier simulator answered 500")
    [retry] = jobs.scheduled()
    assert retry.args == (pickup.pk,)
    assert 8 <= (retry.eta - utc_now()).total_seconds() <= 12  # 10 s ± 20 %
    assert pickup.next_attempt_at is not None
    assert 7 <= seconds_until(pickup.next_attempt_at) <= 12

    # The scheduler runs the retry; the carrier still fails: the next wait doubles.
    jobs.flush()
    with committed():
        pickup_request_send(pickup_id=pickup.pk, now=timezone.now())
    pickup.refresh_from_db()
    [retry] = jobs.scheduled()
    assert pickup.attempts == 2
    assert 16 <= (retry.eta - utc_now()).total_seconds() <= 24

    simulator.faults_update(error_rate=0.0)
    jobs.flush()
    with committed():
        pickup_request_send(pickup_id=pickup.pk, now=timezone.now())
    pickup.refresh_from_db()
    assert (pickup.status, pickup.attempts, pickup.last_error) == (PickupStatus.ACCEPTED, 3, "")
    assert pickup.next_attempt_at is None
    assert jobs.scheduled() == []
    [booking] = sim_bookings(account)
    assert booking["waybill_number"] == pickup.waybill_number
    assert reload(approved).status == S.PICKUP_REQUESTED


@override_settings(BANPUM_CARRIER_TIMEOUT_SECONDS=0.3)
def test_a_lost_reply_is_retried_and_the_carrier_replays_the_same_booking(
    order: Any, account: CarrierAccount, simulator: CarrierSimulator, committed: Any, jobs: Any
) -> None:
    # The carrier books, then sits on its answer longer than we wait.
    simulator.faults_update(timeout_rate=1.0, timeout_seconds=2.0)
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    assert pickup.status == PickupStatus.REQUESTED
    assert pickup.last_error.startswith("timeout:")
    assert pickup.waybill_number == ""
    simulator.faults_update(timeout_rate=0.0)
    [booked_blind] = sim_bookings(account)  # it did book: we just never heard

    jobs.flush()
    with committed():
        pickup_request_send(pickup_id=pickup.pk, now=timezone.now())
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.ACCEPTED
    assert pickup.waybill_number == booked_blind["waybill_number"]
    assert pickup.carrier_reference == booked_blind["reference"]
    assert [b["reference"] for b in sim_bookings(account)] == [booked_blind["reference"]]


def test_a_permanent_error_fails_the_pickup_and_queues_it_for_cs(
    store: Any, account: CarrierAccount, committed: Any, jobs: Any
) -> None:
    order = address_order(store, shipping_postcode="00000")  # the simulator knows no such place
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.attempts) == (PickupStatus.FAILED, 1)
    assert pickup.exception_code == PickupException.BOOKING_FAILED
    assert pickup.exception_message.startswith("주소를 확인할 수 없어 회수 예약을 할 수 없습니다")
    assert pickup.exception_at is not None
    assert pickup.last_error.startswith("address_not_found:")
    assert pickup.next_attempt_at is None
    assert jobs.scheduled() == []  # no point asking again
    assert list(pickup_exceptions(store=store)) == [pickup]
    event = approved.events.filter(type=EventType.LOGISTICS, data__kind="pickup_failed").get()
    assert event.note == ""
    with translation.override("en"):
        assert event_text(event).startswith(
            "CJ Logistics could not book the pickup. CS must check it. "
            "The carrier said: 주소를 확인할 수 없어"
        )
    assert event.data["error"] == "address_not_found"
    assert reload(approved).status == S.PICKUP_REQUESTED
    assert sim_bookings(account) == []


def test_a_store_without_a_return_address_fails_with_the_fields_to_fix(
    store: Any, account: CarrierAccount, committed: Any
) -> None:
    store.return_address_phone = store.return_address_postcode = store.return_address_line1 = ""
    store.save()
    with committed():
        approved = approve(address_order(store))
    pickup = pickup_of(approved)
    assert pickup.status == PickupStatus.FAILED
    for field in ("receiver.phone: required", "receiver.postcode: required"):
        assert field in pickup.exception_message


def test_retries_stop_after_the_last_allowed_attempt(
    order: Any,
    account: CarrierAccount,
    simulator: CarrierSimulator,
    committed: Any,
    jobs: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pickup_services, "MAX_BOOKING_ATTEMPTS", 3)
    simulator.faults_update(error_rate=1.0)
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    for _ in range(2):
        jobs.flush()
        with committed():
            pickup_request_send(pickup_id=pickup.pk, now=timezone.now())
    pickup.refresh_from_db()
    assert (pickup.status, pickup.attempts) == (PickupStatus.FAILED, 3)
    assert pickup.exception_code == PickupException.BOOKING_FAILED
    assert jobs.scheduled() == []
    event = approved.events.get(type=EventType.LOGISTICS, data__kind="pickup_failed")
    assert event.data["attempts"] == 3


def test_a_pickup_whose_jobs_kept_dying_is_given_up_without_calling_again(
    order: Any,
    account: CarrierAccount,
    committed: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with django_capture_on_commit_callbacks():  # the job never ran
        approved = approve(order)
    pickup = pickup_of(approved)
    # Eight workers were killed mid-call (each counted its attempt first).
    type(pickup).objects.filter(pk=pickup.pk).update(
        attempts=pickup_services.MAX_BOOKING_ATTEMPTS, last_error="timeout: worker lost"
    )
    caplog.set_level(logging.INFO)
    with committed():
        pickup_request_send(pickup_id=pickup.pk, now=timezone.now())
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.FAILED
    assert pickup.last_error.startswith("gave_up: No booking after 8 attempts")
    assert sim_requests(caplog, "POST", "/v1/pickups") == []


def test_the_job_does_nothing_for_a_pickup_already_booked(
    order: Any, account: CarrierAccount, committed: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    caplog.set_level(logging.INFO)
    caplog.clear()
    with committed():
        assert pickup_request_send(pickup_id=pickup.pk, now=timezone.now()) == pickup
    assert sim_requests(caplog, "POST", "/v1/pickups") == []
    assert reload(pickup).attempts == 1


def test_an_answer_applied_twice_books_and_tells_once(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():
        approved = approve(order)
    pickup = pickup_of(approved)
    booked = PickupBooked("PK1", "600000000017", fare_amount=4000)
    pickup_booking_apply(pickup_id=pickup.pk, result=booked, now=timezone.now())
    pickup_booking_apply(
        pickup_id=pickup.pk, result=PickupBooked("PK2", "600000000024"), now=timezone.now()
    )
    pickup.refresh_from_db()
    assert (pickup.status, pickup.waybill_number, pickup.fare_amount) == (
        PickupStatus.ACCEPTED,
        "600000000017",
        4000,
    )
    assert approved.events.filter(data__kind="pickup_booked").count() == 1


def test_an_account_unlinked_meanwhile_fails_the_booking_for_cs(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any, committed: Any
) -> None:
    with django_capture_on_commit_callbacks():
        approved = approve(order)
    CarrierAccount.objects.filter(pk=account.pk).update(gateway=Gateway.NONE)
    with committed():
        pickup_request_send(pickup_id=pickup_of(approved).pk, now=timezone.now())
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.attempts) == (PickupStatus.FAILED, 0)
    assert pickup.last_error.startswith("unlinked:")


def test_a_missing_pickup_is_no_error() -> None:
    assert pickup_request_send(pickup_id=999_999, now=timezone.now()) is None
