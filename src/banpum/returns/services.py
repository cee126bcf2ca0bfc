"""Return commands. Each runs in one transaction, validates, changes, and records events."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.policy.fees import refund_estimate
from banpum.policy.rules import decide
from banpum.policy.selectors import policy_current, policy_rules
from banpum.policy.types import (
    Decision,
    FeeCollection,
    FeeDecision,
    FeeKind,
    FeePayer,
    HoldReason,
    Method,
    Outcome,
    Resolution,
    ReturnAsk,
    ReturnType,
    as_json,
)
from banpum.returns import events
from banpum.returns.errors import HARD_PROBLEMS, NotEligible
from banpum.returns.facts import committed_refunds, line_facts, order_facts
from banpum.returns.hooks import pickup_hooks
from banpum.returns.models import Origin, ReturnLine, ReturnRequest
from banpum.returns.transitions import Action, Move, return_transition, return_transition_allowed

logger = logging.getLogger(__name__)

POLICY_ACTOR = Actor.system("policy")


@dataclass(frozen=True)
class FeeOverride:
    """The return shipping fee as a CS agent agreed it with the customer."""

    payer: FeePayer
    amount: int
    collection: FeeCollection | None = None


def _load_order(order: Order, *, lock: bool) -> Order:
    queryset = Order.objects.select_related("store", "customer").prefetch_related(
        "lines__product", "shipments"
    )
    if lock:
        # Serialises returns of one order so two requests can never claim the same units.
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=order.pk)


def _decide(order: Order, ask: ReturnAsk, now: dt.datetime) -> tuple[Decision, Any]:
    policy = policy_current(store=order.store)
    facts = order_facts(order, already_refunded=committed_refunds(order))
    decision = decide(
        ask, order=facts, lines=line_facts(order), rules=policy_rules(policy), now=now
    )
    return decision, (policy, facts)


def return_request_preview(
    *, order: Order, ask: ReturnAsk, now: dt.datetime | None = None
) -> Decision:
    """What the policy would decide, without creating anything."""
    decision, _ = _decide(_load_order(order, lock=False), ask, now or timezone.now())
    return decision


def _apply_fee_override(
    decision: Decision, fee: FeeOverride, facts: Any, ask: ReturnAsk
) -> Decision:
    if fee.amount < 0:
        raise ValidationFailed.for_fields({"fee.amount": ["The fee cannot be negative."]})
    payer = FeePayer(fee.payer)
    amount = fee.amount if payer is FeePayer.BUYER else 0
    collection: FeeCollection | None = None
    kind = FeeKind.NONE
    if amount:
        collection = FeeCollection(
            fee.collection or decision.fee.collection or FeeCollection.DEDUCT_FROM_REFUND
        )
        if collection is FeeCollection.DEDUCT_FROM_REFUND and ask.resolution is Resolution.EXCHANGE:
            # As in policy.fees: nothing is refunded on an exchange, so nothing to deduct from.
            collection = FeeCollection.ENCLOSE_IN_BOX
        if decision.fee.kind is not FeeKind.NONE:
            kind = decision.fee.kind
        else:
            kind = FeeKind.EXCHANGE if ask.type is ReturnType.EXCHANGE else FeeKind.ONE_WAY
    new_fee = FeeDecision(payer=payer, kind=kind, amount=amount, collection=collection)
    refund = refund_estimate(
        order=facts,
        items=decision.refund.items,
        refund_original_shipping=decision.refund.shipping > 0,
        fee=new_fee,
        resolution=ask.resolution,
    )
    who = "the buyer" if payer is FeePayer.BUYER else "the seller"
    note = f"Return fee set by CS: {who} pays {fee.amount:,}."
    return replace(decision, fee=new_fee, refund=refund, explanation=(*decision.explanation, note))


def _number(return_request: ReturnRequest, tz: str) -> str:
    month = return_request.created_at.astimezone(ZoneInfo(tz)).strftime("%y%m")
    return f"R{month}-{return_request.pk:07d}"


@transaction.atomic
def return_request_create(
    *,
    order: Order,
    ask: ReturnAsk,
    origin: Origin,
    actor: Actor,
    reason_detail: str = "",
    note: str = "",
    fee: FeeOverride | None = None,
    allow_ineligible: bool = False,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """Open a return for lines of an order; the policy decides it at once.

    ``allow_ineligible`` (CS and API only) keeps a request the policy refuses for a person to
    decide, on hold; it never lets a return claim units that were not delivered or are already
    claimed.
    """
    if allow_ineligible and origin == Origin.CUSTOMER:
        raise ValidationFailed.for_fields(
            {"allow_ineligible": ["Only CS agents and API clients may keep a refused request."]}
        )
    now = now or timezone.now()
    order = _load_order(order, lock=True)
    decision, (policy, facts) = _decide(order, ask, now)

    problems = decision.all_problems
    hard = [p for p in problems if p.code in HARD_PROBLEMS]
    if problems and not allow_ineligible:
        # Everything that stands in the way, so the client can fix it all in one go.
        raise NotEligible.from_problems(problems)
    if hard:
        # Only what no exception can override; the rest is for the person deciding the hold.
        raise NotEligible.from_problems(hard)
    if fee is not None:
        decision = _apply_fee_override(decision, fee, facts, ask)

    decision_json = as_json(decision)
    assert isinstance(decision_json, dict)
    return_request = ReturnRequest.objects.create(
        store=order.store,
        order=order,
        customer=order.customer,
        type=ask.type.value,
        reason_code=ask.reason_code,
        reason_detail=reason_detail,
        resolution=ask.resolution.value,
        method=ask.method.value,
        origin=origin,
        fee_payer=decision.fee.payer.value,
        fee_amount=decision.fee.amount,
        fee_collection=decision.fee.collection.value if decision.fee.collection else "",
        refund_estimate=decision.refund.total,
        decision=decision_json,
        policy=policy,
        request_deadline=decision.deadlines.request_until,
        refund_business_days=decision.deadlines.refund_business_days,
        defect_noticed_at=ask.defect_noticed_at,
    )
    return_request.number = _number(return_request, order.store.timezone)
    return_request.save(update_fields=["number"])
    requested = {line.order_line_id: line for line in ask.lines}
    ReturnLine.objects.bulk_create(
        ReturnLine(
            return_request=return_request,
            order_line_id=line.order_line_id,
            quantity=line.quantity,
            reason_code=line.reason_code,
            condition=requested[line.order_line_id].condition.value,
            refund_estimate=line.refund_amount,
        )
        for line in decision.lines
    )
    events.event_created(return_request, actor, decision=decision_json)
    if note.strip():
        events.event_note_added(return_request, actor, note=note.strip())

    if problems:
        return_request = return_transition(
            return_request=return_request,
            action=Action.HOLD,
            actor=POLICY_ACTOR,
            move=Move(
                note="; ".join(p.message for p in problems),
                hold_reason=HoldReason.POLICY_EXCEPTION,
            ),
        )
    elif decision.outcome is Outcome.HOLD:
        return_request = return_transition(
            return_request=return_request,
            action=Action.HOLD,
            actor=POLICY_ACTOR,
            move=Move(hold_reason=decision.hold_reason or HoldReason.OTHER),
        )
    elif decision.outcome is Outcome.APPROVE:
        return_request = _approve(return_request, POLICY_ACTOR, "Auto-approved by policy.")
    logger.info(
        "return created number=%s order=%s outcome=%s status=%s",
        return_request.number,
        order.channel_order_number,
        decision.outcome,
        return_request.status,
    )
    return return_request


def _approve(
    return_request: ReturnRequest,
    actor: Actor,
    note: str,
    expected_version: int | None = None,
) -> ReturnRequest:
    return_request = return_transition(
        return_request=return_request,
        action=Action.APPROVE,
        actor=actor,
        move=Move(note=note),
        expected_version=expected_version,
    )
    if return_request.method != Method.CARRIER_PICKUP:
        # Drop-off, self-ship and in-store returns wait for the customer to send the parcel.
        return return_transition(
            return_request=return_request, action=Action.AWAIT_SHIPMENT, actor=POLICY_ACTOR
        )
    # A linked carrier is booked by a job (durably, in this transaction); an unlinked one sends
    # the customer instructions. Through a hook: logistics builds on returns, not the reverse.
    pickup_hooks().arrange(return_request=return_request, actor=POLICY_ACTOR, now=timezone.now())
    return ReturnRequest.objects.get(pk=return_request.pk)


@transaction.atomic
def return_request_approve(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
) -> ReturnRequest:
    return _approve(return_request, actor, note, expected_version)


def return_request_hold(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    reason: HoldReason,
    note: str = "",
    expected_version: int | None = None,
) -> ReturnRequest:
    return return_transition(
        return_request=return_request,
        action=Action.HOLD,
        actor=actor,
        move=Move(note=note, hold_reason=reason),
        expected_version=expected_version,
    )


def return_request_reject(
    *, return_request: ReturnRequest, actor: Actor, note: str, expected_version: int | None = None
) -> ReturnRequest:
    return return_transition(
        return_request=return_request,
        action=Action.REJECT,
        actor=actor,
        move=Move(note=note),
        expected_version=expected_version,
    )


@transaction.atomic
def return_request_cancel(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
) -> ReturnRequest:
    """Cancel before the goods are collected; a booked pickup is cancelled at the carrier."""
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if return_transition_allowed(locked.status, Action.CANCEL):
        pickup_hooks().cancel(return_request=locked, actor=actor, now=timezone.now())
    return return_transition(
        return_request=return_request,
        action=Action.CANCEL,
        actor=actor,
        move=Move(note=note),
        expected_version=expected_version,
    )


def return_note_add(*, return_request: ReturnRequest, actor: Actor, note: str) -> ReturnRequest:
    """A CS consultation record (상담 내용) on the return's timeline."""
    note = note.strip()
    if not note:
        raise ValidationFailed.for_fields({"note": ["Write the note before saving it."]})
    if len(note) > 5000:
        raise ValidationFailed.for_fields({"note": ["Keep a note under 5,000 characters."]})
    events.event_note_added(return_request, actor, note=note)
    return return_request
