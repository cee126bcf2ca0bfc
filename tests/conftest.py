from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from hypothesis import settings

from banpum.accounts.services import api_key_create
from tests.factories import StoreFactory, make_policy

# skip_policy: in CI, a test that skips fails (see its docstring). pytester tests that policy.
pytest_plugins = ["tests.skip_policy", "pytester"]


def pytest_configure(config: pytest.Config) -> None:
    """Property tests assert what is true, never how fast: speed is the benchmarks' (and a
    deadline is what a busy CI machine trips). On a laptop each run draws new examples and finds
    new cases; CI draws the same ones every run, so main stays green until the code changes,
    and a case found on a laptop is kept as an ``@example``."""
    from tests.skip_policy import in_ci  # registered as a plugin above: import it after

    settings.register_profile("banpum", deadline=None)
    settings.register_profile("ci", parent=settings.get_profile("banpum"), derandomize=True)
    settings.load_profile("ci" if in_ci() else "banpum")


@pytest.fixture
def store(db: Any) -> Any:
    store = StoreFactory(slug="test-store", name="테스트 상점")
    make_policy(store)
    return store


@pytest.fixture
def api_key(store: Any) -> str:
    _, raw = api_key_create(store=store, name="tests")
    return raw


@pytest.fixture
def api(api_key: str) -> Client:
    """A Django test client that sends the store's API key on every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")


@pytest.fixture
def api_en(api_key: str) -> Client:
    """``api`` asking for English: for tests that read a message's words (Korean is the default)."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def english() -> Iterator[None]:
    """For tests that read a message's words outside a request: English, not the Korean
    default (a request picks its own language from Accept-Language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_in_memory() -> Any:
    """Jobs enqueued by tests run at once in memory, never into the var/ queue file.

    Tests that exercise a real worker build their own Huey consumer or process.
    """
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = previous


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the product's default language, whatever a request before it chose.

    LocaleMiddleware activates a request's language in the thread and leaves it there, so a
    test reading a message outside a request would otherwise depend on the test run before it.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
