from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.webhooks.helpers import manager_key


@pytest.fixture
def manager_api(store: Any) -> Client:
    _, raw = manager_key(store, username="insights-manager")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def manager_api_en(store: Any) -> Client:
    _, raw = manager_key(store, username="insights-manager-en")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


from tests.settlement.conftest import fake  # noqa: E402, F401  (the settlement's fake gateway)
