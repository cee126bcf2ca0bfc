"""The return lifecycle as data, and the one function that moves a return along it.

Every status change goes through ``return_transition``: it locks the row, looks the move up in
``TRANSITIONS``, runs the move's guard, bumps the version and writes the event, all in one
transaction. Later capabilities (pickup, receiving, refunds) add rows here, not new writers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import pgettext_lazy

from banpum.core.actors import Actor
from banpum.core.errors import ErrorCode
from banpum.policy.deadlines import local_date, refund_due
from banpum.policy.selectors import extra_holidays_for
from banpum.policy.texts import money
from banpum.policy.types import HoldReason
from banpum.returns import errors, events
from banpum.returns.models import OPEN_STATUSES, FeeSettlement, ReturnRequest
from banpum.returns.models import ReturnStatus as S


class Action(StrEnum):
    APPROVE = "approve"
    HOLD = "hold"
    REJECT = "reject"
    REQUEST_PICKUP = "request_pickup"
    AWAIT_SHIPMENT = "await_shipment"
    MARK_IN_TRANSIT = "mark_in_transit"
    SWITCH_TO_SELF_SHIP = "switch_to_self_ship"
    ARRIVE = "arrive"
    RECEIVE_PART = "receive_part"  # some of the return's boxes are in, not all
    RECEIVE = "receive"
    INSPECT = "inspect"
    KEEP_ITEM = "keep_item"  # refund without collecting (policy: cheap or bulky goods)
    START_REFUND = "start_refund"
    REFUND_PAID = "refund_paid"
    SEND_BACK = "send_back"  # every line refused at inspection
    START_EXCHANGE = "start_exchange"
    SHIP_EXCHANGE = "ship_exchange"
    COMPLETE = "complete"
    CANCEL = "cancel"


# The action as a verb in the reader's language, for messages ("Cannot cancel return …").
ACTION_VERBS = {
    Action.APPROVE: pgettext_lazy("verb in a message", "approve"),
    Action.HOLD: pgettext_lazy("verb in a message", "hold"),
    Action.REJECT: pgettext_lazy("verb in a message", "reject"),
    Action.REQUEST_PICKUP: pgettext_lazy("verb in a message", "request a pickup for"),
    Action.AWAIT_SHIPMENT: pgettext_lazy("verb in a message", "await the shipment of"),
    Action.MARK_IN_TRANSIT: pgettext_lazy("verb in a message", "mark in transit"),
    Action.SWITCH_TO_SELF_SHIP: pgettext_lazy("verb in a message", "switch to self-ship"),
    Action.ARRIVE: pgettext_lazy("verb in a message", "mark as arrived"),
    Action.RECEIVE_PART: pgettext_lazy("verb in a message", "receive part of"),
    Action.RECEIVE: pgettext_lazy("verb in a message", "receive"),
    Action.INSPECT: pgettext_lazy("verb in a message", "inspect"),
    Action.KEEP_ITEM: pgettext_lazy("verb in a message", "refund without collecting"),
    Action.START_REFUND: pgettext_lazy("verb in a message", "start the refund of"),
    Action.REFUND_PAID: pgettext_lazy("verb in a message", "mark as refunded"),
    Action.SEND_BACK: pgettext_lazy("verb in a message", "send back"),
    Action.START_EXCHANGE: pgettext_lazy("verb in a message", "start the exchange of"),
    Action.SHIP_EXCHANGE: pgettext_lazy("verb in a message", "ship the replacement of"),
    Action.COMPLETE: pgettext_lazy("verb in a message", "complete"),
    Action.CANCEL: pgettext_lazy("verb in a message", "cancel"),
}


@dataclass(frozen=True)
class Move:
    """What a caller asks for, beyond the action: the words and data the guards check."""

    note: str = ""
    hold_reason: HoldReason | None = None
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class GuardFailure:
    """Why a guard refused a move, and which input (``field``) the caller should fix."""

    field: str
    error: ErrorCode
    params: Mapping[str, Any] | None = None


Guard = Callable[[ReturnRequest, Move], GuardFailure | None]


def _needs_hold_reason(_: ReturnRequest, move: Move) -> GuardFailure | None:
    if move.hold_reason:
        return None
    return GuardFailure("hold_reason", errors.HOLD_REASON_MISSING)


def _needs_note(_: ReturnRequest, move: Move) -> GuardFailure | None:
    if move.note.strip():
        return None
    return GuardFailure("note", errors.NOTE_MISSING)


def _fee_not_outstanding(return_request: ReturnRequest, _: Move) -> GuardFailure | None:
    if return_request.fee_settlement != FeeSettlement.OUTSTANDING:
        return None
    return GuardFailure(
        "fee_settlement", errors.FEE_OUTSTANDING, {"amount": money(return_request.fee_amount)}
    )


# What a move changes beyond the status, under the same lock: the names of the fields it set.
Effect = Callable[[ReturnRequest, dt.datetime], list[str]]


def refund_due_from(return_request: ReturnRequest, goods_back_at: dt.datetime) -> dt.date:
    """The legal refund deadline (3 business days in Korea) counted from ``goods_back_at``."""
    store = return_request.store
    return refund_due(
        local_date(goods_back_at, store.timezone),
        business_days=return_request.refund_business_days,
        country=store.country,
        extra_holidays=extra_holidays_for(store),
    )


def _delivered(return_request: ReturnRequest, now: dt.datetime) -> list[str]:
    return_request.arrived_at = now
    return ["arrived_at"]


def _refund_clock_starts(return_request: ReturnRequest, now: dt.datetime) -> list[str]:
    """The goods are back: the refund period starts at the carrier's delivery or the scan,
    whichever came first, so a slow scan never hides a late refund."""
    return_request.received_at = now
    arrived_at = return_request.arrived_at
    goods_back_at = min(arrived_at, now) if arrived_at else now
    return_request.refund_due_on = refund_due_from(return_request, goods_back_at)
    return ["received_at", "refund_due_on"]


def _refund_clock_starts_without_goods(
    return_request: ReturnRequest, now: dt.datetime
) -> list[str]:
    """Refunded without collecting: the period runs from the decision; nothing is coming back."""
    return_request.refund_due_on = refund_due_from(return_request, now)
    return ["refund_due_on"]


@dataclass(frozen=True)
class Transition:
    source: S
    action: Action
    target: S
    guard: Guard | None = None
    effect: Effect | None = None


_BEFORE_PICKUP = (S.REQUESTED, S.ON_HOLD, S.APPROVED, S.PICKUP_REQUESTED, S.AWAITING_SHIPMENT)
# Where the warehouse may scan a parcel in: after the carrier's delivery, and also before it when
# tracking never came (a hand-entered waybill, a self-shipped parcel, a counter hand-over).
_RECEIVABLE = (S.PICKUP_REQUESTED, S.AWAITING_SHIPMENT, S.IN_TRANSIT, S.ARRIVED)
# The money (or the replacement, or the goods sent back) has gone out: done unless a fee is owed.
_SETTLED = (S.REFUNDED, S.SENT_BACK, S.EXCHANGE_SHIPPED)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.REQUESTED, Action.APPROVE, S.APPROVED),
    Transition(S.REQUESTED, Action.HOLD, S.ON_HOLD, _needs_hold_reason),
    Transition(S.REQUESTED, Action.REJECT, S.REJECTED, _needs_note),
    Transition(S.ON_HOLD, Action.APPROVE, S.APPROVED),
    Transition(S.ON_HOLD, Action.REJECT, S.REJECTED, _needs_note),
    Transition(S.APPROVED, Action.REQUEST_PICKUP, S.PICKUP_REQUESTED),
    Transition(S.APPROVED, Action.AWAIT_SHIPMENT, S.AWAITING_SHIPMENT),
    Transition(S.PICKUP_REQUESTED, Action.MARK_IN_TRANSIT, S.IN_TRANSIT),
    Transition(S.AWAITING_SHIPMENT, Action.MARK_IN_TRANSIT, S.IN_TRANSIT),
    # CS gives up on a failing carrier pickup: the customer sends the parcel themselves.
    Transition(S.PICKUP_REQUESTED, Action.SWITCH_TO_SELF_SHIP, S.AWAITING_SHIPMENT),
    # The carrier delivered the parcel to the return address: it waits for the warehouse scan.
    Transition(S.IN_TRANSIT, Action.ARRIVE, S.ARRIVED, effect=_delivered),
    *(Transition(s, Action.RECEIVE_PART, S.PARTIALLY_RECEIVED) for s in _RECEIVABLE),
    # Another box of several, still not the last.
    Transition(S.PARTIALLY_RECEIVED, Action.RECEIVE_PART, S.PARTIALLY_RECEIVED),
    *(
        Transition(s, Action.RECEIVE, S.RECEIVED, effect=_refund_clock_starts)
        for s in (*_RECEIVABLE, S.PARTIALLY_RECEIVED)
    ),
    Transition(S.RECEIVED, Action.INSPECT, S.INSPECTED),
    Transition(
        S.APPROVED, Action.KEEP_ITEM, S.ITEM_KEPT, effect=_refund_clock_starts_without_goods
    ),
    Transition(S.INSPECTED, Action.START_REFUND, S.REFUND_PENDING),
    Transition(S.INSPECTED, Action.SEND_BACK, S.SENT_BACK),
    Transition(S.INSPECTED, Action.START_EXCHANGE, S.EXCHANGE_PENDING),
    # 맞교환: the replacement went out with the pickup, so it has shipped already.
    Transition(S.INSPECTED, Action.SHIP_EXCHANGE, S.EXCHANGE_SHIPPED),
    Transition(S.EXCHANGE_PENDING, Action.SHIP_EXCHANGE, S.EXCHANGE_SHIPPED),
    # No stock for the replacement: refunded instead, with the customer's consent (a note).
    Transition(S.EXCHANGE_PENDING, Action.START_REFUND, S.REFUND_PENDING, _needs_note),
    Transition(S.REFUND_PENDING, Action.REFUND_PAID, S.REFUNDED),
    Transition(S.ITEM_KEPT, Action.REFUND_PAID, S.REFUNDED),
    *(Transition(s, Action.COMPLETE, S.COMPLETED, _fee_not_outstanding) for s in _SETTLED),
    *(Transition(source, Action.CANCEL, S.CANCELLED) for source in _BEFORE_PICKUP),
)

TABLE: dict[tuple[S, Action], Transition] = {(t.source, t.action): t for t in TRANSITIONS}
if len(TABLE) != len(TRANSITIONS):
    raise RuntimeError("duplicate (status, action) in TRANSITIONS")

# Named groups of statuses, for the checks other modules make; derived from the table where
# the table says it, so a new row cannot leave a copy behind.
CANCELLABLE: frozenset[S] = frozenset(t.source for t in TRANSITIONS if t.action is Action.CANCEL)
# A person has yet to decide: approve, hold (from requested) or reject.
AWAITING_DECISION: frozenset[S] = frozenset(
    t.source for t in TRANSITIONS if t.action is Action.APPROVE
)
# The goods are at the warehouse (received or later).
GOODS_BACK: frozenset[S] = frozenset(
    {
        S.RECEIVED,
        S.INSPECTED,
        S.REFUND_PENDING,
        S.REFUNDED,
        S.SENT_BACK,
        S.EXCHANGE_PENDING,
        S.EXCHANGE_SHIPPED,
        S.COMPLETED,
    }
)
# Passed through, never rested in: the warehouse's inspection hands the return to settlement
# in the same transaction (refund, exchange or send-back), so no return stays ``inspected``.
MOMENTARY: frozenset[S] = frozenset({S.INSPECTED})
# Statuses no action leaves.
FINAL: frozenset[S] = frozenset(S) - frozenset(t.source for t in TRANSITIONS)
# ``models.OPEN_STATUSES`` (the queries' filter, kept there for the apps below returns) is the
# table's open statuses: the statuses some action leaves.
if frozenset(S) - FINAL != OPEN_STATUSES:
    raise RuntimeError("OPEN_STATUSES disagrees with TRANSITIONS")


def return_transition_allowed(status: str, action: Action) -> bool:
    return (S(status), action) in TABLE


def allowed_actions(status: str) -> list[Action]:
    return [t.action for t in TRANSITIONS if t.source == status]


def return_transition(
    *,
    return_request: ReturnRequest,
    action: Action,
    actor: Actor,
    move: Move | None = None,
    now: dt.datetime,
    expected_version: int | None = None,
) -> ReturnRequest:
    """Apply ``action`` to the return under a row lock; the only writer of ``status``.

    ``now`` is the caller's clock: the event, ``updated_at`` and any deadline it starts.
    """
    move = move or Move()
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if expected_version is not None and locked.version != expected_version:
            raise errors.STALE_VERSION(
                number=locked.number,
                version=locked.version,
                expected=expected_version,
                extra={"version": locked.version},
            )
        transition = TABLE.get((S(locked.status), action))
        if transition is None:
            raise errors.ILLEGAL_TRANSITION(
                action=ACTION_VERBS[action],
                number=locked.number,
                status=locked.get_status_display(),
                extra={
                    "status": locked.status,
                    "action": action.value,
                    "allowed_actions": [a.value for a in allowed_actions(locked.status)],
                },
            )
        if transition.guard is not None and (failure := transition.guard(locked, move)):
            params = dict(failure.params or {})
            message = failure.error.render(**params)
            raise failure.error(
                extra={"action": action.value, "fields": {failure.field: [message]}}, **params
            )

        from_status = locked.status
        locked.status = transition.target
        locked.hold_reason = (
            move.hold_reason.value if transition.target == S.ON_HOLD and move.hold_reason else ""
        )
        locked.version += 1
        locked.updated_at = now
        changed = ["status", "hold_reason", "version", "updated_at"]
        if transition.effect is not None:
            changed += transition.effect(locked, now)
        locked.save(update_fields=changed)
        data = dict(move.data or {})
        if move.hold_reason:
            data["hold_reason"] = move.hold_reason.value
        events.event_status_changed(
            locked,
            actor,
            from_status=from_status,
            action=action.value,
            note=move.note,
            data=data,
            now=now,
        )
    return locked
