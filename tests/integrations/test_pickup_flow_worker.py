"""A ``banpum worker`` process killed (SIGKILL) while its booking call is in flight.

The carrier books anyway (it got the request; only the answer is lost with the worker). The
pickup row stays ``requested``; the sweep re-enqueues it once its grace period is over, a
fresh worker process books again under the same idempotency key, and the carrier answers with
the booking it already made: one booking, and the pickup accepted.

Real parts: two worker processes sharing a SQLite Huey queue file in tmp_path with this test,
the test database (a file on SQLite, ``transaction=True`` so the processes see each other's
commits; the same database on PostgreSQL), and the simulator over HTTP.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import Pickup, PickupStatus
from banpum.logistics.services.pickups import pickups_sweep
from banpum.returns.models import ReturnStatus as S
from tests.factories import StoreFactory, make_policy
from tests.logistics.helpers import (
    CS,
    address_order,
    linked_account,
    real_queue,
    sim_bookings,
    store_with_return_address,
    wait_until,
)
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The test database as DATABASE_URL, for processes started by the test."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )


class Workers:
    """``banpum worker`` processes on the test's queue and database; all stopped at the end."""

    def __init__(self, tmp_path: Path, jobs_file: Path) -> None:
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "BANPUM_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": database_url(),
            "BANPUM_JOBS_FILE": str(jobs_file),
            "BANPUM_JOBS_NAME": HUEY.name,
            "BANPUM_JOBS_IMMEDIATE": "0",
            "BANPUM_SIMULATOR": "0",
            "BANPUM_LOG_LEVEL": "INFO",
        }
        self.env.pop("BANPUM_REDIS_URL", None)
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "banpum.cli", "worker", "--workers", "1", "--no-periodic"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # Huey's graceful stop
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture
def queue_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "jobs.sqlite3"
    with real_queue(HUEY, SqliteStorage(HUEY.name, filename=str(path))):
        yield path


@pytest.fixture
def workers(tmp_path: Path, queue_file: Path) -> Iterator[Workers]:
    workers = Workers(tmp_path, queue_file)
    try:
        yield workers
    finally:
        workers.stop_all()


def test_a_worker_killed_mid_call_loses_nothing_and_books_nothing_twice(
    simulator: CarrierSimulator, workers: Workers
) -> None:
    store = store_with_return_address(StoreFactory(slug="worker-store"))
    make_policy(store)
    account = linked_account(store, simulator)
    return_request = open_return(address_order(store))

    # The carrier sits on every request for a long while; tell us when the booking arrives.
    simulator.faults_update(latency_ms=4000)
    booking_arrived = threading.Event()
    real_dispatch = simulator.dispatch

    def spy(method: str, path: str, authorization: str, body: bytes) -> Any:
        if (method, path) == ("POST", "/v1/pickups"):
            booking_arrived.set()
        return real_dispatch(method, path, authorization, body)

    simulator.dispatch = spy  # type: ignore[method-assign]

    from banpum.returns.services import return_request_approve

    approved = return_request_approve(now=timezone.now(), return_request=return_request, actor=CS)
    assert approved.status == S.PICKUP_REQUESTED  # committed, and the job is in the queue file
    pickup = Pickup.objects.get(return_request=return_request)

    doomed = workers.start("worker-1")
    assert booking_arrived.wait(timeout=60), workers.log("worker-1")
    doomed.send_signal(signal.SIGKILL)  # mid-call: the carrier has the request, not the answer
    assert doomed.wait(timeout=10) == -signal.SIGKILL

    pickup.refresh_from_db()
    assert (pickup.status, pickup.attempts, pickup.waybill_number) == ("requested", 1, "")
    simulator.faults_update(latency_ms=0)
    [booked_blind] = wait_until(lambda: sim_bookings(account), what="the carrier's booking")
    assert booked_blind["idempotency_key"] == pickup.idempotency_key

    # Within the grace period the sweep trusts the (dead) job; after it, it sends again.
    assert pickups_sweep(now=timezone.now())["resent"] == 0
    assert pickups_sweep(now=timezone.now() + dt.timedelta(minutes=5))["resent"] == 1
    workers.start("worker-2")
    wait_until(
        lambda: Pickup.objects.filter(pk=pickup.pk, status=PickupStatus.ACCEPTED).exists(),
        timeout=60,
        what="the fresh worker to book",
    )

    pickup.refresh_from_db()
    assert pickup.attempts == 2
    assert pickup.waybill_number == booked_blind["waybill_number"]
    assert pickup.carrier_reference == booked_blind["reference"]
    assert [b["idempotency_key"] for b in sim_bookings(account)] == [pickup.idempotency_key]
    assert return_request.events.filter(data__kind="pickup_booked").count() == 1
    assert "pickup booked" in workers.log("worker-2")
