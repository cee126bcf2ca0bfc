"""Exchanges: choosing a variant, reserving after inspection, no stock, refund instead, and the
replacement's parcel booked once through the real carrier simulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client

from banpum.commerce.models import Product, Store
from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError, ValidationFailed
from banpum.integrations.carriers.base import GatewayError
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import CarrierAccount, OutboundShipment, OutboundStatus
from banpum.logistics.services.outbound import outbound_booking_apply, outbound_shipment_send
from banpum.policy.types import Resolution, ReturnType
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as RS
from banpum.settlement.exchanges.services import (
    exchange_choose,
    exchange_convert_to_refund,
    exchange_start,
)
from banpum.settlement.models import Exchange, ExchangeStatus, Refund
from banpum.warehouse.models import MovementKind, StockLevel
from banpum.warehouse.stock import StockChange, stock_level_rebuilt, stock_location, stock_move
from tests.factories import ProductFactory
from tests.logistics.helpers import (
    address_order,
    linked_account,
    running_simulator,
    sim_bookings,
    store_with_return_address,
)
from tests.returns.helpers import number_of, open_return, walk_to

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CS = Actor.system("cs-test")


@pytest.fixture
def simulator() -> Iterator[CarrierSimulator]:
    with running_simulator(seed=5) as simulator:
        yield simulator


def _stock(product: Product, units: int) -> None:
    stock_move(
        product=product,
        location=stock_location(product.store),
        change=StockChange(MovementKind.RECEIPT, on_hand=units, reference="test"),
        actor=CS,
        now=NOW,
    )


def _account(shipment: OutboundShipment) -> CarrierAccount:
    assert shipment.account is not None
    return shipment.account


def _ledger_consistent(*products: Product) -> None:
    for product in products:
        for level in StockLevel.objects.filter(product=product):
            assert stock_level_rebuilt(product, level.location) == (level.on_hand, level.reserved)


@pytest.fixture
def variants(store: Store) -> dict[str, Product]:
    return {
        "black_m": ProductFactory(store=store, sku="TS-BLK-M", option_group="TS",
                                  options={"색상": "검정", "사이즈": "M"}),
        "black_l": ProductFactory(store=store, sku="TS-BLK-L", option_group="TS",
                                  options={"색상": "검정", "사이즈": "L"}),
        "cap": ProductFactory(store=store, sku="CAP-01", option_group="CAP"),
    }  # fmt: skip


def _exchange_return(store: Store, product: Product, quantity: int = 1) -> ReturnRequest:
    store_with_return_address(store)
    order = address_order(
        store, lines=[{"product": product, "quantity": quantity, "unit_price": 10000}]
    )
    return open_return(
        order,
        ((1, quantity),),
        type=ReturnType.EXCHANGE,
        resolution=Resolution.EXCHANGE,
        reason_code="defective",
        photo_count=1,
        create_kwargs={"allow_ineligible": True},
    )


def test_choose_a_sibling_variant(store: Store, variants: dict[str, Product]) -> None:
    return_request = _exchange_return(store, variants["black_m"])
    line = return_request.lines.get()
    exchange = exchange_choose(
        return_request=return_request, lines=[(line.pk, "TS-BLK-L", 1)], actor=CS, now=NOW
    )
    assert [(ln.replacement.sku, ln.quantity) for ln in exchange.lines.all()] == [("TS-BLK-L", 1)]
    assert exchange.status == ExchangeStatus.REQUESTED


@pytest.mark.usefixtures("english")
def test_choose_refuses_bad_lines_by_field(store: Store, variants: dict[str, Product]) -> None:
    return_request = _exchange_return(store, variants["black_m"])
    line = return_request.lines.get()
    with pytest.raises(ValidationFailed) as raised:
        exchange_choose(
            return_request=return_request,
            lines=[(line.pk, "CAP-01", 1), (999999, "TS-BLK-L", 1), (line.pk, "NOPE", 1)],
            actor=CS,
            now=NOW,
        )
    fields = raised.value.extra["fields"]
    assert fields["lines.0.replacement_sku"] == [
        "CAP-01 is not a variant of TS-BLK-M: choose the same product or one of its options."
    ]
    assert fields["lines.1.return_line_id"] == ["Line 999999 is not a line of this return."]
    assert fields["lines.2.return_line_id"] == [f"Line {line.pk} is given twice."]
    with pytest.raises(ValidationFailed) as raised:
        exchange_choose(
            return_request=return_request, lines=[(line.pk, "TS-BLK-L", 2)], actor=CS, now=NOW
        )
    assert raised.value.extra["fields"]["lines.0.quantity"] == [
        "At most 1: the return line has 1 unit(s)."
    ]


def test_start_reserves_in_one_transaction_and_books(
    store: Store, variants: dict[str, Product], simulator: CarrierSimulator
) -> None:
    linked_account(store, simulator)
    _stock(variants["black_l"], 3)
    return_request = walk_to(_exchange_return(store, variants["black_m"]), RS.INSPECTED)
    line = return_request.lines.get()
    exchange_choose(
        return_request=return_request, lines=[(line.pk, "TS-BLK-L", 1)], actor=CS, now=NOW
    )

    exchange = exchange_start(return_request=return_request, actor=CS, now=NOW)

    assert exchange.status == ExchangeStatus.SHIPPING
    assert ReturnRequest.objects.get(pk=return_request.pk).status == RS.EXCHANGE_PENDING
    level = StockLevel.objects.get(product=variants["black_l"])
    assert (level.on_hand, level.reserved) == (3, 1)
    _ledger_consistent(variants["black_l"])

    shipment = OutboundShipment.objects.get(return_request=return_request)
    outbound_shipment_send(shipment_id=shipment.pk, now=NOW)
    # A retry (a duplicate job, the sweep) never books twice: the row is booked, and the
    # simulator answers the same key with the same booking.
    outbound_shipment_send(shipment_id=shipment.pk, now=NOW)
    shipment.refresh_from_db()
    assert shipment.status == OutboundStatus.BOOKED
    assert shipment.waybill_number
    assert [b["kind"] for b in sim_bookings(_account(shipment))] == ["delivery"]

    exchange.refresh_from_db()
    assert exchange.status == ExchangeStatus.SHIPPED
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (2, 0)
    _ledger_consistent(variants["black_l"])
    # Defective: the seller pays, no fee is outstanding, so the return completes.
    assert ReturnRequest.objects.get(pk=return_request.pk).status == RS.COMPLETED


def test_a_lost_answer_retried_books_once(
    store: Store, variants: dict[str, Product], simulator: CarrierSimulator
) -> None:
    linked_account(store, simulator)
    _stock(variants["black_m"], 1)
    return_request = walk_to(_exchange_return(store, variants["black_m"]), RS.INSPECTED)
    exchange_start(return_request=return_request, actor=CS, now=NOW)
    shipment = OutboundShipment.objects.get(return_request=return_request)
    outbound_booking_apply(
        shipment_id=shipment.pk,
        result=GatewayError("timeout", "no answer", retryable=True),
        now=NOW,
    )
    shipment.refresh_from_db()
    assert shipment.status == OutboundStatus.REQUESTED
    assert shipment.next_attempt_at
    outbound_shipment_send(shipment_id=shipment.pk, now=NOW)
    outbound_shipment_send(shipment_id=shipment.pk, now=NOW)
    assert len(sim_bookings(_account(shipment))) == 1


def test_no_stock_waits_with_a_reason_then_refund_with_consent(
    store: Store, variants: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stock(variants["black_m"], 1)
    stock_move(
        product=variants["black_m"],
        location=stock_location(store),
        change=StockChange(MovementKind.RESERVE, reserved=1, reference="other"),
        actor=CS,
        now=NOW,
    )
    return_request = walk_to(_exchange_return(store, variants["black_m"]), RS.INSPECTED)

    exchange = exchange_start(return_request=return_request, actor=CS, now=NOW)

    assert exchange.status == ExchangeStatus.REQUESTED
    assert exchange.waiting_reason == "out_of_stock"
    assert exchange.waiting_detail["sku"] == "TS-BLK-M"
    assert ReturnRequest.objects.get(pk=return_request.pk).status == RS.EXCHANGE_PENDING
    assert not OutboundShipment.objects.filter(return_request=return_request).exists()
    _ledger_consistent(variants["black_m"])

    with pytest.raises(ValidationFailed):
        exchange_convert_to_refund(
            return_request=return_request, consent_note="  ", actor=CS, now=NOW
        )
    exchange = exchange_convert_to_refund(
        return_request=return_request,
        consent_note="고객 전화로 환불 동의 (3/2 10:00)",
        actor=CS,
        now=NOW,
    )
    assert exchange.status == ExchangeStatus.CONVERTED_TO_REFUND
    last_change = exchange.status_changes.last()
    assert last_change is not None
    assert last_change.note == "고객 전화로 환불 동의 (3/2 10:00)"
    assert ReturnRequest.objects.get(pk=return_request.pk).status == RS.REFUND_PENDING
    refund = Refund.objects.get(return_request=return_request)
    assert refund.amount > 0
    started = return_request.events.get(to_status=RS.REFUND_PENDING)
    assert started.note == "고객 전화로 환불 동의 (3/2 10:00)"


def test_convert_releases_a_reservation(
    store: Store, variants: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stock(variants["black_m"], 2)
    return_request = walk_to(_exchange_return(store, variants["black_m"]), RS.INSPECTED)
    exchange_start(return_request=return_request, actor=CS, now=NOW)  # no carrier: stays
    level = StockLevel.objects.get(product=variants["black_m"])
    assert level.reserved == 1
    exchange_convert_to_refund(
        return_request=return_request, consent_note="동의함", actor=CS, now=NOW
    )
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (2, 0)
    _ledger_consistent(variants["black_m"])
    shipment = OutboundShipment.objects.get(return_request=return_request)
    assert shipment.status == OutboundStatus.CANCELLED


def test_a_refund_return_has_no_exchange(store: Store, variants: dict[str, Product]) -> None:
    store_with_return_address(store)
    order = address_order(store, lines=[{"product": variants["black_m"], "unit_price": 10000}])
    return_request = open_return(order, reason_code="defective", photo_count=1)
    with pytest.raises(ApplicationError) as raised:
        exchange_start(return_request=return_request, actor=CS, now=NOW)
    assert raised.value.code == "not_an_exchange"


def test_api_variants_choose_get_and_errors(
    api: Client, store: Store, variants: dict[str, Product]
) -> None:
    _stock(variants["black_l"], 4)
    return_request = _exchange_return(store, variants["black_m"])
    line = return_request.lines.get()
    response = api.get("/api/v1/products/TS-BLK-M/variants")
    assert response.status_code == 200
    assert [(v["sku"], v["available"]) for v in response.json()] == [
        ("TS-BLK-L", 4),
        ("TS-BLK-M", 0),
    ]
    assert api.get("/api/v1/products/NOPE/variants").status_code == 404
    url = f"/api/v1/returns/{number_of(return_request)}/exchange"
    assert api.get(url).status_code == 404
    body = {"lines": [{"return_line_id": line.pk, "replacement_sku": "TS-BLK-L", "quantity": 1}]}
    response = api.put(url, body, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["lines"][0]["replacement_sku"] == "TS-BLK-L"
    assert api.get(url).json()["status"] == "requested"
    bad = {"lines": [{"return_line_id": line.pk, "replacement_sku": "CAP-01", "quantity": 1}]}
    assert api.put(url, bad, content_type="application/json").status_code == 422
    extra = {"lines": [], "x": 1}
    assert api.put(url, extra, content_type="application/json").status_code == 422
    convert = api.post(
        f"{url}/convert-to-refund", {"consent_note": "ok"}, content_type="application/json"
    )
    assert convert.status_code == 409  # still requested: START_REFUND needs exchange_pending
    assert Exchange.objects.get(return_request=return_request).status == "requested"


def test_choosing_a_variant_in_stock_while_waiting_ships_it(
    store: Store, variants: dict[str, Product]
) -> None:
    _stock(variants["black_l"], 1)
    return_request = walk_to(_exchange_return(store, variants["black_m"]), RS.INSPECTED)
    line = return_request.lines.get()
    assert exchange_start(return_request=return_request, actor=CS, now=NOW).waiting_reason
    with pytest.raises(ApplicationError) as raised:
        exchange_choose(
            return_request=return_request, lines=[(line.pk, "TS-BLK-M", 1)], actor=CS, now=NOW
        )
    assert (raised.value.code, raised.value.status_code) == ("out_of_stock", 409)
    exchange = exchange_choose(
        return_request=return_request, lines=[(line.pk, "TS-BLK-L", 1)], actor=CS, now=NOW
    )
    assert exchange.status == ExchangeStatus.SHIPPING
    assert StockLevel.objects.get(product=variants["black_l"]).reserved == 1
    _ledger_consistent(variants["black_l"], variants["black_m"])
