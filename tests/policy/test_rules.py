"""``decide``: one pure function from facts and policy to a verdict."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest

from banpum.policy.rules import decide
from banpum.policy.types import (
    Condition,
    Deadlines,
    Decision,
    FaultSide,
    FeeCollection,
    FeeDecision,
    FeeKind,
    FeePayer,
    HoldReason,
    LineFacts,
    Method,
    Note,
    OrderFacts,
    Outcome,
    PolicyRules,
    Reason,
    ReasonKind,
    RefundEstimate,
    Resolution,
    ReturnAsk,
    ReturnType,
    as_json,
)
from tests.policy.builders import ask, auto, d, kst, line, lines, order, req, rules, utc

NOW = kst("2026-09-23", 10)


def order_lines(**second: Any) -> dict[int, LineFacts]:
    """Two units of a 40,000 jacket and one 10,000 T-shirt; 3,000 shipping on top."""
    return lines(
        line(1, quantity=2, paid_amount=40_000, sku="JACKET", category="outer"),
        line(2, **{"paid_amount": 10_000, "sku": "TEE", "category": "apparel", **second}),
    )


def run(
    request: ReturnAsk,
    *,
    facts: dict[int, LineFacts] | None = None,
    policy: PolicyRules | None = None,
    now: dt.datetime = NOW,
    **order_overrides: Any,
) -> Decision:
    facts = order_lines() if facts is None else facts
    return decide(
        request,
        order=order(facts, **order_overrides),
        lines=facts,
        rules=policy or rules(),
        now=now,
    )


def codes(decision: Decision) -> list[str]:
    return [problem.code for problem in decision.all_problems]


class TestHappyPath:
    def test_change_of_mind_for_one_line(self) -> None:
        decision = run(ask((2, 1)))
        assert decision.eligible
        assert decision.outcome is Outcome.REVIEW
        assert decision.policy_version == 1
        assert decision.reason is not None
        assert decision.reason.code == "change_of_mind"
        assert decision.fault is FaultSide.BUYER
        assert decision.fee == FeeDecision(
            FeePayer.BUYER, FeeKind.ONE_WAY, 3000, FeeCollection.DEDUCT_FROM_REFUND
        )
        assert decision.refund == RefundEstimate(
            items=10_000, shipping=0, deduction=3000, total=7000, fee_outstanding=0
        )
        assert decision.deadlines == Deadlines(
            law="KR",
            withdrawal_until=d("2026-09-28"),
            defect_until=d("2026-12-21"),
            request_until=d("2026-09-28"),
            refund_business_days=3,
        )
        assert [(ln.order_line_id, ln.quantity, ln.eligible, ln.refund_amount) for ln in
                decision.lines] == [(2, 1, True, 10_000)]  # fmt: skip
        assert decision.problems == ()
        assert decision.hold_reason is None
        assert decision.explanation[-1] == Note("waits_for_review")

    def test_one_unit_of_two(self) -> None:
        decision = run(ask((1, 1)))
        assert decision.lines[0].refund_amount == 20_000
        assert decision.refund.total == 17_000

    def test_defect_uses_the_defect_deadline(self) -> None:
        decision = run(ask((2, 1), reason="missing_parts"))
        assert decision.deadlines.request_until == d("2026-12-21")
        assert decision.fault is FaultSide.SELLER

    def test_policy_refund_days_are_capped_by_law(self) -> None:
        assert run(ask((2, 1)), policy=rules(refund_business_days=7)).deadlines == Deadlines(
            "KR", d("2026-09-28"), d("2026-12-21"), d("2026-09-28"), 3
        )

    def test_us_store_keeps_its_own_terms(self) -> None:
        decision = run(
            ask((2, 1)),
            policy=rules(change_of_mind_days=3, refund_business_days=7, defect_months=1),
            country="US",
            timezone="America/New_York",
            delivered_at=utc("2026-09-21", 18),
            now=utc("2026-09-23", 18),
        )
        assert decision.deadlines == Deadlines(
            None, d("2026-09-24"), d("2026-10-21"), d("2026-09-24"), 7
        )
        assert decision.eligible

    def test_decision_is_json_safe(self) -> None:
        decision = run(ask((1, 2), (2, 1, "defective"), photo_count=2))
        data = as_json(decision)
        assert isinstance(data, dict)
        assert json.loads(json.dumps(data)) == data
        assert data["outcome"] == "review"
        assert data["deadlines"]["withdrawal_until"] == "2026-09-28"
        assert data["reason"]["kind"] == "change_of_mind"
        assert data["lines"][1]["reason_code"] == "defective"

    def test_same_inputs_same_decision(self) -> None:
        request = ask((1, 1), (2, 1, "defective"))
        assert run(request) == run(request)


class TestRequestProblems:
    def test_unknown_reason(self) -> None:
        decision = run(ask((2, 1), reason="bored"))
        assert "unknown_reason" in codes(decision)
        assert decision.problems[0].field == "reason_code"
        assert decision.reason is None
        assert decision.fault is None
        assert decision.deadlines.request_until is None
        assert decision.outcome is Outcome.REJECT

    def test_resolution_not_allowed(self) -> None:
        policy = rules(allowed_resolutions=frozenset({Resolution.REFUND}))
        decision = run(ask((2, 1), resolution=Resolution.STORE_CREDIT), policy=policy)
        assert codes(decision) == ["resolution_not_allowed"]
        assert decision.problems[0].field == "resolution"
        assert not decision.eligible

    def test_method_not_allowed(self) -> None:
        policy = rules(allowed_methods=frozenset({Method.CARRIER_PICKUP}))
        decision = run(ask((2, 1), method=Method.IN_STORE), policy=policy)
        assert codes(decision) == ["method_not_allowed"]
        assert decision.problems[0].field == "method"

    @pytest.mark.parametrize(
        ("return_type", "resolution"),
        [
            (ReturnType.RETURN, Resolution.EXCHANGE),
            (ReturnType.EXCHANGE, Resolution.REFUND),
            (ReturnType.EXCHANGE, Resolution.STORE_CREDIT),
        ],
    )
    def test_type_resolution_mismatch(
        self, return_type: ReturnType, resolution: Resolution
    ) -> None:
        decision = run(ask((2, 1), type=return_type, resolution=resolution))
        assert codes(decision) == ["type_resolution_mismatch"]

    def test_no_lines(self) -> None:
        decision = run(ask())
        assert codes(decision) == ["no_lines"]
        assert decision.outcome is Outcome.REJECT
        assert decision.refund.total == 0

    def test_duplicate_line(self) -> None:
        decision = run(ask((1, 1), (1, 1)))
        assert codes(decision) == ["duplicate_line"]
        assert decision.problems[0].field == "lines.1.order_line_id"
        assert decision.problems[0].order_line_id == 1
        assert not decision.eligible

    def test_not_delivered(self) -> None:
        decision = run(ask((2, 1)), delivered_at=None)
        assert codes(decision) == ["not_delivered"]
        assert decision.deadlines == Deadlines("KR", None, None, None, 3)


class TestLineProblems:
    def test_unknown_line(self) -> None:
        decision = run(ask((99, 1)))
        assert codes(decision) == ["unknown_line"]
        problem = decision.lines[0].problems[0]
        assert (problem.field, problem.order_line_id) == ("lines.0.order_line_id", 99)
        assert decision.lines[0].refund_amount == 0

    def test_unknown_reason_on_a_line(self) -> None:
        decision = run(ask((1, 1), (2, 1, "bored")))
        assert codes(decision) == ["unknown_reason"]
        assert decision.lines[1].problems[0].field == "lines.1.reason_code"
        assert decision.lines[0].eligible
        assert not decision.lines[1].eligible

    @pytest.mark.parametrize("quantity", [0, -1])
    def test_invalid_quantity(self, quantity: int) -> None:
        decision = run(ask((1, quantity)))
        assert codes(decision) == ["invalid_quantity"]
        assert decision.lines[0].problems[0].field == "lines.0.quantity"

    def test_more_than_delivered(self) -> None:
        assert codes(run(ask((1, 3)))) == ["quantity_exceeds_available"]

    def test_units_in_other_returns_are_not_available(self) -> None:
        facts = order_lines()
        facts[1] = dataclasses.replace(facts[1], claimed_quantity=1)
        assert codes(run(ask((1, 2)), facts=facts)) == ["quantity_exceeds_available"]
        assert run(ask((1, 1)), facts=facts).eligible

    def test_undelivered_units_are_not_available(self) -> None:
        facts = order_lines()
        facts[1] = dataclasses.replace(facts[1], delivered_quantity=1)
        assert codes(run(ask((1, 2)), facts=facts)) == ["quantity_exceeds_available"]


class TestWindows:
    def test_change_of_mind_on_the_last_day_is_in_time(self) -> None:
        assert run(ask((2, 1)), now=kst("2026-09-28", 23, 59)).eligible

    def test_change_of_mind_after_the_last_day_is_late(self) -> None:
        # 00:30 KST on 29 September, given as UTC (15:30 on the 28th).
        decision = run(ask((2, 1)), now=utc("2026-09-28", 15, 30))
        assert codes(decision) == ["window_expired"]
        assert decision.all_problems[0].params == {"until": "2026-09-28"}
        assert decision.outcome is Outcome.REJECT

    def test_delivery_late_in_the_korean_evening_counts_as_that_korean_day(self) -> None:
        # Delivered 23:30 KST on Thursday 5 November (14:30 UTC): last day Thursday 12.
        decision = run(ask((2, 1)), delivered_at=utc("2026-11-05", 14, 30), now=NOW)
        assert decision.deadlines.withdrawal_until == d("2026-11-12")

    def test_delivery_just_after_korean_midnight_counts_as_the_next_korean_day(self) -> None:
        # Delivered 00:30 KST on Friday 6 November, which is still the 5th in UTC.
        delivered_at = utc("2026-11-05", 15, 30)
        decision = run(ask((2, 1)), now=kst("2026-11-13", 23), delivered_at=delivered_at)
        assert decision.deadlines.withdrawal_until == d("2026-11-13")
        assert decision.eligible
        late = run(ask((2, 1)), now=kst("2026-11-14", 0, 5), delivered_at=delivered_at)
        assert codes(late) == ["window_expired"]

    def test_a_longer_store_window(self) -> None:
        policy = rules(change_of_mind_days=14)
        decision = run(ask((2, 1)), policy=policy, now=kst("2026-10-06", 18))
        assert decision.deadlines.withdrawal_until == d("2026-10-06")
        assert decision.eligible

    def test_a_shorter_store_window_is_raised_to_seven_days_in_korea(self) -> None:
        policy = rules(change_of_mind_days=3)
        decision = run(ask((2, 1)), policy=policy, now=kst("2026-09-28", 18))
        assert decision.eligible
        us = run(
            ask((2, 1)),
            policy=policy,
            now=kst("2026-09-28", 18),
            country="US",
            timezone="Asia/Seoul",
        )
        assert codes(us) == ["window_expired"]

    def test_defect_within_three_months(self) -> None:
        decision = run(ask((2, 1), reason="missing_parts"), now=kst("2026-12-21", 20))
        assert decision.eligible

    def test_defect_after_three_months(self) -> None:
        decision = run(ask((2, 1), reason="missing_parts"), now=kst("2026-12-22", 9))
        assert codes(decision) == ["window_expired"]
        assert decision.all_problems[0].params == {"until": "2026-12-21"}

    def test_defect_noticed_late_has_thirty_days_from_then(self) -> None:
        request = ask((2, 1), reason="missing_parts", defect_noticed_at=utc("2026-12-10", 16))
        # Noticed 01:00 KST on 11 December: 30 days → Sunday 10 January → Monday 11.
        decision = run(request, now=kst("2027-01-11", 20))
        assert decision.deadlines.defect_until == d("2027-01-11")
        assert decision.eligible

    def test_a_defect_cannot_be_noticed_after_the_request(self) -> None:
        request = ask((2, 1), reason="missing_parts", defect_noticed_at=kst("2027-06-01"))
        decision = run(request, now=kst("2026-12-01"))
        assert decision.deadlines.defect_until == d("2026-12-31")  # 1 Dec + 30 days
        assert decision.eligible

    def test_each_line_is_held_to_its_own_reasons_window(self) -> None:
        request = ask((1, 1), (2, 1, "missing_parts"))
        decision = run(request, now=kst("2026-10-10"))
        assert codes(decision) == ["window_expired"]
        assert not decision.lines[0].eligible
        assert decision.lines[1].eligible


class TestPolicyException:
    """A line refused only by the policy's or the law's limits adds nothing to the refund, but
    keeps its share apart, so a return CS accepts as an exception (정책 예외) refunds what the
    units are worth."""

    def test_late_change_of_mind_keeps_its_estimate(self) -> None:
        decision = run(ask((2, 1)), now=kst("2026-10-21"))
        assert (decision.eligible, decision.outcome) == (False, Outcome.REJECT)
        assert codes(decision) == ["window_expired"]
        assert decision.lines[0].refund_amount == 0
        assert decision.lines[0].exception_amount == 10_000
        assert decision.fee.amount == 3000
        assert decision.refund.total == 0
        assert decision.exception_refund is not None
        assert decision.exception_refund.total == 7000

    def test_non_returnable_and_used_keep_their_estimate(self) -> None:
        policy = rules(non_returnable_skus=frozenset({"TEE"}))
        decision = run(ask(req(2, condition=Condition.USED)), policy=policy)
        assert codes(decision) == ["non_returnable", "condition_not_accepted"]
        assert decision.refund.items == 0
        assert decision.exception_refund is not None
        assert decision.exception_refund.items == 10_000

    def test_a_refused_line_adds_nothing_to_the_refund(self) -> None:
        """Issue 7: a line refused as non_returnable still counted in refund.items/total."""
        policy = rules(non_returnable_skus=frozenset({"TEE"}))
        decision = run(ask((1, 1), (2, 1)), policy=policy)
        assert codes(decision) == ["non_returnable"]
        assert [line.refund_amount for line in decision.lines] == [20_000, 0]
        assert decision.refund.items == 20_000
        assert decision.exception_refund is not None
        assert decision.exception_refund.items == 30_000

    def test_late_seller_fault_line_is_still_the_sellers_cost(self) -> None:
        decision = run(ask((1, 1), (2, 1, "wrong_item")), now=kst("2027-01-05"))
        assert codes(decision) == ["window_expired", "window_expired"]
        assert decision.fault is FaultSide.SELLER
        assert decision.fee.amount == 0
        assert decision.refund.total == 0
        assert decision.exception_refund is not None
        assert decision.exception_refund.total == 30_000

    @pytest.mark.parametrize(
        "request_",
        [ask((2, 2)), ask((2, 0)), ask((99, 1)), ask((2, 1, "bored"))],
        ids=["too-many", "zero", "unknown-line", "unknown-reason"],
    )
    def test_a_line_that_cannot_be_claimed_has_no_estimate(self, request_: ReturnAsk) -> None:
        decision = run(request_, now=kst("2026-10-21"))
        assert decision.lines[0].refund_amount == 0
        assert decision.refund.total == 0


class TestNonReturnable:
    @pytest.mark.parametrize(
        ("policy", "second"),
        [
            (rules(), {"returnable": False}),
            (rules(non_returnable_skus=frozenset({"TEE"})), {}),
            (rules(non_returnable_categories=frozenset({"apparel"})), {}),
        ],
        ids=["product", "sku", "category"],
    )
    def test_not_for_a_change_of_mind(self, policy: PolicyRules, second: dict[str, Any]) -> None:
        facts = order_lines(**second)
        assert codes(run(ask((2, 1)), facts=facts, policy=policy)) == ["non_returnable"]
        assert run(ask((1, 1)), facts=facts, policy=policy).eligible
        # ...but a defect is always returnable (§17(3)).
        defect = run(ask((2, 1), reason="missing_parts"), facts=facts, policy=policy)
        assert defect.eligible

    def test_empty_category_never_matches(self) -> None:
        policy = rules(non_returnable_categories=frozenset({""}))
        assert run(ask((2, 1)), facts=order_lines(category=""), policy=policy).eligible

    @pytest.mark.parametrize("condition", [Condition.USED, Condition.DAMAGED])
    def test_blocked_condition_for_a_change_of_mind(self, condition: Condition) -> None:
        decision = run(ask(req(2, condition=condition)))
        assert codes(decision) == ["condition_not_accepted"]
        assert decision.all_problems[0].field == "lines.0.condition"
        assert run(ask(req(2, condition=condition), reason="missing_parts")).eligible

    @pytest.mark.parametrize("condition", [Condition.UNOPENED, Condition.OPENED])
    def test_opened_packaging_is_accepted_by_default(self, condition: Condition) -> None:
        assert run(ask(req(2, condition=condition))).eligible

    def test_several_problems_at_once(self) -> None:
        policy = rules(non_returnable_skus=frozenset({"TEE"}))
        decision = run(
            ask(req(2, 2, condition=Condition.USED)), policy=policy, now=kst("2026-10-30")
        )
        assert codes(decision) == [
            "quantity_exceeds_available",
            "window_expired",
            "non_returnable",
            "condition_not_accepted",
        ]


class TestOutcome:
    def test_auto_approved(self) -> None:
        decision = run(ask((2, 1)), policy=rules(auto_approval=auto()))
        assert decision.outcome is Outcome.APPROVE
        assert decision.explanation[-1] == Note("auto_approved")

    def test_photos_missing_holds(self) -> None:
        decision = run(ask((2, 1), reason="defective"), policy=rules(auto_approval=auto()))
        assert decision.eligible
        assert (decision.outcome, decision.hold_reason) == (Outcome.HOLD, HoldReason.PHOTOS_MISSING)
        assert decision.explanation[-1] == Note("held", {"hold_reason": "photos_missing"})

    def test_photos_required_by_a_line_reason(self) -> None:
        decision = run(ask((1, 1), (2, 1, "damaged_in_transit")))
        assert (decision.outcome, decision.hold_reason) == (Outcome.HOLD, HoldReason.PHOTOS_MISSING)

    def test_photos_given(self) -> None:
        decision = run(
            ask((2, 1), reason="defective", photo_count=1), policy=rules(auto_approval=auto())
        )
        assert decision.outcome is Outcome.APPROVE

    def test_rejected_request_is_not_held_for_photos(self) -> None:
        decision = run(ask((2, 5), reason="defective"))
        assert (decision.outcome, decision.hold_reason) == (Outcome.REJECT, None)

    def test_at_most_max_refund(self) -> None:
        at_limit = rules(auto_approval=auto(max_refund=10_000))
        below_limit = rules(auto_approval=auto(max_refund=9_999))
        assert run(ask((2, 1)), policy=at_limit).outcome is Outcome.APPROVE
        assert run(ask((2, 1)), policy=below_limit).outcome is Outcome.REVIEW

    def test_max_refund_counts_the_original_shipping_refunded(self) -> None:
        # Every unit back for a defect: 50,000 of goods and 3,000 of shipping go back.
        request = ask((1, 2), (2, 1), reason="missing_parts")
        assert run(request).refund.total == 53_000
        assert run(request, policy=rules(auto_approval=auto(max_refund=50_000))).outcome is (
            Outcome.REVIEW
        )
        assert run(request, policy=rules(auto_approval=auto(max_refund=53_000))).outcome is (
            Outcome.APPROVE
        )

    def test_max_refund_of_an_exchange_counts_the_goods(self) -> None:
        request = ask((1, 1), type=ReturnType.EXCHANGE)
        assert run(request, policy=rules(auto_approval=auto(max_refund=19_999))).outcome is (
            Outcome.REVIEW
        )
        assert run(request, policy=rules(auto_approval=auto(max_refund=20_000))).outcome is (
            Outcome.APPROVE
        )

    def test_flagged_customer_waits_for_a_person(self) -> None:
        decision = run(ask((2, 1)), policy=rules(auto_approval=auto()), customer_flagged=True)
        assert decision.outcome is Outcome.REVIEW

    def test_only_listed_reason_kinds(self) -> None:
        policy = rules(auto_approval=auto(reason_kinds=frozenset({ReasonKind.CHANGE_OF_MIND})))
        assert run(ask((2, 1)), policy=policy).outcome is Outcome.APPROVE
        assert run(ask((2, 1), reason="missing_parts"), policy=policy).outcome is Outcome.REVIEW
        mixed = ask((1, 1), (2, 1, "wrong_item"))
        assert run(mixed, policy=policy).outcome is Outcome.REVIEW

    def test_only_listed_methods(self) -> None:
        policy = rules(auto_approval=auto(methods=frozenset({Method.CARRIER_PICKUP})))
        assert run(ask((2, 1)), policy=policy).outcome is Outcome.APPROVE
        assert run(ask((2, 1), method=Method.SELF_SHIP), policy=policy).outcome is Outcome.REVIEW

    def test_disabled_auto_approval(self) -> None:
        policy = rules(auto_approval=dataclasses.replace(auto(), enabled=False))
        assert run(ask((2, 1)), policy=policy).outcome is Outcome.REVIEW


class TestWhoPays:
    def test_mixed_reasons_seller_pays_if_any_line_is_the_sellers_fault(self) -> None:
        decision = run(ask((1, 1), (2, 1, "wrong_item")))
        assert decision.fault is FaultSide.SELLER
        assert decision.fee == FeeDecision(FeePayer.SELLER, FeeKind.NONE, 0, None)
        assert decision.refund.total == 30_000
        assert decision.explanation[0].code == "seller_pays_shipping"
        assert decision.explanation[0].params["fault"] == "seller"

    def test_carrier_fault_is_paid_by_the_seller(self) -> None:
        decision = run(ask((2, 1), reason="damaged_in_transit", photo_count=1))
        assert decision.fault is FaultSide.CARRIER
        assert decision.fee.payer is FeePayer.SELLER
        assert decision.fee.amount == 0

    def test_seller_fault_wins_over_carrier_fault(self) -> None:
        request = ask((1, 1, "damaged_in_transit"), (2, 1, "wrong_item"), photo_count=1)
        assert run(request).fault is FaultSide.SELLER

    def test_a_line_that_is_not_eligible_does_not_shift_the_fee(self) -> None:
        decision = run(ask((1, 1), (2, 5, "wrong_item")))
        assert not decision.eligible
        assert decision.fault is FaultSide.BUYER

    def test_request_reason_unused_by_any_line_does_not_shift_the_fee(self) -> None:
        request = ask((1, 1, "change_of_mind"), (2, 1, "wrong_option"), reason="wrong_item")
        decision = run(request)
        assert decision.fault is FaultSide.BUYER
        assert decision.fee.amount == 3000

    def test_a_buyer_fault_defect_reason_is_the_sellers_cost_under_korean_law(self) -> None:
        catalogue = (
            *rules().reasons,
            Reason("scratched", "흠집", "Scratched", ReasonKind.DEFECT, FaultSide.BUYER),
        )
        policy = rules(reasons=catalogue)
        korean = run(ask((2, 1), reason="scratched"), policy=policy)
        assert korean.fault is FaultSide.SELLER
        assert korean.fee.amount == 0
        us = run(ask((2, 1), reason="scratched"), policy=policy, country="US")
        assert us.fault is FaultSide.BUYER
        assert us.fee.amount == 3000

    def test_seller_fault_full_return_refunds_the_original_shipping(self) -> None:
        decision = run(ask((1, 2), (2, 1), reason="wrong_item"))
        assert decision.refund == RefundEstimate(
            items=50_000, shipping=3000, deduction=0, total=53_000, fee_outstanding=0
        )

    def test_seller_fault_partial_return_keeps_the_original_shipping(self) -> None:
        decision = run(ask((1, 2), reason="wrong_item"))
        assert decision.refund.shipping == 0
        assert decision.refund.total == 40_000

    def test_seller_fault_last_units_after_an_earlier_return_refund_the_shipping(self) -> None:
        facts = order_lines(claimed_quantity=1)
        decision = run(ask((1, 2), reason="wrong_item"), facts=facts)
        assert decision.refund.shipping == 3000
        assert decision.refund.total == 43_000

    def test_change_of_mind_full_return_keeps_the_paid_shipping(self) -> None:
        decision = run(ask((1, 2), (2, 1)))
        assert decision.fee.amount == 3000
        assert decision.refund == RefundEstimate(
            items=50_000, shipping=0, deduction=3000, total=47_000, fee_outstanding=0
        )

    def test_refund_never_above_what_is_left(self) -> None:
        decision = run(ask((1, 2), (2, 1), reason="wrong_item"), already_refunded=45_000)
        assert decision.refund == RefundEstimate(
            items=8000, shipping=0, deduction=0, total=8000, fee_outstanding=0
        )
        assert sum(line.refund_amount for line in decision.lines) == 50_000

    def test_fee_collected_another_way(self) -> None:
        decision = run(ask((2, 1), fee_collection=FeeCollection.ENCLOSE_IN_BOX))
        assert decision.fee.collection is FeeCollection.ENCLOSE_IN_BOX
        assert decision.refund.total == 10_000
        assert decision.refund.fee_outstanding == 3000

    def test_exchange(self) -> None:
        decision = run(ask((1, 1), type=ReturnType.EXCHANGE))
        assert decision.eligible
        assert decision.fee == FeeDecision(
            FeePayer.BUYER, FeeKind.EXCHANGE, 6000, FeeCollection.ENCLOSE_IN_BOX
        )
        assert decision.refund.total == 0
        assert decision.refund.fee_outstanding == 6000

    def test_seller_fault_exchange_is_free(self) -> None:
        decision = run(ask((1, 1), type=ReturnType.EXCHANGE, reason="wrong_item"))
        assert decision.fee.amount == 0
        assert decision.refund.total == 0


class TestFreeShipping:
    """The same 50,000 order, shipped free (the seller paid the outbound 3,000)."""

    def run_free(
        self, request: ReturnAsk, policy: PolicyRules, facts: dict[int, LineFacts] | None = None
    ) -> Decision:
        return run(request, facts=facts, policy=policy, free_shipping=True, shipping_fee=0)

    def test_without_a_threshold_partial_return_pays_one_way(self) -> None:
        decision = self.run_free(ask((1, 2)), rules())
        assert (decision.fee.kind, decision.fee.amount) == (FeeKind.ONE_WAY, 3000)

    def test_without_a_threshold_full_return_pays_the_round_trip(self) -> None:
        decision = self.run_free(ask((1, 2), (2, 1)), rules())
        assert (decision.fee.kind, decision.fee.amount) == (FeeKind.ROUND_TRIP, 6000)
        assert decision.refund.total == 44_000

    def test_without_a_threshold_the_last_units_pay_the_round_trip_once(self) -> None:
        facts = order_lines()
        facts[1] = dataclasses.replace(facts[1], claimed_quantity=2)
        decision = self.run_free(ask((2, 1)), rules(), facts)
        assert decision.fee.amount == 6000

    def test_keeping_enough_keeps_free_shipping(self) -> None:
        policy = rules(free_shipping_threshold=30_000)
        assert self.run_free(ask((2, 1)), policy).fee.amount == 3000  # keeps 40,000
        assert self.run_free(ask((1, 1)), policy).fee.amount == 3000  # keeps exactly 30,000

    def test_dropping_below_the_threshold_pays_the_round_trip(self) -> None:
        policy = rules(free_shipping_threshold=30_000)
        decision = self.run_free(ask((1, 2)), policy)  # keeps 10,000
        assert (decision.fee.kind, decision.fee.amount) == (FeeKind.ROUND_TRIP, 6000)
        assert decision.refund.total == 34_000

    def test_outbound_leg_is_charged_once_only(self) -> None:
        # The jacket went back earlier and paid the round trip; now the T-shirt follows.
        policy = rules(free_shipping_threshold=30_000)
        facts = order_lines()
        facts[1] = dataclasses.replace(facts[1], claimed_quantity=2)
        decision = self.run_free(ask((2, 1)), policy, facts)
        assert (decision.fee.kind, decision.fee.amount) == (FeeKind.ONE_WAY, 3000)

    def test_crossing_the_threshold_on_a_later_return(self) -> None:
        policy = rules(free_shipping_threshold=30_000)
        facts = order_lines(claimed_quantity=1)  # the T-shirt went back, 40,000 kept
        # One jacket more leaves 20,000, below 30,000: this return costs the free shipping.
        decision = self.run_free(ask((1, 1)), policy, facts)
        assert (decision.fee.kind, decision.fee.amount) == (FeeKind.ROUND_TRIP, 6000)

    def test_full_return_with_a_zero_threshold_pays_the_round_trip(self) -> None:
        policy = rules(free_shipping_threshold=0)
        assert self.run_free(ask((1, 1)), policy).fee.amount == 3000
        assert self.run_free(ask((1, 2), (2, 1)), policy).fee.amount == 6000

    def test_paid_shipping_order_never_pays_the_outbound_leg(self) -> None:
        policy = rules(free_shipping_threshold=30_000)
        assert run(ask((1, 2)), policy=policy).fee.amount == 3000

    def test_seller_fault_pays_nothing_even_below_the_threshold(self) -> None:
        policy = rules(free_shipping_threshold=30_000)
        assert self.run_free(ask((1, 2), reason="wrong_item"), policy).fee.amount == 0


def test_problem_free_decisions_only_are_eligible() -> None:
    for request in [ask((2, 1)), ask((2, 3)), ask(), ask((2, 1), reason="x")]:
        decision = run(request)
        assert decision.eligible == (not decision.all_problems)


def test_order_facts_are_not_changed() -> None:
    facts = order_lines()
    facts_before = dict(facts)
    the_order: OrderFacts = order(facts)
    decide(ask((1, 1)), order=the_order, lines=facts, rules=rules(), now=NOW)
    assert facts == facts_before
