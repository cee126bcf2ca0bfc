"""A CS agent in a real browser works a held return: approves it, adds a consultation note and
reveals the customer's phone with a reason, which the access log records."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.office.models import PersonalDataAccess
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.office.conftest import PASSWORD, member, return_for
from tests.returns.helpers import number_of, walk_to

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held(store: Any, django_user_model: Any) -> ReturnRequest:
    member(django_user_model, "cs", store)
    rr = return_for(store, name="김철수", phone="010-1234-5678", order_number="ORD-1001")
    return walk_to(rr, S.ON_HOLD)


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/office/login/")
    page.locator("#id_username").fill("cs")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")


def test_cs_approves_a_held_return_notes_it_and_reveals_the_phone(
    live_server: Any, page: Any, held: ReturnRequest
) -> None:
    blocked = csp_violations(page)
    shots = screenshots_dir()
    _sign_in(page, live_server.url)
    number = number_of(held)

    # The list's 보류 tab holds it.
    page.goto(f"{live_server.url}/office/returns/?tab=on_hold")
    assert page.locator('.status-tabs a[data-tab="on_hold"] .count').inner_text() == "1"
    page.screenshot(path=str(shots / "office-actions-list-tabs.png"), full_page=True)
    page.locator(f"a[href$='/office/returns/{number}/']").first.click()
    page.wait_for_url(f"**/office/returns/{number}/")
    assert "010-****-5678" in page.content()
    assert "010-1234-5678" not in page.content()
    page.screenshot(path=str(shots / "office-actions-held.png"), full_page=True)

    # Approve: the page reloads with a message and the new status; the decisions are gone.
    page.locator("#approve-form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(".message-success").wait_for()
    held.refresh_from_db()
    assert held.status == S.APPROVED
    assert page.locator("#approve-form").count() == 0

    # A consultation note, added in place by htmx.
    page.locator("#id_note_note").fill("고객 통화: 내일 오전 수거 희망")
    page.locator("#note-form button[type=submit]").click()
    page.locator("#notes .notes li", has_text="내일 오전 수거 희망").wait_for()
    assert page.locator("#id_note_note").input_value() == ""

    # The phone in full, with a reason; the log records it.
    page.locator("details.reveal > summary").click()
    page.locator("#id_reveal_kinds input[value=phone]").check()
    page.locator("#id_reveal_reason input[value=customer_call]").check()
    page.locator("#id_reveal_reason_detail").fill("수거 일정 확인")
    page.locator("#reveal-form button[type=submit]").click()
    page.locator("#personal dd.revealed", has_text="010-1234-5678").wait_for()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of the shot
    page.screenshot(path=str(shots / "office-actions-revealed.png"), full_page=True)
    entry = PersonalDataAccess.objects.get()
    assert (entry.username, entry.kinds, entry.reason) == ("cs", ["phone"], "customer_call")
    assert entry.reason_detail == "수거 일정 확인"
    assert entry.return_request_id == held.pk
    assert blocked == []  # htmx and the page's script run under the content security policy
