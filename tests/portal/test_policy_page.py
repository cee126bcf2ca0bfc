"""The store's policy page and FAQ, written from the active policy version; pages without
inline script or style."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from banpum.commerce.models import Order
from tests.factories import make_policy
from tests.portal.conftest import page

pytestmark = pytest.mark.django_db


def test_the_policy_page_says_what_the_policy_decides(shopper_en: Client, store: Any) -> None:
    make_policy(
        store,
        change_of_mind_days=14,
        return_shipping_fee=3500,
        outbound_shipping_fee=3000,
        non_returnable_categories=["underwear"],
        allowed_methods=["carrier_pickup", "self_ship"],
    )
    text = page(shopper_en.get(f"/portal/{store.slug}/policy/"))
    assert "Policy version 2" in text
    assert "Changed your mind: ask within 14 days of delivery." in text
    assert "ask within 3 months of delivery, or 30 days from when you noticed" in text
    assert "Return shipping when you changed your mind: ₩3,500, one way." in text
    assert "delivery: ₩3,000 more." in text
    assert "An exchange because you changed your mind: ₩6,500." in text
    assert "Items in these categories: underwear." in text
    assert "Items that are: Damaged, Used." in text
    assert "A courier picks it up at my address" in text
    assert "convenience store" not in text
    assert "within 3 business days after the store receives the items" in text
    assert "Defective item" in text
    assert "photos needed" in text
    assert "How long do I have to return something?" in text
    assert "Yes, for these reasons: Defective item, Damaged in transit." in text


def test_the_law_floors_the_window_in_korea(shopper_en: Client, store: Any) -> None:
    make_policy(store, change_of_mind_days=3)
    text = page(shopper_en.get(f"/portal/{store.slug}/policy/"))
    assert "within 7 days of delivery" in text


def test_a_defect_is_never_the_buyers_cost_in_korea(shopper_en: Client, store: Any) -> None:
    reasons = [
        {"code": "broke", "label_ko": "고장", "label_en": "Broke", "kind": "defect",
         "fault": "buyer"},
        {"code": "mind", "label_ko": "변심", "label_en": "Mind", "kind": "change_of_mind",
         "fault": "buyer"},
    ]  # fmt: skip
    make_policy(store, reasons=reasons)
    text = page(shopper_en.get(f"/portal/{store.slug}/policy/"))
    assert re.search(r"Broke</span> <span class=\"muted\">pays: The store", text)
    assert re.search(r"Mind</span> <span class=\"muted\">pays: You", text)


def test_the_policy_page_is_korean_by_default(shopper: Client, store: Any) -> None:
    text = page(shopper.get(f"/portal/{store.slug}/policy/"))
    assert '<html lang="ko">' in text
    assert "단순 변심" in text
    assert "3,000원" in text


def test_an_unknown_store_has_no_policy_page(shopper_en: Client) -> None:
    response = shopper_en.get("/portal/nope/policy/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["", "policy/", "order/", "return/items/", "return/reason/", "return/confirm/"]
)
def test_pages_have_no_inline_script_or_style(
    found: Client, store: Any, order: Order, path: str
) -> None:
    from tests.portal.helpers import walk

    walk(found, store, order)
    response = found.get(f"/portal/{store.slug}/{path}")
    text = page(response)
    assert "<script" not in text
    assert "style=" not in text
    assert "<style" not in text
    assert not re.search(r"\son[a-z]+=", text)  # no inline event handlers
    assert "default-src 'self'" in response["Content-Security-Policy"]
