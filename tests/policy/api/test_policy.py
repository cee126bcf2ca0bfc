"""GET /api/v1/policy: the active policy, read-only, so clients can discover reason codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.accounts.services import api_key_create
from banpum.policy.models import ReturnPolicy
from tests.factories import StoreFactory, make_policy

pytestmark = pytest.mark.django_db


def test_the_active_policy_with_its_reasons(api: Client, store: Any) -> None:
    response = api.get("/api/v1/policy")
    assert response.status_code == 200, response.content
    body = response.json()
    active = ReturnPolicy.objects.filter(store=store).order_by("-version").first()
    assert active is not None
    assert body["version"] == active.version
    assert body["currency"] == "KRW"
    defective = {reason["code"]: reason for reason in body["reasons"]}["defective"]
    assert defective == {
        "code": "defective",
        "label_ko": "상품 불량",
        "label_en": "Defective item",
        "kind": "defect",
        "fault": "seller",
        "photos_required": True,
    }
    assert {"change_of_mind_days", "return_shipping_fee", "non_returnable_categories"} <= set(body)
    assert body["created_at"].endswith("+09:00")


def test_the_refund_shortcuts_are_shown(api: Client, store: Any) -> None:
    # A client must know that a cheap book is refunded at approval and never collected.
    make_policy(store, refund_shortcuts={"keep_item_max": 20000, "keep_item_categories": ["도서"]})
    body = api.get("/api/v1/policy").json()
    assert body["refund_shortcuts"] == {
        "early_refund_max": None,
        "keep_item_max": 20000,
        "keep_item_categories": ["도서"],
    }


def test_no_policy_yet_is_a_404(db: Any) -> None:
    bare = StoreFactory(slug="bare")
    _, raw = api_key_create(store=bare, name="t")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/policy")
    assert (response.status_code, response.json()["code"]) == (404, "policy_missing")


def test_the_policy_needs_a_key(db: Any) -> None:
    assert Client().get("/api/v1/policy").status_code == 401


def test_the_policy_is_read_only(api: Client) -> None:
    assert api.post("/api/v1/policy", {}, content_type="application/json").status_code == 405
