"""One factory per event type; the only code that writes ``ReturnEvent`` rows.

An event is a type plus data: ``data`` carries everything needed to put it into words later,
in the reader's language (codes, amounts, ids), and ``note`` only what a person wrote. Each
factory takes the moment (``now``) from its caller's clock.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.utils import timezone

from banpum.core.actors import Actor
from banpum.returns.models import EventType, ReturnEvent, ReturnRequest


class LogisticsKind(StrEnum):
    """What a logistics event (``data["kind"]``) says happened; ``returns.timeline`` words it."""

    NO_CARRIER = "no_carrier"
    PICKUP_BOOKED = "pickup_booked"
    PICKUP_FAILED = "pickup_failed"
    PICKUP_REREQUESTED = "pickup_rerequested"
    PICKUP_CANCELLED = "pickup_cancelled"
    PICKUP_CANCEL_FAILED = "pickup_cancel_failed"
    PICKUP_EXCEPTION = "pickup_exception"


class StatusCause(StrEnum):
    """Why an automatic status change happened, when its action alone does not say it.

    Stored as ``data["cause"]`` on ``status_changed`` events; ``returns.timeline`` words it.
    """

    AUTO_APPROVAL = "auto_approval"  # the policy's auto-approval rule
    POLICY_EXCEPTION = "policy_exception"  # held: the policy refused, kept for a person
    POLICY_HOLD = "policy_hold"  # held by the policy (e.g. photos missing)
    METHOD = "method"  # drop-off, self-ship, in store: the customer sends the parcel
    CARRIER_UNLINKED = "carrier_unlinked"  # a carrier we cannot book: the customer books it
    PICKUP_REQUESTED = "pickup_requested"  # a linked carrier is being booked
    WAYBILL_ENTERED = "waybill_entered"  # a waybill typed in by the customer or CS
    PICKED_UP = "picked_up"  # the carrier's tracking says it collected the parcel
    DELIVERED = "delivered"  # the carrier's tracking says it reached the return address


def _event(
    return_request: ReturnRequest,
    type: str,
    actor: Actor,
    *,
    now: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ReturnEvent:
    if timezone.is_naive(now):
        raise ValueError("events take aware datetimes only")
    return ReturnEvent.objects.create(
        return_request=return_request,
        type=type,
        from_status=from_status,
        to_status=to_status,
        actor_type=actor.type,
        actor_user=actor.user if getattr(actor.user, "pk", None) else None,
        actor_label=actor.label[:150],
        note=note,
        data=data or {},
        at=now,
    )


def event_created(
    return_request: ReturnRequest, actor: Actor, *, decision: dict[str, Any], now: dt.datetime
) -> ReturnEvent:
    return _event(
        return_request,
        EventType.CREATED,
        actor,
        now=now,
        to_status=return_request.status,
        data={
            "origin": return_request.origin,
            "outcome": decision.get("outcome"),
            "number": return_request.number,
            "type": return_request.type,
            "reason_code": return_request.reason_code,
            "resolution": return_request.resolution,
            "method": return_request.method,
            "refund_estimate": return_request.refund_estimate,
            "fee": {
                "payer": return_request.fee_payer,
                "amount": return_request.fee_amount,
                "collection": return_request.fee_collection,
            },
        },
    )


def event_status_changed(
    return_request: ReturnRequest,
    actor: Actor,
    *,
    from_status: str,
    action: str,
    now: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ReturnEvent:
    return _event(
        return_request,
        EventType.STATUS_CHANGED,
        actor,
        now=now,
        from_status=from_status,
        to_status=return_request.status,
        note=note,
        data={"action": action, **(data or {})},
    )


def event_note_added(
    return_request: ReturnRequest, actor: Actor, *, note: str, now: dt.datetime
) -> ReturnEvent:
    return _event(return_request, EventType.NOTE_ADDED, actor, now=now, note=note)


def event_logistics(
    return_request: ReturnRequest,
    actor: Actor,
    *,
    kind: LogisticsKind,
    note: str = "",
    data: dict[str, Any] | None = None,
    now: dt.datetime,
) -> ReturnEvent:
    """A pickup or tracking fact on the return's timeline (booked, failed, exception, …).

    ``note`` is only what a person wrote (a CS agent's words on a re-request); the facts go in
    ``data`` and ``returns.timeline`` words them in the reader's language.
    """
    return _event(
        return_request,
        EventType.LOGISTICS,
        actor,
        now=now,
        note=note,
        data={"kind": kind.value, **(data or {})},
    )


def event_fee_settled(
    return_request: ReturnRequest,
    actor: Actor,
    *,
    settlement: str,
    note: str = "",
    now: dt.datetime,
) -> ReturnEvent:
    """How the buyer's return fee was settled (waived, transferred, …); ``note`` says why."""
    return _event(
        return_request,
        EventType.FEE_SETTLED,
        actor,
        now=now,
        note=note,
        data={"fee_settlement": settlement, "amount": return_request.fee_amount},
    )
