"""A NUL character (U+0000) in any input is a 422 naming where it was, on every database.

PostgreSQL text cannot hold it: before the check, `GET /orders?q=%00` was a 500 there
(schemathesis found it) while SQLite stored it silently.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.factories import make_order

pytestmark = pytest.mark.django_db


def _refused(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.content[:300]
    body: dict[str, Any] = response.json()
    assert body["code"] == "validation_error"
    return body["extra"]["fields"]


@pytest.mark.parametrize("query", ["q=%00", "q=ab%00c", "status=requested&q=%00"])
def test_a_nul_in_a_query_parameter(api: Client, query: str) -> None:
    assert "q" in _refused(api.get(f"/api/v1/orders?{query}"))
    assert "q" in _refused(api.get(f"/api/v1/returns?{query}"))


def test_a_nul_in_the_path(api: Client) -> None:
    assert "path" in _refused(api.get("/api/v1/returns/DM-2611-%00"))


def test_a_nul_deep_in_a_json_body(api: Client, store: Any) -> None:
    order = make_order(store=store)
    body = {
        "order_id": order.pk,
        "reason_code": "change_of_mind",
        "channel": "mall\u0000",
        "lines": [{"line_number": 1, "quantity": 1}],
    }
    fields = _refused(
        api.post("/api/v1/returns/preview", json.dumps(body), content_type="application/json")
    )
    assert list(fields) == ["channel"]
    del body["channel"]
    body |= {"lines": [{"line_number": 1, "quantity": 1, "note\u0000": 1}]}
    fields = _refused(
        api.post("/api/v1/returns/preview", json.dumps(body), content_type="application/json")
    )
    assert list(fields) == ["lines.0.note\u0000"]


def test_the_text_backslash_u0000_is_not_a_nul(api: Client, store: Any) -> None:
    order = make_order(store=store)
    body = {
        "order_id": order.pk,
        "reason_code": "change_of_mind",
        "reason_detail": "\\u0000 typed as text",
        "lines": [{"line_number": 1, "quantity": 1}],
    }
    response = api.post("/api/v1/returns", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["reason_detail"] == "\\u0000 typed as text"


def test_a_nul_in_a_webhook_body(client: Client) -> None:
    batch = {"events": [{"waybill_number": "1\u0000", "status": "in_transit"}]}
    fields = _refused(
        client.post(
            "/hooks/carriers/1/tracking", json.dumps(batch), content_type="application/json"
        )
    )
    assert list(fields) == ["events.0.waybill_number"]


def test_the_message_follows_the_language(api: Client) -> None:
    korean = api.get("/api/v1/orders?q=%00").json()["message"]
    english = api.get("/api/v1/orders?q=%00", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert "NUL" in english
    assert korean != english
