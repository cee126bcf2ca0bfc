"""One factory per event type; the only code that writes ``ReturnEvent`` rows.

An event is a type plus data: ``data`` carries everything needed to put it into words later,
in the reader's language (codes, amounts, ids), and ``note`` only what a person wrote. Each
factory takes the moment (``now``) from its caller's clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from banpum.core.actors import Actor
from banpum.returns.models import EventType, ReturnEvent, ReturnRequest


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
    kind: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    now: dt.datetime,
) -> ReturnEvent:
    """A pickup or tracking fact on the return's timeline (booked, failed, exception, …)."""
    return _event(
        return_request,
        EventType.LOGISTICS,
        actor,
        now=now,
        note=note,
        data={"kind": kind, **(data or {})},
    )
