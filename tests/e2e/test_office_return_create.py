"""회수 요청 in a real browser: a CS agent on the phone with a customer opens a return.

Searches the order by the customer's phone (typed without hyphens, from the header's search,
reached with ``/``), opens it, presses 회수 요청, picks a line and the reason, watches the
policy's answer appear, writes the consultation note and the fee agreed, submits, and lands on
the return with the pickup booked at the carrier (the simulator, a real HTTP server). And an
exchange for another size: the agent picks 교환, then the size to send, with its stock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.models import Pickup
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.warehouse.models import MovementKind
from banpum.warehouse.stock import StockChange, stock_location, stock_move
from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.factories import CustomerFactory, ProductFactory, make_order, make_policy
from tests.logistics.helpers import linked_account, running_simulator, store_with_return_address
from tests.office.conftest import PASSWORD, member

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "고객 통화(14:05): 사이즈가 작아 반품 원함. 반품 배송비 3,000원 박스 동봉 안내함."


@pytest.fixture
def simulator() -> Iterator[CarrierSimulator]:
    with running_simulator(speed=1.0, seed=3) as simulator:
        yield simulator


@pytest.fixture
def order(store: Any, django_user_model: Any, simulator: CarrierSimulator) -> Order:
    member(django_user_model, "cs", store)
    make_policy(store, auto_approval={"enabled": True})
    store_with_return_address(store)
    linked_account(store, simulator)
    customer = CustomerFactory(store=store, name="김철수", phone="010-1234-5678")
    return make_order(
        store=store,
        customer=customer,
        channel_order_number="2026113012345",
        shipping_name="김철수",
        shipping_phone="010-1234-5678",
        shipping_postcode="06236",
        shipping_address1="서울특별시 강남구 테헤란로 152",
        shipping_address2="12층",
        lines=[
            {"quantity": 2, "unit_price": 23000, "name": "오버핏 면 티셔츠"},
            {"quantity": 1, "unit_price": 49000, "name": "와이드 데님 팬츠"},
        ],
    )


def test_cs_opens_a_return_pickup_from_the_order(live_server: Any, page: Any, order: Order) -> None:
    blocked = csp_violations(page)
    base = live_server.url
    page.goto(f"{base}/office/login/")
    page.get_by_label("아이디").fill("cs")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")

    # "/" jumps to the header's search; the phone as the customer reads it out, no hyphens.
    page.keyboard.press("/")
    search = page.locator("#global-search")
    assert search.evaluate("box => box === document.activeElement")
    search.fill("01012345678")
    search.press("Enter")
    page.wait_for_url(f"{base}/office/orders/{order.pk}/")  # one hit: the order itself
    page.locator("#order-lines").wait_for()
    page.screenshot(path=str(screenshots_dir() / "office-order.png"), full_page=True)

    page.locator("#return-create").click()
    page.wait_for_url(f"{base}/office/orders/{order.pk}/return/")
    shirt = order.lines.get(line_number=1)
    page.locator(f"input[name='qty_{shirt.pk}']").fill("1")
    page.locator("select[name='reason']").select_option("change_of_mind")
    # The policy answers before anything is submitted.
    decision = page.locator("#decision-result")
    decision.wait_for()
    assert "단순 변심" in decision.inner_text()
    assert "20,000원" in decision.inner_text()  # 23,000원 less the buyer's 3,000원 fee

    page.locator("textarea[name='note']").fill(NOTE)
    page.locator("select[name='fee_payer']").select_option("buyer")
    page.locator("input[name='fee_amount']").fill("3000")
    page.locator("select[name='fee_collection']").select_option("enclose_in_box")
    page.locator("input[name='memo']").fill("경비실에 맡겨 두었어요")
    page.locator("input[name='memo']").blur()
    # The answer follows the fee the agent sets: 3,000원, cash in the box (동봉), so nothing is
    # deducted from the refund of the shirt (23,000원).
    expect(page.locator("#decision-result")).to_contain_text("동봉")
    assert "23,000원" in decision.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots_dir() / "office-return-create.png"), full_page=True)

    page.locator("#return-submit").click()
    page.wait_for_url(f"{base}/office/returns/**")
    created = ReturnRequest.objects.get(order=order)
    assert page.url.endswith(f"/office/returns/{created.number}/")
    message = page.locator(".messages").inner_text()
    assert created.number in message
    assert created.status == S.PICKUP_REQUESTED
    assert (created.fee_payer, created.fee_amount, created.fee_collection) == (
        "buyer",
        3000,
        "enclose_in_box",
    )
    assert created.events.get(type=EventType.NOTE_ADDED).note == NOTE
    pickup = Pickup.objects.get(return_request=created)
    assert pickup.memo == "경비실에 맡겨 두었어요"
    assert pickup.waybill_number  # booked at the carrier, after the commit
    page.screenshot(path=str(screenshots_dir() / "office-return-created.png"), full_page=True)
    assert blocked == []


def test_cs_opens_an_exchange_for_another_size(
    live_server: Any, page: Any, store: Any, django_user_model: Any
) -> None:
    """The customer ordered M and wants L: the agent picks 교환 and the size, with its stock."""
    member(django_user_model, "cs", store)
    make_policy(store, exchange_fee=6000)
    store_with_return_address(store)
    tees = {
        size: ProductFactory(
            store=store,
            sku=f"TEE-{size}",
            name="오버핏 면 티셔츠",
            option_group="TEE",
            options={"사이즈": size},
        )
        for size in ("M", "L")
    }
    for product in tees.values():
        stock_move(
            product=product,
            location=stock_location(store),
            change=StockChange(MovementKind.RECEIPT, on_hand=3, reference="e2e"),
            actor=Actor.system("e2e"),
            now=timezone.now(),
        )
    order = make_order(
        store=store,
        customer=CustomerFactory(store=store, name="김철수", phone="010-1234-5678"),
        channel_order_number="2026113054321",
        shipping_name="김철수",
        shipping_address1="서울특별시 강남구 테헤란로 152",
        lines=[{"product": tees["M"], "quantity": 1, "unit_price": 23000}],
    )
    shirt = order.lines.get()
    blocked = csp_violations(page)
    base = live_server.url
    page.goto(f"{base}/office/login/")
    page.get_by_label("아이디").fill("cs")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")
    page.goto(f"{base}/office/orders/{order.pk}/return/")

    replacement = page.locator(f"select[name='replacement_{shirt.pk}']")
    expect(replacement).to_be_hidden()  # a refund, the default: nothing to choose
    page.locator(f"input[name='qty_{shirt.pk}']").fill("1")
    page.locator("select[name='reason']").select_option("wrong_option")
    page.locator("select[name='resolution']").select_option("exchange")
    expect(replacement).to_be_visible()
    assert replacement.input_value() == str(tees["M"].pk)  # the same one first
    replacement.select_option(str(tees["L"].pk))
    expect(page.locator("#decision-fee")).to_contain_text("6,000원")  # the policy's 교환 배송비
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(
        path=str(screenshots_dir() / "office-return-create-exchange.png"), full_page=True
    )

    page.locator("#return-submit").click()
    page.wait_for_url(f"{base}/office/returns/**")
    created = ReturnRequest.objects.get(order=order)
    assert (created.type, created.fee_amount) == ("exchange", 6000)
    assert created.lines.get().replacement_id == tees["L"].pk
    expect(page.locator(".replacement-asked")).to_contain_text("TEE-L")
    assert blocked == []
