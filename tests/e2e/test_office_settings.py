"""A manager in a real browser edits the return policy: widens the change-of-mind window, raises
the return fee, previews the draft on a sample order, saves it as a new version, sees it active."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.policy.models import ReturnPolicy
from banpum.policy.selectors import policy_current, policy_rules
from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.factories import make_order
from tests.office.conftest import PASSWORD, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager_data(store: Any, django_user_model: Any) -> Any:
    member(django_user_model, "manager", store, "manager")
    # Delivered ten days ago: too late for a change of mind under 7 days, in time under 14.
    return make_order(
        store=store,
        channel_order_number="ORD-2024-0042",
        delivered_days_ago=10,
        lines=[{"quantity": 1, "unit_price": 39000, "name": "울 니트 가디건"}],
    )


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/office/login/")
    page.get_by_label("아이디").fill("manager")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")


def test_a_manager_edits_previews_and_saves_the_policy(
    live_server: Any, page: Any, store: Any, manager_data: Any
) -> None:
    blocked = csp_violations(page)
    base = live_server.url
    _sign_in(page, base)
    page.locator("header nav a[href='/office/settings/']").click()
    page.wait_for_url(f"{base}/office/settings/")
    page.locator(".settings-nav a[href='/office/settings/policy/']").click()
    page.wait_for_url(f"{base}/office/settings/policy/")
    page.locator("a[href='/office/settings/policy/edit/']").first.click()
    page.wait_for_url(f"{base}/office/settings/policy/edit/")

    page.locator("input[name='change_of_mind_days']").fill("14")
    page.locator("input[name='return_shipping_fee']").fill("4000")
    page.locator("input[name='note']").fill("단순 변심 14일, 반품 배송비 4,000원")
    page.locator("input[name='sample_order']").fill("ORD-2024-0042")
    url_before = page.url
    page.locator("button[name='action'][value='preview']").click()
    row = page.locator("tr[data-reason='change_of_mind']")
    row.wait_for()
    assert page.url == url_before  # swapped in place by htmx, not a page load
    cells = row.locator("td")
    assert "요청 기한" in cells.nth(0).inner_text() or "반품" in cells.nth(0).inner_text()
    assert "4,000원" in cells.nth(1).inner_text()
    assert row.get_attribute("class") == "changed"
    # What was typed is still there after the swap.
    assert page.locator("input[name='change_of_mind_days']").input_value() == "14"
    # A viewport as tall as the page: no sticky header is painted over what is shot.
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": height})
    page.screenshot(path=str(screenshots_dir() / "office-settings-policy-edit.png"))
    page.locator("#preview").screenshot(
        path=str(screenshots_dir() / "office-settings-policy-preview.png")
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    assert ReturnPolicy.objects.filter(store=store).count() == 1  # a preview saves nothing

    page.locator("button[name='action'][value='save']").click()
    page.wait_for_url(f"{base}/office/settings/policy/")
    page.locator(".message").wait_for()
    newest = page.locator("#versions tbody tr").first
    assert newest.locator("a[href='/office/settings/policy/v2/']").count() == 1
    assert newest.locator(".badge").count() == 1  # marked active
    page.screenshot(path=str(screenshots_dir() / "office-settings-policy.png"), full_page=True)

    active = policy_current(store=store)
    assert active.version == 2
    rules = policy_rules(active)
    assert rules.change_of_mind_days == 14
    assert rules.return_shipping_fee == 4000
    assert policy_rules(ReturnPolicy.objects.get(store=store, version=1)).change_of_mind_days == 7
    assert blocked == []  # the pages, htmx included, run under the strict CSP


def test_an_admin_sees_carriers_people_and_keys_without_their_secrets(
    live_server: Any, page: Any, store: Any, django_user_model: Any
) -> None:
    from banpum.logistics.models import Carrier, CarrierAccount, CarrierRule, Gateway

    member(django_user_model, "admin", store, "admin")
    member(django_user_model, "cs", store, "cs_agent")
    secret = "sk_carrier_secret_never_shown_0001"
    account = CarrierAccount.objects.create(
        store=store,
        # A transactional test starts from a flushed database: the seeded catalogue is gone.
        carrier=Carrier.objects.get_or_create(
            code="kr.cjlogistics", defaults={"name_ko": "CJ대한통운", "name_en": "CJ Logistics"}
        )[0],
        name="CJ대한통운 (시뮬레이터)",
        gateway=Gateway.SIMULATOR,
        api_base_url="http://127.0.0.1:9000",
        credentials={"api_key": secret},
        box_sizes=[{"code": "small", "label": "소", "fare": 3500}],
        is_default=True,
    )
    CarrierRule.objects.create(
        store=store, account=account, priority=10, postcode_prefixes=["63"], note="제주"
    )
    base = live_server.url
    page.goto(f"{base}/office/login/")
    page.get_by_label("아이디").fill("admin")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")
    shots = {
        "carriers": "/office/settings/carriers/",
        "carrier-account": f"/office/settings/carriers/{account.pk}/",
        "people": "/office/settings/people/",
    }
    for name, path in shots.items():
        page.goto(f"{base}{path}")
        assert secret not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=str(screenshots_dir() / f"office-settings-{name}.png"), full_page=True)
    page.goto(f"{base}/office/settings/api-keys/")
    page.locator("input[name='name']").fill("자사몰 연동")
    page.locator("form.settings-form button[type='submit']").click()
    raw = page.locator("#raw-key").inner_text()
    assert raw.startswith("bp_")
    page.screenshot(path=str(screenshots_dir() / "office-settings-api-keys.png"), full_page=True)
    page.goto(f"{base}/office/settings/api-keys/")
    assert raw not in page.content()  # shown once
