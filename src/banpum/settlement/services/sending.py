"""The refund job: call the payment gateway outside any transaction, apply its answer.

``refund_send`` marks the refund ``sending`` and counts the attempt (committed) before the call,
so a worker killed mid-call leaves a row the sweep finds. Every call carries the refund's own
idempotency key, fixed at creation: a retry after a timeout or a crash is replayed by the
gateway, never paid twice. An answer that may have been lost (``unknown``) is reconciled by
reading the payment: our cancel in its list → paid; else the same request is sent again.
Only one refund per order is in flight at a time, so the reconcile reads one cancel at most.

A refund is given up (failed, its money released) only when it is known not to have been paid:
after ``MAX_ATTEMPTS`` a refund whose last call may have landed is read once more, and stays
``unknown`` (read again later, never sent again) until a read answers.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.integrations.payments.base import (
    CancelRequest,
    PaymentAlreadyCancelled,
    PaymentError,
    PaymentGateway,
    PaymentRejected,
    PaymentState,
    PaymentUnavailable,
)
from banpum.settlement import errors, gateways
from banpum.settlement.jobs import jobs
from banpum.settlement.models import (
    IN_FLIGHT_STATUSES,
    PaymentAccount,
    Refund,
    RefundKind,
    RefundMethod,
    RefundStatus,
)
from banpum.settlement.services import balance, opening
from banpum.settlement.transitions import RefundAction, RefundMove, refund_transition

logger = logging.getLogger(__name__)

GATEWAY_ACTOR = Actor.system("payments")
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 15
BACKOFF_CAP_SECONDS = 60 * 60
# Waiting for another refund of the same order to finish its call.
SERIALIZE_DELAY_SECONDS = 5
CANCEL_REASON = "반품 환불"


def cancel_reason(refund: Refund) -> str:
    """The cancel's reason names the refund, so a reconcile recognises its own cancel and
    never claims one a person made in the gateway's console for the same amount."""
    return f"{CANCEL_REASON} #{refund.pk}"


def backoff_seconds(attempts: int, *, rng: random.Random | None = None) -> float:
    """Exponential with ±20 % jitter: about 15 s, 30 s, 1 min … never over an hour."""
    base = min(BACKOFF_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_CAP_SECONDS)
    return float(min(base * (0.8 + 0.4 * (rng or random).random()), BACKOFF_CAP_SECONDS))


@dataclass(frozen=True)
class Paid:
    transaction_key: str
    state: PaymentState | None = None


@dataclass(frozen=True)
class NotApplied:
    """Known not to have happened: send again later."""

    code: str
    message: str


@dataclass(frozen=True)
class Unknown:
    """May have happened: reconcile by reading the payment before anything else."""

    code: str
    message: str


@dataclass(frozen=True)
class Rejected:
    code: str
    message: str


Outcome = Paid | NotApplied | Unknown | Rejected


def _gateway(refund: Refund) -> PaymentGateway | None:
    account = PaymentAccount.objects.filter(store_id=refund.store_id, is_active=True).first()
    return gateways.gateway_for(account)


def _our_cancel(refund: Refund, state: PaymentState) -> Paid | None:
    """Our cancel in the payment's list: the one whose reason names this refund; for a gateway
    that does not echo reasons, a cancel of our amount no paid refund has claimed, the
    payment's cancelled total covering what we recorded plus this refund."""
    done = Refund.objects.filter(
        order_id=refund.order_id,
        method=RefundMethod.ORIGINAL_PAYMENT,
        payment_key=refund.payment_key,
        status=RefundStatus.PAID,
    ).exclude(pk=refund.pk)
    claimed = set(done.values_list("provider_reference", flat=True))
    ours = cancel_reason(refund)
    for cancel in state.cancels:
        if cancel.reason == ours and cancel.transaction_key not in claimed:
            return Paid(cancel.transaction_key, state)
    if any(cancel.reason for cancel in state.cancels):
        return None  # reasons are echoed, and none is ours
    recorded = done.aggregate(total=Sum("amount"))["total"] or 0
    cancelled = sum(cancel.amount for cancel in state.cancels)
    if cancelled - recorded < refund.amount:
        return None
    for cancel in state.cancels:
        if cancel.amount == refund.amount and cancel.transaction_key not in claimed:
            return Paid(cancel.transaction_key, state)
    return None


def _reconcile(refund: Refund, gateway: PaymentGateway) -> Outcome:
    try:
        state = gateway.payment(refund.payment_key)
    except PaymentRejected as error:
        return Rejected(error.code, error.message)
    except PaymentError as error:
        return Unknown(error.code, error.message)
    return _our_cancel(refund, state) or NotApplied("not_applied", "no matching cancel")


def _call(refund: Refund, gateway: PaymentGateway) -> Outcome:
    request = CancelRequest(
        payment_key=refund.payment_key,
        amount=refund.amount,
        reason=cancel_reason(refund),
        idempotency_key=refund.idempotency_key,
    )
    try:
        state = gateway.cancel(request)
    except PaymentAlreadyCancelled:
        return _reconcile(refund, gateway)
    except PaymentRejected as error:
        return Rejected(error.code, error.message)
    except PaymentUnavailable as error:
        if error.maybe_applied:
            return Unknown(error.code, error.message)
        return NotApplied(error.code, error.message)
    except PaymentError as error:
        return Unknown(error.code, error.message)
    found = _our_cancel(refund, state)
    if found is not None:
        return found
    # Accepted, but our cancel is not in the answer: read the payment again before deciding.
    return Unknown("unmatched_reply", "")


def _claim(refund_id: int, now: dt.datetime) -> tuple[Refund | None, Outcome | None]:
    """Mark the refund sending and count the attempt, committed before any call."""
    with transaction.atomic():
        refund = Refund.objects.select_related("order", "store").get(pk=refund_id)
        balance.balance_lock(refund.order)  # serialize with the order's other refunds
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status not in (RefundStatus.PENDING, RefundStatus.UNKNOWN, RefundStatus.SENDING):
            return None, None
        if refund.method != RefundMethod.ORIGINAL_PAYMENT:
            return None, None
        busy = (
            Refund.objects.filter(order_id=refund.order_id, status__in=IN_FLIGHT_STATUSES)
            .exclude(pk=refund.pk)
            .exists()
        )
        if busy:
            _later(refund, now, SERIALIZE_DELAY_SECONDS)
            return None, None
        if not refund.payment_key:
            return refund, Rejected("no_payment_key", "")
        if refund.attempts >= MAX_ATTEMPTS and refund.status == RefundStatus.PENDING:
            # The last call was known not to land: nothing can have been paid. (A refund that
            # may have been paid is read, never given up: see ``_attempt``.)
            return refund, Rejected("gave_up", refund.last_error)
        if refund.status == RefundStatus.SENDING:
            # A worker died mid-call (the sweep found it): its outcome is unknown.
            refund = refund_transition(
                refund=refund, action=RefundAction.LOSE_REPLY, actor=GATEWAY_ACTOR, now=now
            )
        reconcile_first = refund.status == RefundStatus.UNKNOWN
        refund = refund_transition(
            refund=refund,
            action=RefundAction.SEND,
            actor=GATEWAY_ACTOR,
            now=now,
            move=RefundMove(
                changes={"attempts": refund.attempts + 1, "next_attempt_at": now},
                data={"attempt": refund.attempts + 1, "reconcile": reconcile_first},
            ),
        )
        if not reconcile_first:
            return refund, None
        return refund, Unknown("reconcile", "")


def _later(refund: Refund, now: dt.datetime, delay: float) -> None:
    Refund.objects.filter(pk=refund.pk).update(next_attempt_at=now + dt.timedelta(seconds=delay))
    refund_id = refund.pk
    transaction.on_commit(lambda: jobs().refund_send(refund_id, delay=delay))


def _attempt(refund: Refund, gateway: PaymentGateway, *, reconcile_first: bool) -> Outcome:
    """One call, or a read then maybe a call. A crash inside the adapter is an unknown outcome
    (the cancel may have left), never an exception that strands the refund in ``sending``."""
    try:
        if not reconcile_first:
            return _call(refund, gateway)
        outcome = _reconcile(refund, gateway)
        if not isinstance(outcome, NotApplied):
            return outcome
        if refund.attempts > MAX_ATTEMPTS:
            # Past every attempt a refund that may have been paid is only read, never sent
            # again: read and found not paid, it is safe to give up (money released).
            return Rejected("gave_up", refund.last_error)
        # Not there: send the same request again (same idempotency key).
        return _call(refund, gateway)
    except Exception as error:  # any adapter bug must leave the refund readable
        logger.exception("refund job: unexpected error id=%s", refund.pk)
        return Unknown("unexpected", type(error).__name__)


def refund_send(*, refund_id: int, now: dt.datetime) -> Refund | None:
    """The job: one gateway call (or a status read), outside any transaction."""
    refund, preset = _claim(refund_id, now)
    if refund is None:
        return None
    outcome: Outcome
    if isinstance(preset, Rejected):
        outcome = preset
    else:
        gateway = _gateway(refund)
        if gateway is None:
            # Nothing sent; an earlier call may still have landed, so unknown stays unknown.
            outcome = (Unknown if preset else NotApplied)("no_payment_account", "")
        else:
            outcome = _attempt(refund, gateway, reconcile_first=isinstance(preset, Unknown))
            close = getattr(gateway, "close", None)
            if callable(close):
                close()
    return refund_outcome_apply(refund_id=refund.pk, outcome=outcome, now=now)


@transaction.atomic
def refund_outcome_apply(*, refund_id: int, outcome: Outcome, now: dt.datetime) -> Refund:
    refund = Refund.objects.select_related("order", "store").get(pk=refund_id)
    balance.balance_lock(refund.order)
    # The refund's row only, not the joined order and store: a store-wide lock would queue
    # every refund and return of the store behind this one.
    refund = (
        Refund.objects.select_for_update(of=("self",))
        .select_related("order", "store")
        .get(pk=refund_id)
    )
    if refund.status not in (RefundStatus.SENDING, RefundStatus.PENDING, RefundStatus.UNKNOWN):
        return refund  # applied by an earlier run
    if isinstance(outcome, Paid):
        refund = refund_transition(
            refund=refund,
            action=RefundAction.PAY,
            actor=GATEWAY_ACTOR,
            now=now,
            move=RefundMove(
                changes={
                    "paid_at": now,
                    "provider_reference": outcome.transaction_key[:200],
                    "next_attempt_at": None,
                    "last_error_code": "",
                    "last_error": "",
                },
                data={"transaction_key": outcome.transaction_key},
            ),
        )
        logger.info("refund paid id=%s amount=%s", refund.pk, refund.amount)
        opening.refund_done(refund=refund, actor=GATEWAY_ACTOR, now=now)
        return refund
    errors_changed = {"last_error_code": outcome.code[:64], "last_error": outcome.message[:500]}
    if isinstance(outcome, Rejected):
        refund = refund_transition(
            refund=refund,
            action=RefundAction.FAIL,
            actor=GATEWAY_ACTOR,
            now=now,
            move=RefundMove(
                changes={**errors_changed, "next_attempt_at": None}, data={"error": outcome.code}
            ),
        )
        balance.balance_release(refund)
        logger.error("refund failed for good id=%s error=%s", refund.pk, outcome.code)
        opening.refund_early_make_up(early=refund, actor=GATEWAY_ACTOR, now=now)
        return refund
    delay = backoff_seconds(refund.attempts)
    action = RefundAction.LOSE_REPLY if isinstance(outcome, Unknown) else RefundAction.RETRY
    if refund.status != RefundStatus.SENDING:
        return refund
    refund = refund_transition(
        refund=refund,
        action=action,
        actor=GATEWAY_ACTOR,
        now=now,
        move=RefundMove(
            changes={**errors_changed, "next_attempt_at": now + dt.timedelta(seconds=delay)},
            data={"error": outcome.code},
        ),
    )
    refund_id_ = refund.pk
    transaction.on_commit(lambda: jobs().refund_send(refund_id_, delay=delay))
    logger.warning("refund not paid yet id=%s error=%s in=%.0fs", refund.pk, outcome.code, delay)
    return refund


def refunds_sweep(*, now: dt.datetime, grace_seconds: int = 120) -> dict[str, int]:
    """Re-enqueue gateway refunds a crash may have lost; periodic, safe any number of times.

    Pending or unknown refunds whose next attempt is overdue by the grace period, and ``sending``
    ones older than it (a worker killed mid-call: the retry carries the same idempotency key).
    """
    stale = now - dt.timedelta(seconds=grace_seconds)
    due = list(
        Refund.objects.filter(
            method=RefundMethod.ORIGINAL_PAYMENT,
            status__in=(RefundStatus.PENDING, RefundStatus.UNKNOWN, RefundStatus.SENDING),
        )
        .filter(Q(next_attempt_at__lt=stale) | Q(next_attempt_at__isnull=True))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    if due:
        Refund.objects.filter(pk__in=due).update(next_attempt_at=now)
    for refund_id in due:
        jobs().refund_send(refund_id)
    if due:
        logger.info("refund sweep resent=%s", len(due))
    return {"resent": len(due)}


@transaction.atomic
def refund_retry(*, refund: Refund, actor: Actor, now: dt.datetime) -> Refund:
    """A manager sends a failed refund again after fixing the cause: its money is committed
    again (refused if the order has refunded it otherwise meanwhile)."""
    actor_require(actor, refund.store_id, Capability.REFUND_MANAGE)
    locked = Refund.objects.select_for_update().get(pk=refund.pk)
    if locked.status != RefundStatus.FAILED:
        raise errors.REFUND_NOT_RETRYABLE(extra={"status": locked.status})
    if locked.kind != RefundKind.INTEREST:  # interest is outside the principal's cap
        balance.balance_commit(
            locked.order,
            locked.amount,
            {line.order_line_id: line.amount for line in locked.lines.all()},
        )
    locked = refund_transition(
        refund=locked,
        action=RefundAction.REOPEN,
        actor=actor,
        now=now,
        move=RefundMove(changes={"attempts": 0, "next_attempt_at": now}),
    )
    if locked.method == RefundMethod.ORIGINAL_PAYMENT:
        refund_id = locked.pk
        transaction.on_commit(lambda: jobs().refund_send(refund_id))
    else:
        opening.refund_route(locked, actor, now)
    return locked
