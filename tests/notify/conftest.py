from __future__ import annotations

from collections.abc import Iterator

import pytest

from banpum.notify import jobs


class RecordingJobs:
    """``notify.jobs.NotifyJobs`` that remembers what was enqueued, and runs nothing."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, float]] = []

    def message_send(self, message_id: int, *, delay: float = 0) -> None:
        self.sent.append((message_id, delay))


@pytest.fixture(autouse=True)
def queue() -> Iterator[RecordingJobs]:
    """The sends the services enqueue, recorded instead of run: each test sends by calling
    the job's service itself, with its own clock."""
    previous = jobs.jobs()
    recording = RecordingJobs()
    jobs.jobs_wire(recording)
    yield recording
    jobs.jobs_wire(previous)
