"""Return commands. Each runs in one transaction, validates, changes, and records events."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Order, Product
from banpum.commerce.selectors import product_is_variant_of
from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.policy import texts
from banpum.policy.deadlines import local_date
from banpum.policy.fees import fee_cap, refund_estimate
from banpum.policy.models import ReturnPolicy
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
    Note,
    OrderFacts,
    Outcome,
    PolicyRules,
    Problem,
    Resolution,
    ReturnAsk,
    ReturnType,
    as_json,
)
from banpum.returns import errors, events
from banpum.returns.errors import HARD_PROBLEMS, NotEligible
from banpum.returns.events import StatusCause
from banpum.returns.facts import committed_refunds, customer_facts, line_facts, order_facts
from banpum.returns.hooks import pickup_hooks, settlement_hooks
from banpum.returns.models import FeeSettlement, Origin, ReturnLine, ReturnRequest
from banpum.returns.numbers import return_number_new
from banpum.returns.photos import return_photos_attach
from banpum.returns.pickup_wish import PickupWish, pickup_wish_clean
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


@dataclass(frozen=True)
class _Decided:
    decision: Decision
    policy: ReturnPolicy
    rules: PolicyRules
    facts: OrderFacts


def _decide(order: Order, ask: ReturnAsk, now: dt.datetime) -> _Decided:
    policy = policy_current(store=order.store)
    rules = policy_rules(policy)
    facts = order_facts(order, already_refunded=committed_refunds(order))
    decision = decide(
        ask,
        order=facts,
        lines=line_facts(order),
        rules=rules,
        now=now,
        customer=customer_facts(order, rules=rules, now=now),
    )
    return _Decided(decision, policy, rules, facts)


def return_request_preview(
    *, order: Order, ask: ReturnAsk, now: dt.datetime, fee: FeeOverride | None = None
) -> Decision:
    """What the policy would decide at ``now``, without creating anything; with ``fee``, the
    return fee as CS would set it (and the refund that follows), as ``return_request_create``
    would store it for an eligible request."""
    decided = _decide(_load_order(order, lock=False), ask, now)
    if fee is None:
        return decided.decision
    return _apply_fee_override(decided.decision, fee, decided, ask)


def _as_exception(decision: Decision) -> Decision:
    """The decision as a person would carry it out by waiving the policy's limits.

    The policy refunds nothing for a refused line; a return kept as a policy exception stores
    what its units are worth, which is what it refunds if CS approves it.
    """
    refund = decision.exception_refund or decision.refund
    return replace(
        decision,
        refund=refund,
        exception_refund=refund,
        lines=tuple(replace(line, refund_amount=line.exception_amount) for line in decision.lines),
    )


def _apply_fee_override(
    decision: Decision, fee: FeeOverride, decided: _Decided, ask: ReturnAsk
) -> Decision:
    facts = decided.facts
    if fee.amount < 0:
        raise errors.FEE_NEGATIVE.field("fee.amount")
    payer = FeePayer(fee.payer)
    cap = fee_cap(rules=decided.rules, order=facts, return_type=ask.type)
    if payer is FeePayer.BUYER and fee.amount > cap:
        message = errors.FEE_OVER_CAP.render(cap=texts.money(cap))
        raise ValidationFailed(
            f"fee.amount: {message}",
            extra={"fields": {"fee.amount": [message]}, "max_amount": cap},
        )
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
    note = Note("fee_set_by_cs", {"payer": payer.value, "amount": fee.amount})
    return replace(
        decision,
        fee=new_fee,
        refund=refund,
        exception_refund=refund,
        explanation=(*decision.explanation, note),
    )


IDEMPOTENCY_KEY_MAX = 64

# Draws of a random number before giving up; with 10⁹ per store and month, a second is rare.
NUMBER_ATTEMPTS = 5


def _insert_numbered(return_request: ReturnRequest, *, now: dt.datetime) -> ReturnRequest:
    """Insert the return under a fresh random number, drawing again if the number is taken."""
    store = return_request.store
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        return_request.number = return_number_new(
            store_code=store.code, now=now, timezone=store.timezone
        )
        try:
            with transaction.atomic():
                return_request.save(force_insert=True)
        except IntegrityError:
            if (
                attempt == NUMBER_ATTEMPTS
                or ReturnRequest.objects.filter(number=return_request.number).count() == 0
            ):
                raise
            logger.warning("return number %s taken, drawing again", return_request.number)
            return_request.pk = None
            continue
        return return_request
    raise AssertionError("unreachable")


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
    pickup: PickupWish | None = None,
    replacements: Mapping[int, int] | None = None,
    photo_ids: Sequence[int] = (),
    idempotency_key: str = "",
    now: dt.datetime,
) -> ReturnRequest:
    """Open a return for lines of an order at ``now``; the policy decides it at once.

    ``allow_ineligible`` (CS and API only) keeps a request the policy refuses for a person to
    decide, on hold; it never lets a return claim units that were not delivered or are already
    claimed. ``pickup`` is where and when the carrier should come (kept until the pickup is
    booked); ``replacements`` maps order line ids to the variant (product id) an exchange
    should send; ``photo_ids`` are photos sent for the order (``returns.photos``), attached
    here and counted by the policy.
    ``idempotency_key``: a second call with the same key (a form submitted twice) answers the
    return the first one opened, and opens nothing.
    """
    actor_require(actor, order.store_id, Capability.RETURN_CREATE)
    if allow_ineligible and origin == Origin.CUSTOMER:
        raise errors.INELIGIBLE_NOT_FOR_CUSTOMERS.field("allow_ineligible")
    if timezone.is_naive(now):
        raise ValueError("return_request_create takes an aware now")
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise errors.TOO_LONG.field("idempotency_key", maximum=IDEMPOTENCY_KEY_MAX)
    order = _load_order(order, lock=True)
    if idempotency_key:
        # Under the order's lock, so two submits of one form cannot both get past this.
        earlier = ReturnRequest.objects.filter(
            store_id=order.store_id, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            if earlier.order_id != order.pk:
                raise errors.IDEMPOTENCY_KEY_REUSED(number=earlier.number)
            return earlier
    today = local_date(now, order.store.timezone)
    wish = (
        pickup_wish_clean(pickup, today=today)
        if pickup is not None and ask.method is Method.CARRIER_PICKUP
        else None
    )
    replacement_of = _replacements_check(order, ask, replacements or {})
    if photo_ids:
        ask = replace(ask, photo_count=max(ask.photo_count, len(set(photo_ids))))
    decided = _decide(order, ask, now)
    decision = decided.decision

    problems = decision.all_problems
    hard = [p for p in problems if p.code in HARD_PROBLEMS]
    if problems and not allow_ineligible:
        # Everything that stands in the way, so the client can fix it all in one go.
        raise NotEligible.from_problems(problems)
    if hard:
        # Only what no exception can override; the rest is for the person deciding the hold.
        raise NotEligible.from_problems(hard)
    if problems:
        decision = _as_exception(decision)
    if fee is not None:
        decision = _apply_fee_override(decision, fee, decided, ask)

    decision_json = as_json(decision)
    if not isinstance(decision_json, dict):
        raise TypeError("a decision is a dataclass, so its JSON is an object")
    return_request = ReturnRequest(
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
        policy=decided.policy,
        request_deadline=decision.deadlines.request_until,
        refund_business_days=decision.deadlines.refund_business_days,
        defect_noticed_at=ask.defect_noticed_at,
        pickup_wish=wish.as_json() if wish else {},
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
    )
    _insert_numbered(return_request, now=now)
    requested = {line.order_line_id: line for line in ask.lines}
    ReturnLine.objects.bulk_create(
        ReturnLine(
            return_request=return_request,
            order_line_id=line.order_line_id,
            quantity=line.quantity,
            reason_code=line.reason_code,
            condition=requested[line.order_line_id].condition.value,
            refund_estimate=line.refund_amount,
            replacement_id=replacement_of.get(line.order_line_id),
        )
        for line in decision.lines
    )
    if photo_ids:
        return_photos_attach(return_request=return_request, photo_ids=photo_ids, actor=actor)
    events.event_created(return_request, actor, decision=decision_json, now=now)
    if note.strip():
        events.event_note_added(return_request, actor, note=note.strip(), now=now)

    if problems:
        # The problems' codes, not their English messages: rendered when shown.
        return_request = return_transition(
            return_request=return_request,
            action=Action.HOLD,
            actor=POLICY_ACTOR,
            move=Move(
                hold_reason=HoldReason.POLICY_EXCEPTION,
                data={
                    "cause": StatusCause.POLICY_EXCEPTION.value,
                    "problems": [_problem_data(p) for p in problems],
                },
            ),
            now=now,
        )
    elif decision.outcome is Outcome.HOLD:
        hold_data: dict[str, Any] = {"cause": StatusCause.POLICY_HOLD.value}
        if decision.signals:
            hold_data["signals"] = as_json(decision.signals)
        return_request = return_transition(
            return_request=return_request,
            action=Action.HOLD,
            actor=POLICY_ACTOR,
            move=Move(hold_reason=decision.hold_reason or HoldReason.OTHER, data=hold_data),
            now=now,
        )
    elif decision.outcome is Outcome.APPROVE:
        return_request = _approve(
            return_request,
            POLICY_ACTOR,
            now=now,
            data={"cause": StatusCause.AUTO_APPROVAL.value, "rule": "auto_approval"},
        )
    logger.info(
        "return created number=%s order=%s outcome=%s status=%s",
        return_request.number,
        order.channel_order_number,
        decision.outcome,
        return_request.status,
    )
    return return_request


def _replacements_check(
    order: Order, ask: ReturnAsk, replacements: Mapping[int, int]
) -> dict[int, int]:
    """The variants an exchange asks for, each an option of the product its line ordered."""
    if not replacements:
        return {}
    if ask.type is not ReturnType.EXCHANGE:
        raise errors.REPLACEMENT_NOT_AN_EXCHANGE.field("replacements")
    lines = {line.pk: line for line in order.lines.all()}
    products = {
        product.pk: product
        for product in Product.objects.filter(store_id=order.store_id, pk__in=replacements.values())
    }
    problems: dict[str, list[str]] = {}
    for line_id, product_id in replacements.items():
        line = lines.get(line_id)
        product = products.get(product_id)
        ordered = line.product if line is not None else None
        if product is None or ordered is None or not product_is_variant_of(product, ordered):
            sku = product.sku if product is not None else str(product_id)
            problems[f"replacements.{line_id}"] = [errors.REPLACEMENT_NOT_A_VARIANT.render(sku=sku)]
    if problems:
        raise ValidationFailed.for_fields(problems)
    return dict(replacements)


def _problem_data(problem: Problem) -> dict[str, Any]:
    data: dict[str, Any] = {"code": problem.code, "field": problem.field}
    if problem.order_line_id is not None:
        data["order_line_id"] = problem.order_line_id
    data["params"] = dict(problem.params)
    return data


def _approve(
    return_request: ReturnRequest,
    actor: Actor,
    *,
    now: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> ReturnRequest:
    return_request = return_transition(
        return_request=return_request,
        action=Action.APPROVE,
        actor=actor,
        move=Move(note=note, data=data),
        expected_version=expected_version,
        now=now,
    )
    # Cheap or bulky goods the policy lets the customer keep: refunded, nothing collected.
    if settlement_hooks().keep_item(return_request=return_request, actor=POLICY_ACTOR, now=now):
        return ReturnRequest.objects.get(pk=return_request.pk)
    if return_request.method != Method.CARRIER_PICKUP:
        # Drop-off, self-ship and in-store returns wait for the customer to send the parcel.
        return return_transition(
            return_request=return_request,
            action=Action.AWAIT_SHIPMENT,
            actor=POLICY_ACTOR,
            move=Move(data={"cause": StatusCause.METHOD.value, "method": return_request.method}),
            now=now,
        )
    # A linked carrier is booked by a job (durably, in this transaction); an unlinked one sends
    # the customer instructions. Through a hook: logistics builds on returns, not the reverse.
    pickup_hooks().arrange(return_request=return_request, actor=POLICY_ACTOR, now=now)
    return ReturnRequest.objects.get(pk=return_request.pk)


@transaction.atomic
def return_request_approve(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
    expected_version: int | None = None,
) -> ReturnRequest:
    actor_require(actor, return_request.store_id, Capability.RETURN_APPROVE)
    return _approve(return_request, actor, now=now, note=note, expected_version=expected_version)


def return_request_hold(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    reason: HoldReason,
    now: dt.datetime,
    note: str = "",
    expected_version: int | None = None,
) -> ReturnRequest:
    actor_require(actor, return_request.store_id, Capability.RETURN_HOLD)
    return return_transition(
        return_request=return_request,
        action=Action.HOLD,
        actor=actor,
        move=Move(note=note, hold_reason=reason),
        expected_version=expected_version,
        now=now,
    )


def return_request_reject(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    note: str,
    now: dt.datetime,
    expected_version: int | None = None,
) -> ReturnRequest:
    actor_require(actor, return_request.store_id, Capability.RETURN_REJECT)
    return return_transition(
        return_request=return_request,
        action=Action.REJECT,
        actor=actor,
        move=Move(note=note),
        expected_version=expected_version,
        now=now,
    )


@transaction.atomic
def return_request_cancel(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
    expected_version: int | None = None,
) -> ReturnRequest:
    """Cancel before the goods are collected; a booked pickup is cancelled at the carrier."""
    actor_require(actor, return_request.store_id, Capability.RETURN_CANCEL)
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if return_transition_allowed(locked.status, Action.CANCEL):
        pickup_hooks().cancel(return_request=locked, actor=actor, now=now)
    return return_transition(
        return_request=return_request,
        action=Action.CANCEL,
        actor=actor,
        move=Move(note=note),
        expected_version=expected_version,
        now=now,
    )


def return_note_add(
    *, return_request: ReturnRequest, actor: Actor, note: str, now: dt.datetime
) -> ReturnRequest:
    """A CS consultation record (상담 내용) on the return's timeline."""
    actor_require(actor, return_request.store_id, Capability.RETURN_NOTE)
    note = note.strip()
    if not note:
        raise errors.NOTE_EMPTY.field("note")
    if len(note) > 5000:
        raise errors.NOTE_TOO_LONG.field("note")
    events.event_note_added(return_request, actor, note=note, now=now)
    return return_request


@transaction.atomic
def return_fee_settle(
    *,
    return_request: ReturnRequest,
    settlement: FeeSettlement,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
) -> ReturnRequest:
    """Record how the buyer's return fee was settled, with an event; the caller checks rights."""
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    locked.fee_settlement = settlement.value
    locked.version += 1
    locked.updated_at = now
    locked.save(update_fields=["fee_settlement", "version", "updated_at"])
    events.event_fee_settled(locked, actor, settlement=settlement.value, note=note, now=now)
    return locked


def return_complete_if_settled(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
) -> ReturnRequest:
    """COMPLETE when the table allows it from here and no return fee is owed; else unchanged.

    The one place the money side ends a return: after its refunds are paid, after a
    replacement or the refused goods left, after a fee owed was settled or waived. The
    transition's own guard refuses a fee outstanding too; asking first keeps a return that
    only waits for its fee quietly where it is instead of raising.
    """
    if return_request.fee_settlement == FeeSettlement.OUTSTANDING:
        return return_request
    if not return_transition_allowed(return_request.status, Action.COMPLETE):
        return return_request
    return return_transition(
        return_request=return_request, action=Action.COMPLETE, actor=actor, now=now
    )


@transaction.atomic
def return_refunded_early_record(
    *, return_request: ReturnRequest, amount: int, now: dt.datetime
) -> ReturnRequest:
    """Settlement paid ``amount`` before the goods came back (the stalled list's money at risk)."""
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    locked.refunded_early_amount += amount
    locked.updated_at = now
    locked.save(update_fields=["refunded_early_amount", "updated_at"])
    return locked
