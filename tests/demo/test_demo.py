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
from django.db.models import Sum
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
from banpum.demo.returns import MIN_RETURNS
from banpum.demo.seed import DEMO_API_KEY, DEMO_PASSWORD, DemoSummary, demo_seed
from banpum.demo.simulator import STATE_FILE
from banpum.integrations.carriers.simulator_server import CarrierSimulator, SimulatorConfig
from banpum.logistics.models import (
    CarrierAccount,
    CarrierRule,
    Gateway,
    Pickup,
    PickupException,
    PickupStatus,
)
from banpum.logistics.selectors import pickup_exceptions
from banpum.policy.models import ReturnPolicy
from banpum.returns.models import (
    CLAIMING_STATUSES,
    EventType,
    ReturnEvent,
    ReturnLine,
    ReturnRequest,
    ReturnStatus,
)
from banpum.returns.timeline import event_text
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
    assert set(statuses) == set(ReturnStatus.values)  # arrived included
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
    assert len(simulator_bookings) == booked.count()

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
