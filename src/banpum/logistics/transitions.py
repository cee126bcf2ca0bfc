"""The pickup lifecycle as data, and the one function that moves a pickup along it.

Every change of ``Pickup.status`` (and of ``cancel_state``, whether the carrier heard about a
cancel) goes through ``pickup_transition``: it locks the return then the pickup (the one lock
order of logistics), looks the move up in ``TRANSITIONS``, runs its guard, applies it and
records a ``PickupStatusChange`` row, all in one transaction. A move the table does not hold is
refused with a ``Conflict`` (``illegal_transition``), never applied half-way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction

from banpum.core.actors import Actor
from banpum.core.errors import Conflict
from banpum.logistics import errors
from banpum.logistics.models import CancelState, Pickup, PickupStatusChange
from banpum.logistics.models import PickupStatus as S
from banpum.returns.models import ReturnRequest


class PickupAction(StrEnum):
    BOOK = "book"  # the carrier accepted the booking
    ENTER_WAYBILL = "enter_waybill"  # a waybill typed in: nothing was booked
    FAIL = "fail"  # the booking failed for good
    COLLECT = "collect"  # tracking: picked up
    TRANSIT = "transit"  # tracking: on its way
    DELIVER = "deliver"  # tracking: at the return address
    REPORT_EXCEPTION = "report_exception"  # tracking: customer absent, address not found …
    # The warehouse scanned the parcel in, whatever tracking said (or never said).
    RECEIVE_AT_WAREHOUSE = "receive_at_warehouse"
    CANCEL = "cancel"
    # What the carrier answered to the cancel (the status stays cancelled).
    CANCEL_CONFIRMED = "cancel_confirmed"
    CANCEL_REFUSED = "cancel_refused"
    CANCEL_NOT_NEEDED = "cancel_not_needed"


@dataclass(frozen=True)
class PickupMove:
    """What the caller asks for beyond the action: other fields to set, and data to record."""

    changes: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    # For CANCEL: whether the carrier may hold a booking and must be told.
    carrier_owed: bool = False


Guard = Callable[[Pickup, PickupMove], str | None]  # why not, or None
CancelEffect = Callable[[Pickup, PickupMove], str]


def _cancel_sent_or_not(_: Pickup, move: PickupMove) -> str:
    return CancelState.REQUESTED if move.carrier_owed else CancelState.NOT_NEEDED


def _cancel_awaits_carrier(pickup: Pickup, _: PickupMove) -> str | None:
    if pickup.cancel_state == CancelState.REQUESTED:
        return None
    return errors.CANCEL_ALREADY_ANSWERED.render()


@dataclass(frozen=True)
class Transition:
    source: S
    action: PickupAction
    target: S
    guard: Guard | None = None
    # The cancel state after the move: a value, a function of the move, or None (unchanged).
    cancel_state: str | CancelEffect | None = None


_NOT_COLLECTED = (S.REQUESTED, S.ACCEPTED, S.EXCEPTION)
_UNCOLLECTED_BOOKED = (S.ACCEPTED, S.EXCEPTION)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.REQUESTED, PickupAction.BOOK, S.ACCEPTED),
    Transition(S.REQUESTED, PickupAction.ENTER_WAYBILL, S.ACCEPTED),
    Transition(S.REQUESTED, PickupAction.FAIL, S.FAILED),
    *(Transition(s, PickupAction.COLLECT, S.PICKED_UP) for s in _UNCOLLECTED_BOOKED),
    *(
        Transition(s, PickupAction.TRANSIT, S.IN_TRANSIT)
        for s in (*_UNCOLLECTED_BOOKED, S.PICKED_UP)
    ),
    *(
        Transition(s, PickupAction.DELIVER, S.DELIVERED)
        for s in (*_UNCOLLECTED_BOOKED, S.PICKED_UP, S.IN_TRANSIT)
    ),
    # The goods are in our hands: the pickup is over even when tracking never came. Not from
    # ``requested``: a booking still in flight is cancelled at the carrier instead (the
    # warehouse's receive does it), so no driver comes for a parcel we already hold.
    *(
        Transition(s, PickupAction.RECEIVE_AT_WAREHOUSE, S.DELIVERED)
        for s in (*_UNCOLLECTED_BOOKED, S.PICKED_UP, S.IN_TRANSIT)
    ),
    Transition(S.ACCEPTED, PickupAction.REPORT_EXCEPTION, S.EXCEPTION),
    # A later failed attempt while CS has not answered the first one yet.
    Transition(S.EXCEPTION, PickupAction.REPORT_EXCEPTION, S.EXCEPTION),
    *(
        Transition(s, PickupAction.CANCEL, S.CANCELLED, cancel_state=_cancel_sent_or_not)
        for s in _NOT_COLLECTED
    ),
    Transition(
        S.CANCELLED,
        PickupAction.CANCEL_CONFIRMED,
        S.CANCELLED,
        _cancel_awaits_carrier,
        CancelState.CONFIRMED,
    ),
    Transition(
        S.CANCELLED,
        PickupAction.CANCEL_REFUSED,
        S.CANCELLED,
        _cancel_awaits_carrier,
        CancelState.FAILED,
    ),
    Transition(
        S.CANCELLED,
        PickupAction.CANCEL_NOT_NEEDED,
        S.CANCELLED,
        _cancel_awaits_carrier,
        CancelState.NOT_NEEDED,
    ),
)

TABLE: dict[tuple[S, PickupAction], Transition] = {(t.source, t.action): t for t in TRANSITIONS}
if len(TABLE) != len(TRANSITIONS):
    raise RuntimeError("duplicate (status, action) in TRANSITIONS")

# When an action happened, for the pickup's own timestamp fields.
_STAMPS = {
    PickupAction.BOOK: "accepted_at",
    PickupAction.ENTER_WAYBILL: "accepted_at",
    PickupAction.CANCEL: "cancelled_at",
}


def pickup_transition_allowed(status: str, action: PickupAction) -> bool:
    return (S(status), action) in TABLE


def pickup_allowed_actions(status: str) -> list[PickupAction]:
    return [t.action for t in TRANSITIONS if t.source == status]


def pickups_lock(pickup_id: int) -> tuple[ReturnRequest, Pickup]:
    """Lock a pickup's return, then the pickup: the one lock order of every logistics write.

    ``return_request_cancel`` and ``return_transition`` lock the return first too, so a cancel
    racing a booking answer or a tracking event waits instead of deadlocking.
    """
    return_request_id = Pickup.objects.values_list("return_request_id", flat=True).get(pk=pickup_id)
    return_request = ReturnRequest.objects.select_for_update().get(pk=return_request_id)
    pickup = (
        Pickup.objects.select_for_update(of=("self",))
        .select_related("account__carrier", "account__store", "carrier", "parcel")
        .get(pk=pickup_id)
    )
    return return_request, pickup


def pickup_transition(
    *,
    pickup: Pickup,
    action: PickupAction,
    actor: Actor,
    now: dt.datetime,
    move: PickupMove | None = None,
) -> Pickup:
    """Apply ``action`` to the pickup under its row lock; the only writer of ``status``."""
    move = move or PickupMove()
    with transaction.atomic():
        _, locked = pickups_lock(pickup.pk)
        transition = TABLE.get((S(locked.status), action))
        if transition is None:
            raise errors.PICKUP_ILLEGAL_TRANSITION(
                action=action.value.replace("_", " "),
                status=locked.get_status_display(),
                extra={
                    "status": locked.status,
                    "action": action.value,
                    "allowed_actions": [a.value for a in pickup_allowed_actions(locked.status)],
                },
            )
        if transition.guard is not None and (why := transition.guard(locked, move)):
            raise Conflict(
                why,
                code="illegal_transition",
                extra={"status": locked.status, "action": action.value},
            )
        from_status = locked.status
        updated = {"status", "updated_at", *move.changes}
        for name, value in move.changes.items():
            setattr(locked, name, value)
        locked.status = transition.target
        if stamp := _STAMPS.get(action):
            setattr(locked, stamp, now)
            updated.add(stamp)
        effect = transition.cancel_state
        if effect is not None:
            locked.cancel_state = effect(locked, move) if callable(effect) else effect
            locked.cancel_confirmed = locked.cancel_state == CancelState.CONFIRMED
            updated |= {"cancel_state", "cancel_confirmed"}
        locked.save(update_fields=sorted(updated))
        PickupStatusChange.objects.create(
            pickup=locked,
            action=action.value,
            from_status=from_status,
            to_status=locked.status,
            cancel_state=locked.cancel_state,
            actor_type=actor.type,
            actor_label=actor.label[:150],
            data=dict(move.data),
            at=now,
        )
    return locked
