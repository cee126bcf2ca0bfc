"""The jobs logistics services schedule, behind a protocol that ``tasks.py`` implements.

Tasks call services and services schedule tasks: importing each other would be a cycle (once
hidden in function bodies). Services depend on this protocol only; ``tasks.py`` wires the Huey
implementation in at import, which the app's ``ready()`` does in every process.
"""

from __future__ import annotations

from typing import Protocol


class LogisticsJobs(Protocol):
    def pickup_request_send(self, pickup_id: int, *, delay: float = 0) -> None: ...

    def pickup_cancel_send(self, pickup_id: int, *, delay: float = 0) -> None: ...

    def pickup_tracking_refresh(
        self, pickup_id: int, *, attempt: int = 1, delay: float = 0
    ) -> None: ...

    def pickup_label_codes_fetch(self, pickup_id: int) -> None: ...

    def outbound_shipment_send(self, shipment_id: int, *, delay: float = 0) -> None: ...


_wired: list[LogisticsJobs] = []


def jobs_wire(queue: LogisticsJobs) -> None:
    _wired[:] = [queue]


def jobs() -> LogisticsJobs:
    if not _wired:
        raise RuntimeError("No job queue wired: banpum.logistics.tasks was never imported.")
    return _wired[0]
