from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from banpum.core.actors import Actor
from banpum.webhooks import jobs
from tests.webhooks.helpers import RecordingJobs, manager_key
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture(autouse=True)
def queue() -> Iterator[RecordingJobs]:
    """The webhook jobs the services enqueue, recorded instead of run: each test sends by
    calling the job's service itself, with its own clock."""
    previous = jobs.jobs()
    recording = RecordingJobs()
    jobs.jobs_wire(recording)
    yield recording
    jobs.jobs_wire(previous)


@pytest.fixture
def allow_private(settings: Any) -> None:
    """The receiver runs on 127.0.0.1, which production refuses (SSRF)."""
    settings.BANPUM_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def manager(store: Any) -> Actor:
    actor, _ = manager_key(store)
    return actor


@pytest.fixture
def manager_api(store: Any) -> Client:
    _, raw = manager_key(store, username="api-manager")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def manager_api_en(store: Any) -> Client:
    _, raw = manager_key(store, username="api-manager-en")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
