"""맞교환: an account that swaps at the door gets the replacement reserved at approval and
carried by the pickup; at inspection the exchange has shipped already."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from banpum.commerce.models import Product, Store
from banpum.core.actors import Actor
from banpum.logistics.models import Pickup
from banpum.logistics.services.pickups.common import pickup_order
from banpum.policy.types import Resolution, ReturnType
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as RS
from banpum.returns.services import return_request_approve
from banpum.returns.transitions import Action, return_transition
from banpum.settlement.exchanges.services import exchange_start
from banpum.settlement.models import Exchange, ExchangeStatus
from banpum.warehouse.models import MovementKind, StockLevel
from banpum.warehouse.stock import StockChange, stock_level_rebuilt, stock_location, stock_move
from tests.factories import ProductFactory
from tests.logistics.helpers import address_order, linked_account, store_with_return_address
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CS = Actor.system("cs-test")


def _exchange(store: Store, product: Product) -> ReturnRequest:
    store_with_return_address(store)
    order = address_order(store, lines=[{"product": product, "unit_price": 10000}])
    return open_return(
        order,
        type=ReturnType.EXCHANGE,
        resolution=Resolution.EXCHANGE,
        reason_code="defective",
        photo_count=1,
        create_kwargs={"allow_ineligible": True},
    )


def _stock(product: Product, units: int) -> None:
    stock_move(
        product=product,
        location=stock_location(product.store),
        change=StockChange(MovementKind.RECEIPT, on_hand=units),
        actor=CS,
        now=NOW,
    )


def test_swap_reserves_at_approval_and_ships_at_inspection(store: Store) -> None:
    linked_account(store, "http://127.0.0.1:9", supports_swap=True)
    product = ProductFactory(store=store, sku="TS-BLK-M", option_group="TS")
    _stock(product, 2)
    return_request = return_request_approve(
        return_request=_exchange(store, product), actor=CS, now=timezone.now()
    )
    pickup = Pickup.objects.get(return_request=return_request)
    assert pickup.swap
    assert pickup.swap_items == [{"sku": "TS-BLK-M", "name": product.name, "quantity": 1}]
    order = pickup_order(pickup)
    assert order.swap
    assert [i.name for i in order.delivery_items] == [product.name]
    exchange = Exchange.objects.get(return_request=return_request)
    assert (exchange.status, exchange.swap) == (ExchangeStatus.RESERVED, True)
    assert StockLevel.objects.get(product=product).reserved == 1

    for action in (Action.MARK_IN_TRANSIT, Action.RECEIVE, Action.INSPECT):
        return_request = return_transition(
            return_request=return_request, action=action, actor=CS, now=timezone.now()
        )
    exchange = exchange_start(return_request=return_request, actor=CS, now=NOW)

    assert exchange.status == ExchangeStatus.SHIPPED
    assert ReturnRequest.objects.get(pk=return_request.pk).status == RS.COMPLETED
    level = StockLevel.objects.get(product=product)
    assert (level.on_hand, level.reserved) == (1, 0)
    assert stock_level_rebuilt(product, level.location) == (1, 0)


def test_no_stock_means_an_ordinary_pickup(store: Store) -> None:
    linked_account(store, "http://127.0.0.1:9", supports_swap=True)
    product = ProductFactory(store=store)
    return_request = return_request_approve(
        return_request=_exchange(store, product), actor=CS, now=timezone.now()
    )
    assert not Pickup.objects.get(return_request=return_request).swap
    assert Exchange.objects.get(return_request=return_request).status == ExchangeStatus.REQUESTED
