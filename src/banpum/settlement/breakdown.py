"""What a return refunds, line by line: a pure function over plain data (no ORM, no clock).

Inputs are what the policy decided (original shipping refunded, the buyer's return fee and
whether it is deducted), what inspection accepted per line with its lawful deductions, and what
was refunded already. The result is codes and amounts; ``settlement.texts`` words them.

Guarantees (tested with Hypothesis): no amount is negative; no line gets more than is left of
what was paid for it; the order gets no more than is left of its paid total; deductions only
lower the refund; the lines, the shipping and the deductions add up to the total.
"""

from __future__ import annotations

from dataclasses import dataclass

from banpum.policy.fees import line_refund

# Codes of the breakdown's parts; ``settlement.texts.PART_LABELS`` words each one.
ITEMS = "items"
SHIPPING = "original_shipping"
RETURN_FEE = "return_fee_deduction"
REFUNDED_EARLY = "refunded_early"
CAPPED = "already_refunded"


@dataclass(frozen=True)
class Deduction:
    code: str  # e.g. "damaged", "missing_parts", "used" (inspection's reason codes)
    amount: int


@dataclass(frozen=True)
class LineInput:
    order_line_id: int
    return_line_id: int | None
    paid_amount: int  # for all ``quantity`` units of the order line
    quantity: int  # ordered, less cancelled
    claimed_before: int  # units of this line refunded by earlier returns
    accepted: int  # units accepted at inspection (or kept by the customer)
    deductions: tuple[Deduction, ...] = ()
    refunded_for_return: int = 0  # paid for this line by this return's early refund
    left: int | None = None  # what is left of the line's paid amount; None: all of it


@dataclass(frozen=True)
class BreakdownInput:
    lines: tuple[LineInput, ...]
    shipping: int  # original shipping the policy refunds (0 unless the seller's fault)
    fee_deduction: int  # the buyer's return fee when it is deducted from the refund
    order_left: int  # what is left of the order's paid total, before this refund


@dataclass(frozen=True)
class LineAmount:
    order_line_id: int
    return_line_id: int | None
    quantity: int
    gross: int
    deductions: tuple[Deduction, ...]
    refunded_early: int
    fee_share: int
    net: int


@dataclass(frozen=True)
class Breakdown:
    lines: tuple[LineAmount, ...]
    items: int  # gross value of the accepted units
    deductions: int  # inspection deductions applied
    refunded_early: int
    capped: int  # cut because less is left of what was paid
    shipping: int
    fee_deduction: int
    total: int

    def as_json(self) -> dict[str, object]:
        return {
            "parts": [
                {"code": ITEMS, "amount": self.items},
                *(
                    {"code": d.code, "amount": -d.amount, "order_line_id": line.order_line_id}
                    for line in self.lines
                    for d in line.deductions
                    if d.amount
                ),
                {"code": SHIPPING, "amount": self.shipping},
                {"code": RETURN_FEE, "amount": -self.fee_deduction},
                {"code": REFUNDED_EARLY, "amount": -self.refunded_early},
                {"code": CAPPED, "amount": -self.capped},
            ],
            "lines": [
                {
                    "order_line_id": line.order_line_id,
                    "return_line_id": line.return_line_id,
                    "quantity": line.quantity,
                    "gross": line.gross,
                    "deductions": [{"code": d.code, "amount": d.amount} for d in line.deductions],
                    "refunded_early": line.refunded_early,
                    "fee_share": line.fee_share,
                    "net": line.net,
                }
                for line in self.lines
            ],
            "total": self.total,
        }


def _line(line: LineInput) -> tuple[LineAmount, int]:
    """The line before the return fee and the order's cap, and what was left of it."""
    quantity = max(min(line.accepted, line.quantity - line.claimed_before), 0)
    gross = line_refund(max(line.paid_amount, 0), line.quantity, line.claimed_before, quantity)
    left = max(line.paid_amount if line.left is None else line.left, 0)
    applied: list[Deduction] = []
    after = gross
    for deduction in line.deductions:
        take = min(max(deduction.amount, 0), after)
        applied.append(Deduction(deduction.code, take))
        after -= take
    early = min(max(line.refunded_for_return, 0), after)
    net = min(after - early, left)
    return (
        LineAmount(
            order_line_id=line.order_line_id,
            return_line_id=line.return_line_id,
            quantity=quantity,
            gross=gross,
            deductions=tuple(applied),
            refunded_early=early,
            fee_share=0,
            net=net,
        ),
        left,
    )


def refund_breakdown(data: BreakdownInput) -> Breakdown:
    """``items - deductions - refunded_early - capped + shipping - fee_deduction == total``."""
    lines = [_line(line) for line in data.lines]
    # The order's cap: lines first (in order), then the original shipping.
    room = max(data.order_left, 0)
    capped_lines: list[LineAmount] = []
    capped = 0
    for line, _left in lines:
        net = min(line.net, room)
        room -= net
        before_cap = line.gross - sum(d.amount for d in line.deductions) - line.refunded_early
        capped += before_cap - net
        capped_lines.append(_with(line, net=net))
    wanted_shipping = max(data.shipping, 0)
    shipping = min(wanted_shipping, room)  # what is left of the order, after the lines
    # The return fee comes off the shipping first, then the lines in order.
    fee_left = max(data.fee_deduction, 0)
    from_shipping = min(fee_left, shipping)
    fee_left -= from_shipping
    final: list[LineAmount] = []
    for line in capped_lines:
        take = min(fee_left, line.net)
        fee_left -= take
        final.append(_with(line, net=line.net - take, fee_share=take))
    return Breakdown(
        lines=tuple(final),
        items=sum(line.gross for line in final),
        deductions=sum(d.amount for line in final for d in line.deductions),
        refunded_early=sum(line.refunded_early for line in final),
        capped=capped,
        shipping=shipping,
        fee_deduction=max(data.fee_deduction, 0) - fee_left,
        total=sum(line.net for line in final) + shipping - from_shipping,
    )


def _with(line: LineAmount, *, net: int, fee_share: int = 0) -> LineAmount:
    return LineAmount(
        order_line_id=line.order_line_id,
        return_line_id=line.return_line_id,
        quantity=line.quantity,
        gross=line.gross,
        deductions=line.deductions,
        refunded_early=line.refunded_early,
        fee_share=fee_share,
        net=net,
    )
