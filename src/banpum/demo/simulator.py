"""The carrier simulator the demo books its pickups on, for the length of one seed.

``banpum demo`` runs before ``banpum serve`` (``make run``), so it starts the simulator in its
own process on ``BANPUM_SIMULATOR_PORT`` with serve's state file: the bookings it makes are
written there, and serve resumes their playback and sends the rest of each parcel's journey to
the app by webhook. If the port already answers (a ``banpum serve`` is running), the demo books
on that simulator instead, and points the demo account's webhook at the app when it is done.

While the demo seeds, the simulated clock stands (almost) still and moves only by
``advance``, faults are off unless asked for, and the simulator's random draws are seeded, so
every run ends with the same pickups in the same states however fast the machine is. Events
are stamped with the simulated clock meanwhile; the carrier desk places each on its return's
timeline (``timeline.Journey``) before it takes it in.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from banpum.integrations.carriers.simulator_server import CarrierSimulator, SimulatorConfig

HOST = "127.0.0.1"
STATE_FILE = "carrier-simulator.json"
# The slowest the simulator runs (its lower bound): 30 s of seeding move its clock by 0.03 s.
STANDSTILL = 0.001
# The settings the demo changes while it seeds; a running simulator gets its own back.
_SEEDING_KEYS = (
    "speed",
    "wall_clock_stamps",
    "seed",
    "exception_rate",
    "exception_codes",
    "error_rate",
    "timeout_rate",
    "duplicate_rate",
    "reorder_rate",
    "latency_ms",
)


class SimulatorError(RuntimeError):
    """The demo cannot book on a carrier simulator (why, in words for the operator)."""


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


class CarrierSession:
    """A simulator for the demo: one it started (and stops), or one already running."""

    def __init__(
        self,
        *,
        port: int,
        state_path: Path,
        speed: float,
        api_key: str,
        seed: int,
    ) -> None:
        self.port = port
        self.base_url = f"http://{HOST}:{port}"
        self.state_path = state_path
        self.speed = speed
        self.api_key = api_key
        self.seed = seed
        self.simulator: CarrierSimulator | None = None
        self._restore: dict[str, Any] | None = None
        self._client = httpx.Client(base_url=self.base_url, timeout=10.0)

    @property
    def in_process(self) -> bool:
        return self.simulator is not None

    # --- opening and closing --------------------------------------------------------------

    def open(self) -> CarrierSession:
        if _answers(self.port):
            self._attach()
        else:
            self._start()
            # Nothing is sent while the demo seeds (it reads the tracking itself); serve points
            # the webhook at the app again when it starts.
            self._client.delete("/v1/webhook", headers=self._auth).raise_for_status()
        self._standstill()
        return self

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def _start(self) -> None:
        try:
            simulator = CarrierSimulator(
                host=HOST,
                port=self.port,
                # Seeded from the start: a fresh state's waybill numbers come from the seed too.
                config=SimulatorConfig(speed=self.speed, wall_clock_stamps=True, seed=self.seed),
                state_path=self.state_path,
            )
            simulator.start()
        except (OSError, ValueError, KeyError) as error:
            raise SimulatorError(
                f"Could not start the carrier simulator on port {self.port} "
                f"(state {self.state_path}): {error}"
            ) from error
        self.simulator = simulator

    def _attach(self) -> None:
        try:
            response = self._client.get("/v1/_faults")
            response.raise_for_status()
            config = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise SimulatorError(
                f"Port {self.port} (BANPUM_SIMULATOR_PORT) is taken by something that is not "
                f"the carrier simulator ({error}). Free it or choose another port."
            ) from error
        self._restore = {key: config[key] for key in _SEEDING_KEYS if key in config}

    def _standstill(self) -> None:
        self.faults(
            speed=STANDSTILL,
            wall_clock_stamps=False,
            seed=self.seed,
            exception_rate=0.0,
            error_rate=0.0,
            timeout_rate=0.0,
            duplicate_rate=0.0,
            reorder_rate=0.0,
            latency_ms=0,
        )

    def close(self) -> None:
        """Stop the simulator the demo started (its state is saved), or give one back."""
        try:
            if self.simulator is not None:
                self.simulator.stop()
                self.simulator = None
            elif self._restore is not None:
                self.faults(**self._restore)
                self._restore = None
        finally:
            self._client.close()

    # --- controls -------------------------------------------------------------------------

    def faults(self, **changes: Any) -> None:
        if self.simulator is not None:
            errors = self.simulator.faults_update(**changes)
        else:
            response = self._client.post("/v1/_faults", json=changes)
            errors = response.json().get("fields", {}) if response.status_code == 400 else {}
            if not errors:
                response.raise_for_status()
        if errors:
            raise SimulatorError(f"the carrier simulator refused the settings {errors}")

    def advance(self, seconds: float) -> None:
        if self.simulator is not None:
            self.simulator.advance(seconds)
        else:
            self._client.post("/v1/_advance", json={"seconds": seconds}).raise_for_status()

    def bookings(self) -> list[dict[str, Any]]:
        """The demo key's bookings as the simulator lists them (reference, waybill, status)."""
        try:
            response = self._client.get("/v1/pickups", headers=self._auth)
            response.raise_for_status()
            pickups: list[dict[str, Any]] = response.json()["pickups"]
        except (httpx.HTTPError, ValueError, KeyError) as error:
            raise SimulatorError(
                f"the carrier simulator did not list its bookings: {error}"
            ) from error
        return pickups


@contextmanager
def carrier_session(
    *, port: int, state_path: Path, speed: float, api_key: str, seed: int
) -> Iterator[CarrierSession]:
    session = CarrierSession(
        port=port, state_path=state_path, speed=speed, api_key=api_key, seed=seed
    )
    try:
        yield session.open()
    finally:
        session.close()
