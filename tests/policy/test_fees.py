"""Return shipping fees and refund estimates (전자상거래법 §18(9)–(10), Korean practice)."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.policy.fees import fee_payer, line_refund, refund_estimate, return_fee
from banpum.policy.types import (
    FaultSide,
    FeeCollection,
    FeeDecision,
    FeeKind,
    FeePayer,
    Method,
    RefundEstimate,
    Resolution,
    ReturnType,
)
from tests.policy.builders import order, rules


class TestLineRefund:
    def test_whole_line(self) -> None:
        assert line_refund(10_000, 3, 0, 3) == 10_000

    def test_units_returned_one_at_a_time_add_up_to_what_was_paid(self) -> None:
        shares = [line_refund(10_000, 3, before, 1) for before in range(3)]
        assert shares == [3333, 3333, 3334]
        assert sum(shares) == 10_000

    def test_two_then_one(self) -> None:
        assert line_refund(10_000, 3, 0, 2) == 6666
        assert line_refund(10_000, 3, 2, 1) == 3334

    def test_never_more_units_than_the_line_has(self) -> None:
        assert line_refund(10_000, 3, 2, 5) == 3334
        assert line_refund(10_000, 3, 3, 1) == 0
        assert line_refund(10_000, 3, 7, 1) == 0

    @pytest.mark.parametrize(("quantity", "requested"), [(0, 1), (3, 0), (3, -1), (-1, 1)])
    def test_nothing_for_no_units(self, quantity: int, requested: int) -> None:
        assert line_refund(10_000, quantity, 0, requested) == 0


def test_fee_payer() -> None:
    assert fee_payer(FaultSide.BUYER) is FeePayer.BUYER
    assert fee_payer(FaultSide.SELLER) is FeePayer.SELLER
    assert fee_payer(FaultSide.CARRIER) is FeePayer.SELLER


def fee(**overrides: Any) -> FeeDecision:
    values: dict[str, Any] = {
        "rules": rules(),
        "order": order(),
        "fault": FaultSide.BUYER,
        "return_type": ReturnType.RETURN,
        "method": Method.CARRIER_PICKUP,
        "resolution": Resolution.REFUND,
        "requested_collection": None,
        "leaves_order_below_free_shipping": False,
    }
    values.update(overrides)
    return return_fee(**values)


class TestReturnFee:
    def test_change_of_mind_pays_the_return_leg(self) -> None:
        assert fee() == FeeDecision(
            FeePayer.BUYER, FeeKind.ONE_WAY, 3000, FeeCollection.DEDUCT_FROM_REFUND
        )

    def test_free_shipping_lost_adds_the_outbound_leg(self) -> None:
        assert fee(
            order=order(free_shipping=True, shipping_fee=0), leaves_order_below_free_shipping=True
        ) == FeeDecision(FeePayer.BUYER, FeeKind.ROUND_TRIP, 6000, FeeCollection.DEDUCT_FROM_REFUND)

    def test_free_shipping_kept_charges_one_way(self) -> None:
        assert fee(order=order(free_shipping=True, shipping_fee=0)).amount == 3000

    def test_paid_shipping_is_never_charged_again(self) -> None:
        # The buyer paid the outbound leg already; losing nothing, they pay the return leg.
        assert fee(leaves_order_below_free_shipping=True).amount == 3000

    def test_the_stores_own_fees(self) -> None:
        custom = rules(return_shipping_fee=4000, outbound_shipping_fee=2500)
        assert fee(rules=custom).amount == 4000
        assert (
            fee(
                rules=custom,
                order=order(free_shipping=True),
                leaves_order_below_free_shipping=True,
            ).amount
            == 6500
        )

    @pytest.mark.parametrize("fault", [FaultSide.SELLER, FaultSide.CARRIER])
    @pytest.mark.parametrize("return_type", list(ReturnType))
    def test_seller_or_carrier_fault_costs_the_buyer_nothing(
        self, fault: FaultSide, return_type: ReturnType
    ) -> None:
        result = fee(
            fault=fault,
            return_type=return_type,
            order=order(free_shipping=True),
            leaves_order_below_free_shipping=True,
            requested_collection=FeeCollection.BANK_TRANSFER,
        )
        assert result == FeeDecision(FeePayer.SELLER, FeeKind.NONE, 0, None)

    @pytest.mark.parametrize("method", [Method.SELF_SHIP, Method.IN_STORE])
    def test_self_ship_and_in_store_cost_nothing(self, method: Method) -> None:
        assert fee(method=method) == FeeDecision(FeePayer.BUYER, FeeKind.NONE, 0, None)

    def test_convenience_store_drop_off_costs_the_return_leg(self) -> None:
        assert fee(method=Method.CVS_DROP_OFF).amount == 3000

    def test_self_ship_that_loses_free_shipping_pays_only_the_outbound_leg(self) -> None:
        assert fee(
            method=Method.SELF_SHIP,
            order=order(free_shipping=True),
            leaves_order_below_free_shipping=True,
        ) == FeeDecision(FeePayer.BUYER, FeeKind.ONE_WAY, 3000, FeeCollection.DEDUCT_FROM_REFUND)

    def test_exchange_pays_both_legs_by_default(self) -> None:
        assert fee(return_type=ReturnType.EXCHANGE, resolution=Resolution.EXCHANGE) == FeeDecision(
            FeePayer.BUYER, FeeKind.EXCHANGE, 6000, FeeCollection.ENCLOSE_IN_BOX
        )

    def test_exchange_fee_of_the_store(self) -> None:
        result = fee(
            rules=rules(exchange_fee=5000),
            return_type=ReturnType.EXCHANGE,
            resolution=Resolution.EXCHANGE,
            requested_collection=FeeCollection.BANK_TRANSFER,
        )
        assert result == FeeDecision(
            FeePayer.BUYER, FeeKind.EXCHANGE, 5000, FeeCollection.BANK_TRANSFER
        )

    @pytest.mark.parametrize("method", [Method.SELF_SHIP, Method.IN_STORE])
    def test_exchange_brought_back_by_the_buyer_pays_only_the_outbound_leg(
        self, method: Method
    ) -> None:
        assert (
            fee(
                return_type=ReturnType.EXCHANGE, resolution=Resolution.EXCHANGE, method=method
            ).amount
            == 3000
        )
        assert (
            fee(
                rules=rules(exchange_fee=2000),
                return_type=ReturnType.EXCHANGE,
                resolution=Resolution.EXCHANGE,
                method=method,
            ).kind
            is FeeKind.NONE
        )

    def test_exchange_fee_cannot_be_deducted_from_a_refund_that_does_not_exist(self) -> None:
        result = fee(
            return_type=ReturnType.EXCHANGE,
            resolution=Resolution.EXCHANGE,
            requested_collection=FeeCollection.DEDUCT_FROM_REFUND,
        )
        assert result.collection is FeeCollection.ENCLOSE_IN_BOX

    def test_requested_collection_wins_over_the_default(self) -> None:
        assert fee(requested_collection=FeeCollection.ENCLOSE_IN_BOX).collection is (
            FeeCollection.ENCLOSE_IN_BOX
        )
        assert fee(rules=rules(default_fee_collection=FeeCollection.BANK_TRANSFER)).collection is (
            FeeCollection.BANK_TRANSFER
        )


BUYER_DEDUCT = FeeDecision(FeePayer.BUYER, FeeKind.ONE_WAY, 3000, FeeCollection.DEDUCT_FROM_REFUND)
BUYER_ENCLOSE = FeeDecision(FeePayer.BUYER, FeeKind.ONE_WAY, 3000, FeeCollection.ENCLOSE_IN_BOX)
SELLER = FeeDecision(FeePayer.SELLER, FeeKind.NONE, 0, None)


def estimate(**overrides: Any) -> RefundEstimate:
    values: dict[str, Any] = {
        "order": order(paid_total=43_000, shipping_fee=3000),
        "items": 20_000,
        "refund_original_shipping": False,
        "fee": BUYER_DEDUCT,
        "resolution": Resolution.REFUND,
    }
    values.update(overrides)
    return refund_estimate(**values)


class TestRefundEstimate:
    def test_fee_deducted_from_the_refund(self) -> None:
        assert estimate() == RefundEstimate(
            items=20_000, shipping=0, deduction=3000, total=17_000, fee_outstanding=0
        )

    def test_fee_enclosed_in_the_box_is_not_deducted(self) -> None:
        assert estimate(fee=BUYER_ENCLOSE) == RefundEstimate(
            items=20_000, shipping=0, deduction=0, total=20_000, fee_outstanding=3000
        )

    def test_seller_fault_refunds_the_original_shipping(self) -> None:
        assert estimate(fee=SELLER, items=40_000, refund_original_shipping=True) == (
            RefundEstimate(
                items=40_000, shipping=3000, deduction=0, total=43_000, fee_outstanding=0
            )
        )

    def test_deduction_is_capped_at_the_refund(self) -> None:
        assert estimate(items=2000) == RefundEstimate(
            items=2000, shipping=0, deduction=2000, total=0, fee_outstanding=1000
        )

    def test_never_more_than_is_left_to_refund(self) -> None:
        facts = order(paid_total=43_000, shipping_fee=3000, already_refunded=38_000)
        assert estimate(order=facts, fee=SELLER, items=40_000, refund_original_shipping=True) == (
            RefundEstimate(items=5000, shipping=0, deduction=0, total=5000, fee_outstanding=0)
        )
        facts = order(paid_total=43_000, shipping_fee=3000, already_refunded=1000)
        assert estimate(order=facts, fee=SELLER, items=40_000, refund_original_shipping=True) == (
            RefundEstimate(
                items=40_000, shipping=2000, deduction=0, total=42_000, fee_outstanding=0
            )
        )

    def test_nothing_left_to_refund(self) -> None:
        facts = order(paid_total=43_000, already_refunded=50_000)
        assert estimate(order=facts) == RefundEstimate(
            items=0, shipping=0, deduction=0, total=0, fee_outstanding=3000
        )

    def test_exchange_refunds_nothing(self) -> None:
        exchange_fee = FeeDecision(
            FeePayer.BUYER, FeeKind.EXCHANGE, 6000, FeeCollection.ENCLOSE_IN_BOX
        )
        assert estimate(fee=exchange_fee, resolution=Resolution.EXCHANGE) == RefundEstimate(
            items=20_000, shipping=0, deduction=0, total=0, fee_outstanding=6000
        )
        assert estimate(
            fee=SELLER, resolution=Resolution.EXCHANGE, refund_original_shipping=True
        ) == RefundEstimate(items=20_000, shipping=0, deduction=0, total=0, fee_outstanding=0)

    def test_store_credit_is_estimated_like_a_refund(self) -> None:
        assert estimate(resolution=Resolution.STORE_CREDIT).total == 17_000

    def test_seller_paid_fee_is_never_outstanding_or_deducted(self) -> None:
        odd = FeeDecision(FeePayer.SELLER, FeeKind.ONE_WAY, 3000, FeeCollection.DEDUCT_FROM_REFUND)
        assert estimate(fee=odd) == RefundEstimate(
            items=20_000, shipping=0, deduction=0, total=20_000, fee_outstanding=0
        )
