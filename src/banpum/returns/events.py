"""One factory per event type; the only code that writes ``ReturnEvent`` rows."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from banpum.core.actors import Actor
from banpum.returns.models import EventType, ReturnEvent, ReturnRequest


def _event(
    return_request: ReturnRequest,
    type: str,
    actor: Actor,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ReturnEvent:
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
        at=timezone.now(),
    )


def event_created(
    return_request: ReturnRequest, actor: Actor, *, decision: dict[str, Any]
) -> ReturnEvent:
    return _event(
        return_request,
        EventType.CREATED,
        actor,
        to_status=return_request.status,
        data={"origin": return_request.origin, "outcome": decision.get("outcome")},
    )


def event_status_changed(
    return_request: ReturnRequest,
    actor: Actor,
    *,
    from_status: str,
    action: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ReturnEvent:
    return _event(
        return_request,
        EventType.STATUS_CHANGED,
        actor,
        from_status=from_status,
        to_status=return_request.status,
        note=note,
        data={"action": action, **(data or {})},
    )


def event_note_added(return_request: ReturnRequest, actor: Actor, *, note: str) -> ReturnEvent:
    return _event(return_request, EventType.NOTE_ADDED, actor, note=note)


def event_logistics(
    return_request: ReturnRequest,
    actor: Actor,
    *,
    kind: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ReturnEvent:
    """A pickup or tracking fact on the return's timeline (booked, failed, exception, …)."""
    return _event(
        return_request, EventType.LOGISTICS, actor, note=note, data={"kind": kind, **(data or {})}
    )
