"""The jobs settlement services schedule, behind a protocol ``tasks.py`` implements.

As in ``logistics.jobs``: services depend on this protocol only, ``tasks.py`` wires Huey in at
import (``SettlementConfig.ready``), so tasks and services never import each other.
"""

from __future__ import annotations

from typing import Protocol


class SettlementJobs(Protocol):
    def refund_send(self, refund_id: int, *, delay: float = 0) -> None: ...


_wired: list[SettlementJobs] = []


def jobs_wire(queue: SettlementJobs) -> None:
    _wired[:] = [queue]


def jobs() -> SettlementJobs:
    if not _wired:
        raise RuntimeError("No job queue wired: banpum.settlement.tasks was never imported.")
    return _wired[0]
