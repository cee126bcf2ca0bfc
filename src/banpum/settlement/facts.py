"""Load what the pure breakdown needs from the database, once, as plain data.

Accepted units and deductions come from the warehouse's ``LineInspection``; a return settled
without inspection (the item kept, an early refund) counts every returned unit as accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Sum

from banpum.commerce.models import Order, OrderLine
from banpum.returns.models import FeeSettlement, ReturnLine, ReturnRequest
from banpum.settlement.breakdown import BreakdownInput, Deduction, LineInput
from banpum.settlement.models import (
    OrderLineRefundBalance,
    OrderRefundBalance,
    Refund,
    RefundKind,
    RefundLine,
    RefundStatus,
)
from banpum.warehouse.models import InspectionOutcome, LineInspection

# Refunds that hold money: all but the failed ones (a failure gives its amount back).
_HOLDING = [s for s in RefundStatus if s != RefundStatus.FAILED]


@dataclass(frozen=True)
class Inspected:
    accepted: int
    deductions: tuple[Deduction, ...] = ()


def inspections_for(lines: Iterable[ReturnLine]) -> dict[int, Inspected]:
    """Accepted units and deductions per return line: the warehouse's, else all accepted."""
    lines = list(lines)
    found: dict[int, Inspected] = {}
    for row in LineInspection.objects.filter(return_line__in=lines):
        accepted = 0 if row.outcome == InspectionOutcome.REJECT else row.quantity_accepted
        amount = row.deduction_amount
        code = row.deduction_reason or "other"
        deductions = (Deduction(code, amount),) if amount else ()
        found[row.return_line_id] = Inspected(accepted, deductions)
    for line in lines:
        found.setdefault(line.pk, Inspected(line.quantity))
    return found


def order_left(order: Order) -> int:
    balance = OrderRefundBalance.objects.filter(order=order).first()
    committed = balance.committed_total if balance else 0
    return max(order.paid_total - committed, 0)


def lines_left(order_lines: Iterable[OrderLine]) -> dict[int, int]:
    order_lines = list(order_lines)
    committed = dict(
        OrderLineRefundBalance.objects.filter(order_line__in=order_lines).values_list(
            "order_line_id", "committed_total"
        )
    )
    return {line.pk: max(line.paid_amount - committed.get(line.pk, 0), 0) for line in order_lines}


def _claimed_before(return_request: ReturnRequest) -> dict[int, int]:
    """Units of each line refunded by other returns (whose refund holds money)."""
    rows = (
        RefundLine.objects.filter(
            order_line__order_id=return_request.order_id,
            refund__status__in=_HOLDING,
            refund__kind__in=[RefundKind.RETURN, RefundKind.KEEP_ITEM],
        )
        .exclude(refund__return_request=return_request)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["order_line_id"]: int(row["units"] or 0) for row in rows}


_OWN_KINDS = (RefundKind.RETURN, RefundKind.KEEP_ITEM)


def _held_per_line(return_request: ReturnRequest, kinds: tuple[RefundKind, ...]) -> dict[int, int]:
    """Money the return's refunds of ``kinds`` hold per order line (paid, or on their way).

    Its own refunds (``_OWN_KINDS``) are given back to what is left, so the breakdown shown
    after the refund is the one it was paid by, not a remainder of 0; early refunds are taken
    off what the return's own refund still pays.
    """
    rows = (
        RefundLine.objects.filter(
            refund__return_request=return_request,
            refund__kind__in=kinds,
            refund__status__in=_HOLDING,
        )
        .values("order_line_id")
        .annotate(total=Sum("amount"))
    )
    return {row["order_line_id"]: int(row["total"] or 0) for row in rows}


def _own_total(return_request: ReturnRequest) -> int:
    total = Refund.objects.filter(
        return_request=return_request, kind__in=_OWN_KINDS, status__in=_HOLDING
    ).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def fee_deducted(return_request: ReturnRequest) -> int:
    """The buyer's return fee when it comes off the refund (차감)."""
    if return_request.fee_payer != "buyer":
        return 0
    if return_request.fee_settlement == FeeSettlement.DEDUCTED or (
        not return_request.fee_settlement and return_request.fee_collection == "deduct_from_refund"
    ):
        return int(return_request.fee_amount)
    return 0


def shipping_refunded(return_request: ReturnRequest) -> int:
    refund = (return_request.decision or {}).get("refund") or {}
    return int(refund.get("shipping", 0) or 0)


def breakdown_input(
    return_request: ReturnRequest,
    *,
    inspected: Mapping[int, Inspected] | None = None,
    with_early: bool = True,
    with_shipping: bool = True,
    with_fee: bool = True,
) -> BreakdownInput:
    lines = list(return_request.lines.select_related("order_line").order_by("id"))
    inspected = inspected if inspected is not None else inspections_for(lines)
    claimed = _claimed_before(return_request)
    early = _held_per_line(return_request, (RefundKind.EARLY,)) if with_early else {}
    own = _held_per_line(return_request, _OWN_KINDS)
    left = lines_left(line.order_line for line in lines)
    return BreakdownInput(
        lines=tuple(
            LineInput(
                order_line_id=line.order_line_id,
                return_line_id=line.pk,
                paid_amount=line.order_line.paid_amount,
                quantity=line.order_line.quantity - line.order_line.cancelled_quantity,
                claimed_before=claimed.get(line.order_line_id, 0),
                accepted=inspected[line.pk].accepted,
                deductions=inspected[line.pk].deductions,
                refunded_for_return=early.get(line.order_line_id, 0),
                left=left[line.order_line_id] + own.get(line.order_line_id, 0),
            )
            for line in lines
        ),
        shipping=shipping_refunded(return_request) if with_shipping else 0,
        fee_deduction=fee_deducted(return_request) if with_fee else 0,
        order_left=order_left(return_request.order) + _own_total(return_request),
    )
