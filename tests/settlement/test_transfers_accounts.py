"""Refund accounts: checked per field in the reader's language, encrypted at rest, shown and
logged only masked; refunds without one are flagged "account needed"."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from banpum.integrations.payments.toss import basic_authorization
from banpum.settlement.gateways import gateway_for
from banpum.settlement.models import PaymentAccount, RefundAccount
from tests.factories import StoreFactory, make_policy
from tests.returns.helpers import number_of
from tests.settlement.transfer_helpers import (
    GOOD_ACCOUNT,
    awaiting_transfer,
    give_account,
    role_client,
    send,
)

pytestmark = pytest.mark.django_db


def _put(client: Client, number: str, **changes: str) -> Any:
    return send(client, "put", f"/returns/{number}/refund-account", {**GOOD_ACCOUNT, **changes})


def test_a_good_account_is_answered_masked_with_the_bank_in_the_readers_language(
    store: Any, api: Client, api_en: Client
) -> None:
    return_request, _ = awaiting_transfer(store)
    number = number_of(return_request)
    answer = _put(api, number, account_number="110 123-456789")  # hyphens and spaces are fine
    assert answer.status_code == 200, answer.content
    assert answer.json()["account_number_masked"] == "********6789"
    assert answer.json()["bank_name"] == "신한은행"
    assert "110123456789" not in answer.content.decode()

    read = api_en.get(f"/api/v1/returns/{number}/refund-account")
    assert read.status_code == 200
    assert read.json()["bank_name"] == "Shinhan Bank"
    assert read.json()["account_number_masked"] == "********6789"
    assert read.json()["holder_name"] == "김반품"
    assert "456789" not in read.content.decode().replace("********6789", "")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"account_number": "110-12A-456789"}, "account_number", "only digits"),
        ({"account_number": "12345"}, "account_number", "at least 10"),
        ({"account_number": "123456789012345"}, "account_number", "at most 14"),
        ({"bank_code": "004", "account_number": ""}, "account_number", "account number"),
        ({"bank_code": "999"}, "bank_code", "not a bank code"),
        ({"bank_code": "KB"}, "bank_code", "not a bank code"),
        ({"holder_name": "  "}, "holder_name", "holder"),
        ({"holder_name": "=HYPERLINK(1)"}, "holder_name", "must not start with"),
        ({"holder_name": "@SUM(A1)"}, "holder_name", "must not start with"),
        ({"holder_name": "김\u202e반품"}, "holder_name", "control characters"),
    ],
)
def test_a_bad_account_is_a_422_naming_the_field_in_the_readers_language(
    store: Any, api_en: Client, changes: dict[str, str], field: str, words: str
) -> None:
    return_request, _ = awaiting_transfer(store)
    answer = _put(api_en, number_of(return_request), **changes)
    assert answer.status_code == 422, answer.content
    fields = answer.json()["extra"]["fields"]
    assert field in fields, fields
    assert words in " ".join(fields[field])
    assert not RefundAccount.objects.exists()


def test_bad_input_shapes_are_422_and_korean_by_default(store: Any, api: Client) -> None:
    return_request, _ = awaiting_transfer(store)
    number = number_of(return_request)
    assert _put(api, number, extra="x").status_code == 422
    assert _put(api, number, account_number="1" * 41).status_code == 422
    korean = _put(api, number, bank_code="999")
    assert korean.status_code == 422
    assert korean.json()["extra"]["fields"]["bank_code"]
    assert api.get("/api/v1/returns/R-NOPE/refund-account").status_code == 404


def test_no_account_yet_is_a_404_and_the_refund_is_flagged_account_needed(
    store: Any, api: Client
) -> None:
    return_request, refund = awaiting_transfer(store)
    number = number_of(return_request)
    missing = api.get(f"/api/v1/returns/{number}/refund-account")
    assert missing.status_code == 404
    assert missing.json()["code"] == "refund_account_not_found"
    assert api.get(f"/api/v1/refunds/{refund.pk}").json()["account_needed"] is True
    needed = api.get("/api/v1/refunds?state=account_needed").json()["results"]
    assert [r["id"] for r in needed] == [refund.pk]

    give_account(api, return_request)
    assert api.get(f"/api/v1/refunds/{refund.pk}").json()["account_needed"] is False
    assert api.get("/api/v1/refunds?state=account_needed").json()["results"] == []
    listed = api.get(f"/api/v1/returns/{number}/refunds").json()["refunds"]
    assert listed[0]["account_needed"] is False


def test_a_new_account_replaces_the_old_one_which_stays_as_it_was(store: Any, api: Client) -> None:
    return_request, _ = awaiting_transfer(store)
    give_account(api, return_request)
    newer = give_account(api, return_request, bank_code="090", account_number="3333012345678")
    assert newer["bank_code"] == "090"
    assert newer["account_number_masked"] == "*********5678"
    read = api.get(f"/api/v1/returns/{number_of(return_request)}/refund-account").json()
    assert read["bank_code"] == "090"
    assert RefundAccount.objects.count() == 2


def test_the_number_is_encrypted_at_rest_and_never_logged(
    store: Any, api: Client, caplog: pytest.LogCaptureFixture
) -> None:
    return_request, _ = awaiting_transfer(store)
    caplog.set_level(logging.DEBUG)
    give_account(api, return_request)
    assert "456789" not in caplog.text
    assert "********6789" in caplog.text

    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM settlement_refundaccount")
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("v1:")
    assert "110123456789" not in stored
    account = RefundAccount.objects.get()
    assert account.account_number is not None
    assert account.account_number.reveal() == "110123456789"
    assert "110123456789" not in repr(account) + str(account) + str(account.account_number)


def test_a_cs_agent_gives_accounts_a_warehouse_worker_may_not(store: Any) -> None:
    return_request, _ = awaiting_transfer(store)
    give_account(role_client(store, "cs_agent"), return_request)
    warehouse = _put(role_client(store, "warehouse"), number_of(return_request))
    assert warehouse.status_code == 403


def test_other_stores_accounts_are_out_of_reach(store: Any, api: Client) -> None:
    other = StoreFactory(code="OT")
    make_policy(other)
    return_request, _ = awaiting_transfer(other)
    give_account(role_client(other, "manager"), return_request)
    number = number_of(return_request)
    assert api.get(f"/api/v1/returns/{number}/refund-account").status_code == 404
    assert _put(api, number).status_code == 404


def test_the_payment_secret_is_encrypted_at_rest_and_revealed_only_to_the_gateway(
    store: Any,
) -> None:
    PaymentAccount.objects.create(
        store=store,
        provider="simulator",
        base_url="http://127.0.0.1:1",
        secret_key="sk_hush_123",
        updated_at=timezone.now(),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_key FROM settlement_paymentaccount")
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("v1:")
    assert "sk_hush" not in stored
    account = PaymentAccount.objects.get()
    assert "sk_hush" not in repr(account) + str(account) + str(account.secret_key)
    gateway = gateway_for(account)
    assert gateway is not None
    assert "sk_hush" not in repr(gateway)
    assert vars(gateway)["_http"].headers["Authorization"] == basic_authorization("sk_hush_123")
