"""Bad input on the API and the hooks is a JSON 4xx, never a 500 or an HTML page (issue 7)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from banpum.commerce.models import Order
from tests.commerce.helpers import order_data
from tests.factories import ChannelFactory, make_order

pytestmark = pytest.mark.django_db

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+09:00$")


@pytest.fixture
def channel(store: Any) -> Any:
    return ChannelFactory(store=store, code="mall", name="자사몰")


def _json(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()


def _preview(api: Client, order: Order, **fields: Any) -> Any:
    body = {
        "order_id": order.pk,
        "reason_code": "defective",
        "photo_count": 1,
        "lines": [{"line_number": 1, "quantity": 1}],
        **fields,
    }
    return api.post("/api/v1/returns/preview", body, content_type="application/json")


# --- 1. times without an offset are the store's ----------------------------------------------


def test_a_defect_time_without_offset_is_read_in_the_store_zone(api: Client, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}])
    naive = _preview(api, order, defect_noticed_at="2025-01-01T23:30:00")
    aware = _preview(api, order, defect_noticed_at="2025-01-01T23:30:00+09:00")
    assert naive.status_code == aware.status_code == 200, naive.content
    assert _json(naive)["deadlines"] == _json(aware)["deadlines"]


def test_a_returns_filter_without_offset_is_read_in_the_store_zone(api: Client) -> None:
    response = api.get("/api/v1/returns", {"created_from": "2025-01-01T00:00:00"})
    assert (response.status_code, _json(response)["results"]) == (200, [])


# --- 3. out-of-range dates and tampered cursors ----------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_an_out_of_range_list_filter_is_422(api: Client, value: str) -> None:
    response = api.get("/api/v1/returns", {"created_from": value})
    assert response.status_code == 422
    assert list(_json(response)["extra"]["fields"]) == ["created_from"]


@pytest.mark.parametrize(
    "ordered_at", ["0001-01-01T00:00:00+09:00", "9999-12-31T23:59:59-14:00", "1999-12-31T23:59:59"]
)
def test_an_out_of_range_order_time_is_422(api: Client, channel: Any, ordered_at: str) -> None:
    body = {"orders": [order_data(ordered_at=ordered_at)]}
    response = api.post("/api/v1/orders/bulk", body, content_type="application/json")
    assert response.status_code == 422
    assert list(_json(response)["extra"]["fields"]) == ["orders.0.ordered_at"]


def test_an_out_of_range_delivery_time_is_422(api: Client, channel: Any) -> None:
    order = order_data()
    order["shipment"]["delivered_at"] = "0001-01-01T00:00:00"
    response = api.post("/api/v1/orders/bulk", {"orders": [order]}, content_type="application/json")
    assert response.status_code == 422
    assert list(_json(response)["extra"]["fields"]) == ["orders.0.shipment.delivered_at"]


def test_an_out_of_range_defect_time_is_422(api: Client, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 1}])
    response = _preview(api, order, defect_noticed_at="0001-01-01T00:00:00+14:00")
    assert response.status_code == 422
    assert list(_json(response)["extra"]["fields"]) == ["defect_noticed_at"]


@pytest.mark.parametrize("cursor", ["cD1hYmM=", "!!!", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ=="])
def test_a_tampered_orders_cursor_is_422(api: Client, cursor: str) -> None:
    response = api.get("/api/v1/orders", {"cursor": cursor})
    assert response.status_code == 422
    assert list(_json(response)["extra"]["fields"]) == ["cursor"]


@pytest.mark.parametrize("size", [0, -1, 100000])
def test_an_orders_page_size_outside_the_range_is_422(api: Client, size: int) -> None:
    response = api.get("/api/v1/orders", {"page_size": size})
    assert (response.status_code, list(_json(response)["extra"]["fields"])) == (422, ["page_size"])


# --- 2 and 4. size limits and Django's own errors ---------------------------------------------


def test_the_largest_bulk_fits_the_body_limit(api: Client, channel: Any, settings: Any) -> None:
    """500 orders × 18 lines (2.6 MB as most clients encode it) was a 500 over Django's 2.5 MiB."""
    lines = [
        {"line_number": n + 1, "sku": f"SKU-{n:05d}-BLK-XL", "category": "apparel/tops",
         "name": "남성 오버핏 코튼 티셔츠 블랙 XL (2025 S/S)", "quantity": 2,
         "unit_price": 39000, "discount": 1000, "paid_amount": 77000}
        for n in range(18)
    ]  # fmt: skip
    orders = [
        order_data(order_number=f"2025030212345{n:05d}", lines=lines)
        for n in range(settings.BANPUM_API_BULK_MAX)
    ]
    body = json.dumps({"orders": orders}).encode()
    assert len(body) > 2_621_440  # Django's default limit
    assert 2 * len(body) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api.post("/api/v1/orders/bulk", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert _json(response)["created"] == settings.BANPUM_API_BULK_MAX


def test_a_body_over_the_limit_is_a_json_413_naming_it(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"orders": [], "pad": "x" * 2000})
    response = api.post("/api/v1/orders/bulk", body, content_type="application/json")
    assert response.status_code == 413
    answer = _json(response)
    assert (answer["code"], answer["extra"]) == ("payload_too_large", {"limit_bytes": 1000})
    assert "1000" in answer["message"]


@pytest.mark.parametrize("path", ["/api/v1/returns", "/hooks/carriers/1/tracking"])
def test_a_bad_host_is_a_json_400_on_api_paths(api: Client, path: str) -> None:
    response = api.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert _json(response)["code"] == "bad_request"


def test_a_bad_host_elsewhere_keeps_djangos_page(client: Client) -> None:
    response = client.get("/admin/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")


# --- 8. one time format -------------------------------------------------------------------------


def test_every_time_in_answers_carries_the_store_offset(api: Client, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}])
    created = api.post(
        "/api/v1/returns",
        {"order_id": order.pk, "reason_code": "change_of_mind",
         "lines": [{"line_number": 1, "quantity": 1}]},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    answers = [
        _json(created),
        _json(api.get(f"/api/v1/orders/{order.pk}")),
        _json(api.get("/api/v1/orders")),
        _json(api.get("/api/v1/returns")),
    ]
    times: list[str] = []

    def collect(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                collect(item, name)
        elif isinstance(value, list):
            for item in value:
                collect(item, key)
        elif isinstance(value, str) and key.endswith(("_at", "at")) and "T" in value:
            times.append(value)

    collect(answers)
    assert len(times) >= 8
    assert all(RFC3339.match(value) for value in times), times


def test_too_many_query_fields_is_a_json_400(api: Client) -> None:
    """Django's TooManyFieldsSent surfaces inside the API view: a 400, not a 500."""
    query = "&".join(f"status=requested&x{n}=1" for n in range(600))
    response = api.get(f"/api/v1/returns?{query}")
    assert response.status_code == 400
    assert _json(response)["code"] == "bad_request"


def test_a_multipart_body_without_a_boundary_is_400(api: Client) -> None:
    """Schemathesis found it: Django's parser raises, and an upload must never 500."""
    response = api.post(
        "/api/v1/returns/NO-SUCH/lines/1/photos",
        data=b"--x\r\n",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400, response.content
    assert _json(response)["code"] == "invalid_multipart"
