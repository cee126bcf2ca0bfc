"""The OpenAPI document: unique schema names, documented errors, the time format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from ninja import Schema
from pydantic import BaseModel

import banpum.server.api  # noqa: F401 - registers every router and its schemas

pytestmark = pytest.mark.django_db


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found |= {sub, *_subclasses(sub)}
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    """Ninja names components by class name: two ``NoteIn`` make the document show one of them."""
    ours = [
        cls
        for cls in _subclasses(Schema) | _subclasses(BaseModel)
        if cls.__module__.startswith("banpum.") and issubclass(cls, Schema)
    ]
    names = [cls.__name__ for cls in ours]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []


def test_every_operation_documents_its_errors_with_the_one_shape() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message", "extra"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if operation.get("security"):
                assert "401" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


def test_page_size_range_is_documented() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/orders", "/api/v1/returns", "/api/v1/logistics/exceptions"):
        [size] = [
            p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "page_size"
        ]
        schema = size["schema"]
        bounds = schema.get("anyOf", [schema])[0]
        assert (bounds["minimum"], bounds["maximum"]) == (1, 200), path


def test_the_time_format_is_in_the_description() -> None:
    document: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    assert "RFC 3339" in document["info"]["description"]
    assert "+09:00" in document["info"]["description"]


def test_the_document_has_one_key_per_status() -> None:
    """Found by the browser: "422" twice (an int and a str key) made Swagger UI refuse it."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert duplicates == []
