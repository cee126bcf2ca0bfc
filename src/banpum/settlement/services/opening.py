"""Open a refund (its row, its committed money, its route) and settle what follows its payment:
delay interest if it was late, and the return moves on when all its refunds are paid."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.policy.deadlines import KR_DELAY_INTEREST_BASIS_POINTS
from banpum.policy.selectors import extra_holidays_for
from banpum.returns.models import ReturnRequest
from banpum.returns.services import return_complete_if_settled
from banpum.returns.transitions import Action, Move, return_transition, return_transition_allowed
from banpum.settlement import errors
from banpum.settlement.interest import refund_interest
from banpum.settlement.jobs import jobs
from banpum.settlement.models import (
    DONE_STATUSES,
    Refund,
    RefundKind,
    RefundLine,
    RefundMethod,
    RefundStatus,
)
from banpum.settlement.services import balance
from banpum.settlement.services.routing import refund_method_for
from banpum.settlement.services.store_credit import store_credit_issue_for_refund
from banpum.settlement.transitions import RefundAction, RefundMove, refund_transition


@dataclass(frozen=True)
class LineShare:
    order_line_id: int
    return_line_id: int | None
    quantity: int
    amount: int


def idempotency_key_new(prefix: str) -> str:
    """Random, fixed at creation: a retry replays it, a restored backup never collides."""
    return f"{prefix}-{secrets.token_hex(12)}"[:64]


def refund_open(
    *,
    order: Order,
    return_request: ReturnRequest | None,
    kind: RefundKind,
    amount: int,
    actor: Actor,
    now: dt.datetime,
    method: RefundMethod | None = None,
    lines: Sequence[LineShare] = (),
    breakdown: dict[str, object] | None = None,
    due_on: dt.date | None = None,
    reason_code: str = "",
    note: str = "",
    principal: Refund | None = None,
) -> Refund:
    """A new refund row, its money committed (not for interest), routed by its method."""
    if amount <= 0:
        raise errors.AMOUNT_POSITIVE.field("amount")
    with transaction.atomic():
        if kind is not RefundKind.INTEREST:
            balance.balance_commit(order, amount, {s.order_line_id: s.amount for s in lines})
        resolution = return_request.resolution if return_request else "refund"
        refund = Refund.objects.create(
            store_id=order.store_id,
            order=order,
            return_request=return_request,
            principal=principal,
            kind=kind,
            method=method or refund_method_for(order, resolution=resolution),
            amount=amount,
            breakdown=breakdown or {},
            due_on=due_on,
            payment_key=order.payment_reference,
            idempotency_key=idempotency_key_new(
                (return_request.number if return_request else None) or f"O{order.pk}"
            ),
            reason_code=reason_code,
            note=note,
            created_by=actor.label[:150],
            created_at=now,
            updated_at=now,
            next_attempt_at=now,
        )
        RefundLine.objects.bulk_create(
            RefundLine(
                refund=refund,
                order_line_id=s.order_line_id,
                return_line_id=s.return_line_id,
                quantity=s.quantity,
                amount=s.amount,
            )
            for s in lines
            if s.amount or s.quantity
        )
        refund_route(refund, actor, now)
    return Refund.objects.get(pk=refund.pk)


def refund_route(refund: Refund, actor: Actor, now: dt.datetime) -> None:
    if refund.method == RefundMethod.ORIGINAL_PAYMENT:
        refund_id = refund.pk
        transaction.on_commit(lambda: jobs().refund_send(refund_id))
        return
    if refund.method == RefundMethod.MARKETPLACE:
        refund = refund_transition(
            refund=refund,
            action=RefundAction.PAY_BY_CHANNEL,
            actor=actor,
            now=now,
            move=RefundMove(changes={"paid_at": now, "next_attempt_at": None}),
        )
    elif refund.method == RefundMethod.STORE_CREDIT:
        store_credit_issue_for_refund(refund=refund, actor=actor, now=now)
        refund = refund_transition(
            refund=refund,
            action=RefundAction.PAY,
            actor=actor,
            now=now,
            move=RefundMove(changes={"paid_at": now, "next_attempt_at": None}),
        )
    else:
        # A bank transfer waits for a person (or a batch) to send it; the lead's batches read
        # this queue.
        refund_transition(
            refund=refund,
            action=RefundAction.AWAIT_TRANSFER,
            actor=actor,
            now=now,
            move=RefundMove(changes={"next_attempt_at": None}),
        )
        return
    refund_done(refund=refund, actor=actor, now=now)


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
                country=refund.store.country,
                extra_holidays=extra_holidays_for(refund.store),
            )
            if owed > 0 and not refund.interest_refunds.exists():
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
        return return_complete_if_settled(return_request=locked, actor=actor, now=now)


# The return's own refund was worked out with the early refund subtracted.
_AFTER_REFUND_START = ("refund_pending", "refunded", "completed")


def refund_early_make_up(*, early: Refund, actor: Actor, now: dt.datetime) -> Refund | None:
    """An early refund failed for good after the return's own refund had subtracted it: open
    what it did not pay as a refund of the return, so the customer is never left short.

    Called in the transaction that failed it (its money already given back to the order).
    Before that point nothing is needed: the return's refund counts only early refunds that
    hold money, and a failed one holds none.
    """
    return_request = early.return_request
    if early.kind != RefundKind.EARLY or return_request is None:
        return None
    if return_request.status not in _AFTER_REFUND_START:
        return None
    return refund_open(
        order=early.order,
        return_request=return_request,
        kind=RefundKind.RETURN,
        amount=early.amount,
        actor=actor,
        now=now,
        lines=[
            LineShare(line.order_line_id, line.return_line_id, line.quantity, line.amount)
            for line in early.lines.all()
        ],
        breakdown={"make_up_for": early.pk},
        due_on=return_request.refund_due_on,
    )
