"""What an order has committed to refunds: taken under the balance row's lock, given back on
a permanent failure. The database checks (committed ≤ paid) hold even if this code were wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import F

from banpum.commerce.models import Order, OrderLine
from banpum.policy.texts import money
from banpum.settlement import errors
from banpum.settlement.models import (
    OrderLineRefundBalance,
    OrderRefundBalance,
    Refund,
    RefundKind,
)


def balance_lock(order: Order) -> OrderRefundBalance:
    """The order's balance row, created on first use, locked: refunds of one order queue here."""
    balance, _ = OrderRefundBalance.objects.get_or_create(
        order=order, defaults={"paid_total": order.paid_total}
    )
    return OrderRefundBalance.objects.select_for_update().get(pk=balance.pk)


def _line_balances(line_ids: list[int]) -> dict[int, OrderLineRefundBalance]:
    missing = set(line_ids) - set(
        OrderLineRefundBalance.objects.filter(order_line_id__in=line_ids).values_list(
            "order_line_id", flat=True
        )
    )
    for line in OrderLine.objects.filter(pk__in=missing):
        OrderLineRefundBalance.objects.get_or_create(
            order_line=line, defaults={"paid_amount": line.paid_amount}
        )
    return {
        row.order_line_id: row
        for row in OrderLineRefundBalance.objects.select_for_update()
        .filter(order_line_id__in=line_ids)
        .order_by("order_line_id")
    }


def balance_commit(order: Order, amount: int, lines: Mapping[int, int]) -> None:
    """Commit ``amount`` (and per-line ``lines``) or refuse; the caller holds ``balance_lock``."""
    balance = balance_lock(order)
    left = balance.paid_total - balance.committed_total
    if amount > left:
        raise errors.REFUND_EXCEEDS_PAID(
            amount=money(amount), left=money(left), extra={"left": left, "amount": amount}
        )
    wanted = {line_id: value for line_id, value in lines.items() if value > 0}
    for line_id, row in _line_balances(sorted(wanted)).items():
        line_left = row.paid_amount - row.committed_total
        if wanted[line_id] > line_left:
            raise errors.REFUND_EXCEEDS_PAID(
                amount=money(wanted[line_id]),
                left=money(line_left),
                extra={"order_line_id": line_id, "left": line_left, "amount": wanted[line_id]},
            )
    OrderRefundBalance.objects.filter(pk=balance.pk).update(
        committed_total=F("committed_total") + amount
    )
    for line_id, value in wanted.items():
        OrderLineRefundBalance.objects.filter(order_line_id=line_id).update(
            committed_total=F("committed_total") + value
        )


def balance_release(refund: Refund) -> None:
    """Give a permanently failed refund's money back to what the order may still refund.

    Interest was never committed (it is outside the cap), so it gives nothing back."""
    if refund.kind == RefundKind.INTEREST:
        return
    balance = balance_lock(refund.order)
    OrderRefundBalance.objects.filter(pk=balance.pk).update(
        committed_total=F("committed_total") - refund.amount
    )
    for line in refund.lines.all():
        if line.amount:
            OrderLineRefundBalance.objects.filter(order_line_id=line.order_line_id).update(
                committed_total=F("committed_total") - line.amount
            )
