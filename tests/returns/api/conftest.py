from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.accounts.services import api_key_create
from tests.factories import StoreFactory, make_policy


class JsonClient:
    """The test client, speaking JSON: ``post`` sends a JSON body, answers are (status, body)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, params: Any = None) -> tuple[int, Any]:
        response = self.client.get(path, params or {})
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        return response.status_code, response.json()

    def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        response = self.client.post(path, body or {}, content_type="application/json")
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        return response.status_code, response.json()


@pytest.fixture
def client_json(api: Client) -> JsonClient:
    return JsonClient(api)


@pytest.fixture
def client_json_en(api_en: Client) -> JsonClient:
    """For tests that read a message's words: English, not the Korean default."""
    return JsonClient(api_en)


@pytest.fixture
def other_store(db: Any) -> Any:
    other = StoreFactory(slug="other-store", name="다른 상점")
    make_policy(other)
    return other


@pytest.fixture
def other_client(other_store: Any) -> JsonClient:
    _, raw = api_key_create(store=other_store, name="other")
    # Its tests read the refusals' words: in English, not the Korean default.
    return JsonClient(Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en"))
