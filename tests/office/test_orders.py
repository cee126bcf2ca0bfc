"""The order search (every key CS is given, one hit opens at once) and the order page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.commerce.models import Order
from banpum.returns.models import ReturnRequest
from tests.factories import CustomerFactory, make_order
from tests.logistics.helpers import approve, book, linked_account, store_with_return_address
from tests.office.conftest import member
from tests.returns.helpers import number_of, open_return

pytestmark = pytest.mark.django_db


def text(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return str(response.content.decode())


@pytest.fixture
def order(store: Any) -> Order:
    customer = CustomerFactory(store=store, name="김철수", phone="01012345678")
    return make_order(
        store=store,
        customer=customer,
        channel_order_number="ORD-1001",
        shipping_name="김철수",
        shipping_phone="01012345678",
        lines=[
            {"quantity": 3, "unit_price": 10000, "name": "면 티셔츠"},
            {"quantity": 1, "unit_price": 25000, "name": "청바지"},
        ],
    )


@pytest.fixture
def order2(store2: Any) -> Order:
    customer = CustomerFactory(store=store2, name="박영희", phone="010-9999-8888")
    return make_order(store=store2, customer=customer, channel_order_number="ORD-2002")


def opens(response: Any, order: Order) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"/office/orders/{order.pk}/"


@pytest.mark.parametrize(
    "term",
    [
        "ORD-1001",  # the order number
        "01012345678",  # the phone without hyphens
        "010-1234-5678",  # with them
        "김철수",  # the name
    ],
)
def test_one_hit_opens_the_order(office: Client, order: Order, term: str) -> None:
    opens(office.get("/office/orders/", {"q": term}), order)


def test_a_phone_stored_with_hyphens_is_found_without(office: Client, store: Any) -> None:
    customer = CustomerFactory(store=store, name="이민수", phone="010-2222-3333")
    hyphenated = make_order(store=store, customer=customer, channel_order_number="H-1")
    opens(office.get("/office/orders/", {"q": "01022223333"}), hyphenated)


def test_the_delivery_waybill_finds_the_order(office: Client, order: Order) -> None:
    waybill = order.shipments.get().tracking_number
    opens(office.get("/office/orders/", {"q": waybill}), order)
    printed = f"{waybill[:4]}-{waybill[4:8]}-{waybill[8:]}"  # as a label prints it
    opens(office.get("/office/orders/", {"q": printed}), order)


def test_the_return_parcels_waybill_finds_the_order(office: Client, store: Any) -> None:
    store_with_return_address(store)
    linked_account(store, "http://127.0.0.1:9")
    order = make_order(store=store, channel_order_number="W-1", shipping_postcode="06236")
    book(approve(order), waybill="559900112233")
    opens(office.get("/office/orders/", {"q": "559900112233"}), order)


def test_a_return_number_opens_the_return(office: Client, order: Order) -> None:
    number = number_of(open_return(order))
    response = office.get("/office/orders/", {"q": number.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/office/returns/{number}/"


def test_several_hits_list_in_a_table_with_masked_phones(office: Client, store: Any) -> None:
    for number in ("M-1", "M-2"):
        customer = CustomerFactory(store=store, name="최지은", phone="010-4444-5555")
        make_order(store=store, customer=customer, channel_order_number=number)
    page = text(office.get("/office/orders/", {"q": "최지은"}))
    assert "M-1" in page
    assert "M-2" in page
    assert "010-****-5555" in page
    assert "010-4444-5555" not in page
    assert "/office/orders/" in page


def test_no_hit_says_so(office_en: Client, order: Order) -> None:
    page = text(office_en.get("/office/orders/", {"q": "nobody-at-all"}))
    assert "No order matches." in page


def test_the_empty_search_is_just_the_box(office: Client, order: Order) -> None:
    page = text(office.get("/office/orders/"))
    assert 'id="order-search"' in page
    assert "ORD-1001" not in page


def test_another_stores_order_is_never_found(office: Client, order: Order, order2: Order) -> None:
    page = text(office.get("/office/orders/", {"q": "ORD-2002"}))
    assert "ORD-2002" in page  # only as the typed term
    assert f"/office/orders/{order2.pk}/" not in page
    page = text(office.get("/office/orders/", {"q": "01099998888"}))
    assert "박영희" not in page


def test_the_header_has_the_global_search_and_its_script(office: Client, order: Order) -> None:
    page = text(office.get("/office/"))
    assert 'id="global-search"' in page
    assert 'action="/office/orders/"' in page
    assert "office/search.js" in page


def test_the_order_page_counts_what_is_still_returnable(office: Client, order: Order) -> None:
    first = open_return(order, ((1, 2),))
    page = text(office.get(f"/office/orders/{order.pk}/"))
    assert "면 티셔츠" in page
    assert "청바지" in page
    assert "10,000원" in page
    assert "25,000원" in page
    # Line 1: 3 bought, 2 in a return, 1 still returnable; line 2: 1 returnable.
    assert '<td class="num">2</td><td class="num returnable">1</td>' in page
    assert '<td class="num">0</td><td class="num returnable">1</td>' in page
    assert f'href="/office/returns/{number_of(first)}/"' in page
    assert order.shipments.get().tracking_number in page
    assert 'id="return-create"' in page
    assert "010-****-5678" in page
    assert "01012345678" not in page


def test_the_order_page_in_a_fixed_number_of_queries(
    office: Client, order: Order, django_assert_max_num_queries: Any
) -> None:
    open_return(order, ((1, 1),))
    open_return(order, ((2, 1),))
    with django_assert_max_num_queries(10):
        text(office.get(f"/office/orders/{order.pk}/"))


def test_nothing_returnable_hides_the_button(office: Client, store: Any) -> None:
    undelivered = make_order(store=store, delivered_days_ago=None)
    page = text(office.get(f"/office/orders/{undelivered.pk}/"))
    assert 'id="return-create"' not in page


def test_a_role_without_return_create_sees_the_order_without_the_button(
    django_user_model: Any, store: Any, order: Order
) -> None:
    client = Client()
    client.force_login(member(django_user_model, "wh", store, role="warehouse"))
    page = text(client.get(f"/office/orders/{order.pk}/"))
    assert "면 티셔츠" in page
    assert 'id="return-create"' not in page


def test_another_stores_order_page_is_a_404(office: Client, order2: Order) -> None:
    text(office.get(f"/office/orders/{order2.pk}/"), status=404)
    text(office.get("/office/orders/999999/"), status=404)


def test_signed_out_goes_to_the_login(order: Order) -> None:
    response = Client().get(f"/office/orders/{order.pk}/")
    assert response.status_code == 302
    assert "/office/login/" in response["Location"]


def test_returns_of_the_order_only(office: Client, order: Order, store: Any) -> None:
    other = make_order(store=store, channel_order_number="OTHER-1")
    theirs: ReturnRequest = open_return(other)
    page = text(office.get(f"/office/orders/{order.pk}/"))
    assert number_of(theirs) not in page
