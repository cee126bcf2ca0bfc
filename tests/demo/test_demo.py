"""``banpum demo``: a small demo store, checked the way a reviewer would look at it.

The store is seeded once for the module (``conftest.seeded``) and only read here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.db.models import F, Sum
from django.test import Client
from django.utils import translation

from banpum.accounts.models import StoreMembership
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
from banpum.demo.logistics import CARRIER_API_KEY, LINKED_NAME, UNLINKED_NAME
from banpum.demo.payments import STATE_FILE as PAYMENT_STATE_FILE
from banpum.demo.returns import MIN_RETURNS
from banpum.demo.seed import DEMO_API_KEY, DEMO_PASSWORD, DemoSummary, demo_seed
from banpum.demo.simulator import STATE_FILE
from banpum.integrations.carriers.simulator_server import CarrierSimulator, SimulatorConfig
from banpum.integrations.payments.simulator_server import PaymentSimulator
from banpum.logistics.models import (
    CarrierAccount,
    CarrierRule,
    Gateway,
    OutboundKind,
    OutboundShipment,
    Pickup,
    PickupException,
    PickupStatus,
)
from banpum.logistics.selectors import pickup_exceptions
from banpum.policy.models import ReturnPolicy
from banpum.returns.models import (
    CLAIMING_STATUSES,
    EventType,
    FeeSettlement,
    ReturnEvent,
    ReturnLine,
    ReturnRequest,
    ReturnStatus,
)
from banpum.returns.timeline import event_text
from banpum.returns.transitions import MOMENTARY
from banpum.settlement.models import (
    Exchange,
    ExchangeLine,
    Refund,
    RefundKind,
    RefundMethod,
    RefundStatus,
    StoreCreditAccount,
)
from banpum.warehouse.models import (
    LineInspection,
    MovementKind,
    StockMovement,
    UnidentifiedParcel,
)
from tests.demo.helpers import NOW, ORDERS, RETURNS, Seeded, row_counts
from tests.returns.helpers import number_of

SEOUL = ZoneInfo("Asia/Seoul")
HANGUL_NAME = re.compile(r"^[가-힣]{2,5}$")
ORDER_NUMBERS = {
    SalesChannel.Kind.SMARTSTORE: re.compile(r"^\d{16}$"),
    SalesChannel.Kind.COUPANG: re.compile(r"^\d{14}$"),
    SalesChannel.Kind.CAFE24: re.compile(r"^\d{8}-\d{7}$"),
    SalesChannel.Kind.OWN_MALL: re.compile(r"^BM\d{10}$"),
    SalesChannel.Kind.MANUAL: re.compile(r"^TEL-\d{6}-\d{3}$"),
}
PS = PickupStatus
S = ReturnStatus


@pytest.fixture
def simulator_bookings(seeded: Seeded, demo: DemoSummary) -> Iterator[dict[str, dict[str, Any]]]:
    """What the simulator kept (its state file, read by a second simulator), by waybill."""
    state = seeded.var_dir / STATE_FILE
    assert demo.simulator_state == state
    # At (almost) no speed, so that nothing happens to the parcels while it is asked.
    simulator = CarrierSimulator(port=0, config=SimulatorConfig(speed=0.001), state_path=state)
    simulator.start()
    try:
        response = httpx.get(
            f"{simulator.base_url}/v1/pickups",
            headers={"Authorization": f"Bearer {CARRIER_API_KEY}"},
        )
        response.raise_for_status()
        yield {row["waybill_number"]: row for row in response.json()["pickups"]}
    finally:
        simulator.stop()


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
    # 60 catalogue items; clothes and shoes have two sibling variants each (size, colour).
    variants = products.exclude(option_group="").exclude(option_group=F("sku"))
    assert demo.counts["variants"] == variants.count() > 0
    assert products.count() == 60 + variants.count()
    for variant in variants:
        base = products.get(sku=variant.option_group)
        assert set(variant.options) == set(base.options) == {"색상", "사이즈"}
        assert variant.options != base.options
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
        assert ORDER_NUMBERS[SalesChannel.Kind(order.channel.kind)].match(
            order.channel_order_number
        )
        assert earliest <= order.ordered_at <= NOW
        assert order.payment_method
        assert order.payment_reference
        assert HANGUL_NAME.match(order.shipping_name)
    discounts: Counter[int] = Counter()
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

    # Postcodes lie in the region the address names (the carrier rules go by them).
    regions = {
        "서울특별시": ("0",),
        "제주특별자치도": ("63",),
        "부산광역시": ("46", "47", "48", "49"),
    }
    for order in orders:
        prefix = regions.get(order.shipping_address1.split()[0])
        if prefix is not None and order.shipping_postcode != "00000":
            assert order.shipping_postcode.startswith(prefix), order.shipping_address1


@pytest.mark.django_db
def test_returns_reach_every_status_through_the_services(demo: DemoSummary) -> None:
    returns = ReturnRequest.objects.filter(store__slug="demo")
    assert returns.count() == RETURNS
    statuses = Counter(returns.values_list("status", flat=True))
    # Every status a return rests in, arrived included; inspected is passed through at once.
    assert set(statuses) == set(ReturnStatus.values) - MOMENTARY
    assert demo.returns_by_status == {status: statuses[status] for status in ReturnStatus.values}
    assert RETURNS >= MIN_RETURNS

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
        assert all(event.type in EventType.values for event in events)
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
        assert delivered.delivered_at is not None
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
def test_timelines_are_written_in_order(demo: DemoSummary) -> None:
    """The return's events, its pickups' timestamps and the parcel's tracking tell one story,
    written through the services with the demo's clock (events cannot be rewritten)."""
    returns = ReturnRequest.objects.filter(store__slug="demo").prefetch_related("events")
    for return_request in returns:
        times = [event.at for event in return_request.events.all()]
        assert times == sorted(times)
        assert times[0] == return_request.created_at
        assert times[-1] <= NOW
        month = return_request.created_at.astimezone(SEOUL).strftime("%y%m")
        assert re.fullmatch(rf"DM-{month}-[0-9A-HJKMNP-TV-Z]{{6}}", number_of(return_request))
        if return_request.status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
            assert return_request.refund_due_on is not None

    for pickup in Pickup.objects.filter(account__store__slug="demo").select_related(
        "return_request"
    ):
        created = pickup.return_request.created_at
        steps = [
            pickup.requested_at,
            pickup.accepted_at,
            pickup.picked_up_at,
            pickup.delivered_at,
        ]
        stamps = [stamp for stamp in steps if stamp is not None]
        assert stamps == sorted(stamps), pickup
        assert created <= stamps[0]
        assert stamps[-1] <= NOW
        for stamp in (pickup.exception_at, pickup.cancelled_at, pickup.updated_at):
            assert stamp is None or pickup.requested_at <= stamp <= NOW
        events = list(pickup.tracking_events.order_by("id"))
        times = [event.occurred_at for event in events]
        assert times == sorted(times), pickup
        assert all(pickup.requested_at <= moment <= NOW for moment in times)
        if events:
            assert events[0].status == "INFORMATION_RECEIVED"
            assert events[0].occurred_at == pickup.accepted_at
        if pickup.picked_up_at is not None:
            # The return went in transit when the parcel was collected (and arrived with it).
            moved = pickup.return_request.events.get(
                data__action="mark_in_transit", data__pickup_id=pickup.pk
            )
            assert moved.at == pickup.picked_up_at
        if pickup.delivered_at is not None:
            assert pickup.return_request.events.get(data__action="arrive").at == (
                pickup.delivered_at
            )


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
    admin = users.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    roles = {
        (m.user.username, m.store.slug): m.role
        for m in StoreMembership.objects.select_related("user", "store")
    }
    assert roles == {
        ("admin", "demo"): "admin",
        ("cs", "demo"): "cs_agent",
        ("warehouse", "demo"): "warehouse",
        ("manager", "demo"): "manager",
        ("cs2", "demo-2"): "cs_agent",
    }
    for username in ("cs", "warehouse", "manager", "cs2"):
        user = users.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser
        assert not user.is_staff  # the admin is for superusers; staff screens come later
    assert demo.roles["cs2"] == "demo-2: cs_agent"
    second = Store.objects.get(slug="demo-2")
    assert Order.objects.filter(store=second).exists()
    assert not ReturnRequest.objects.filter(store=second).exists()
    key = api_key_authenticate(DEMO_API_KEY)
    assert key is not None
    assert key.store.slug == "demo"
    assert key.prefix == "demo"
    assert key.acts_for is None


@pytest.mark.django_db
def test_demo_staff_act_with_their_roles(demo: DemoSummary) -> None:
    """The demo's cs opened and decided returns as a CS agent of the demo store."""
    cs = get_user_model().objects.get(username="cs")
    events = ReturnEvent.objects.filter(actor_user=cs)
    assert events.exists()
    assert set(events.values_list("return_request__store__slug", flat=True)) == {"demo"}


@pytest.mark.django_db
def test_second_run_changes_nothing(seeded: Seeded, demo: DemoSummary) -> None:
    state = seeded.var_dir / STATE_FILE
    kept = state.read_bytes()
    before = row_counts()
    again = demo_seed(orders=ORDERS, returns=RETURNS, now=NOW)
    assert not again.created
    assert not again.api_key_created
    assert again.users == dict.fromkeys(["admin", "cs", "warehouse", "manager", "cs2"], False)
    assert again.returns_by_status == demo.returns_by_status
    assert again.pickups_by_status == demo.pickups_by_status
    assert again.simulator_url == ""  # no carrier was called
    assert row_counts() == before
    assert state.read_bytes() == kept


def _latest_pickup(return_request: ReturnRequest) -> Pickup | None:
    return return_request.pickups.order_by("-id").first()


@pytest.mark.django_db
def test_carriers_linked_default_and_jeju_rule(seeded: Seeded, demo: DemoSummary) -> None:
    store = Store.objects.get(slug="demo")
    linked = CarrierAccount.objects.get(store=store, is_default=True)
    assert linked.name == LINKED_NAME
    assert linked.carrier.code == "kr.cjlogistics"
    assert linked.gateway == Gateway.SIMULATOR
    assert linked.api_base_url == f"http://127.0.0.1:{seeded.port}"
    assert linked.credentials == {"api_key": "demo-store"}
    assert linked.webhook_secret
    assert linked.customer_code
    assert linked.fare_type == "credit"
    assert [(box["label"], box["fare"]) for box in linked.box_sizes] == [
        ("극소", 3000),
        ("소", 3500),
        ("중", 4000),
        ("대", 5000),
    ]
    assert linked.return_address1 == store.return_address_line1
    assert linked.is_active

    unlinked = CarrierAccount.objects.get(store=store, is_default=False)
    assert unlinked.name == UNLINKED_NAME
    assert (unlinked.carrier.code, unlinked.gateway) == ("kr.epost", Gateway.NONE)
    assert not unlinked.linked
    assert "1588-1300" in unlinked.instructions
    assert "송장번호" in unlinked.instructions
    assert unlinked.is_active  # switched back on after the approvals made while it was off

    rule = CarrierRule.objects.get(store=store)
    assert (rule.account, rule.postcode_prefixes, rule.note) == (unlinked, ["63"], "제주 도서산간")

    # Jeju: routed to the post office, the buyer told how; one of them sent the parcel since.
    jeju = ReturnRequest.objects.filter(
        store=store, method="carrier_pickup", order__shipping_postcode__startswith="63"
    )
    waiting = jeju.get(status=S.AWAITING_SHIPMENT)
    assert not waiting.pickups.exists()
    told = waiting.events.get(data__action="await_shipment")
    assert (told.note, told.data["carrier"]) == ("", "kr.epost")  # facts, worded when shown
    with translation.override("ko"):
        text = event_text(told)
    assert "우체국" in text
    assert "송장번호" in text
    assert store.return_address_line1 in text
    sent = jeju.get(status=S.IN_TRANSIT)
    manual = sent.pickups.get()
    assert (manual.manual, manual.status, manual.account) == (True, PS.ACCEPTED, unlinked)
    assert manual.waybill_number.isdigit()
    assert len(manual.waybill_number) == 13
    # Every other carrier pickup went to the linked default.
    others = Pickup.objects.filter(account__store=store, manual=False)
    assert set(others.values_list("account", flat=True)) == {linked.pk}


@pytest.mark.django_db
def test_pickups_in_every_state_booked_on_the_simulator(
    demo: DemoSummary, simulator_bookings: dict[str, dict[str, Any]]
) -> None:
    pickups = Pickup.objects.filter(account__store__slug="demo", manual=False)
    statuses = Counter(pickups.values_list("status", flat=True))
    assert set(statuses) == set(PickupStatus.values)
    assert demo.pickups_by_status == {
        status: statuses[status] + (status == PS.ACCEPTED) for status in PickupStatus.values
    }  # the manual (Jeju) pickup counts as accepted

    for pickup in pickups:
        if pickup.status in (PS.REQUESTED, PS.FAILED):
            assert pickup.waybill_number == ""  # never booked
            continue
        booking = simulator_bookings.get(pickup.waybill_number)
        assert booking is not None, f"{pickup.waybill_number} unknown to the simulator"
        assert booking["reference"] == pickup.carrier_reference
        assert booking["idempotency_key"] == pickup.idempotency_key
        expected = {
            PS.ACCEPTED: "accepted",
            PS.PICKED_UP: "picked_up",
            PS.IN_TRANSIT: ("in_transit", "out_for_delivery"),
            PS.DELIVERED: "delivered",
            PS.EXCEPTION: "exception",
            PS.CANCELLED: "cancelled",
        }[PS(pickup.status)]
        assert booking["status"] in expected, (pickup.status, booking)
        if pickup.status == PS.CANCELLED:
            assert pickup.cancel_confirmed
    booked = pickups.exclude(waybill_number="")
    # The simulator lists the replacements' parcels (exchanges) beside the pickups.
    parcels = OutboundShipment.objects.filter(return_request__store__slug="demo").exclude(
        waybill_number=""
    )
    assert parcels.filter(kind=OutboundKind.EXCHANGE).exists()
    assert set(simulator_bookings) == set(booked.values_list("waybill_number", flat=True)) | set(
        parcels.values_list("waybill_number", flat=True)
    )

    # Left for the worker of `banpum serve`: the newest, requested within hours.
    for pickup in pickups.filter(status=PS.REQUESTED):
        assert pickup.attempts == 0
        assert NOW - pickup.requested_at < dt.timedelta(hours=6)
        assert pickup.return_request.status == S.PICKUP_REQUESTED
    refused = pickups.get(status=PS.FAILED)
    assert refused.postcode == "00000"
    assert refused.exception_code == PickupException.BOOKING_FAILED
    assert "주소" in refused.exception_message


@pytest.mark.django_db
def test_exceptions_wait_in_the_cs_queue(demo: DemoSummary) -> None:
    store = Store.objects.get(slug="demo")
    queue = list(pickup_exceptions(store=store))
    failing = Pickup.objects.filter(
        account__store=store,
        status__in=(PS.EXCEPTION, PS.FAILED),
        return_request__status=S.PICKUP_REQUESTED,
    )
    assert {pickup.pk for pickup in queue} == set(failing.values_list("pk", flat=True))
    assert {pickup.exception_code for pickup in queue} == {
        PickupException.CUSTOMER_ABSENT,
        PickupException.ADDRESS_NOT_FOUND,
        PickupException.BOOKING_FAILED,
    }
    for pickup in queue:
        assert pickup.exception_message
        assert pickup.return_request.events.filter(
            type=EventType.LOGISTICS,
            data__kind__in=("pickup_exception", "pickup_failed"),
            data__pickup_id=pickup.pk,
        ).exists()
        if pickup.status == PS.EXCEPTION:
            assert pickup.tracking_events.filter(status="ATTEMPT_FAIL").exists()


@pytest.mark.django_db
def test_returns_follow_their_pickups(demo: DemoSummary) -> None:
    returns = ReturnRequest.objects.filter(store__slug="demo")
    for return_request in returns.filter(method="carrier_pickup"):
        pickup = _latest_pickup(return_request)
        status = return_request.status
        if status in (S.ARRIVED, S.RECEIVED, S.INSPECTED, S.COMPLETED):
            assert pickup is not None, return_request
            assert pickup.status == PS.DELIVERED, return_request
            assert pickup.tracking_events.filter(status="DELIVERED").exists()
        elif status == S.IN_TRANSIT and not (pickup and pickup.manual):
            assert pickup is not None
            assert pickup.status in (PS.PICKED_UP, PS.IN_TRANSIT)
        elif status == S.PICKUP_REQUESTED:
            assert pickup is not None
            assert pickup.status in (PS.REQUESTED, PS.ACCEPTED, PS.EXCEPTION, PS.FAILED)
        elif status == S.APPROVED:
            # Approved while the carrier accounts were off: the sweep books it later.
            assert pickup is None
            assert return_request.events.filter(data__kind="no_carrier").exists()
    assert returns.filter(status=S.APPROVED).exists()

    # Cancelled after the booking: the pickup was cancelled at the carrier too.
    cancelled = Pickup.objects.filter(
        return_request__in=returns.filter(status=S.CANCELLED), status=PS.CANCELLED
    )
    assert cancelled.exists()
    assert all(pickup.cancel_confirmed and pickup.waybill_number for pickup in cancelled)

    # The driver found nobody; CS switched the return to self-ship.
    switched = returns.get(events__data__action="switch_to_self_ship")
    assert (switched.status, switched.method) == (S.AWAITING_SHIPMENT, "self_ship")
    given_up = switched.pickups.get()
    assert (given_up.status, given_up.exception_code) == (
        PS.CANCELLED,
        PickupException.CUSTOMER_ABSENT,
    )
    assert given_up.cancel_confirmed


@pytest.fixture
def payment_stats(seeded: Seeded, demo: DemoSummary) -> Iterator[dict[str, Any]]:
    """What the payment simulator kept (its state file, read by a second simulator)."""
    state = seeded.var_dir / PAYMENT_STATE_FILE
    assert demo.payments_state == state
    simulator = PaymentSimulator(port=0, state_path=state).start()
    try:
        yield simulator.stats()["payments"]
    finally:
        simulator.stop()


@pytest.mark.django_db
def test_completed_returns_were_paid_back_on_the_payment_simulator(
    demo: DemoSummary, payment_stats: dict[str, Any]
) -> None:
    """Every card-paid order is a payment on the simulator; each paid card refund is a cancel
    it applied, of the same amount, and the return detail lists the refunds."""
    orders = Order.objects.filter(store__slug="demo")
    pg_paid = orders.filter(payment_method__in=["card", "easy_pay", "virtual_account"])
    assert set(payment_stats) == set(pg_paid.values_list("payment_reference", flat=True))
    for order in pg_paid:
        assert payment_stats[order.payment_reference]["total_amount"] == order.paid_total

    paid = Refund.objects.filter(
        store__slug="demo", method=RefundMethod.ORIGINAL_PAYMENT, status=RefundStatus.PAID
    )
    assert paid.filter(return_request__status=S.COMPLETED).exists()
    cancelled: Counter[str] = Counter()
    for refund in paid:
        cancelled[refund.payment_key] += refund.amount
        assert refund.provider_reference
    for key, stats in payment_stats.items():
        assert stats["cancelled_amount"] == cancelled[key], key

    completed = paid.filter(return_request__status=S.COMPLETED).select_related("return_request")
    shown = completed.order_by("id").first()
    assert shown is not None
    assert shown.return_request is not None
    client = Client(HTTP_AUTHORIZATION=f"Bearer {DEMO_API_KEY}")
    response = client.get(f"/api/v1/returns/{shown.return_request.number}/refunds")
    assert response.status_code == 200, response.content
    listed = {row["id"]: row for row in response.json()["refunds"]}
    assert listed[shown.pk]["status"] == "paid"
    assert listed[shown.pk]["amount"] == shown.amount


@pytest.mark.django_db
def test_refunds_every_way_and_left_for_the_worker(demo: DemoSummary) -> None:
    refunds = Refund.objects.filter(store__slug="demo")
    assert demo.refunds_by_status == {
        status: refunds.filter(status=status).count() for status in RefundStatus.values
    }
    done = refunds.filter(status__in=["paid", "paid_by_channel"]).exclude(kind="interest")
    assert demo.refunded_total == sum(done.values_list("amount", flat=True)) > 0

    # Pending card refunds, whose job `banpum serve`'s worker runs (the sweep finds them).
    pending = refunds.filter(method=RefundMethod.ORIGINAL_PAYMENT, status=RefundStatus.PENDING)
    assert pending.exists()
    for refund in pending:
        assert refund.attempts == 0
        assert refund.next_attempt_at is not None
        assert refund.next_attempt_at <= NOW
    assert pending.filter(return_request__status=S.REFUND_PENDING).exists()
    assert pending.filter(return_request__status=S.ITEM_KEPT, kind=RefundKind.KEEP_ITEM).exists()
    # A phone order's refund waits for the bank transfer; a marketplace refunded its buyer.
    assert refunds.filter(
        status=RefundStatus.AWAITING_TRANSFER,
        kind=RefundKind.RETURN,
        order__channel__kind="manual",
        return_request__status=S.REFUND_PENDING,
    ).exists()
    assert refunds.filter(
        status=RefundStatus.PAID_BY_CHANNEL, return_request__status=S.COMPLETED
    ).exists()
    # An early refund at the pickup scan, on a return that went on to completion.
    early = refunds.filter(kind=RefundKind.EARLY, return_request__status=S.COMPLETED).first()
    assert early is not None
    assert early.status in ("paid", "paid_by_channel")
    assert early.return_request is not None
    assert early.return_request.pickups.filter(picked_up_at__lte=early.created_at).exists()


@pytest.mark.django_db
def test_a_late_refund_owes_interest(demo: DemoSummary) -> None:
    interest = Refund.objects.filter(store__slug="demo", kind=RefundKind.INTEREST)
    assert interest.exists()
    assert demo.interest_total == sum(interest.values_list("amount", flat=True)) > 0
    for row in interest.select_related("principal"):
        principal = row.principal
        assert principal is not None
        assert principal.paid_at is not None
        assert principal.due_on is not None
        assert principal.paid_at.astimezone(SEOUL).date() > principal.due_on
        assert principal.interest_owed == row.amount > 0
        assert row.method == RefundMethod.BANK_TRANSFER
        assert row.status == RefundStatus.AWAITING_TRANSFER


@pytest.mark.django_db
def test_exchanges_store_credit_and_the_fee_left_owed(demo: DemoSummary) -> None:
    exchanges = Exchange.objects.filter(return_request__store__slug="demo").select_related(
        "return_request"
    )
    done = exchanges.filter(return_request__status=S.COMPLETED)
    assert done.exists()
    for exchange in done:
        assert exchange.status == "shipped"
        assert exchange.shipment is not None
        assert exchange.shipment.waybill_number
    # Another size was chosen, a sibling of the same style.
    other = ExchangeLine.objects.filter(exchange__in=exchanges).exclude(
        replacement=F("return_line__order_line__product")
    )
    assert other.exists()
    for line in other.select_related("replacement", "return_line__order_line__product"):
        ordered = line.return_line.order_line.product
        assert ordered is not None
        assert line.replacement.option_group == ordered.option_group != ""
    waiting = exchanges.get(return_request__status=S.EXCHANGE_PENDING)
    assert waiting.waiting_reason == "out_of_stock"
    shipped = exchanges.get(return_request__status=S.EXCHANGE_SHIPPED)
    assert shipped.return_request.fee_settlement == FeeSettlement.OUTSTANDING
    refunded = ReturnRequest.objects.get(store__slug="demo", status=S.REFUNDED)
    assert refunded.fee_settlement == FeeSettlement.OUTSTANDING

    credited = StoreCreditAccount.objects.filter(customer__store__slug="demo", balance__gt=0)
    assert credited.exists()
    assert Refund.objects.filter(
        store__slug="demo",
        method=RefundMethod.STORE_CREDIT,
        status=RefundStatus.PAID,
        return_request__status=S.COMPLETED,
    ).exists()


@pytest.mark.django_db
def test_the_warehouse_received_and_inspected_through_its_services(demo: DemoSummary) -> None:
    returns = ReturnRequest.objects.filter(store__slug="demo")
    partial = returns.get(status=S.PARTIALLY_RECEIVED)
    assert partial.pickups.get().box_count == 2
    assert list(partial.receipts.values_list("boxes", "box_count")) == [(1, 2)]
    inspections = LineInspection.objects.filter(return_line__return_request__in=returns)
    assert {"A", "B", "C"} <= set(inspections.values_list("grade", flat=True))
    deducted = inspections.get(outcome="accept_with_deduction")
    assert deducted.deduction_amount > 0
    assert deducted.deduction_reason == "used"
    refused = inspections.get(outcome="reject")
    assert refused.reject_reason
    assert refused.quantity_accepted == 0
    sent_back = refused.return_line.return_request
    assert sent_back.status == S.SENT_BACK
    assert OutboundShipment.objects.filter(
        return_request=sent_back, kind=OutboundKind.SEND_BACK, status="requested"
    ).exists()  # booked by the worker of `banpum serve`
    assert UnidentifiedParcel.objects.filter(store__slug="demo", matched_return=None).exists()
    restocked = StockMovement.objects.filter(product__store__slug="demo", kind=MovementKind.RESTOCK)
    assert restocked.exists()
    # Inspected in the history of every return that settlement took on.
    assert returns.filter(status=S.REFUND_PENDING, events__to_status=S.INSPECTED).exists()
