"""Bank-transfer refunds awaiting a batch, and API clients acting with a staff role."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.utils import timezone

from banpum.accounts.services import api_key_create
from banpum.commerce.models import Store
from banpum.returns.models import ReturnRequest
from banpum.settlement.models import Refund, RefundStatus
from banpum.settlement.services.intents import refund_for_return
from tests.returns.helpers import number_of
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order

GOOD_ACCOUNT = {"bank_code": "088", "account_number": "110-123-456789", "holder_name": "김반품"}


def role_client(store: Store, role: str, *, language: str = "ko") -> Client:
    from django.contrib.auth import get_user_model

    from banpum.accounts.models import StoreMembership

    username = f"{role}-{store.pk}"
    user = get_user_model().objects.create_user(username, password="x")
    membership = StoreMembership.objects.create(user=user, store=store, role=role)
    _, raw = api_key_create(store=store, name=username, acts_for=membership)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)


def send(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(
        f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json"
    )


def awaiting_transfer(store: Store, **order: Any) -> tuple[ReturnRequest, Refund]:
    """An inspected return of an order paid by bank transfer, its refund awaiting a transfer."""
    return_request = inspected_return(paid_order(store, payment_method="bank_transfer", **order))
    [refund] = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    assert refund.status == RefundStatus.AWAITING_TRANSFER
    return return_request, refund


def give_account(client: Client, return_request: ReturnRequest, **account: str) -> dict[str, Any]:
    answer = send(
        client,
        "put",
        f"/returns/{number_of(return_request)}/refund-account",
        {**GOOD_ACCOUNT, **account},
    )
    assert answer.status_code == 200, answer.content
    return dict(answer.json())
