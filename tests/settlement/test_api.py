"""The settlement API: store-scoped, capability-checked, bad input a translated 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.accounts.services import api_key_create
from banpum.policy.types import Resolution
from banpum.settlement.models import PaymentAccount, Refund, RefundStatus
from banpum.settlement.services.intents import refund_for_return
from tests.factories import StoreFactory, make_policy
from tests.returns.helpers import number_of
from tests.settlement.fakes import FakeGateway
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order

pytestmark = pytest.mark.django_db


def _post(api: Client, path: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(api, method)(
        f"/api/v1{path}", data=json.dumps(body), content_type="application/json"
    )


def test_a_returns_refunds_read_in_the_readers_language(
    store: Any, fake: FakeGateway, api_en: Client, django_capture_on_commit_callbacks: Any
) -> None:
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = inspected_return(order, reason_code="defective", photo_count=1)
    with django_capture_on_commit_callbacks(execute=True):
        refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())

    answer = api_en.get(f"/api/v1/returns/{number_of(return_request)}/refunds")
    assert answer.status_code == 200, answer.content
    [refund] = answer.json()["refunds"]
    assert refund["status"] == "paid"
    assert refund["amount"] == 10000
    assert {"code": "items", "amount": 10000, "label": "Items", "text": "₩10,000"} in refund[
        "breakdown"
    ]
    queue = api_en.get("/api/v1/refunds?state=all").json()
    assert [r["id"] for r in queue["results"]] == [refund["id"]]
    assert api_en.get("/api/v1/refunds?state=late").json()["results"] == []
    assert api_en.get("/api/v1/refunds?state=nonsense").status_code == 422


def test_other_stores_see_nothing(store: Any, fake: FakeGateway, api: Client) -> None:
    other = StoreFactory(code="OT")
    make_policy(other)
    order = paid_order(other, payment_method="bank_transfer")
    return_request = inspected_return(order)
    [refund] = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    assert refund.status == RefundStatus.AWAITING_TRANSFER

    assert api.get(f"/api/v1/refunds/{refund.pk}").status_code == 404
    assert api.get(f"/api/v1/returns/{number_of(return_request)}/refunds").status_code == 404
    assert api.get("/api/v1/refunds").json()["results"] == []
    assert api.post(f"/api/v1/refunds/{refund.pk}/retry").status_code == 404
    assert api.get(f"/api/v1/customers/{order.customer_id}/store-credit").status_code == 404


def test_money_beyond_the_rules_is_a_managers(store: Any, api: Client) -> None:
    order = paid_order(store, payment_method="bank_transfer")
    return_request = inspected_return(order)
    # An integration key has no goodwill, fee waiver or payment-settings rights.
    answer = _post(
        api,
        f"/returns/{number_of(return_request)}/refunds/goodwill",
        {"amount": 1000, "reason": "delay"},
    )
    assert answer.status_code == 403
    answer = _post(
        api,
        "/settings/payment-account",
        {"provider": "toss", "secret_key": "live_sk_x"},
        method="put",
    )
    assert answer.status_code == 403
    assert not PaymentAccount.objects.exists()


def test_goodwill_never_above_what_was_paid_and_bad_input(store: Any) -> None:
    manager = _manager_client(store)
    order = paid_order(store, payment_method="bank_transfer")
    number = number_of(inspected_return(order))
    path = f"/returns/{number}/refunds/goodwill"
    assert _post(manager, path, {"amount": 0, "reason": "delay"}).status_code == 422
    assert _post(manager, path, {"amount": 10, "reason": "nope"}).status_code == 422
    assert _post(manager, path, {"amount": 10, "reason": "delay", "x": 1}).status_code == 422
    other = _post(manager, path, {"amount": 10, "reason": "other"})
    assert other.status_code == 422
    too_much = _post(manager, path, {"amount": order.paid_total + 1, "reason": "delay"})
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "refund_exceeds_paid"
    ok = _post(manager, path, {"amount": 5000, "reason": "delay"})
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "awaiting_transfer"
    assert Refund.objects.get().amount == 5000


def test_the_payment_secret_is_write_only(store: Any) -> None:
    manager = _manager_client(store)
    answer = _post(
        manager,
        "/settings/payment-account",
        {"provider": "simulator", "base_url": "http://127.0.0.1:8020", "secret_key": "sk_hush"},
        method="put",
    )
    assert answer.status_code == 200, answer.content
    assert "sk_hush" not in answer.content.decode()
    assert answer.json()["secret_key_set"] is True
    assert "sk_hush" not in repr(PaymentAccount.objects.get())
    missing = _post(
        manager,
        "/settings/payment-account",
        {"provider": "simulator", "base_url": "http://10.0.0.7:8020", "secret_key": "k"},
        "put",
    )
    assert missing.status_code == 422


def test_store_credit_redeem_is_refused_when_short(store: Any, api: Client) -> None:
    order = paid_order(store, payment_method="card")
    return_request = inspected_return(order, resolution=Resolution.STORE_CREDIT)
    [refund] = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    assert refund.method == "store_credit"
    assert refund.status == RefundStatus.PAID
    customer = order.customer_id
    assert api.get(f"/api/v1/customers/{customer}/store-credit").json()["balance"] == refund.amount
    short = _post(
        api,
        f"/customers/{customer}/store-credit/redeem",
        {"amount": refund.amount + 1, "reference": "ORD-9"},
    )
    assert short.status_code == 409
    assert short.json()["code"] == "store_credit_insufficient"
    ok = _post(
        api, f"/customers/{customer}/store-credit/redeem", {"amount": 1000, "reference": "ORD-9"}
    )
    assert ok.status_code == 201
    assert ok.json()["balance_after"] == refund.amount - 1000
    entries = api.get(f"/api/v1/customers/{customer}/store-credit/entries").json()["results"]
    assert [e["kind"] for e in entries] == ["redeem", "issue"]
    bad = _post(api, f"/customers/{customer}/store-credit/redeem", {"amount": -1, "reference": "x"})
    assert bad.status_code == 422


def _manager_client(store: Any) -> Client:
    from django.contrib.auth import get_user_model

    from banpum.accounts.models import StoreMembership

    user = get_user_model().objects.create_user("manager", password="x")
    membership = StoreMembership.objects.create(user=user, store=store, role="manager")
    _, raw = api_key_create(store=store, name="manager", acts_for=membership)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
