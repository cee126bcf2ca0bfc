"""The periodic sweep re-enqueues carrier calls a crash lost, never sooner than their backoff,
and arranges pickups for approved returns once the store has a carrier."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.utils import timezone

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import Pickup, PickupStatus
from banpum.logistics.services.pickups import common as pickup_services
from banpum.logistics.services.pickups import pickups_sweep
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_cancel
from tests.logistics.helpers import (
    CS,
    approve,
    linked_account,
    pickup_of,
    real_queue,
    reload,
    sim_bookings,
    sim_requests,
    unlinked_account,
)

pytestmark = pytest.mark.django_db


def later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def test_a_booking_lost_between_commit_and_enqueue_is_sent_by_the_sweep(
    order: Any, account: Any, committed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():  # committed, then the process died: no job
        approved = approve(order)
    pickup = pickup_of(approved)

    with committed():
        assert pickups_sweep(now=later(seconds=60))["resent"] == 0  # a job may still be queued
    assert reload(pickup).status == PickupStatus.REQUESTED

    with committed():
        swept = pickups_sweep(now=later(minutes=5))
    assert swept == {"resent": 1, "recancelled": 0, "arranged": 0}
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.ACCEPTED
    [booking] = sim_bookings(account)
    assert booking["idempotency_key"] == pickup.idempotency_key

    with committed():
        assert pickups_sweep(now=later(hours=1))["resent"] == 0  # nothing left to do


def test_the_sweep_waits_for_a_scheduled_retry_instead_of_shortcutting_its_backoff(
    order: Any,
    account: Any,
    simulator: CarrierSimulator,
    committed: Any,
    jobs: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pickup_services, "BACKOFF_BASE_SECONDS", 600)  # retry in ~10 minutes
    simulator.faults_update(error_rate=1.0)
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    due = pickup.next_attempt_at
    assert due is not None
    assert due > later(minutes=7)

    with committed():
        assert pickups_sweep(now=due - dt.timedelta(minutes=1))["resent"] == 0
        assert pickups_sweep(now=due + dt.timedelta(seconds=60))["resent"] == 0  # in grace
    assert reload(pickup).attempts == 1

    simulator.faults_update(error_rate=0.0)
    jobs.flush()  # the scheduled retry was lost (say, a memory queue restarted)
    with committed():
        assert pickups_sweep(now=due + dt.timedelta(minutes=3))["resent"] == 1
    pickup.refresh_from_db()
    assert (pickup.status, pickup.attempts) == (PickupStatus.ACCEPTED, 2)


def test_resending_bumps_the_due_time_so_a_backed_up_queue_gets_one_job_per_grace_period(
    order: Any, account: Any, django_capture_on_commit_callbacks: Any, jobs: Any
) -> None:
    with django_capture_on_commit_callbacks():
        pickup = pickup_of(approve(order))
    with real_queue(jobs) as queue:  # nobody consumes it right now
        now = later(minutes=5)
        assert pickups_sweep(now=now)["resent"] == 1
        assert pickups_sweep(now=now + dt.timedelta(seconds=60))["resent"] == 0
        assert pickups_sweep(now=now + dt.timedelta(minutes=3))["resent"] == 1
        assert [task.args for task in queue.pending()] == [(pickup.pk,), (pickup.pk,)]
    assert reload(pickup).status == PickupStatus.REQUESTED


def test_a_cancel_lost_on_the_way_to_the_carrier_is_sent_by_the_sweep(
    order: Any,
    account: Any,
    committed: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    with committed():
        approved = approve(order)
    with django_capture_on_commit_callbacks():  # the cancel job is lost
        return_request_cancel(now=timezone.now(), return_request=approved, actor=CS)
    pickup = pickup_of(approved)
    assert (pickup.status, pickup.cancel_confirmed) == (PickupStatus.CANCELLED, False)
    assert sim_bookings(account)[0]["status"] == "accepted"

    with committed():
        assert pickups_sweep(now=later(minutes=5))["recancelled"] == 1
    assert reload(pickup).cancel_confirmed is True
    assert sim_bookings(account)[0]["status"] == "cancelled"
    assert len(sim_requests(caplog, "DELETE", "/v1/pickups/")) == 1


def test_approved_returns_are_arranged_once_the_store_has_a_carrier(
    store: Any, order: Any, simulator: CarrierSimulator, committed: Any
) -> None:
    approved = approve(order)
    assert approved.status == S.APPROVED
    with committed():
        assert pickups_sweep(now=later(minutes=5))["arranged"] == 0  # still no carrier

    account = linked_account(store, simulator)
    with committed():
        assert pickups_sweep(now=later(minutes=5))["arranged"] == 1
    returned = reload(approved)
    assert returned.status == S.PICKUP_REQUESTED
    pickup = pickup_of(returned)
    assert pickup.status == PickupStatus.ACCEPTED
    assert [b["idempotency_key"] for b in sim_bookings(account)] == [pickup.idempotency_key]
    with committed():
        assert pickups_sweep(now=later(minutes=10)) == {
            "resent": 0,
            "recancelled": 0,
            "arranged": 0,
        }


def test_an_unlinked_carrier_added_later_sends_instructions_through_the_sweep(
    store: Any, order: Any
) -> None:
    approved = approve(order)
    unlinked_account(store)
    assert pickups_sweep(now=later(minutes=5))["arranged"] == 1
    assert reload(approved).status == S.AWAITING_SHIPMENT
    assert not Pickup.objects.exists()
