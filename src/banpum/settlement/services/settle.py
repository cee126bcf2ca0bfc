"""After a refund is paid: delay interest if it was late, and the return moves on."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from banpum.core.actors import Actor
from banpum.policy.deadlines import KR_DELAY_INTEREST_BASIS_POINTS
from banpum.returns.models import FeeSettlement, ReturnRequest
from banpum.returns.transitions import Action, Move, return_transition, return_transition_allowed
from banpum.settlement.interest import refund_interest
from banpum.settlement.models import DONE_STATUSES, Refund, RefundKind, RefundMethod, RefundStatus

# The refunds a return waits for before it counts as refunded (goodwill and interest are extra).
SETTLING_KINDS = (RefundKind.RETURN, RefundKind.KEEP_ITEM, RefundKind.EARLY)


def interest_basis_points() -> int:
    return int(
        getattr(settings, "BANPUM_REFUND_DELAY_INTEREST_RATE_BP", KR_DELAY_INTEREST_BASIS_POINTS)
    )


def interest_method(principal: Refund) -> RefundMethod:
    """Interest goes by bank transfer, or as store credit when the principal did.

    A card cancel cannot pay more than the payment's balance and would mix the interest into
    the payment's cancels the reconcile reads, and a marketplace refunds only what it sold.
    """
    if principal.method == RefundMethod.STORE_CREDIT:
        return RefundMethod.STORE_CREDIT
    return RefundMethod.BANK_TRANSFER


def refund_done(*, refund: Refund, actor: Actor, now: dt.datetime) -> None:
    """Call in the transaction that marked ``refund`` paid."""
    with transaction.atomic():
        if refund.kind != RefundKind.INTEREST and refund.paid_at is not None:
            owed = refund_interest(
                refund.amount,
                due_on=refund.due_on,
                paid_at=refund.paid_at,
                timezone=refund.store.timezone,
                basis_points=interest_basis_points(),
            )
            if owed > 0 and not refund.interest_refunds.exists():
                from banpum.settlement.services.intents import refund_open

                Refund.objects.filter(pk=refund.pk).update(interest_owed=owed)
                refund_open(
                    order=refund.order,
                    return_request=refund.return_request,
                    kind=RefundKind.INTEREST,
                    amount=owed,
                    actor=actor,
                    now=now,
                    method=interest_method(refund),
                    breakdown={
                        "parts": [{"code": "delay_interest", "amount": owed}],
                        "total": owed,
                        "principal": refund.amount,
                        "due_on": refund.due_on.isoformat() if refund.due_on else None,
                    },
                    principal=refund,
                )
        if refund.return_request_id is not None:
            return_settle_if_done(
                return_request=ReturnRequest.objects.get(pk=refund.return_request_id),
                actor=actor,
                now=now,
            )


def return_settle_if_done(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
) -> ReturnRequest:
    """Every refund of the return is paid: REFUND_PAID, then COMPLETE unless a fee is owed."""
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if not return_transition_allowed(locked.status, Action.REFUND_PAID):
            return locked
        # A failed refund blocks until a manager retries it; a failed early refund does not:
        # the return's own refund covers what it did not pay.
        refunds = Refund.objects.filter(return_request=locked, kind__in=SETTLING_KINDS).exclude(
            kind=RefundKind.EARLY, status=RefundStatus.FAILED
        )
        statuses = list(refunds.values_list("status", flat=True))
        if not statuses or any(status not in DONE_STATUSES for status in statuses):
            return locked
        locked = return_transition(
            return_request=locked,
            action=Action.REFUND_PAID,
            actor=actor,
            move=Move(data={"refunds": len(statuses)}),
            now=now,
        )
        if locked.fee_settlement != FeeSettlement.OUTSTANDING:
            locked = return_transition(
                return_request=locked, action=Action.COMPLETE, actor=actor, now=now
            )
        return locked
