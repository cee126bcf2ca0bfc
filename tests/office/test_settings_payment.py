"""The payment gateway account: saved whole, the secret key never rendered."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.settlement.models import PaymentAccount
from tests.office.settings_helpers import client_for, page_text

pytestmark = pytest.mark.django_db

PAYMENT = "/office/settings/payment/"
SECRET = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    client = client_for(django_user_model, "manager", store, "manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_manager_sets_the_account_and_never_sees_the_key_again(
    manager: Client, store: Any
) -> None:
    assert "not set" in page_text(manager.get(PAYMENT))
    response = manager.post(PAYMENT, {"provider": "toss", "base_url": "", "secret_key": SECRET})
    assert response.status_code == 302
    account = PaymentAccount.objects.get(store=store)
    assert account.provider == "toss"
    assert account.secret_key is not None
    assert account.secret_key.reveal() == SECRET
    page = page_text(manager.get(PAYMENT))
    assert SECRET not in page
    assert "Secret key: <strong>set</strong>" in page
    assert 'type="password"' in page


def test_bad_input_is_refused_next_to_its_field(manager: Client, store: Any) -> None:
    page = page_text(
        manager.post(
            PAYMENT,
            {"provider": "simulator", "base_url": "http://203.0.113.9:9000", "secret_key": SECRET},
        ),
        422,
    )
    field = page.split('id="field-base_url"', 1)[1].split("</div>", 1)[0]
    assert "must run on this machine" in field
    assert SECRET not in page
    page = page_text(manager.post(PAYMENT, {"provider": "toss", "secret_key": ""}), 422)
    assert "This field is required." in page.split('id="field-secret_key"', 1)[1]
    page = page_text(manager.post(PAYMENT, {"provider": "paypal", "secret_key": "x"}), 422)
    assert "Select a valid choice." in page
    assert not PaymentAccount.objects.exists()


def test_another_stores_account_is_not_shown(
    manager: Client, store2: Any, django_user_model: Any
) -> None:
    other = client_for(django_user_model, "manager2", store2, "manager")
    other.post(PAYMENT, {"provider": "toss", "secret_key": SECRET})
    assert PaymentAccount.objects.filter(store=store2).exists()
    page = page_text(manager.get(PAYMENT))
    assert "not set" in page
    assert "Toss" not in page.split("<h1>", 1)[1].split("<form", 1)[0]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["cs_agent", "warehouse"])
def test_other_roles_may_not(django_user_model: Any, store: Any, method: str, role: str) -> None:
    client = client_for(django_user_model, "someone", store, role)
    data = {"provider": "toss", "secret_key": SECRET} if method == "post" else None
    assert getattr(client, method)(PAYMENT, data).status_code == 403
    assert not PaymentAccount.objects.exists()
