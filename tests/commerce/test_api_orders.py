"""/api/v1/orders: bulk upsert, limits, auth, store scoping, search, pagination, detail."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from banpum.commerce.models import Order, Shipment
from tests.commerce.helpers import open_return, order_data
from tests.factories import ChannelFactory, CustomerFactory, OrderFactory, StoreFactory, make_order

pytestmark = pytest.mark.django_db

BULK = "/api/v1/orders/bulk"


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def test_bulk_creates_then_updates(api: Client, store: Any, channel: Any) -> None:
    body = {"orders": [order_data(), order_data(order_number="A-1002")]}
    response = post(api, BULK, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["created"], data["updated"]) == (2, 0)
    ids = [order["id"] for order in data["orders"]]
    assert data["orders"] == [
        {"id": ids[0], "channel": "mall", "order_number": "A-1001"},
        {"id": ids[1], "channel": "mall", "order_number": "A-1002"},
    ]
    assert set(Order.objects.filter(store=store).values_list("pk", flat=True)) == set(ids)

    response = post(api, BULK, body)
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["updated"]) == (0, 2)
    assert [order["id"] for order in response.json()["orders"]] == ids


def test_bulk_schema_errors_use_dotted_paths(api_en: Client, store: Any, channel: Any) -> None:
    bad = order_data()
    bad["lines"][0]["quantity"] = 0
    bad["lines"][1]["unit_price"] = 12000.5
    response = post(api_en, BULK, {"orders": [order_data(order_number="ok"), bad]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["extra"]["fields"] == {
        "orders.1.lines.0.quantity": ["must be at least 1"],
        "orders.1.lines.1.unit_price": [
            "must be a whole number (no decimals, no quotes), not 12000.5"
        ],
    }
    assert body["message"] == "orders.1.lines.0.quantity: must be at least 1"
    assert Order.objects.count() == 0


def test_bulk_service_errors_use_dotted_paths(api: Client, store: Any, channel: Any) -> None:
    response = post(
        api, BULK, {"orders": [order_data(), order_data(channel="nope", order_number="2")]}
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert list(body["extra"]["fields"]) == ["orders.1.channel"]
    assert Order.objects.count() == 0


def test_bulk_limit(api: Client, api_en: Client, store: Any, channel: Any, settings: Any) -> None:
    settings.BANPUM_API_BULK_MAX = 2
    orders = [order_data(order_number=f"A-{n}") for n in range(3)]
    response = post(api_en, BULK, {"orders": orders})
    assert response.status_code == 422
    assert response.json()["extra"]["fields"] == {
        "orders": ["at most 2 orders per request; split the batch (got 3)"]
    }
    assert post(api, BULK, {"orders": orders[:2]}).status_code == 201


def test_bulk_needs_at_least_one_order(api: Client, store: Any) -> None:
    response = post(api, BULK, {"orders": []})
    assert response.status_code == 422
    assert "orders" in response.json()["extra"]["fields"]


def test_default_bulk_limit_is_500(api_en: Client, store: Any, channel: Any) -> None:
    orders = [order_data(order_number=f"A-{n}") for n in range(501)]
    response = post(api_en, BULK, {"orders": orders})
    assert response.status_code == 422
    assert "at most 500 orders" in response.json()["extra"]["fields"]["orders"][0]


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/v1/orders"), ("get", "/api/v1/orders/1"), ("post", BULK)],
)
def test_requires_an_api_key(store: Any, method: str, url: str) -> None:
    client = Client()
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    bad = Client(HTTP_AUTHORIZATION="Bearer bp_nope_0123456789abcdef0123")
    assert getattr(bad, method)(url, {}, content_type="application/json").status_code == 401


def test_another_stores_order_is_404(api: Client, api_en: Client, store: Any) -> None:
    other = make_order(store=StoreFactory())
    response = api_en.get(f"/api/v1/orders/{other.pk}")
    assert response.status_code == 404
    assert response.json() == {
        "code": "order_not_found",
        "message": "No such order in this store.",
        "extra": {},
    }
    assert other.channel_order_number not in str(api.get("/api/v1/orders").json())


def test_detail(api: Client, store: Any, channel: Any) -> None:
    data = order_data()
    data["lines"][0]["quantity"] = 3
    post(api, BULK, {"orders": [data]})
    order = Order.objects.get()
    open_return(order, {1: 2})
    order.lines.filter(line_number=2).update(quantity=2, cancelled_quantity=1)

    response = api.get(f"/api/v1/orders/{order.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["order_number"] == "A-1001"
    assert (body["channel"], body["channel_name"]) == ("mall", "자사몰")
    assert body["ordered_at"] == "2025-03-02T10:15:00+09:00"  # in the store's timezone
    assert body["customer"]["phone"] == "01012345678"
    assert body["shipping_address1"] == "서울특별시 강남구 테헤란로 152"
    assert body["totals"] == {
        "items_total": 44000 + 12000,
        "shipping_fee": 3000,
        "discount_total": 1000,
        "paid_total": 59000,
    }
    lines = {line["line_number"]: line for line in body["lines"]}
    assert lines[1]["quantity"] == 3
    assert lines[1]["claimed_quantity"] == 2
    assert lines[1]["returnable_quantity"] == 1
    assert lines[2]["cancelled_quantity"] == 1
    assert lines[2]["returnable_quantity"] == 1
    assert set(lines[1]) == {
        "id", "line_number", "sku", "name", "category", "quantity", "cancelled_quantity",
        "unit_price", "discount", "paid_amount", "claimed_quantity", "returnable_quantity",
    }  # fmt: skip
    [shipment] = body["shipments"]
    assert shipment["tracking_number"] == "612345678901"
    assert shipment["delivered_at"] == "2025-03-04T15:30:00+09:00"


def test_detail_of_an_undelivered_order_has_nothing_returnable(api: Client, store: Any) -> None:
    order = make_order(store=store, delivered_days_ago=None, lines=[{"quantity": 2}])
    line = api.get(f"/api/v1/orders/{order.pk}").json()["lines"][0]
    assert (line["quantity"], line["returnable_quantity"]) == (2, 0)


def test_search(api: Client, store: Any, channel: Any, coupang: Any) -> None:
    kim = CustomerFactory(store=store, name="김민지", phone="01012345678", email="kim@example.com")
    lee = CustomerFactory(
        store=store, name="이서준", phone="010-2222-3333", email="lee@example.com"
    )
    a = OrderFactory(store=store, channel=channel, customer=kim, channel_order_number="A-1")
    b = OrderFactory(store=store, channel=coupang, customer=lee, channel_order_number="C-7")
    c = OrderFactory(
        store=store, channel=channel, customer=None, channel_order_number="A-2",
        shipping_name="박지훈", shipping_phone="01055556666",
    )  # fmt: skip
    OrderFactory(customer=CustomerFactory(name="김민지"))  # another store

    def ids(**params: str) -> list[int]:
        response = api.get("/api/v1/orders", params)
        assert response.status_code == 200, response.json()
        return [order["id"] for order in response.json()["results"]]

    assert ids() == [c.pk, b.pk, a.pk]
    assert ids(q="C-7") == [b.pk]
    assert ids(q="민지") == [a.pk]
    assert ids(q="박지훈") == [c.pk]
    assert ids(q="010-1234-5678") == [a.pk]
    assert ids(q="01022223333") == [b.pk]  # stored with hyphens, searched with digits
    assert ids(q="LEE@example.com") == [b.pk]
    assert ids(channel="coupang") == [b.pk]
    assert ids(phone="010-5555-6666") == [c.pk]
    assert ids(q="민지", channel="coupang") == []
    Shipment.objects.create(order=b, carrier_code="kr.cjlogistics", tracking_number="612345678901")
    assert ids(q="612345678901") == [b.pk]  # the delivery's waybill
    assert ids(q="6123-4567-8901") == [b.pk]  # as the label prints it

    first = api.get("/api/v1/orders", {"q": "C-7"}).json()["results"][0]
    assert first["customer"] == {
        "id": lee.pk, "name": "이서준", "phone": "010-2222-3333", "email": "lee@example.com",
    }  # fmt: skip
    assert first["channel"] == "coupang"
    assert set(first["totals"]) == {"items_total", "shipping_fee", "discount_total", "paid_total"}


def test_cursor_pagination(api: Client, store: Any, channel: Any) -> None:
    orders = [OrderFactory(store=store, channel=channel) for _ in range(5)]
    expected = [order.pk for order in reversed(orders)]

    page = api.get("/api/v1/orders", {"page_size": 2}).json()
    seen = [order["id"] for order in page["results"]]
    assert page["previous"] is None
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [order["id"] for order in page["results"]]
    assert seen == expected


def test_list_has_no_n_plus_one(
    api: Client, store: Any, channel: Any, django_assert_num_queries: Any
) -> None:
    api.get("/api/v1/orders")  # the key's last-use touch (once a minute) happens here

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/orders")
        assert response.status_code == 200
        return len(queries)

    for _ in range(2):
        OrderFactory(store=store, channel=ChannelFactory(store=store))
    few = count()
    for _ in range(20):
        OrderFactory(store=store, channel=ChannelFactory(store=store))
    assert count() == few
    with django_assert_num_queries(2):  # the API key, the page (channel and customer joined)
        response = api.get("/api/v1/orders")
    assert len(response.json()["results"]) == 22


def test_detail_queries_do_not_grow_with_lines(
    api: Client, store: Any, django_assert_max_num_queries: Any
) -> None:
    order = make_order(store=store, lines=[{} for _ in range(15)])
    api.get("/api/v1/orders")  # the key's last-use touch happens here, not below
    with django_assert_max_num_queries(4):  # key, order, lines, shipments
        response = api.get(f"/api/v1/orders/{order.pk}")
    assert len(response.json()["lines"]) == 15
