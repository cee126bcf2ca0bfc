"""Scale-out: jobs on Redis, run by several `banpum worker` processes at once.

Only settings change from the embedded default (BANPUM_REDIS_URL): the same approvals enqueue
the same durable booking jobs, two worker processes share the queue, and every return still
gets exactly one booking at the carrier.

Real parts: a redis-server on a free loopback port, two worker processes, the test database
(`transaction=True` so the processes see each other's commits) and the simulator over HTTP.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import Pickup, PickupStatus
from banpum.returns.services import return_request_approve
from tests.factories import StoreFactory, make_policy
from tests.integrations.test_pickup_flow_worker import Workers
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

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="needs Debian's redis-server (.ci/system-packages.sh installs it)",
    ),
]

RETURNS = 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            *("redis-server", "--bind", "127.0.0.1", "--port", str(port)),
            *("--save", "", "--appendonly", "no", "--dir", str(tmp_path)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_workers(tmp_path: Path, redis_url: str) -> Iterator[Workers]:
    with real_queue(HUEY, RedisStorage(HUEY.name, url=redis_url)):
        workers = Workers(tmp_path, tmp_path / "unused.sqlite3")
        workers.env["BANPUM_REDIS_URL"] = redis_url
        try:
            yield workers
        finally:
            workers.stop_all()


def test_two_workers_share_a_redis_queue_and_book_each_return_once(
    simulator: CarrierSimulator, redis_workers: Workers
) -> None:
    store = store_with_return_address(StoreFactory(slug="redis-store"))
    make_policy(store)
    account = linked_account(store, simulator)
    # Slow answers keep both workers busy at once.
    simulator.faults_update(latency_ms=300)
    redis_workers.start("worker-a")
    redis_workers.start("worker-b")

    returns = [open_return(address_order(store)) for _ in range(RETURNS)]
    for return_request in returns:
        return_request_approve(now=timezone.now(), return_request=return_request, actor=CS)

    wait_until(
        lambda: Pickup.objects.filter(status=PickupStatus.ACCEPTED).count() == RETURNS,
        timeout=90,
        what="every pickup booked by the Redis workers",
    )
    bookings = sim_bookings(account)
    keys = [booking["idempotency_key"] for booking in bookings]
    assert sorted(keys) == sorted(Pickup.objects.values_list("idempotency_key", flat=True))
    assert len(set(keys)) == RETURNS
    logs = redis_workers.log("worker-a") + redis_workers.log("worker-b")
    assert logs.count("pickup booked") == RETURNS
