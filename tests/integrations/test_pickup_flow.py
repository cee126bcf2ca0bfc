"""The whole automatic pickup, end to end over real HTTP, with real threads and a real queue.

A return is approved through the API (the live server); the approval enqueues the booking into
a SQLite job queue in tmp_path; an in-process Huey consumer (``runtime.worker_start``, as
``banpum serve`` runs it) books it with the carrier simulator; the simulator plays the parcel's
journey and posts signed tracking webhooks back to the live server; the return arrives.
Nobody clicks anything after "approve".

How the queue is made real: tests run jobs immediately (tests/conftest.py). ``real_queue``
switches the project's Huey to a ``SqliteStorage`` file in tmp_path for one test, assigning the
storage itself so Huey never opens the queue file the settings name (a developer's own).
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from django.test import override_settings
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from banpum.accounts.services import api_key_create
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.gateways import simulator_accounts_connect
from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus, TrackingEvent
from banpum.logistics.services import tracking as tracking_services
from banpum.logistics.services.pickups import common as pickup_services
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.server import runtime
from tests.factories import StoreFactory, make_policy
from tests.logistics.helpers import (
    address_order,
    linked_account,
    real_queue,
    running_simulator,
    sim_bookings,
    store_with_return_address,
    wait_until,
)
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db(transaction=True)

# 24 simulated hours of journey in about two real seconds.
SPEED = 40_000.0


@pytest.fixture
def store(db: Any) -> Any:
    store = store_with_return_address(StoreFactory(slug="flow-store", name="흐름 상점"))
    make_policy(store)
    return store


@pytest.fixture
def api(store: Any, live_server: Any) -> Iterator[httpx.Client]:
    _, key = api_key_create(store=store, name="flow")
    with httpx.Client(
        base_url=f"{live_server.url}/api/v1",
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    ) as client:
        yield client


@pytest.fixture
def simulator() -> Iterator[CarrierSimulator]:
    with running_simulator(speed=SPEED, seed=5, wall_clock_stamps=True) as simulator:
        yield simulator


@pytest.fixture
def account(store: Any, simulator: CarrierSimulator, live_server: Any) -> CarrierAccount:
    account = linked_account(store, simulator)
    assert simulator_accounts_connect(public_url=live_server.url) == 1
    return account


@pytest.fixture
def worker(tmp_path: Any) -> Iterator[Any]:
    """A durable queue in tmp_path, consumed by worker threads in this process."""
    storage = SqliteStorage(HUEY.name, filename=str(tmp_path / "jobs.sqlite3"))
    with real_queue(HUEY, storage):
        # Idle workers look at the queue every 0.1 s at most (Huey's default: up to 10 s).
        consumer = runtime.worker_start(workers=4, periodic=False, max_delay=0.1)
        try:
            yield consumer
        finally:
            consumer.stop(graceful=True)


def approve_via_api(api: httpx.Client, return_request: ReturnRequest) -> dict[str, Any]:
    response = api.post(f"/returns/{return_request.number}/approve", json={"note": "OK"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def arrived(return_request: ReturnRequest) -> bool:
    return status_of(return_request) == S.ARRIVED


def status_of(return_request: ReturnRequest) -> str:
    return ReturnRequest.objects.values_list("status", flat=True).get(pk=return_request.pk)


def test_approved_through_the_api_the_return_arrives_with_no_further_click(
    store: Any, account: CarrierAccount, worker: Any, api: httpx.Client
) -> None:
    return_request = open_return(address_order(store))
    assert return_request.status == S.REQUESTED

    approved = approve_via_api(api, return_request)

    assert approved["status"] == "pickup_requested"
    wait_until(lambda: status_of(return_request) == S.ARRIVED, what="the return to arrive")
    pickup = Pickup.objects.get(return_request=return_request)
    [booking] = sim_bookings(account)
    assert (pickup.status, pickup.waybill_number) == (
        PickupStatus.DELIVERED,
        booking["waybill_number"],
    )
    assert pickup.picked_up_at is not None
    assert pickup.delivered_at is not None
    assert TrackingEvent.objects.filter(pickup=pickup).count() == 6
    response = api.get(f"/returns/{return_request.number}")
    steps = [e["to_status"] for e in response.json()["events"] if e["to_status"]]
    assert steps == ["requested", "approved", "pickup_requested", "in_transit", "arrived"]
    pickups = api.get(f"/returns/{return_request.number}/pickups").json()
    assert [e["status"] for e in pickups[0]["tracking_events"]][-1] == "DELIVERED"


@override_settings(BANPUM_CARRIER_TIMEOUT_SECONDS=0.3)
def test_with_a_faulty_carrier_each_return_is_still_booked_once_and_arrives(
    store: Any,
    account: CarrierAccount,
    simulator: CarrierSimulator,
    worker: Any,
    api: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Retries come fast here (the backoff's shape is tested elsewhere) and never give up.
    monkeypatch.setattr(pickup_services, "BACKOFF_BASE_SECONDS", 0.2)
    monkeypatch.setattr(pickup_services, "BACKOFF_CAP_SECONDS", 1.0)
    monkeypatch.setattr(pickup_services, "MAX_BOOKING_ATTEMPTS", 50)
    monkeypatch.setattr(tracking_services, "REFRESH_ATTEMPTS", 50)
    returns = [open_return(address_order(store)) for _ in range(4)]

    def attempted(times: int) -> bool:
        attempts = Pickup.objects.filter(return_request__in=returns).values_list("attempts")
        return len(attempts) == len(returns) and all(n >= times for (n,) in attempts)

    # Each parcel's webhooks will come twice and out of order (planned when it is booked).
    simulator.faults_update(duplicate_rate=0.5, reorder_rate=0.5)
    # Every return meets a 500 first, then a booking whose answer is lost, then anything.
    simulator.faults_update(error_rate=1.0)
    for return_request in returns:
        approve_via_api(api, return_request)
    wait_until(lambda: attempted(1), what="a first, failed attempt for each")
    simulator.faults_update(error_rate=0.0, timeout_rate=1.0, timeout_seconds=1.0)
    wait_until(lambda: attempted(2), what="a second attempt for each, its answer lost")
    simulator.faults_update(
        error_rate=0.2,  # 500 before doing anything
        timeout_rate=0.2,  # booked, but the answer comes after we stopped waiting
    )

    for return_request in returns:
        wait_until(
            partial(arrived, return_request),
            timeout=60,
            what=f"{return_request.number} to arrive",
        )
    simulator.faults_update(error_rate=0.0, timeout_rate=0.0)
    bookings = sim_bookings(account)
    per_return = collections.Counter(b["return_number"] for b in bookings)
    assert per_return == {r.number: 1 for r in returns}
    pickups = Pickup.objects.filter(return_request__in=returns)
    assert {p.waybill_number for p in pickups} == {b["waybill_number"] for b in bookings}
    assert all(p.status == PickupStatus.DELIVERED for p in pickups)
    for return_request in returns:
        events = return_request.events.all()
        assert events.filter(data__kind="pickup_booked").count() == 1
        assert events.filter(to_status=S.ARRIVED).count() == 1
    # Every event stored once, however often it was sent; those sent before we knew the
    # waybill come from the carrier's history, fetched (and retried) after each booking.
    stored = TrackingEvent.objects.filter(pickup__in=pickups)
    wait_until(lambda: stored.count() >= 6 * len(returns), what="every event to be stored")
    assert stored.count() == 6 * len(returns)
    sent = [
        event_id
        for delivery in httpx.get(f"{simulator.base_url}/v1/_deliveries").json()["deliveries"]
        for event_id in delivery["event_ids"]
    ]
    assert len(sent) > len(set(sent)) == 6 * len(returns)
