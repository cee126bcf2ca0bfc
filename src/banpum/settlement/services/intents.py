"""Decide a refund: write its row (and commit its money) in the deciding transaction.

Each intent moves the return (START_REFUND, KEEP_ITEM) through ``return_transition`` in the same
transaction; a gateway refund is paid by a job enqueued on commit (``sending.refund_send``),
the others are settled at once: store credit is credited, a marketplace refund is recorded as
done by the channel, a bank transfer waits in the transfer queue.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.policy import rules as policy
from banpum.policy.selectors import policy_rules
from banpum.returns import services as return_services
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.transitions import Action, Move, return_transition, return_transition_allowed
from banpum.settlement import errors, facts
from banpum.settlement.breakdown import Breakdown, refund_breakdown
from banpum.settlement.models import (
    Refund,
    RefundKind,
    RefundReason,
    RefundStatus,
)
from banpum.settlement.services import balance, opening
from banpum.settlement.services.opening import LineShare, refund_open
from banpum.settlement.services.routing import refund_method_for

logger = logging.getLogger(__name__)

SETTLEMENT_ACTOR = Actor.system("settlement")


def _shares(result: Breakdown) -> list[LineShare]:
    return [
        LineShare(line.order_line_id, line.return_line_id, line.quantity, line.net)
        for line in result.lines
    ]


@transaction.atomic
def refund_for_return(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime, note: str = ""
) -> list[Refund]:
    """Refund an inspected return (or an exchange turned into a refund): START_REFUND, then the
    breakdown's total as one refund. Paid early in full: nothing more is owed and the return
    moves on when the early refund is paid."""
    actor_require(actor, return_request.store_id, Capability.REFUND_MANAGE)
    locked = (
        # The return's row only: locking the joined order too would take it before the
        # order's balance, the reverse of every other refund of the order (a deadlock).
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("order__channel")
        .get(pk=return_request.pk)
    )
    if not return_transition_allowed(locked.status, Action.START_REFUND):
        raise errors.RETURN_NOT_REFUNDABLE(number=locked.number, status=locked.get_status_display())
    balance.balance_lock(locked.order)  # one refund decision per order at a time
    result = refund_breakdown(facts.breakdown_input(locked))
    has_early = (
        locked.refunds.filter(kind=RefundKind.EARLY).exclude(status=RefundStatus.FAILED).exists()
    )
    if result.total <= 0 and not has_early:
        raise errors.NOTHING_TO_REFUND(number=locked.number)
    locked = return_transition(
        return_request=locked,
        action=Action.START_REFUND,
        actor=actor,
        move=Move(note=note, data={"amount": result.total}),
        now=now,
    )
    refunds: list[Refund] = []
    if result.total > 0:
        refunds.append(
            refund_open(
                order=locked.order,
                return_request=locked,
                kind=RefundKind.RETURN,
                amount=result.total,
                actor=actor,
                now=now,
                lines=_shares(result),
                breakdown=result.as_json(),
                due_on=locked.refund_due_on,
            )
        )
    else:
        opening.return_settle_if_done(return_request=locked, actor=actor, now=now)
    return refunds


@transaction.atomic
def refund_keep_item(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime, note: str = ""
) -> Refund | None:
    """Refund without collecting (an approved return): KEEP_ITEM, then the refund."""
    actor_require(actor, return_request.store_id, Capability.REFUND_MANAGE)
    locked = return_transition(
        return_request=return_request,
        action=Action.KEEP_ITEM,
        actor=actor,
        move=Move(note=note),
        now=now,
    )
    # Nothing is sent back, so no return fee is owed: no deduction.
    result = refund_breakdown(facts.breakdown_input(locked, with_fee=False))
    if result.total <= 0:
        opening.return_settle_if_done(return_request=locked, actor=actor, now=now)
        return None
    return refund_open(
        order=locked.order,
        return_request=locked,
        kind=RefundKind.KEEP_ITEM,
        amount=result.total,
        actor=actor,
        now=now,
        lines=_shares(result),
        breakdown=result.as_json(),
        due_on=locked.refund_due_on,
    )


def keep_item_applies(return_request: ReturnRequest) -> bool:
    """The return's policy version lets the customer keep these goods."""
    if return_request.resolution == "exchange" or not return_transition_allowed(
        return_request.status, Action.KEEP_ITEM
    ):
        return False
    rules = policy_rules(return_request.policy)
    categories = [
        line.order_line.category for line in return_request.lines.select_related("order_line")
    ]
    customer = return_request.customer
    return policy.keep_item_allowed(
        rules,
        refund_amount=return_request.refund_estimate,
        categories=categories,
        customer_flagged=bool(customer and customer.is_flagged),
    )


@transaction.atomic
def refund_early(*, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> Refund | None:
    """선환불 at the carrier's pickup scan, when the policy allows it; else nothing.

    Every collected unit counts as accepted and the return fee is deducted; the original
    shipping waits for inspection. The return keeps moving (in transit); what was paid is
    recorded on it, so the stalled list shows the money at risk if the parcel never arrives.
    """
    actor_require(actor, return_request.store_id, Capability.REFUND_MANAGE)
    locked = (
        ReturnRequest.objects.select_for_update(of=("self",))  # as in refund_for_return
        .select_related("order__channel", "customer", "policy")
        .get(pk=return_request.pk)
    )
    if locked.status != ReturnStatus.IN_TRANSIT or locked.resolution == "exchange":
        return None
    if locked.refunds.exclude(status=RefundStatus.FAILED).exists():
        return None
    balance.balance_lock(locked.order)
    result = refund_breakdown(facts.breakdown_input(locked, with_shipping=False))
    customer = locked.customer
    if not policy.early_refund_allowed(
        policy_rules(locked.policy),
        refund_amount=result.total,
        customer_flagged=bool(customer and customer.is_flagged),
    ):
        return None
    refund = refund_open(
        order=locked.order,
        return_request=locked,
        kind=RefundKind.EARLY,
        amount=result.total,
        actor=actor,
        now=now,
        lines=_shares(result),
        breakdown=result.as_json(),
    )
    return_services.return_refunded_early_record(
        return_request=locked, amount=refund.amount, now=now
    )
    return refund


@transaction.atomic
def refund_goodwill(
    *,
    order: Order | None = None,
    return_request: ReturnRequest | None = None,
    amount: int,
    reason: RefundReason,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
) -> Refund:
    """A manager's refund beyond the rules (partial, with a reason); never above what is left
    of what was paid. Order-level: it names no line and has no due date."""
    if return_request is not None:
        order = return_request.order
    if order is None:
        raise ValueError("refund_goodwill needs an order or a return")
    actor_require(actor, order.store_id, Capability.REFUND_GOODWILL)
    if reason == RefundReason.OTHER and not note.strip():
        raise errors.REASON_NOTE_NEEDED.field("note")
    return refund_open(
        order=order,
        return_request=return_request,
        kind=RefundKind.GOODWILL,
        amount=amount,
        actor=actor,
        now=now,
        method=refund_method_for(order),
        breakdown={"parts": [{"code": "goodwill", "amount": amount}], "total": amount},
        reason_code=reason.value,
        note=note.strip(),
    )
