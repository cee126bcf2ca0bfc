from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_lists_the_returns_paths(store: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {
        "/api/v1/returns",
        "/api/v1/returns/preview",
        "/api/v1/returns/{number}",
        "/api/v1/returns/{number}/approve",
        "/api/v1/returns/{number}/hold",
        "/api/v1/returns/{number}/reject",
        "/api/v1/returns/{number}/cancel",
        "/api/v1/returns/{number}/notes",
    } <= set(paths)
    assert set(paths["/api/v1/returns"]) == {"get", "post"}
    assert not any("{path}" in path for path in paths)  # the 404 fallback stays out of the docs
    list_params = {p["name"] for p in paths["/api/v1/returns"]["get"]["parameters"]}
    assert {"status", "type", "reason_code", "origin", "order_number", "created_from",
            "created_to", "q", "cursor", "page_size"} <= list_params  # fmt: skip
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"


def test_docs_page_answers(store: Any) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
