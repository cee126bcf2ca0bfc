"""A return's history as a shopper may read it: like a parcel tracker, newest first.

Built from the same rows as the office's timeline (``returns.timeline.event_text``) and the
carrier's tracking events, minus what is only for staff: CS notes, holds (their fraud signals
and policy exceptions), booking failures CS handles, and the warehouse's findings. A hold or an
inspection shows as the plain status instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from banpum.logistics.models import Pickup, TrackingEvent
from banpum.portal.texts import status_words
from banpum.returns.events import LogisticsKind
from banpum.returns.models import EventType, ReturnEvent
from banpum.returns.timeline import event_text
from banpum.returns.transitions import Action

# Status changes whose words (``event_text``) a shopper may read as they are.
_SHOWN_ACTIONS = frozenset(Action) - {Action.HOLD, Action.INSPECT}
_SHOWN_LOGISTICS = frozenset(
    {
        LogisticsKind.PICKUP_BOOKED,
        LogisticsKind.PICKUP_REREQUESTED,
        LogisticsKind.PICKUP_CANCELLED,
        LogisticsKind.PICKUP_EXCEPTION,
    }
)


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    text: str
    detail: str = ""  # a person's words the shopper should read (a rejection's reason)


def _event_entry(event: ReturnEvent) -> Entry | None:
    data = event.data if isinstance(event.data, Mapping) else {}
    if event.type == EventType.CREATED:
        return Entry(event.at, event_text(event))
    if event.type == EventType.STATUS_CHANGED:
        try:
            action = Action(str(data.get("action")))
        except ValueError:
            return Entry(event.at, status_words(event.to_status))
        if action not in _SHOWN_ACTIONS:
            return Entry(event.at, status_words(event.to_status))
        # A rejection's note is written for the customer (the transition asks for it).
        detail = event.note if action is Action.REJECT else ""
        return Entry(event.at, event_text(event), detail)
    if event.type == EventType.LOGISTICS:
        try:
            kind = LogisticsKind(str(data.get("kind")))
        except ValueError:
            return None
        return Entry(event.at, event_text(event)) if kind in _SHOWN_LOGISTICS else None
    if event.type == EventType.FEE_SETTLED:
        return Entry(event.at, event_text(event))
    return None  # notes are the staff's


def _tracking_entry(event: TrackingEvent) -> Entry:
    words = [event.get_status_display()]
    if event.location:
        words.append(event.location)
    return Entry(event.occurred_at, " · ".join(words), event.description)


def shopper_timeline(events: Iterable[ReturnEvent], pickups: Iterable[Pickup]) -> list[Entry]:
    """Newest first. ``pickups`` from ``logistics.selectors.pickups_for_return`` (their
    parcels' tracking events prefetched)."""
    entries = [entry for event in events if (entry := _event_entry(event)) is not None]
    seen: set[int] = set()
    for pickup in pickups:
        if pickup.parcel is None:
            continue
        for tracking in pickup.parcel.tracking_events.all():
            if tracking.pk not in seen:
                seen.add(tracking.pk)
                entries.append(_tracking_entry(tracking))
    # Newest first; of moves made in the same instant, the later one first too.
    ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    return [entry for _, entry in ordered]
