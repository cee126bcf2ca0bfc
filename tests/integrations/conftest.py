"""Fixtures shared by the tests that run real worker processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from tests.logistics.helpers import running_simulator


@pytest.fixture
def simulator() -> Iterator[CarrierSimulator]:
    """A real-time (speed 1) simulator: parcels stay put while worker processes book them."""
    with running_simulator(speed=1.0, seed=3) as simulator:
        yield simulator
