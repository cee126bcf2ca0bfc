"""The jobs webhook services schedule, behind a protocol that ``tasks.py`` implements.

As in ``logistics.jobs``: services depend on this protocol only, ``tasks.py`` wires Huey in at
import (``WebhooksConfig.ready``), so tasks and services never import each other.
"""

from __future__ import annotations

from typing import Protocol


class WebhookJobs(Protocol):
    def delivery_send(self, delivery_id: int, *, delay: float = 0) -> None: ...


_wired: list[WebhookJobs] = []


def jobs_wire(queue: WebhookJobs) -> None:
    _wired[:] = [queue]


def jobs() -> WebhookJobs:
    if not _wired:
        raise RuntimeError("No job queue wired: banpum.webhooks.tasks was never imported.")
    return _wired[0]
