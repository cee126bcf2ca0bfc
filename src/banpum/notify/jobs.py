"""The jobs notify services schedule, behind a protocol that ``tasks.py`` implements.

As in ``webhooks.jobs``: services depend on this protocol only, ``tasks.py`` wires Huey in at
import (``NotifyConfig.ready``), so tasks and services never import each other.
"""

from __future__ import annotations

from typing import Protocol


class NotifyJobs(Protocol):
    def message_send(self, message_id: int, *, delay: float = 0) -> None: ...


_wired: list[NotifyJobs] = []


def jobs_wire(queue: NotifyJobs) -> None:
    _wired[:] = [queue]


def jobs() -> NotifyJobs:
    if not _wired:
        raise RuntimeError("No job queue wired: banpum.notify.tasks was never imported.")
    return _wired[0]
