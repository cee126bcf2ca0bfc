"""A shopper on a 360×740 phone: finds the order, returns a T-shirt with a pickup at home,
sees the fee and the refund estimate before the final tap, sends it, and reads the status
page; no screen scrolls sideways. Screenshots of every step under test-output/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from banpum.commerce.models import Order
from banpum.feedback.models import ReturnFeedback
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.returns.models import ReturnRequest, ReturnStatus
from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.factories import make_policy
from tests.logistics.helpers import linked_account, running_simulator, store_with_return_address
from tests.portal.conftest import NUMBER, PHONE, order_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def simulator() -> Iterator[CarrierSimulator]:
    """The carrier, on 127.0.0.1: the auto-approved return's pickup is booked with it."""
    with running_simulator(speed=1.0, seed=3) as simulator:
        yield simulator


@pytest.fixture
def shop(store: Any, simulator: CarrierSimulator) -> Order:
    store_with_return_address(store)
    make_policy(store, auto_approval={"enabled": True})
    linked_account(store, simulator)
    return order_for(store)


def _fits(phone: Any, name: str) -> None:
    """No sideways scrolling on a 360 px screen, and a screenshot to look at."""
    phone.wait_for_load_state()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: {width}px wide"
    phone.screenshot(path=str(screenshots_dir() / f"portal-{name}.png"), full_page=True)


def _next(phone: Any) -> None:
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_load_state()


def test_a_shopper_returns_a_tshirt_with_a_pickup_at_home(
    live_server: Any, phone: Any, store: Any, shop: Order
) -> None:
    blocked = csp_violations(phone)
    base = f"{live_server.url}/portal/{store.slug}"

    phone.goto(f"{base}/")
    assert phone.locator("html").get_attribute("lang") == "ko"
    phone.fill("input[name=order_number]", NUMBER)
    phone.fill("input[name=contact]", PHONE.replace("-", ""))
    _fits(phone, "1-find")
    _next(phone)

    phone.wait_for_url(f"{base}/order/")
    _fits(phone, "2-order")
    phone.locator(f"a[href='/portal/{store.slug}/return/']").click()

    phone.wait_for_url(f"{base}/return/items/")
    first = shop.lines.order_by("line_number").first()
    assert first is not None
    phone.select_option(f"select[name=line_{first.pk}]", "1")
    _fits(phone, "3-items")
    _next(phone)

    phone.wait_for_url(f"{base}/return/reason/")
    phone.check("input[name=reason_code][value=change_of_mind]")
    phone.check("input[name=condition][value=unopened]")
    _fits(phone, "4-reason")
    _next(phone)

    phone.wait_for_url(f"{base}/return/resolution/")
    phone.check("input[name=resolution][value=refund]")
    _fits(phone, "5-resolution")
    _next(phone)

    phone.wait_for_url(f"{base}/return/method/")
    phone.check("input[name=method][value=carrier_pickup]")
    _fits(phone, "6-method")
    _next(phone)

    phone.wait_for_url(f"{base}/return/pickup/")
    assert phone.input_value("input[name=address1]") == "서울특별시 강남구 테헤란로 152"
    phone.fill("input[name=address2]", "12층 1205호")
    day = phone.locator("select[name=preferred_date] option").first.inner_text()
    _fits(phone, "7-pickup")
    _next(phone)

    phone.wait_for_url(f"{base}/return/confirm/")
    decision = phone.locator("section.decision")
    # One of two T-shirts at 23,000원, a change of mind: 3,000원 one way, deducted.
    assert "20,000원" in decision.inner_text()
    assert "3,000원" in decision.inner_text()
    assert decision.is_visible()
    _fits(phone, "8-confirm")
    _next(phone)

    created = ReturnRequest.objects.get()
    phone.wait_for_url(f"{base}/returns/{created.number}/")
    text = phone.locator("main").inner_text()
    assert created.number in text
    assert day in text  # the courier's day, in words
    assert phone.locator("ol.tracker li").count() >= 3
    assert phone.locator("p.next strong").is_visible()
    _fits(phone, "9-status")
    assert created.status == ReturnStatus.PICKUP_REQUESTED
    assert blocked == []  # everything ran under the page's own content security policy


def test_the_policy_page_fits_a_phone(live_server: Any, phone: Any, store: Any) -> None:
    phone.goto(f"{live_server.url}/portal/{store.slug}/policy/")
    phone.locator("section.faq details").first.click()
    _fits(phone, "policy")


def test_a_shopper_rates_a_finished_return_from_the_messages_link(
    live_server: Any, phone: Any, store: Any
) -> None:
    from django.utils import timezone

    from banpum.returns.links import link_token
    from tests.returns.helpers import open_return, walk_to

    finished = walk_to(open_return(order_for(store)), ReturnStatus.COMPLETED)
    token = link_token(store_id=store.pk, return_number=finished.number, now=timezone.now())
    phone.goto(f"{live_server.url}/portal/{store.slug}/open/{token}/?next=survey")
    _fits(phone, "survey")

    phone.locator("label.rate").nth(3).click()  # 4 of 5
    phone.locator("fieldset.tags label.chip").first.click()
    phone.locator("textarea").fill("기사님이 친절했어요")
    phone.locator("#survey-form button[type=submit]").click()
    expect(phone.locator("#survey-thanks")).to_be_visible()
    _fits(phone, "survey-thanks")
    assert csp_violations(phone) == []

    answer = ReturnFeedback.objects.get(return_request=finished)
    assert (answer.rating, answer.comment) == (4, "기사님이 친절했어요")
    assert len(answer.went_well) == 1
