"""Fraud signals: a repeat returner or a blocklisted customer is held, never auto-approved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from banpum.policy.rules import decide, fraud_signals
from banpum.policy.schemas import PolicyRulesSchema
from banpum.policy.texts import decision_words, signal_text
from banpum.policy.types import (
    SIGNAL_PARAMS,
    BlocklistKind,
    CustomerFacts,
    Decision,
    HoldReason,
    Outcome,
    PolicyRules,
    RepeatReturner,
    Signal,
    as_json,
)
from tests.policy.builders import ask, auto, d, kst, line, lines, order, rules

NOW = kst("2026-09-23", 10)
FACTS = lines(line(1), line(2))
THRESHOLD = RepeatReturner(window_days=180, min_orders=3, max_ratio=0.5)
AUTO = rules(auto_approval=auto(), repeat_returner=THRESHOLD)


def run(customer: CustomerFacts | None, policy: PolicyRules = AUTO, **kwargs: Any) -> Decision:
    return decide(
        kwargs.pop("request", ask((2, 1))),
        order=order(FACTS, **kwargs),
        lines=FACTS,
        rules=policy,
        now=NOW,
        customer=customer,
    )


def test_a_repeat_returner_is_held_with_the_counts() -> None:
    # Three returns before this one, of six orders: this one makes 4/6 > 0.5.
    decision = run(CustomerFacts(orders=6, returns=3, window_days=180))
    assert decision.eligible
    assert decision.outcome is Outcome.HOLD
    assert decision.hold_reason is HoldReason.REPEAT_RETURNER
    assert decision.signals == (
        Signal(
            HoldReason.REPEAT_RETURNER,
            {"returns": 4, "orders": 6, "ratio": 0.67, "window_days": 180},
        ),
    )
    data: Any = as_json(decision)
    assert data["hold_reason"] == "repeat_returner"
    assert data["signals"] == [
        {
            "code": "repeat_returner",
            "params": {"returns": 4, "orders": 6, "ratio": 0.67, "window_days": 180},
        }
    ]
    json.dumps(data)  # stored as JSON
    assert [note.code for note in decision.explanation][-2:] == ["repeat_returner", "held"]


def test_at_the_threshold_is_not_a_repeat_returner() -> None:
    # 3/6 = 0.5: not above 0.5, so auto-approved as before.
    decision = run(CustomerFacts(orders=6, returns=2))
    assert decision.outcome is Outcome.APPROVE
    assert decision.signals == ()


def test_too_few_orders_is_not_a_repeat_returner() -> None:
    assert run(CustomerFacts(orders=2, returns=2)).outcome is Outcome.APPROVE
    assert run(CustomerFacts(orders=0, returns=0)).outcome is Outcome.APPROVE


def test_the_check_is_off_without_a_threshold() -> None:
    policy = rules(auto_approval=auto())
    assert run(CustomerFacts(orders=10, returns=9), policy=policy).outcome is Outcome.APPROVE


def test_without_customer_facts_no_signal_fires() -> None:
    assert run(None).outcome is Outcome.APPROVE


def test_a_blocklisted_customer_is_held_before_anything_else() -> None:
    customer = CustomerFacts(
        orders=6,
        returns=5,
        blocklisted=frozenset({BlocklistKind.PHONE, BlocklistKind.ADDRESS}),
    )
    decision = run(customer)
    assert decision.outcome is Outcome.HOLD
    assert decision.hold_reason is HoldReason.BLOCKLISTED
    assert [(s.code, s.params) for s in decision.signals] == [
        (HoldReason.BLOCKLISTED, {"kind": "address"}),
        (HoldReason.BLOCKLISTED, {"kind": "phone"}),
        (
            HoldReason.REPEAT_RETURNER,
            {"returns": 6, "orders": 6, "ratio": 1.0, "window_days": 180},
        ),
    ]


def test_a_blocklist_match_holds_even_without_auto_approval() -> None:
    decision = run(CustomerFacts(blocklisted=frozenset({BlocklistKind.EMAIL})), policy=rules())
    assert decision.outcome is Outcome.HOLD
    assert decision.hold_reason is HoldReason.BLOCKLISTED


def test_a_signal_does_not_make_an_ineligible_request_eligible() -> None:
    late = kst("2026-12-01", 10)
    decision = decide(
        ask((2, 1)),
        order=order(FACTS),
        lines=FACTS,
        rules=AUTO,
        now=late,
        customer=CustomerFacts(blocklisted=frozenset({BlocklistKind.PHONE})),
    )
    assert decision.outcome is Outcome.REJECT
    assert decision.hold_reason is None
    # The signal is still on record, for the person who reviews an exception.
    assert decision.signals[0].code is HoldReason.BLOCKLISTED


def test_photos_missing_comes_after_the_fraud_signals() -> None:
    decision = run(
        CustomerFacts(blocklisted=frozenset({BlocklistKind.PHONE})),
        request=ask((2, 1), reason="defective"),
    )
    assert decision.hold_reason is HoldReason.BLOCKLISTED


def test_the_flagged_customer_still_blocks_auto_approval() -> None:
    decision = run(CustomerFacts(orders=6, returns=0), customer_flagged=True)
    assert decision.outcome is Outcome.REVIEW


def test_extra_holidays_move_the_request_deadline() -> None:
    # Delivered Monday 21 Sep; seven days end Monday 28 Sep, unless that is a store holiday.
    plain = run(None)
    assert plain.deadlines.withdrawal_until == d("2026-09-28")
    moved = run(None, extra_holidays=frozenset({d("2026-09-28")}))
    assert moved.deadlines.withdrawal_until == d("2026-09-29")


@settings(max_examples=300, deadline=None)
@given(
    orders=st.integers(0, 50),
    returns=st.integers(0, 60),
    min_orders=st.integers(1, 10),
    percent=st.integers(0, 200),
    auto_on=st.booleans(),
)
def test_a_repeat_returner_is_never_auto_approved(
    orders: int, returns: int, min_orders: int, percent: int, auto_on: bool
) -> None:
    threshold = RepeatReturner(window_days=90, min_orders=min_orders, max_ratio=percent / 100)
    policy = rules(auto_approval=auto() if auto_on else rules().auto_approval)
    policy = rules(auto_approval=policy.auto_approval, repeat_returner=threshold)
    customer = CustomerFacts(orders=orders, returns=returns)
    signals = fraud_signals(customer, policy)
    over = orders >= min_orders and (returns + 1) * 100 > percent * orders
    assert bool(signals) is over
    decision = run(customer, policy=policy)
    if over:
        assert decision.outcome is Outcome.HOLD
        assert decision.hold_reason is HoldReason.REPEAT_RETURNER
    else:
        assert decision.outcome is (Outcome.APPROVE if auto_on else Outcome.REVIEW)


def test_the_policy_document_turns_the_threshold_on() -> None:
    document = PolicyRulesSchema.model_validate(
        {"repeat_returner": {"window_days": 90, "min_orders": 5, "max_ratio": 0.4}}
    )
    assert document.to_rules(1).repeat_returner == RepeatReturner(90, 5, 0.4)
    assert PolicyRulesSchema().to_rules(1).repeat_returner is None


@pytest.mark.parametrize(
    "bad",
    [
        {"window_days": 0},
        {"min_orders": 0},
        {"max_ratio": -0.1},
        {"max_ratio": "half"},
        {"max_ratio": float("nan")},
        {"window_days": 1.5},
        {"unknown": 1},
    ],
)
def test_a_bad_threshold_is_refused(bad: dict[str, Any]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        PolicyRulesSchema.model_validate({"repeat_returner": bad})


@pytest.mark.usefixtures("english")
def test_signals_in_words() -> None:
    decision = run(CustomerFacts(orders=6, returns=3, blocklisted=frozenset({BlocklistKind.EMAIL})))
    words = decision_words(as_json(decision))  # type: ignore[arg-type]
    assert [s["message"] for s in words["signals"]] == [
        "The customer's email address is on the store's blocklist.",
        "The customer returned 4 of 6 orders (67%) in the last 180 days, this request included.",
    ]
    assert "Held: On the store's blocklist." in words["explanation"]


@pytest.mark.parametrize("code", list(SIGNAL_PARAMS))
def test_every_signal_has_words_and_survives_missing_params(code: HoldReason) -> None:
    params = dict.fromkeys(SIGNAL_PARAMS[code], 1)
    assert signal_text(code.value, params)
    assert signal_text(code.value, {})  # an older row lacking params shows "?", not a 500
