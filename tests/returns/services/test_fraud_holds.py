"""Returns from blocklisted customers or repeat returners are held with a typed reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from banpum.policy.services import blocklist_entry_add
from banpum.policy.types import BlocklistKind, HoldReason
from banpum.returns.facts import customer_facts
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.timeline import event_text
from tests.factories import CustomerFactory, StoreFactory, make_order, make_policy
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db
NOW = timezone.now()
AUTO = {"auto_approval": {"enabled": True}}
REPEAT = {"repeat_returner": {"window_days": 180, "min_orders": 3, "max_ratio": 0.5}}


@pytest.fixture
def shop(db: Any) -> Any:
    shop = StoreFactory(slug="fraud-shop")
    make_policy(shop, **AUTO, **REPEAT)
    return shop


def block(store: Any, kind: BlocklistKind, value: str) -> None:
    blocklist_entry_add(store=store, kind=kind, value=value, now=NOW)


def test_an_unflagged_customer_is_approved_automatically(shop: Any) -> None:
    assert open_return(make_order(store=shop)).status == S.APPROVED


@pytest.mark.parametrize(
    ("kind", "listed", "order_kwargs"),
    [
        (BlocklistKind.PHONE, "010 1234 5678", {"shipping_phone": "010-1234-5678"}),
        (
            BlocklistKind.ADDRESS,
            "서울시 강남구  테헤란로 1   101호",
            {"shipping_address1": "서울시 강남구 테헤란로 1", "shipping_address2": " 101호"},
        ),
        (
            BlocklistKind.ADDRESS,
            "서울시 강남구 테헤란로 1",
            {"shipping_address1": "서울시  강남구\t테헤란로 1", "shipping_address2": "202호"},
        ),
    ],
)
def test_a_blocklisted_order_is_held(
    shop: Any, kind: BlocklistKind, listed: str, order_kwargs: dict[str, Any]
) -> None:
    block(shop, kind, listed)
    held = open_return(make_order(store=shop, **order_kwargs))
    assert held.status == S.ON_HOLD
    assert held.hold_reason == HoldReason.BLOCKLISTED
    assert held.decision["signals"] == [{"code": "blocklisted", "params": {"kind": kind.value}}]


def test_the_customers_email_and_phone_match_normalised(shop: Any) -> None:
    customer = CustomerFactory(store=shop, email="Kim@Example.com", phone="01099998888")
    block(shop, BlocklistKind.EMAIL, " kim@EXAMPLE.com")
    block(shop, BlocklistKind.PHONE, "010-9999-8888")
    order = make_order(store=shop, customer=customer)
    from banpum.policy.selectors import policy_current, policy_rules

    facts = customer_facts(order, rules=policy_rules(policy_current(store=shop)), now=NOW)
    assert facts.blocklisted == frozenset({BlocklistKind.EMAIL, BlocklistKind.PHONE})


def test_another_stores_blocklist_does_not_count(shop: Any) -> None:
    other = StoreFactory(slug="elsewhere")
    block(other, BlocklistKind.PHONE, "01012345678")
    assert open_return(make_order(store=shop, shipping_phone="01012345678")).status == (S.APPROVED)


@pytest.mark.usefixtures("english")
def test_a_repeat_returner_is_held_and_the_timeline_says_why(shop: Any) -> None:
    customer = CustomerFactory(store=shop)
    orders = [make_order(store=shop, customer=customer) for _ in range(4)]
    # Two returns of four orders: 2/4 = 0.5, not above; the first two are approved.
    first = open_return(orders[0])
    second = open_return(orders[1])
    assert (first.status, second.status) == (S.APPROVED, S.APPROVED)
    third = open_return(orders[2])  # 3/4 > 0.5
    assert third.status == S.ON_HOLD
    assert third.hold_reason == HoldReason.REPEAT_RETURNER
    assert third.decision["signals"][0]["params"] == {
        "returns": 3,
        "orders": 4,
        "ratio": 0.75,
        "window_days": 180,
    }
    hold = third.events.get(to_status=S.ON_HOLD)
    assert event_text(hold) == (
        "On hold: Returns often: needs a check. The customer returned 3 of 4 orders (75%) in "
        "the last 180 days, this request included."
    )


def test_old_orders_and_cancelled_returns_do_not_count(shop: Any) -> None:
    customer = CustomerFactory(store=shop)
    old = NOW - dt.timedelta(days=181)
    for _ in range(3):
        make_order(store=shop, customer=customer, ordered_at=old)
    recent = [make_order(store=shop, customer=customer) for _ in range(3)]
    from banpum.policy.selectors import policy_current, policy_rules

    rules = policy_rules(policy_current(store=shop))
    facts = customer_facts(recent[0], rules=rules, now=NOW)
    assert (facts.orders, facts.returns, facts.window_days) == (3, 0, 180)
    first = open_return(recent[0])
    ReturnRequest.objects.filter(pk=first.pk).update(status=S.CANCELLED)
    assert customer_facts(recent[0], rules=rules, now=NOW).returns == 0


def test_a_flagged_customer_still_waits_for_review(shop: Any) -> None:
    customer = CustomerFactory(store=shop, is_flagged=True)
    assert open_return(make_order(store=shop, customer=customer)).status == S.REQUESTED
