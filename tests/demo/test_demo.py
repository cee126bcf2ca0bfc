"""``banpum demo``: a small demo store, checked the way a reviewer would look at it."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from banpum.accounts.models import ApiKey
from banpum.accounts.services import api_key_authenticate
from banpum.commerce.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    SalesChannel,
    Shipment,
    Store,
)
from banpum.demo.catalog import CATALOG_SIZE, catalog, ean13_check_digit
from banpum.demo.seed import DEMO_API_KEY, DEMO_PASSWORD, DemoSummary, demo_seed
from banpum.policy.models import ReturnPolicy
from banpum.returns.models import (
    CLAIMING_STATUSES,
    ReturnEvent,
    ReturnLine,
    ReturnRequest,
    ReturnStatus,
)

# A fixed clock whose 120-day history spans 추석 2025 (5-8 October) and its substitute holiday.
NOW = dt.datetime(2025, 10, 20, 5, 0, tzinfo=dt.UTC)
SEOUL = ZoneInfo("Asia/Seoul")
ORDERS, RETURNS = 120, 40
HANGUL_NAME = re.compile(r"^[가-힣]{2,5}$")
ORDER_NUMBERS = {
    SalesChannel.Kind.SMARTSTORE: re.compile(r"^\d{16}$"),
    SalesChannel.Kind.COUPANG: re.compile(r"^\d{14}$"),
    SalesChannel.Kind.CAFE24: re.compile(r"^\d{8}-\d{7}$"),
    SalesChannel.Kind.OWN_MALL: re.compile(r"^BM\d{10}$"),
    SalesChannel.Kind.MANUAL: re.compile(r"^TEL-\d{6}-\d{3}$"),
}
MODELS = (
    Store,
    SalesChannel,
    Product,
    Customer,
    Order,
    OrderLine,
    Shipment,
    ReturnPolicy,
    ReturnRequest,
    ReturnLine,
    ReturnEvent,
    ApiKey,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db: Any) -> DemoSummary:
    return demo_seed(orders=ORDERS, returns=RETURNS, now=NOW)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["User"] = get_user_model().objects.count()
    return counts


def test_catalogue_is_valid_ean13_with_rounded_prices() -> None:
    specs = catalog(CATALOG_SIZE)
    assert len({spec.sku for spec in specs}) == len(specs)
    assert len({spec.barcode for spec in specs}) == len(specs)
    for spec in specs:
        assert len(spec.barcode) == 13
        assert spec.barcode[-1] == ean13_check_digit(spec.barcode[:12])
        assert spec.price % 100 == 0
        assert spec.price >= 1000
    assert ean13_check_digit("400638133393") == "1"  # the textbook EAN-13, 4006381333931


@pytest.mark.django_db
def test_seed_builds_a_korean_store(demo: DemoSummary) -> None:
    assert demo.created
    assert demo.problems == []
    store = Store.objects.get(slug="demo")
    assert (store.country, store.timezone, store.currency) == ("KR", "Asia/Seoul", "KRW")
    assert store.return_address_line1.startswith("경기도 이천시")
    assert set(store.channels.values_list("kind", flat=True)) == {
        "smartstore",
        "coupang",
        "cafe24",
        "own_mall",
        "manual",
    }

    products = Product.objects.filter(store=store)
    assert products.count() == 60
    assert products.values("category").distinct().count() >= 8
    assert products.filter(returnable=False).exists()
    assert products.filter(category="식품").exists()

    assert Order.objects.filter(store=store).count() == ORDERS
    customers = Customer.objects.filter(store=store)
    assert all(HANGUL_NAME.match(name) for name in customers.values_list("name", flat=True))
    assert all(
        re.match(r"^010-\d{4}-\d{4}$", phone) for phone in customers.values_list("phone", flat=True)
    )
    assert customers.filter(is_flagged=True).exclude(flag_reason="").exists()
    assert not customers.filter(orders__isnull=True).exists()


@pytest.mark.django_db
def test_orders_add_up_and_look_like_their_channels(demo: DemoSummary) -> None:
    orders = Order.objects.filter(store__slug="demo").select_related("channel")
    line_sums = dict(
        OrderLine.objects.filter(order__in=orders)
        .values("order")
        .annotate(total=Sum("paid_amount"))
        .values_list("order", "total")
    )
    assert any(order.discount_total for order in orders)
    assert {order.shipping_fee for order in orders} == {0, 3000}
    earliest = NOW - dt.timedelta(days=121)
    for order in orders:
        assert order.paid_total == line_sums[order.pk] + order.shipping_fee
        assert order.items_total == line_sums[order.pk]
        assert order.free_shipping == (order.shipping_fee == 0)
        assert order.free_shipping == (line_sums[order.pk] >= 50_000)
        assert ORDER_NUMBERS[order.channel.kind].match(order.channel_order_number)
        assert earliest <= order.ordered_at <= NOW
        assert order.payment_method
        assert order.payment_reference
        assert HANGUL_NAME.match(order.shipping_name)
    discounts = Counter()
    for line in OrderLine.objects.filter(order__in=orders):
        assert line.paid_amount == line.unit_price * line.quantity - line.discount
        assert line.discount % 100 == 0
        discounts[line.order_id] += line.discount
    assert all(order.discount_total == discounts[order.pk] for order in orders)

    shipments = Shipment.objects.filter(order__store__slug="demo").select_related("order")
    assert {s.carrier_code for s in shipments} <= {
        "kr.cjlogistics",
        "kr.epost",
        "kr.hanjin",
        "kr.lotte",
        "kr.logen",
    }
    for shipment in shipments:
        assert shipment.shipped_at is not None
        assert shipment.order.ordered_at < shipment.shipped_at <= NOW
        if shipment.delivered_at is not None:
            assert shipment.shipped_at < shipment.delivered_at <= NOW
    assert shipments.filter(delivered_at__isnull=True).exists() or shipments.count() < ORDERS


@pytest.mark.django_db
def test_returns_reach_every_status_through_the_services(demo: DemoSummary) -> None:
    returns = ReturnRequest.objects.filter(store__slug="demo")
    assert returns.count() == RETURNS
    statuses = Counter(returns.values_list("status", flat=True))
    assert set(statuses) == set(ReturnStatus.values)
    assert demo.returns_by_status == {status: statuses[status] for status in ReturnStatus.values}

    held = returns.filter(status=ReturnStatus.ON_HOLD)
    assert held.exclude(hold_reason="").count() == held.count()
    assert set(returns.values_list("origin", flat=True)) == {"customer", "cs", "api", "channel"}
    assert returns.values("reason_code").distinct().count() >= 5
    assert ReturnEvent.objects.filter(
        return_request__in=returns, type="note_added", note__regex=r"[가-힣]"
    ).exists()
    for return_request in returns.prefetch_related("events"):
        events = list(return_request.events.all())
        # One event per status change, from the creation to the status the return is in.
        assert events[0].type == "created"
        changes = [event for event in events if event.type == "status_changed"]
        assert (changes[-1].to_status if changes else "requested") == return_request.status
        assert return_request.version == 1 + len(changes)


@pytest.mark.django_db
def test_returns_stay_within_what_was_delivered_and_paid(demo: DemoSummary) -> None:
    returns = ReturnRequest.objects.filter(store__slug="demo").select_related("order")
    for return_request in returns:
        order = return_request.order
        delivered = order.shipments.filter(delivered_at__isnull=False).first()
        assert delivered is not None
        assert return_request.created_at > delivered.delivered_at
        assert return_request.refund_estimate <= order.paid_total
    claimed = (
        ReturnLine.objects.filter(
            return_request__store__slug="demo", return_request__status__in=CLAIMING_STATUSES
        )
        .values("order_line")
        .annotate(total=Sum("quantity"))
    )
    quantities = dict(OrderLine.objects.values_list("pk", "quantity"))
    for row in claimed:
        assert row["total"] <= quantities[row["order_line"]]


@pytest.mark.django_db
def test_timelines_are_backdated_in_order(demo: DemoSummary) -> None:
    returns = ReturnRequest.objects.filter(store__slug="demo").prefetch_related("events")
    for return_request in returns:
        times = [event.at for event in return_request.events.all()]
        assert times == sorted(times)
        assert times[0] == return_request.created_at
        assert times[-1] <= NOW
        month = return_request.created_at.astimezone(SEOUL).strftime("%y%m")
        assert return_request.number.startswith(f"R{month}-")
        if return_request.status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
            assert return_request.refund_due_on is not None


@pytest.mark.django_db
def test_policy_versions_are_kept_by_the_returns_decided_under_them(demo: DemoSummary) -> None:
    v1, v2 = ReturnPolicy.objects.filter(store__slug="demo").order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.rules["non_returnable_categories"] == ["식품"]
    assert v1.rules["auto_approval"]["enabled"] is True
    assert v1.rules["auto_approval"]["max_refund"] == 50_000
    assert v2.rules["return_shipping_fee"] == 3500
    returns = ReturnRequest.objects.filter(store__slug="demo")
    assert returns.filter(policy=v1).exists()
    assert returns.filter(policy=v2).exists()
    assert not returns.filter(policy=v1, created_at__gte=v2.created_at).exists()
    assert not returns.filter(policy=v2, created_at__lt=v2.created_at).exists()


@pytest.mark.django_db
def test_logins_and_api_key(demo: DemoSummary) -> None:
    users = get_user_model().objects
    admin, cs = users.get(username="admin"), users.get(username="cs")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert cs.is_staff
    assert not cs.is_superuser
    assert cs.check_password(DEMO_PASSWORD)
    assert cs.has_perm("returns.change_returnrequest")
    key = api_key_authenticate(DEMO_API_KEY)
    assert key is not None
    assert key.store.slug == "demo"
    assert key.prefix == "demo"


@pytest.mark.django_db
def test_second_run_changes_nothing(demo: DemoSummary) -> None:
    before = _counts()
    again = demo_seed(orders=ORDERS, returns=RETURNS, now=NOW)
    assert not again.created
    assert not again.api_key_created
    assert again.users == {"admin": False, "cs": False}
    assert again.returns_by_status == demo.returns_by_status
    assert _counts() == before


@pytest.mark.django_db
def test_command_today_then_already_present(settings: Any) -> None:
    out = StringIO()
    call_command("demo", orders=80, returns=20, stdout=out)
    first = out.getvalue()
    assert "created" in first
    assert DEMO_API_KEY in first
    assert "admin / banpum-demo" in first
    assert "for the demo only" in first
    assert set(ReturnRequest.objects.values_list("status", flat=True)) == set(ReturnStatus.values)
    assert "skipped" not in first

    before = _counts()
    out = StringIO()
    call_command("demo", orders=80, returns=20, stdout=out)
    assert "demo data already present" in out.getvalue()
    assert _counts() == before
