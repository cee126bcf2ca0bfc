"""An exchange sends the option the customer asked for when CS chose none."""

from __future__ import annotations

import datetime as dt

import pytest

from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.policy.types import Resolution, ReturnType
from banpum.returns.models import ReturnStatus as RS
from banpum.settlement.exchanges.services import exchange_start
from banpum.settlement.models import ExchangeStatus
from tests.factories import ProductFactory
from tests.logistics.helpers import address_order, store_with_return_address
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CS = Actor.system("cs-test")


@pytest.mark.parametrize(("asked", "sent"), [("TS-L", "TS-L"), (None, "TS-M")])
def test_the_replacement_is_the_option_asked_for_else_the_same(
    store: Store, asked: str | None, sent: str
) -> None:
    store_with_return_address(store)
    medium = ProductFactory(store=store, sku="TS-M", option_group="TS", options={"사이즈": "M"})
    large = ProductFactory(store=store, sku="TS-L", option_group="TS", options={"사이즈": "L"})
    order = address_order(store, lines=[{"product": medium, "quantity": 1, "unit_price": 10000}])
    line = order.lines.get()
    return_request = open_return(
        order,
        type=ReturnType.EXCHANGE,
        resolution=Resolution.EXCHANGE,
        reason_code="wrong_option",
        create_kwargs={"replacements": {line.pk: large.pk} if asked else None},
    )
    assert return_request.lines.get().replacement_id == (large.pk if asked else None)

    exchange = exchange_start(
        return_request=walk_to(return_request, RS.INSPECTED), actor=CS, now=NOW
    )

    assert exchange.status == ExchangeStatus.REQUESTED  # nothing in stock: it waits
    assert [line.replacement.sku for line in exchange.lines.all()] == [sent]
