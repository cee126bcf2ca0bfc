"""Who pays to send the goods back, how much, and what the buyer gets back.

Korean practice and §18(9)-(10) of the e-commerce act: on a change of mind the buyer pays the
return shipping and nothing beyond it (no restocking fee or penalty); when the original shipping
was free, the buyer also pays the outbound leg (왕복 배송비); on the seller's (or carrier's) fault
the seller pays everything and refunds the original shipping with the last units.
"""

from __future__ import annotations

from banpum.policy.types import (
    FaultSide,
    FeeCollection,
    FeeDecision,
    FeeKind,
    FeePayer,
    Method,
    OrderFacts,
    PolicyRules,
    RefundEstimate,
    Resolution,
    ReturnType,
)


def line_refund(paid_amount: int, quantity: int, claimed_before: int, requested: int) -> int:
    """Share of ``paid_amount`` for ``requested`` units after ``claimed_before`` units.

    Cumulative floor shares: returning every unit, in any number of returns, refunds exactly
    ``paid_amount``, never a won more or less.
    """
    if quantity <= 0 or requested <= 0:
        return 0
    upto = min(claimed_before + requested, quantity)
    before = min(claimed_before, quantity)
    return paid_amount * upto // quantity - paid_amount * before // quantity


def fee_payer(fault: FaultSide) -> FeePayer:
    return FeePayer.BUYER if fault is FaultSide.BUYER else FeePayer.SELLER


def return_fee(
    *,
    rules: PolicyRules,
    order: OrderFacts,
    fault: FaultSide,
    return_type: ReturnType,
    method: Method,
    resolution: Resolution,
    requested_collection: FeeCollection | None,
    leaves_order_below_free_shipping: bool,
) -> FeeDecision:
    payer = fee_payer(fault)
    if payer is FeePayer.SELLER:
        return FeeDecision(payer=payer, kind=FeeKind.NONE, amount=0, collection=None)

    outbound = (
        rules.outbound_shipping_fee
        if (order.free_shipping and leaves_order_below_free_shipping)
        else 0
    )
    # A parcel the buyer brings in or ships at their own cost needs no return label from us.
    inbound = 0 if method in (Method.SELF_SHIP, Method.IN_STORE) else rules.return_shipping_fee

    if return_type is ReturnType.EXCHANGE:
        amount = (
            rules.exchange_fee
            if rules.exchange_fee is not None
            else rules.return_shipping_fee + rules.outbound_shipping_fee
        )
        if method in (Method.SELF_SHIP, Method.IN_STORE):
            amount = max(amount - rules.return_shipping_fee, 0)
        kind = FeeKind.EXCHANGE
    else:
        amount = inbound + outbound
        # Round trip only when both legs are charged; a self-shipped parcel that costs the
        # order its free shipping pays the outbound leg alone.
        kind = FeeKind.ROUND_TRIP if (outbound and inbound) else FeeKind.ONE_WAY
    if amount == 0:
        return FeeDecision(payer=payer, kind=FeeKind.NONE, amount=0, collection=None)

    collection = requested_collection or rules.default_fee_collection
    if collection is FeeCollection.DEDUCT_FROM_REFUND and resolution is Resolution.EXCHANGE:
        # Nothing is refunded on an exchange, so there is nothing to deduct from.
        collection = FeeCollection.ENCLOSE_IN_BOX
    return FeeDecision(payer=payer, kind=kind, amount=amount, collection=collection)


def fee_cap(*, rules: PolicyRules, order: OrderFacts, return_type: ReturnType) -> int:
    """The most a buyer may be charged to send the goods back, whoever sets the fee.

    §18(9): nothing beyond the cost of the return shipping, so no more than the policy's
    round trip (the exchange fee for an exchange), and never more than the buyer paid.
    """
    round_trip = rules.return_shipping_fee + rules.outbound_shipping_fee
    if return_type is ReturnType.EXCHANGE and rules.exchange_fee is not None:
        round_trip = rules.exchange_fee
    return max(min(round_trip, order.paid_total), 0)


def refund_estimate(
    *,
    order: OrderFacts,
    items: int,
    refund_original_shipping: bool,
    fee: FeeDecision,
    resolution: Resolution,
) -> RefundEstimate:
    """Money back for this request, never negative and never above what is left to refund.

    The breakdown always adds up: ``items + shipping - deduction == total``. When less is left
    to refund than asked, the items take what is left first, then the original shipping.
    An exchange refunds nothing; ``items`` then is the value of the goods exchanged.
    """
    buyer_fee = max(fee.amount, 0) if fee.payer is FeePayer.BUYER else 0
    if resolution is Resolution.EXCHANGE:
        return RefundEstimate(
            items=max(items, 0), shipping=0, deduction=0, total=0, fee_outstanding=buyer_fee
        )
    refundable = max(order.paid_total - order.already_refunded, 0)
    items = min(max(items, 0), refundable)
    wanted_shipping = max(order.shipping_fee, 0) if refund_original_shipping else 0
    shipping = min(wanted_shipping, refundable - items)
    gross = items + shipping
    deduction = 0
    if fee.collection is FeeCollection.DEDUCT_FROM_REFUND:
        deduction = min(buyer_fee, gross)
    return RefundEstimate(
        items=items,
        shipping=shipping,
        deduction=deduction,
        total=gross - deduction,
        fee_outstanding=buyer_fee - deduction,
    )
