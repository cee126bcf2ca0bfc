"""Cancelling a return stops its pickup, at the carrier too, exactly once; and only until the
carrier has the parcel."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from banpum.core.errors import Conflict
from banpum.integrations.carriers.simulator import SimulatorGateway
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import (
    CancelState,
    CarrierAccount,
    Pickup,
    PickupStatus,
    PickupStatusChange,
)
from banpum.logistics.services.pickups import (
    pickup_cancel_send,
    pickups_cancel_for_return,
    pickups_sweep,
)
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_cancel
from banpum.returns.timeline import event_text
from tests.logistics.helpers import (
    CJ,
    CS,
    approve,
    incoming,
    pickup_of,
    reload,
    sim_bookings,
    sim_requests,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def cancel(return_request: ReturnRequest) -> ReturnRequest:
    return return_request_cancel(
        now=timezone.now(), return_request=return_request, actor=CS, note="고객 변심 철회"
    )


def test_cancel_before_pickup_cancels_the_booking_at_the_carrier_once(
    order: Any,
    account: CarrierAccount,
    committed: Any,
    logs: pytest.LogCaptureFixture,
) -> None:
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    assert pickup.status == PickupStatus.ACCEPTED

    with committed():
        cancelled = cancel(approved)

    pickup.refresh_from_db()
    assert cancelled.status == S.CANCELLED
    assert (pickup.status, pickup.cancel_confirmed, pickup.next_attempt_at) == (
        PickupStatus.CANCELLED,
        True,
        None,
    )
    assert pickup.cancelled_at is not None
    assert pickup.cancel_state == CancelState.CONFIRMED  # what CS reads, not the server log
    [booking] = sim_bookings(account)
    assert (booking["status"], booking["cancelled_at"] is not None) == ("cancelled", True)
    assert len(sim_requests(logs, "DELETE", "/v1/pickups/")) == 1
    event = approved.events.get(type=EventType.LOGISTICS, data__kind="pickup_cancelled")
    assert event.data["pickup_ids"] == [pickup.pk]

    # Re-running the job, or the sweep much later, sends nothing more.
    with committed():
        pickup_cancel_send(pickup_id=pickup.pk, now=timezone.now())
        pickups_sweep(now=timezone.now() + dt.timedelta(hours=1))
    assert len(sim_requests(logs, "DELETE", "/v1/pickups/")) == 1


def test_cancel_before_the_booking_job_ran_calls_the_carrier_never(
    order: Any,
    account: CarrierAccount,
    committed: Any,
    django_capture_on_commit_callbacks: Any,
    logs: pytest.LogCaptureFixture,
) -> None:
    with django_capture_on_commit_callbacks() as booking_jobs:
        approved = approve(order)
    with committed():
        cancel(approved)
    with committed():
        booking_jobs[0]()  # the booking job comes late: finds the pickup cancelled
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.attempts, pickup.next_attempt_at) == (
        PickupStatus.CANCELLED,
        0,
        None,
    )
    assert sim_bookings(account) == []
    assert sim_requests(logs, "DELETE", "/v1/pickups/") == []


def test_cancel_while_the_booking_is_in_flight_cancels_what_it_booked(
    order: Any,
    account: CarrierAccount,
    committed: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    with django_capture_on_commit_callbacks() as booking_jobs:
        approved = approve(order)
    real_request_pickup = SimulatorGateway.request_pickup

    def booked_while_cs_cancels(self: SimulatorGateway, order: Any) -> Any:
        result = real_request_pickup(self, order)
        monkeypatch.setattr(SimulatorGateway, "request_pickup", real_request_pickup)
        # CS cancels after the carrier booked, before its answer is applied.
        with committed():
            cancel(approved)
        assert pickup_of(approved).status == PickupStatus.CANCELLED
        return result

    monkeypatch.setattr(SimulatorGateway, "request_pickup", booked_while_cs_cancels)
    with committed():
        booking_jobs[0]()

    pickup = pickup_of(approved)
    [booking] = sim_bookings(account)
    assert reload(approved).status == S.CANCELLED
    assert pickup.status == PickupStatus.CANCELLED
    assert pickup.carrier_reference == booking["reference"]  # the late answer is kept…
    assert (booking["status"], pickup.cancel_confirmed) == ("cancelled", True)  # …and undone
    assert len(sim_requests(logs, "DELETE", "/v1/pickups/")) == 1
    assert not approved.events.filter(data__kind="pickup_booked").exists()


@override_settings(BANPUM_CARRIER_TIMEOUT_SECONDS=0.3)
def test_cancel_after_a_lost_booking_reply_finds_the_booking_by_its_key_and_cancels_it(
    order: Any,
    account: CarrierAccount,
    simulator: CarrierSimulator,
    committed: Any,
    logs: pytest.LogCaptureFixture,
) -> None:
    simulator.faults_update(timeout_rate=1.0, timeout_seconds=2.0)
    with committed():
        approved = approve(order)  # booked at the carrier; the answer never came back
    simulator.faults_update(timeout_rate=0.0)
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.carrier_reference, pickup.attempts) == ("requested", "", 1)

    with committed():
        cancel(approved)

    pickup.refresh_from_db()
    [booking] = sim_bookings(account)
    assert booking["status"] == "cancelled"
    assert pickup.carrier_reference == booking["reference"]
    assert pickup.cancel_confirmed is True


def test_a_cancel_the_carrier_cannot_take_now_is_retried_later(
    order: Any,
    account: CarrierAccount,
    simulator: CarrierSimulator,
    committed: Any,
    jobs: Any,
) -> None:
    with committed():
        approved = approve(order)
    simulator.faults_update(error_rate=1.0)
    with committed():
        cancel(approved)
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.cancel_confirmed) == (PickupStatus.CANCELLED, False)
    assert pickup.cancel_state == CancelState.REQUESTED  # still owed to the carrier
    assert pickup.last_error.startswith("cancel: http_500")
    [retry] = jobs.scheduled()
    assert retry.args == (pickup.pk,)
    assert pickup.next_attempt_at is not None
    assert pickup.next_attempt_at > timezone.now()

    simulator.faults_update(error_rate=0.0)
    jobs.flush()
    with committed():
        pickup_cancel_send(pickup_id=pickup.pk, now=timezone.now())
    pickup.refresh_from_db()
    assert (pickup.cancel_confirmed, pickup.next_attempt_at, pickup.last_error) == (True, None, "")
    assert sim_bookings(account)[0]["status"] == "cancelled"


def test_cancel_after_the_carrier_collected_tells_cs_and_stops_trying(
    order: Any,
    account: CarrierAccount,
    simulator: CarrierSimulator,
    committed: Any,
    logs: pytest.LogCaptureFixture,
) -> None:
    with committed():
        approved = approve(order)
    simulator.advance(2 * 3600)  # the driver has been: its AT_PICKUP has not reached us yet

    with committed():
        cancel(approved)  # we cannot know yet: the return is cancelled here…

    pickup = pickup_of(approved)
    [booking] = sim_bookings(account)
    assert booking["status"] == "picked_up"  # …but the carrier keeps the parcel moving
    assert pickup.last_error.startswith("cancel: already_picked_up")
    assert (pickup.cancel_confirmed, pickup.next_attempt_at) == (False, None)
    assert pickup.cancel_state == CancelState.FAILED
    assert pickup.cancel_error == "이미 집하된 반품은 취소할 수 없습니다"
    event = approved.events.get(type=EventType.LOGISTICS, data__kind="pickup_cancel_failed")
    assert (event.note, event.data["said"]) == ("", "이미 집하된 반품은 취소할 수 없습니다")
    with translation.override("en"):
        assert event_text(event) == (
            "CJ Logistics refused to cancel the pickup: CS must call the carrier. "
            "The carrier said: 이미 집하된 반품은 취소할 수 없습니다"
        )
    assert "carrier refused to cancel" in logs.text

    logs.clear()
    with committed():
        assert pickups_sweep(now=timezone.now() + dt.timedelta(hours=1))["recancelled"] == 0
    assert sim_requests(logs, "DELETE", "/v1/pickups/") == []


def test_cancel_once_the_parcel_is_known_to_be_collected_is_refused(
    order: Any, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    with committed():
        tracking_events_ingest(
            carrier_code=CJ,
            events_in=[incoming(pickup.waybill_number, "AT_PICKUP", 1)],
            now=timezone.now(),
        )
    assert reload(approved).status == S.IN_TRANSIT
    with pytest.raises(Conflict) as refused:
        cancel(reload(approved))
    assert refused.value.code == "illegal_transition"
    assert reload(pickup).status == PickupStatus.PICKED_UP


def test_pickups_cancel_for_return_refuses_when_a_pickup_has_the_parcel(
    order: Any, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    Pickup.objects.filter(return_request=approved).update(status=PickupStatus.PICKED_UP)
    with pytest.raises(Conflict) as refused:
        pickups_cancel_for_return(return_request=approved, actor=CS, now=timezone.now())
    assert refused.value.code == "already_picked_up"
    assert pickup_of(approved).status == PickupStatus.PICKED_UP


def test_a_pickup_never_sent_needs_no_cancel_at_the_carrier(
    order: Any, offline_account: CarrierAccount
) -> None:
    approved = approve(order)  # the booking job never ran (nothing committed)
    cancel(approved)
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.cancel_state) == (PickupStatus.CANCELLED, CancelState.NOT_NEEDED)
    assert pickup.next_attempt_at is None
    change = PickupStatusChange.objects.filter(pickup=pickup).latest("id")
    assert (change.action, change.from_status, change.to_status, change.cancel_state) == (
        "cancel",
        PickupStatus.REQUESTED,
        PickupStatus.CANCELLED,
        CancelState.NOT_NEEDED,
    )
    assert change.actor_label == CS.label
