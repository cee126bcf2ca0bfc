"""Carrier accounts (secrets write-only) and the rules that choose among them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.logistics.models import Carrier, CarrierAccount, CarrierRule, Gateway
from tests.office.settings_helpers import client_for, page_text

pytestmark = pytest.mark.django_db

CARRIERS = "/office/settings/carriers/"
API_KEY = "sk_live_carrier_very_secret_1234"
WEBHOOK = "whsec_very_secret_webhook_5678"


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    client = client_for(django_user_model, "manager", store, "manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def account_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "carrier": "kr.cjlogistics",
        "name": "CJ대한통운 본계약",
        "gateway": "simulator",
        "api_base_url": "http://127.0.0.1:8765",
        "customer_code": "30271834",
        "fare_type": "credit",
        "return_name": "반품센터",
        "return_phone": "02-123-4567",
        "return_postcode": "06236",
        "return_address1": "서울 강남구 테헤란로 1",
        "return_address2": "3층",
        "instructions": "",
        "is_default": "on",
        "is_active": "on",
        "api_key": API_KEY,
        "webhook_secret": WEBHOOK,
        "biz_reg_num": "",
        "boxes-TOTAL_FORMS": "2",
        "boxes-INITIAL_FORMS": "0",
        "boxes-MIN_NUM_FORMS": "0",
        "boxes-MAX_NUM_FORMS": "1000",
        "boxes-0-code": "small",
        "boxes-0-label": "소",
        "boxes-0-max_cm": "80",
        "boxes-0-fare": "3500",
        "boxes-1-code": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def account_of(store: Any, **fields: Any) -> CarrierAccount:
    defaults: dict[str, Any] = {
        "carrier": Carrier.objects.get(code="kr.epost"),
        "name": "우체국",
        "gateway": Gateway.NONE,
        "credentials": {"api_key": API_KEY},
        "webhook_secret": WEBHOOK,
    }
    return CarrierAccount.objects.create(store=store, **{**defaults, **fields})


def test_a_manager_adds_a_linked_account_whose_secrets_never_come_back(
    manager: Client, store: Any
) -> None:
    response = manager.post(CARRIERS + "new/", account_post())
    assert response.status_code == 302, response.content[:3000]
    account = CarrierAccount.objects.get(store=store)
    assert account.linked
    assert account.is_default
    assert account.credentials == {"api_key": API_KEY}
    assert account.webhook_secret == WEBHOOK
    assert account.box_sizes == [{"code": "small", "label": "소", "fare": 3500, "max_cm": 80}]
    for url in (CARRIERS, f"{CARRIERS}{account.pk}/"):
        page = page_text(manager.get(url))
        assert API_KEY not in page
        assert WEBHOOK not in page
    page = page_text(manager.get(f"{CARRIERS}{account.pk}/"))
    assert "API key: <strong>set</strong>" in page
    assert 'type="password"' in page
    assert "₩3,500" in page_text(manager.get(CARRIERS))


def test_an_empty_secret_keeps_the_saved_one_and_a_new_one_replaces_it(
    manager: Client, store: Any
) -> None:
    account = account_of(store)
    url = f"{CARRIERS}{account.pk}/"
    data = account_post(name="우체국 바뀐 이름", api_key="", webhook_secret="", gateway="none")
    assert manager.post(url, data).status_code == 302
    account.refresh_from_db()
    assert account.name == "우체국 바뀐 이름"
    assert account.credentials == {"api_key": API_KEY}
    assert account.webhook_secret == WEBHOOK
    data.update(api_key="sk_new_key_0000000000", clear_webhook_secret="on")
    assert manager.post(url, data).status_code == 302
    account.refresh_from_db()
    assert account.credentials == {"api_key": "sk_new_key_0000000000"}
    assert account.webhook_secret == ""


def test_only_one_default_account(manager: Client, store: Any) -> None:
    old = account_of(store, is_default=True)
    assert manager.post(CARRIERS + "new/", account_post(is_default="on")).status_code == 302
    old.refresh_from_db()
    assert not old.is_default
    assert CarrierAccount.objects.filter(store=store, is_default=True).count() == 1


def test_bad_account_input_shows_next_to_its_fields_and_keeps_what_was_typed(
    manager: Client, store: Any
) -> None:
    data = account_post(
        api_base_url="http://203.0.113.9:8080",  # the key would travel off this machine
        return_postcode="06-236",
        is_active=None,  # an inactive default
        **{"boxes-0-code": "Small Box", "boxes-0-fare": "-1"},
    )
    page = page_text(manager.post(CARRIERS + "new/", data), 422)
    url = page.split('id="field-api_base_url"', 1)[1].split("</div>", 1)[0]
    assert "must run on this machine" in url
    assert 'value="http://203.0.113.9:8080"' in url
    assert "Write the postcode in digits" in page.split('id="field-return_postcode"', 1)[1]
    assert "An inactive account cannot be the default." in page
    assert "Box 1: a code of lower-case letters" in page
    assert "Box 1: the fare is a whole number" in page
    assert API_KEY not in page  # a refused form does not echo the secret either
    page = page_text(
        manager.post(CARRIERS + "new/", account_post(name="", carrier="kr.nowhere")), 422
    )
    assert "This field is required." in page.split('id="field-name"', 1)[1]
    assert "Select a valid choice." in page.split('id="field-carrier"', 1)[1]
    assert not CarrierAccount.objects.exists()


def test_rules_route_returns_to_an_account(manager: Client, store: Any) -> None:
    account = account_of(store, box_sizes=[{"code": "small", "label": "소", "fare": 3000}])
    data = {
        "account": str(account.pk),
        "priority": "10",
        "postcode_prefixes": "63, 69",
        "reason_codes": ["defective"],
        "box_sizes": "small",
        "note": "제주 도서산간",
    }
    assert manager.post(CARRIERS + "rules/new/", data).status_code == 302
    rule = CarrierRule.objects.get(store=store)
    assert rule.postcode_prefixes == ["63", "69"]
    assert rule.reason_codes == ["defective"]
    assert rule.box_sizes == ["small"]
    page = page_text(manager.get(CARRIERS))
    assert "제주 도서산간" in page
    assert "63, 69" in page
    data["priority"] = "20"
    assert manager.post(f"{CARRIERS}rules/{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.priority == 20
    assert manager.post(f"{CARRIERS}rules/{rule.pk}/delete/").status_code == 302
    assert not CarrierRule.objects.exists()


def test_bad_rules_are_refused_next_to_their_fields(manager: Client, store: Any) -> None:
    account = account_of(store)
    data = {
        "account": str(account.pk),
        "priority": "-5",
        "postcode_prefixes": "63, 제주",
        "box_sizes": "huge",
    }
    page = page_text(manager.post(CARRIERS + "rules/new/", data), 422)
    assert "A priority from 0 to 100000" in page.split('id="field-priority"', 1)[1]
    assert "Postcode prefixes are digits: 제주 is not." in page
    assert "The account has no box size huge." in page
    page = page_text(manager.post(CARRIERS + "rules/new/", {**data, "reason_codes": ["nope"]}), 422)
    assert "Select a valid choice." in page
    assert not CarrierRule.objects.exists()


def test_another_stores_accounts_and_rules_are_404(
    manager: Client, store: Any, store2: Any
) -> None:
    theirs = account_of(store2, name="남의 계약")
    rule = CarrierRule.objects.create(store=store2, account=theirs, priority=1)
    assert manager.get(f"{CARRIERS}{theirs.pk}/").status_code == 404
    assert manager.post(f"{CARRIERS}{theirs.pk}/", account_post()).status_code == 404
    assert manager.get(f"{CARRIERS}rules/{rule.pk}/").status_code == 404
    assert manager.post(f"{CARRIERS}rules/{rule.pk}/delete/").status_code == 404
    assert CarrierRule.objects.filter(pk=rule.pk).exists()
    assert "남의 계약" not in page_text(manager.get(CARRIERS))
    # Their account is no choice for a rule of ours either.
    mine = account_of(store)
    page = page_text(
        manager.post(CARRIERS + "rules/new/", {"account": str(theirs.pk), "priority": "1"}), 422
    )
    assert "Select a valid choice." in page
    assert not CarrierRule.objects.filter(store=mine.store).exists()
    theirs.refresh_from_db()
    assert theirs.name == "남의 계약"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", CARRIERS),
        ("get", CARRIERS + "new/"),
        ("post", CARRIERS + "new/"),
        ("get", CARRIERS + "rules/new/"),
        ("post", CARRIERS + "rules/1/delete/"),
    ],
)
def test_a_cs_agent_may_not(django_user_model: Any, store: Any, method: str, url: str) -> None:
    cs = client_for(django_user_model, "cs", store, "cs_agent")
    response = getattr(cs, method)(url, account_post() if method == "post" else None)
    assert response.status_code == 403
    assert not CarrierAccount.objects.exists()
