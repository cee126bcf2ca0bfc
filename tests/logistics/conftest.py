from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_ERROR

from banpum.commerce.models import Order
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import CarrierAccount
from tests.logistics.helpers import (
    address_order,
    linked_account,
    running_simulator,
    store_with_return_address,
)


@pytest.fixture
def store(store: Any) -> Any:
    """The shared test store, with a return address for the carrier's receiver side."""
    return store_with_return_address(store)


@pytest.fixture(autouse=True)
def jobs() -> Iterator[Any]:
    """The in-memory job queue (immediate mode), emptied around each test.

    A job that raises is only logged by Huey; here it fails the test instead.
    """
    HUEY.flush()
    errors: list[tuple[Any, BaseException]] = []

    def on_error(signal: str, task: Any, exc: BaseException | None = None) -> None:
        errors.append((task, exc))  # type: ignore[arg-type]

    HUEY.signal(SIGNAL_ERROR)(on_error)
    try:
        yield HUEY
    finally:
        HUEY.disconnect_signal(on_error, SIGNAL_ERROR)
        HUEY.flush()
    assert not errors, f"jobs failed: {errors}"


@pytest.fixture
def simulator() -> Iterator[CarrierSimulator]:
    """A carrier on 127.0.0.1 whose clock runs in real time: nobody collects during a test."""
    with running_simulator(speed=1.0, seed=11) as simulator:
        yield simulator


@pytest.fixture
def account(store: Any, simulator: CarrierSimulator) -> CarrierAccount:
    return linked_account(store, simulator)


@pytest.fixture
def offline_account(store: Any) -> CarrierAccount:
    """A linked account whose carrier is never called (nothing listens on port 9)."""
    return linked_account(store, "http://127.0.0.1:9")


@pytest.fixture
def order(store: Any) -> Order:
    return address_order(store)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """``with committed(): …`` runs the after-commit hooks (the jobs) as the block ends.

    The test's own transaction never commits, so without it nothing enqueued would run.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)
