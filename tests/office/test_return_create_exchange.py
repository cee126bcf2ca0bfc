"""회수 요청 as an exchange (교환): the CS agent picks, per line, the variant to send instead."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from banpum.commerce.models import Order, Product
from banpum.core.actors import Actor
from banpum.policy.types import Resolution, ReturnType
from banpum.returns.models import Origin, ReturnLine, ReturnRequest
from banpum.warehouse.models import MovementKind
from banpum.warehouse.stock import StockChange, stock_location, stock_move
from tests.factories import CustomerFactory, ProductFactory, make_order, make_policy
from tests.logistics.helpers import store_with_return_address
from tests.office.test_return_create import (
    NOTE,
    create_url,
    form_data,
    preview_url,
    returns_of,
    text,
)
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db

EXCHANGE_FEE = 6000
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def stock(product: Product, units: int) -> None:
    stock_move(
        product=product,
        location=stock_location(product.store),
        change=StockChange(MovementKind.RECEIPT, on_hand=units, reference="test"),
        actor=Actor.system("test"),
        now=NOW,
    )


@pytest.fixture
def tees(store: Any) -> dict[str, Product]:
    """One style in three sizes: M ordered (2 in stock), L (1 in stock), XL sold out."""
    made = {
        size: ProductFactory(
            store=store,
            sku=f"TEE-{size}",
            name="오버핏 티셔츠",
            option_group="TEE",
            options={"사이즈": size},
        )
        for size in ("M", "L", "XL")
    }
    stock(made["M"], 2)
    stock(made["L"], 1)
    return made


@pytest.fixture
def order(store: Any, tees: dict[str, Product]) -> Order:
    make_policy(store, exchange_fee=EXCHANGE_FEE)
    store_with_return_address(store)
    customer = CustomerFactory(store=store, name="김철수", phone="01012345678")
    return make_order(
        store=store,
        customer=customer,
        channel_order_number="ORD-3003",
        shipping_name="김철수",
        shipping_postcode="06236",
        shipping_address1="서울특별시 강남구 테헤란로 152",
        lines=[
            {"product": tees["M"], "quantity": 2, "unit_price": 23000},
            {"quantity": 1, "unit_price": 30000, "name": "청바지"},
        ],
    )


def shirt(order: Order) -> int:
    return int(order.lines.get(line_number=1).pk)


def exchange_data(order: Order, replacement: Any, **changes: Any) -> dict[str, Any]:
    """One shirt exchanged, sent back by the carrier: the customer chose the wrong size."""
    data = {
        "reason": "wrong_option",
        "resolution": "exchange",
        f"replacement_{shirt(order)}": str(replacement),
    }
    return form_data(order, **(data | changes))


def refused(client: Client, order: Order, data: dict[str, Any]) -> str:
    page = text(client.post(create_url(order), data), status=422)
    assert NOTE in page, "the consultation note must survive an error"
    assert not returns_of(order)
    return page


# --- The form -----------------------------------------------------------------------------


def test_the_form_offers_exchange_with_each_lines_options_and_their_stock(
    office_en: Client, order: Order, tees: dict[str, Product]
) -> None:
    page = text(office_en.get(create_url(order)))
    assert '<option value="exchange">Exchange</option>' in page
    assert f'name="replacement_{shirt(order)}"' in page
    assert f'<option value="{tees["M"].pk}" selected>' in page  # the same one first
    assert "오버핏 티셔츠 L · 1 in stock" in page
    assert "오버핏 티셔츠 XL · 0 in stock" in page
    assert "Replacement for 오버핏 티셔츠" in page  # the select's label


def test_no_exchange_on_the_form_when_the_policy_allows_none(
    office_en: Client, order: Order, store: Any
) -> None:
    make_policy(store, allowed_resolutions=["refund", "store_credit"])
    page = text(office_en.get(create_url(order)))
    assert 'value="exchange"' not in page
    assert 'name="replacement_' not in page
    assert 'value="refund"' in page


# --- The live decision ---------------------------------------------------------------------


def test_the_preview_of_an_exchange_shows_the_policys_exchange_fee(
    office_en: Client, order: Order, tees: dict[str, Product]
) -> None:
    page = text(office_en.post(preview_url(order), exchange_data(order, tees["L"].pk)))
    assert "Exchange fee" in page
    assert "₩6,000, paid by Buyer" in page
    assert "None: the store sends a replacement." in page
    refund = text(office_en.post(preview_url(order), form_data(order)))
    assert "Exchange fee" not in refund
    assert not returns_of(order)


def test_the_preview_says_a_variant_is_sold_out(
    office_en: Client, order: Order, tees: dict[str, Product]
) -> None:
    page = text(office_en.post(preview_url(order), exchange_data(order, tees["XL"].pk)))
    assert "Not enough TEE-XL in stock for the exchange" in page


# --- Submit ------------------------------------------------------------------------------


def test_submit_opens_an_exchange_for_the_variant_chosen(
    office_en: Client, order: Order, tees: dict[str, Product]
) -> None:
    response = office_en.post(create_url(order), exchange_data(order, tees["L"].pk), follow=True)
    [created] = returns_of(order)
    assert response.redirect_chain == [(f"/office/returns/{created.number}/", 302)]
    assert (created.type, created.resolution, created.origin) == ("exchange", "exchange", "cs")
    assert (created.fee_payer, created.fee_amount) == ("buyer", EXCHANGE_FEE)
    assert created.refund_estimate == 0
    [line] = ReturnLine.objects.filter(return_request=created)
    assert (line.order_line_id, line.quantity, line.replacement_id) == (
        shirt(order),
        1,
        tees["L"].pk,
    )
    page = text(response)  # the return page: an exchange, and for what
    assert '<td class="replacement-asked">오버핏 티셔츠 L (TEE-L)</td>' in page


def test_the_same_variant_is_an_exchange_for_the_same_item(
    office: Client, order: Order, tees: dict[str, Product]
) -> None:
    office.post(create_url(order), exchange_data(order, tees["M"].pk))
    [created] = returns_of(order)
    assert created.type == "exchange"
    assert created.lines.get().replacement_id == tees["M"].pk


def test_a_refund_ignores_the_replacement_selects(
    office_en: Client, order: Order, tees: dict[str, Product]
) -> None:
    """Without CSS to hide them, the selects are still sent with a refund: they mean nothing."""
    office_en.post(create_url(order), exchange_data(order, tees["L"].pk, resolution="refund"))
    [created] = returns_of(order)
    assert (created.type, created.resolution) == ("return", "refund")
    assert created.lines.get().replacement_id is None
    page = text(office_en.get(f"/office/returns/{created.number}/"))
    assert "replacement-asked" not in page


def test_a_shoppers_exchange_without_an_option_shows_the_item_ordered(
    office_en: Client, order: Order
) -> None:
    """The portal names no variant for a product without options: the same one goes out."""
    jeans = order.lines.get(line_number=2)
    created = open_return(
        order,
        ((2, 1),),
        origin=Origin.CUSTOMER,
        actor=Actor.customer("김철수", store_id=order.store_id),
        type=ReturnType.EXCHANGE,
        resolution=Resolution.EXCHANGE,
        reason_code="wrong_option",
    )
    page = text(office_en.get(f"/office/returns/{created.number}/"))
    assert f'<td class="replacement-asked">{jeans.name} ({jeans.sku})</td>' in page


# --- Bad input: errors next to the line's replacement, nothing opened -----------------------


def test_an_exchange_without_a_variant_is_refused(office_en: Client, order: Order) -> None:
    page = refused(office_en, order, exchange_data(order, ""))
    assert "Choose the option to send instead." in page
    assert 'class="has-error"' in page


def test_a_variant_that_is_not_a_number_is_refused(office_en: Client, order: Order) -> None:
    page = refused(office_en, order, exchange_data(order, "L"))
    assert "Enter a whole number." in page


def test_another_products_variant_is_refused_with_the_services_words(
    office_en: Client, order: Order, store: Any
) -> None:
    socks = ProductFactory(store=store, sku="SOCK-1", option_group="SOCK")
    stock(socks, 5)
    page = refused(office_en, order, exchange_data(order, socks.pk))
    assert "SOCK-1 is not an option of the product ordered on this line." in page
    assert 'class="has-error"' in page


def test_another_stores_product_is_refused(office_en: Client, order: Order, store2: Any) -> None:
    theirs = ProductFactory(store=store2, sku="TEE-L", option_group="TEE", options={"사이즈": "L"})
    stock(theirs, 5)
    page = refused(office_en, order, exchange_data(order, theirs.pk))
    assert f"{theirs.pk} is not an option of the product ordered on this line." in page


def test_a_sold_out_variant_is_refused(
    office_en: Client, order: Order, tees: dict[str, Product]
) -> None:
    page = refused(office_en, order, exchange_data(order, tees["XL"].pk))
    assert "Not enough TEE-XL in stock for the exchange: 0 available, 1 wanted." in page


def test_more_units_than_in_stock_are_refused(
    office_en: Client, order: Order, tees: dict[str, Product]
) -> None:
    data = exchange_data(order, tees["L"].pk, **{f"qty_{shirt(order)}": "2"})
    page = refused(office_en, order, data)
    assert "Not enough TEE-L in stock for the exchange: 1 available, 2 wanted." in page


def test_an_exchange_the_policy_does_not_allow_is_refused(
    office_en: Client, order: Order, store: Any, tees: dict[str, Product]
) -> None:
    make_policy(store, allowed_resolutions=["refund", "store_credit"])
    page = refused(office_en, order, exchange_data(order, tees["L"].pk))
    assert 'id="field-resolution"' in page
    assert "Select a valid choice. exchange is not one of the available choices." in page


# --- Who may ------------------------------------------------------------------------------


def test_another_stores_order_is_a_404(office: Client, store2: Any) -> None:
    theirs = make_order(store=store2, channel_order_number="ORD-2002")
    line = theirs.lines.get()
    data = form_data(theirs, resolution="exchange", **{f"replacement_{line.pk}": line.product_id})
    text(office.post(create_url(theirs), data), status=404)
    text(office.post(preview_url(theirs), data), status=404)
    assert not ReturnRequest.objects.filter(order=theirs).exists()
