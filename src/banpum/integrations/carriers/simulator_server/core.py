"""The simulator's shared state and the operations on it every part uses.

``_SimulatorCore`` holds the lock, the clock, the tenants and the outbox, the in-process
controls (``faults_update``, ``advance``, ``now``) and the state file (``_save``/``_load``).
The webhook sender, journeys and endpoints build on it, one layer each, and
``CarrierSimulator`` runs them all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from banpum.integrations.carriers.simulator import KST
from banpum.integrations.carriers.simulator_server.config import SimulatorConfig, config_update
from banpum.integrations.carriers.simulator_server.state import _Booking, _Clock, _Tenant
from banpum.integrations.simulator_http import LoopbackSimulator

if TYPE_CHECKING:
    from banpum.integrations.carriers.simulator_server.webhooks import _Delivery


class _SimulatorCore(LoopbackSimulator):
    """State and controls shared by every part of ``CarrierSimulator``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8010,
        config: SimulatorConfig | None = None,
        state_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(host, port)
        self.config = config or SimulatorConfig()
        self._state_path = Path(state_path) if state_path else None
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._rng = random.Random(self.config.seed)  # noqa: S311 - simulated journeys, no secret
        self._tenants: dict[str, _Tenant] = {}
        self._counter = 0
        # Not a secret: it only keeps waybill numbers of separate runs apart.
        self._salt = random.Random(self.config.seed).randrange(10**10)  # noqa: S311
        self._clock = _Clock(self.config.speed, dt.datetime.now(KST).replace(microsecond=0))
        self._outbox: list[tuple[float, int, _Delivery]] = []
        self._outbox_cv = threading.Condition()
        self._sequence = itertools.count(1)
        self._log: deque[dict[str, Any]] = deque(maxlen=500)
        if self._state_path and self._state_path.exists():
            self._load()

    # --- in-process controls (the same as the /v1/_ endpoints) ------------------------------

    def faults_update(self, **changes: Any) -> dict[str, str]:
        """Change the behaviour at runtime; returns field errors (and changes nothing) if any."""
        with self._lock:
            config, errors = config_update(self.config, changes)
            if errors:
                return errors
            if config.speed != self.config.speed:
                self._clock.set_speed(config.speed)
            if config.seed != self.config.seed:
                self._rng = random.Random(config.seed)  # noqa: S311 - simulated, no secret
            self.config = config
        self._wake.set()
        return {}

    def advance(self, seconds: float) -> dt.datetime:
        """Jump the simulated clock; events that fall due are sent at once."""
        with self._lock:
            self._clock.advance(seconds)
            now = self._clock.now()
        self._wake.set()
        return now

    def now(self) -> dt.datetime:
        with self._lock:
            return self._clock.now()

    def _stamp(self) -> Callable[[dt.datetime], dt.datetime] | None:
        return self._clock.to_wall if self.config.wall_clock_stamps else None

    def _tenant(self, tenant_id: str) -> _Tenant:
        return self._tenants.setdefault(tenant_id, _Tenant())

    def _tenant_view(self, tenant_id: str) -> _Tenant:
        """For reads: a key that never wrote anything does not become a stored tenant."""
        return self._tenants.get(tenant_id) or _Tenant()

    # --- persistence ------------------------------------------------------------------------

    def _save(self) -> None:
        """Write the whole state (caller holds the lock): small, and atomic by rename."""
        if self._state_path is None:
            return
        state = {
            "version": 1,
            "clock": self._clock.now().isoformat(),
            "counter": self._counter,
            "salt": self._salt,
            "tenants": {
                tenant_id: {
                    "webhook_url": tenant.webhook_url,
                    "webhook_secret": tenant.webhook_secret,
                    "bookings": [b.as_state() for b in tenant.bookings.values()],
                }
                for tenant_id, tenant in self._tenants.items()
            },
        }
        self._state_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._state_path.with_name(self._state_path.name + ".tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self._state_path)

    def _load(self) -> None:
        """Resume where the last run stopped; the simulated clock stood still while it was down."""
        if self._state_path is None:
            raise RuntimeError("no state file to resume from")
        state = json.loads(self._state_path.read_text(encoding="utf-8"))
        self._clock = _Clock(self.config.speed, dt.datetime.fromisoformat(state["clock"]))
        self._counter, self._salt = state["counter"], state["salt"]
        for tenant_id, data in state["tenants"].items():
            tenant = self._tenant(tenant_id)
            tenant.webhook_url, tenant.webhook_secret = data["webhook_url"], data["webhook_secret"]
            for booking in data["bookings"]:
                tenant.add(_Booking.from_state(booking))
