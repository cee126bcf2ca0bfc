"""A manager in a real browser edits a message template: opens it from the overview, clicks a
variable chip into the text, watches the preview on a real return follow, and saves."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from banpum.notify.catalogue import Channel, Language, NotifyEvent
from banpum.notify.services.templates import template_effective
from banpum.returns.models import ReturnRequest
from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.office.conftest import PASSWORD, member, return_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager_data(store: Any, django_user_model: Any) -> ReturnRequest:
    member(django_user_model, "manager", store, "manager")
    return return_for(store, name="김철수", phone="010-1234-5678", order_number="ORD-3003")


def test_a_manager_inserts_a_variable_previews_and_saves(
    live_server: Any, page: Any, store: Any, manager_data: ReturnRequest
) -> None:
    blocked = csp_violations(page)
    base = live_server.url
    page.goto(f"{base}/office/login/")
    page.get_by_label("아이디").fill("manager")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")
    page.goto(f"{base}/office/settings/")
    page.locator(".settings-nav a[href='/office/settings/messages/']").click()
    page.wait_for_url(f"{base}/office/settings/messages/")
    row = page.locator("tr[data-event='return.approved'][data-channel='sms']")
    row.locator("td[data-language='ko'] a").click()
    page.wait_for_url("**/office/settings/messages/edit/?event=return.approved&channel=sms*")

    preview = page.locator("#preview-body [data-preview='text']")
    expect(preview).to_contain_text(manager_data.number or "")
    text = page.locator("textarea[name='text']")
    text.fill("반품 승인: ")
    text.press("End")
    url_before = page.url
    page.locator("code.chip[data-variable='customer_name']").click()
    expect(text).to_have_value("반품 승인: {customer_name}")
    expect(preview).to_have_text("반품 승인: 김철수")
    expect(page.locator("#preview-body [data-preview='figures']")).to_contain_text("SMS")
    assert page.url == url_before  # the preview came by htmx, not a page load

    # A variable the event does not offer: the preview says so before saving.
    text.fill("반품 승인: {survey_link}")
    expect(page.locator("#preview-body .error")).to_contain_text("survey_link")
    text.fill("반품 승인: ")
    text.press("End")
    page.locator("code.chip[data-variable='return_number']").focus()
    page.keyboard.press("Enter")  # the chips work from the keyboard too
    expect(text).to_have_value("반품 승인: {return_number}")
    expect(preview).to_have_text(f"반품 승인: {manager_data.number}")

    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": height})
    page.screenshot(path=str(screenshots_dir() / "office-settings-message-edit.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("button[name='action'][value='save']").click()
    expect(page.locator(".message-success")).to_be_visible()
    saved = template_effective(store, NotifyEvent.RETURN_APPROVED, Channel.SMS, Language.KO)
    assert (saved.text, saved.edited) == ("반품 승인: {return_number}", True)

    # A 알림톡 edit: the approved text stays beside the draft until a manager marks it approved.
    page.goto(
        f"{base}/office/settings/messages/edit/?event=return.approved&channel=alimtalk&language=ko"
    )
    page.locator("textarea[name='text']").fill(
        "[{store_name}] 반품이 승인되었어요. {return_number}"
    )
    page.locator("button[name='action'][value='save']").click()
    expect(page.locator(".badge-needs-approval").first).to_be_visible()
    expect(page.locator("#approved")).to_contain_text("BP_RETURN_APPROVED_KO")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": height})
    page.screenshot(path=str(screenshots_dir() / "office-settings-message-alimtalk.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("form[action$='/approve/'] button[type='submit']").click()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator(".badge-needs-approval")).to_have_count(0)

    page.goto(f"{base}/office/settings/messages/")
    expect(page.locator(".badge-edited")).to_have_count(2)
    page.screenshot(path=str(screenshots_dir() / "office-settings-messages.png"), full_page=True)
    assert blocked == []
