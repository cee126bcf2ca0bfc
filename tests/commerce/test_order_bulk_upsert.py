"""services.order_bulk_upsert: create, update, idempotency, all-or-nothing, claims, money."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pydantic import ValidationError

from banpum.commerce.models import Customer, Order, OrderLine, Product, Shipment
from banpum.commerce.schemas import OrderIn
from banpum.commerce.services import order_bulk_upsert
from banpum.core.errors import ValidationFailed
from tests.commerce.helpers import open_return, order_data, order_in
from tests.factories import ChannelFactory, CustomerFactory, ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def _fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return exc.value.extra["fields"]


def test_creates_order_lines_products_customer_and_shipment(store: Any, channel: Any) -> None:
    result = order_bulk_upsert(store=store, orders=[order_in()])

    assert (result.created, result.updated) == (1, 0)
    order = Order.objects.get(store=store, channel=channel, channel_order_number="A-1001")
    assert result.orders == [order]
    assert result.orders[0].channel.code == "mall"
    # Naive times are the store's local time.
    assert order.ordered_at == dt.datetime(2025, 3, 2, 10, 15, tzinfo=SEOUL)
    assert order.items_total == 29000 + 12000
    assert order.shipping_fee == 3000
    assert order.paid_total == 44000
    assert order.discount_total == 1000
    assert order.currency == "KRW"
    assert order.shipping_address2 == "12층"
    lines = list(order.lines.order_by("line_number"))
    assert [(ln.line_number, ln.sku, ln.quantity, ln.paid_amount) for ln in lines] == [
        (1, "TS-RED-M", 2, 29000),
        (2, "CAP-01", 1, 12000),
    ]
    product = Product.objects.get(store=store, sku="TS-RED-M")
    assert (product.name, product.category, product.price) == ("티셔츠 레드 M", "apparel", 15000)
    assert lines[0].product == product
    customer = order.customer
    assert customer is not None
    assert (customer.name, customer.phone, customer.email) == (
        "김민지",
        "01012345678",
        "minji@example.com",
    )
    shipment = order.shipments.get()
    assert shipment.tracking_number == "612345678901"
    assert shipment.delivered_at == dt.datetime(2025, 3, 4, 15, 30, tzinfo=SEOUL)


def test_aware_times_are_kept(store: Any, channel: Any) -> None:
    order_bulk_upsert(store=store, orders=[order_in(ordered_at="2025-03-02T01:00:00Z")])
    order = Order.objects.get(channel_order_number="A-1001")
    assert order.ordered_at == dt.datetime(2025, 3, 2, 1, 0, tzinfo=dt.UTC)


def test_existing_product_and_customer_are_matched(store: Any, channel: Any) -> None:
    product = ProductFactory(store=store, sku="CAP-01", name="기존 모자", category="hats")
    # Stored with hyphens by someone else; matched by digits.
    customer = CustomerFactory(store=store, phone="010-1234-5678", email="")
    other_store_customer = CustomerFactory(phone="01012345678")

    order_bulk_upsert(store=store, orders=[order_in()])

    order = Order.objects.get(channel_order_number="A-1001")
    assert order.customer_id == customer.pk != other_store_customer.pk
    customer.refresh_from_db()
    assert customer.email == "minji@example.com"  # filled in because it was blank
    line = order.lines.get(line_number=2)
    assert line.product_id == product.pk
    assert line.category == "hats"  # the product's, since the line named none
    assert Product.objects.filter(store=store).count() == 2
    assert Customer.objects.filter(store=store).count() == 1


def test_customer_matched_by_email_when_phone_differs(store: Any, channel: Any) -> None:
    customer = CustomerFactory(store=store, phone="01099998888", email="minji@example.com")
    data = order_data(
        customer={"name": "김민지", "phone": "010-5555-6666", "email": "MINJI@example.com"}
    )
    order_bulk_upsert(store=store, orders=[OrderIn.model_validate(data)])
    assert Order.objects.get().customer_id == customer.pk
    customer.refresh_from_db()
    assert customer.phone == "01099998888"  # never overwritten


def test_one_new_customer_for_two_orders_of_the_same_buyer(store: Any, channel: Any) -> None:
    orders = [order_in(order_number="A-1"), order_in(order_number="A-2")]
    order_bulk_upsert(store=store, orders=orders)
    assert Customer.objects.filter(store=store).count() == 1
    assert Order.objects.filter(customer__isnull=False).values("customer").distinct().count() == 1


def test_update_header_lines_and_shipment(store: Any, channel: Any) -> None:
    order_bulk_upsert(store=store, orders=[order_in()])
    order = Order.objects.get()
    created_at = order.created_at
    line_ids = dict(order.lines.values_list("line_number", "id"))

    update = order_data(
        shipping_address2="13층",
        lines=[
            {"line_number": 1, "sku": "TS-RED-M", "name": "티셔츠 레드 M",
             "quantity": 3, "unit_price": 15000, "discount": 1000},
            {"line_number": 3, "sku": "SOCK-01", "name": "양말", "quantity": 1, "unit_price": 5000},
        ],
        shipment={"tracking_number": "612345678901", "delivered_at": "2025-03-05T11:00:00"},
    )  # fmt: skip
    update.pop("shipping_fee")
    result = order_bulk_upsert(store=store, orders=[OrderIn.model_validate(update)])

    assert (result.created, result.updated) == (0, 1)
    order.refresh_from_db()
    assert order.pk == result.orders[0].pk
    assert order.created_at == created_at
    assert order.updated_at > created_at
    assert order.shipping_address2 == "13층"
    assert order.shipping_fee == 3000  # left out of the update: kept
    lines = {ln.line_number: ln for ln in order.lines.all()}
    assert sorted(lines) == [1, 2, 3]  # line 2 was not sent and is kept
    assert lines[1].pk == line_ids[1]
    assert (lines[1].quantity, lines[1].paid_amount) == (3, 44000)
    assert lines[2].pk == line_ids[2]
    assert lines[3].sku == "SOCK-01"
    assert order.items_total == 44000 + 12000 + 5000
    assert order.paid_total == 44000 + 12000 + 5000 + 3000
    shipment = order.shipments.get()  # matched by tracking number, not duplicated
    assert shipment.carrier_code == "kr.cjlogistics"  # not erased by leaving it out
    assert shipment.delivered_at == dt.datetime(2025, 3, 5, 11, 0, tzinfo=SEOUL)


def test_re_upsert_is_idempotent(store: Any, channel: Any) -> None:
    order_bulk_upsert(store=store, orders=[order_in(), order_in(order_number="A-1002")])
    before = Order.objects.order_by("pk").values_list("pk", "updated_at")
    snapshot = list(before)

    result = order_bulk_upsert(store=store, orders=[order_in(), order_in(order_number="A-1002")])

    assert (result.created, result.updated) == (0, 2)
    assert list(before) == snapshot  # nothing changed, nothing written
    assert OrderLine.objects.count() == 4
    assert Shipment.objects.count() == 2
    assert Product.objects.count() == 2
    assert Customer.objects.count() == 1


def test_all_or_nothing_when_one_order_is_bad(store: Any, channel: Any) -> None:
    good = [order_in(order_number=f"A-{n}") for n in range(3)]
    bad = order_in(order_number="A-9", channel="nope")
    with pytest.raises(ValidationFailed) as exc:
        order_bulk_upsert(store=store, orders=[*good, bad])
    assert list(_fields(exc)) == ["orders.3.channel"]
    assert Order.objects.count() == 0
    assert Product.objects.count() == 0
    assert Customer.objects.count() == 0


def test_unknown_channel_lists_known_codes(store: Any, channel: Any, coupang: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        order_bulk_upsert(store=store, orders=[order_in(channel="smartstore")])
    assert exc.value.status_code == 422
    message = _fields(exc)["orders.0.channel"][0]
    assert "smartstore" in message
    assert "coupang, mall" in message


def test_another_stores_channel_is_unknown(store: Any, channel: Any) -> None:
    other = StoreFactory()
    with pytest.raises(ValidationFailed) as exc:
        order_bulk_upsert(store=other, orders=[order_in()])
    assert "orders.0.channel" in _fields(exc)


def test_every_problem_is_reported_at_once(store: Any, channel: Any) -> None:
    orders = [
        order_in(order_number="A-1", paid_total=1),
        order_in(order_number="A-1"),
        order_in(
            order_number="A-3",
            lines=[
                {"line_number": 1, "sku": "X", "name": "x", "quantity": 1, "unit_price": 1},
                {"line_number": 1, "sku": "Y", "name": "y", "quantity": 1, "unit_price": 1},
            ],
            shipment={"shipped_at": "2025-03-04T10:00:00", "delivered_at": "2025-03-03T10:00:00"},
        ),
    ]
    with pytest.raises(ValidationFailed) as exc:
        order_bulk_upsert(store=store, orders=orders)
    fields = _fields(exc)
    assert set(fields) == {
        "orders.0.paid_total",
        "orders.1.order_number",
        "orders.2.lines.1.line_number",
        "orders.2.shipment.delivered_at",
    }
    assert "41000" in fields["orders.0.paid_total"][0]
    assert "44000" in fields["orders.0.paid_total"][0]
    assert Order.objects.count() == 0


def test_paid_total_given_and_correct_is_accepted(store: Any, channel: Any) -> None:
    order_bulk_upsert(store=store, orders=[order_in(paid_total=44000, discount_total=5000)])
    order = Order.objects.get()
    assert (order.paid_total, order.discount_total) == (44000, 5000)


@pytest.mark.usefixtures("english")
def test_quantity_cannot_drop_below_claimed_units(store: Any, channel: Any) -> None:
    lines = [{"sku": "TS", "name": "티셔츠", "quantity": 3, "unit_price": 10000}]
    order_bulk_upsert(store=store, orders=[order_in(lines=lines)])
    order = Order.objects.get()
    open_return(order, {1: 2})

    fewer = [{"sku": "TS", "name": "티셔츠", "quantity": 1, "unit_price": 10000}]
    with pytest.raises(ValidationFailed) as exc:
        order_bulk_upsert(store=store, orders=[order_in(lines=fewer)])
    message = _fields(exc)["orders.0.lines.0.quantity"][0]
    assert "2 unit(s) are claimed by returns" in message
    assert "below 2" in message
    assert order.lines.get().quantity == 3

    # Down to the claimed units is fine.
    two = [{"sku": "TS", "name": "티셔츠", "quantity": 2, "unit_price": 10000}]
    order_bulk_upsert(store=store, orders=[order_in(lines=two)])
    assert order.lines.get().quantity == 2


def test_cancelled_return_no_longer_holds_units(store: Any, channel: Any) -> None:
    lines = [{"sku": "TS", "name": "티셔츠", "quantity": 3, "unit_price": 10000}]
    order_bulk_upsert(store=store, orders=[order_in(lines=lines)])
    order = Order.objects.get()
    request = open_return(order, {1: 2})
    type(request).objects.filter(pk=request.pk).update(status="cancelled")

    one = [{"sku": "TS", "name": "티셔츠", "quantity": 1, "unit_price": 10000}]
    order_bulk_upsert(store=store, orders=[order_in(lines=one)])
    assert order.lines.get().quantity == 1


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("shipping_fee",), 3000.0, "whole number"),
        (("shipping_fee",), -1, "must not be negative"),
        (("shipping_fee",), "3000", "whole number"),
        (("paid_total",), 44000.5, "whole number"),
        (("lines", 0, "unit_price"), 15000.5, "whole number"),
        (("lines", 0, "unit_price"), -5, "must not be negative"),
        (("lines", 0, "discount"), -1, "must not be negative"),
        (("lines", 0, "discount"), 30001, "more than the line's price"),
        (("lines", 0, "paid_amount"), -1, "must not be negative"),
        (("lines", 0, "quantity"), 0, "must be at least 1"),
        (("lines", 0, "quantity"), 1.5, "whole number"),
        (("lines", 0, "quantity"), True, "whole number"),
    ],
)
def test_money_and_quantities_must_be_whole_non_negative(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    data = order_data()
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(ValidationError) as exc:
        OrderIn.model_validate(data)
    errors = exc.value.errors()
    assert [error["loc"] for error in errors] == [path]
    assert message in errors[0]["msg"]


def test_line_paid_amount_defaults_to_price_times_quantity_less_discount() -> None:
    order = order_in()
    assert [line.paid_amount for line in order.lines] == [29000, 12000]


def test_order_needs_one_to_five_hundred_lines() -> None:
    with pytest.raises(ValidationError):
        order_in(lines=[])
    line = {"sku": "X", "name": "x", "quantity": 1, "unit_price": 1}
    with pytest.raises(ValidationError) as exc:
        order_in(lines=[line] * 501)
    assert exc.value.errors()[0]["loc"] == ("lines",)


def test_bulk_queries_do_not_grow_with_the_batch(store: Any, channel: Any) -> None:
    def run(count: int, prefix: str) -> int:
        orders = [
            order_in(
                order_number=f"{prefix}-{n}",
                customer={"name": f"고객{n}", "phone": f"0109000{n:04d}"},
                lines=[
                    {"sku": f"{prefix}-SKU-{n}", "name": "상품", "quantity": 1, "unit_price": 1000},
                    {"sku": "SHARED", "name": "공용", "quantity": 2, "unit_price": 500},
                ],
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            order_bulk_upsert(store=store, orders=orders)
        return len(queries)

    small, large = run(3, "S"), run(30, "L")
    assert small == large
    assert large <= 25
    assert Order.objects.count() == 33

    # Updating 30 orders is just as cheap.
    orders = [
        order_in(
            order_number=f"L-{n}",
            shipping_address2="변경",
            lines=[{"sku": f"L-SKU-{n}", "name": "상품", "quantity": 2, "unit_price": 1000}],
        )
        for n in range(30)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = order_bulk_upsert(store=store, orders=orders)
    assert result.updated == 30
    assert len(queries) <= 25


def test_dry_run_checks_and_saves_nothing(store: Any, channel: Any) -> None:
    result = order_bulk_upsert(store=store, orders=[order_in()], dry_run=True)
    assert result.created == 1
    assert Order.objects.count() == 0
    assert Product.objects.count() == 0


def test_logs_a_summary(store: Any, channel: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="banpum.commerce.services"):
        order_bulk_upsert(store=store, orders=[order_in()])
    summary = [r.getMessage() for r in caplog.records if "orders upserted" in r.getMessage()]
    assert len(summary) == 1
    assert "created=1 updated=0" in summary[0]
    assert "store=test-store" in summary[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_of_one_new_order_do_not_collide() -> None:
    """Two feeds carrying the same new order at once: one creates it, the other updates it."""
    store = StoreFactory()
    ChannelFactory(store=store, code="mall")
    barrier = threading.Barrier(2)
    results: list[Any] = []
    failures: list[BaseException] = []

    def upsert() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(order_bulk_upsert(store=store, orders=[order_in()]))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=upsert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sorted((r.created, r.updated) for r in results) == [(0, 1), (1, 0)]
    assert Order.objects.filter(store=store).count() == 1
    assert Product.objects.filter(store=store).count() == 2
    assert Customer.objects.filter(store=store).count() == 1
