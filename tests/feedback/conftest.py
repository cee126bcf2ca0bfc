from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.office.conftest import member


@pytest.fixture
def office_en(django_user_model: Any, store: Any) -> Client:
    """A CS agent of ``store`` in the office, reading English."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member(django_user_model, "cs", store))
    return client
