"""A CS agent in a real browser: signs in, sees the day's queues, finds a return, opens it."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.returns.models import ReturnRequest
from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.office.conftest import PASSWORD, member, return_for
from tests.returns.helpers import number_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in_data(store: Any, django_user_model: Any) -> ReturnRequest:
    member(django_user_model, "cs", store)
    return return_for(store, name="김철수", phone="010-1234-5678", order_number="ORD-1001")


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/")  # `/` leads to the office, which asks for a sign-in
    page.get_by_label("아이디").fill("cs")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")


def test_cs_signs_in_finds_a_return_and_opens_it(
    live_server: Any, page: Any, signed_in_data: ReturnRequest
) -> None:
    blocked = csp_violations(page)
    _sign_in(page, live_server.url)
    assert page.locator("html").get_attribute("lang") == "ko"
    page.get_by_text("검토 필요").wait_for()
    page.screenshot(path=str(screenshots_dir() / "office-home.png"), full_page=True)

    page.goto(f"{live_server.url}/office/returns/")
    page.locator("#id_q").fill("01012345678")  # a phone typed without hyphens
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.screenshot(path=str(screenshots_dir() / "office-returns.png"), full_page=True)
    number = number_of(signed_in_data)
    page.locator(f"a[href$='/office/returns/{number}/']").first.click()
    page.wait_for_url(f"**/office/returns/{number}/")
    page.get_by_text("처리 기록").wait_for()
    assert "010-****-5678" in page.content()
    assert "010-1234-5678" not in page.content()
    page.screenshot(path=str(screenshots_dir() / "office-return.png"), full_page=True)
    assert blocked == []  # the page works under its own content security policy


def test_the_sign_in_page_fits_a_phone(live_server: Any, phone: Any) -> None:
    phone.goto(f"{live_server.url}/office/login/")
    phone.get_by_label("아이디").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    phone.screenshot(path=str(screenshots_dir() / "office-login-phone.png"), full_page=True)
