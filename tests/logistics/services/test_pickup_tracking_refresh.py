"""After a booking is applied, the carrier's own history is fetched once: the events it sent by
webhook before we knew the waybill (they matched nothing) are not lost."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import CarrierAccount, PickupStatus, TrackingEvent
from banpum.logistics.services import tracking
from banpum.logistics.services.pickups import pickup_register_manual, pickup_request_send
from banpum.logistics.services.tracking import pickup_tracking_refresh
from banpum.policy.types import Method
from banpum.returns.models import ReturnStatus as S
from tests.logistics.helpers import (
    CS,
    address_order,
    approve,
    pickup_of,
    reload,
    sim_tracking,
    unlinked_account,
)

pytestmark = pytest.mark.django_db


def test_the_carriers_first_event_is_fetched_once_booked(
    order: Any, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    [event] = TrackingEvent.objects.filter(pickup=pickup)
    [carriers] = sim_tracking(account, pickup.waybill_number)["events"]
    assert (event.status, event.dedupe_key) == ("INFORMATION_RECEIVED", carriers["event_id"])
    assert event.raw_status == "접수"


@override_settings(BANPUM_CARRIER_TIMEOUT_SECONDS=0.3)
def test_a_pickup_collected_while_we_waited_for_the_booking_answer_is_caught_up(
    order: Any, account: CarrierAccount, simulator: CarrierSimulator, committed: Any, jobs: Any
) -> None:
    simulator.faults_update(timeout_rate=1.0, timeout_seconds=2.0)
    with committed():
        approved = approve(order)  # booked; the answer is lost
    simulator.faults_update(timeout_rate=0.0)
    simulator.advance(7 * 3600)  # collected, on its way: those webhooks found no waybill here

    jobs.flush()
    with committed():
        pickup_request_send(pickup_id=pickup_of(approved).pk, now=timezone.now())

    pickup = pickup_of(approved)
    assert pickup.status == PickupStatus.IN_TRANSIT
    assert pickup.picked_up_at is not None
    assert reload(approved).status == S.IN_TRANSIT
    statuses = list(
        TrackingEvent.objects.filter(pickup=pickup)
        .order_by("occurred_at")
        .values_list("status", flat=True)
    )
    assert statuses == ["INFORMATION_RECEIVED", "AT_PICKUP", "IN_TRANSIT"]


def test_a_failed_refresh_is_retried_with_backoff_then_given_up(
    order: Any,
    account: CarrierAccount,
    simulator: CarrierSimulator,
    committed: Any,
    jobs: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tracking, "REFRESH_ATTEMPTS", 2)
    with committed():
        approved = approve(order)
    pickup = pickup_of(approved)
    TrackingEvent.objects.all().delete()
    simulator.faults_update(error_rate=1.0)

    assert pickup_tracking_refresh(pickup_id=pickup.pk, now=timezone.now()) is None
    [retry] = jobs.scheduled()
    assert retry.args == (pickup.pk, 2)
    jobs.flush()
    assert pickup_tracking_refresh(pickup_id=pickup.pk, attempt=2, now=timezone.now()) is None
    assert jobs.scheduled() == []  # that was the last attempt

    simulator.faults_update(error_rate=0.0)
    result = pickup_tracking_refresh(pickup_id=pickup.pk, attempt=2, now=timezone.now())
    assert result is not None
    assert result.created == 1


def test_typed_in_waybills_and_unbooked_pickups_are_not_refreshed(
    store: Any, order: Any, django_capture_on_commit_callbacks: Any, account: CarrierAccount
) -> None:
    with django_capture_on_commit_callbacks():
        unbooked = pickup_of(approve(order))
    assert pickup_tracking_refresh(pickup_id=unbooked.pk, now=timezone.now()) is None

    unlinked_account(store, is_default=False)
    awaiting = approve(address_order(store), method=Method.SELF_SHIP)
    manual = pickup_register_manual(
        return_request=awaiting,
        actor=CS,
        waybill_number="512345678901",
        carrier_code="kr.hanjin",
        now=timezone.now(),
    )
    assert pickup_tracking_refresh(pickup_id=manual.pk, now=timezone.now()) is None
