"""How tracking events move a pickup: pure functions, no ORM.

Carriers send events late, twice and out of order. The pickup's progress is therefore the
furthest point any event proves, never the last event received: a late ``IN_TRANSIT`` after
``DELIVERED`` changes nothing, and a duplicate is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from banpum.integrations.carriers.base import TRACKING_STATUSES, stable_key

# Pickup progress, in order. Values match logistics.models.PickupStatus.
REQUESTED = "requested"
ACCEPTED = "accepted"
PICKED_UP = "picked_up"
IN_TRANSIT = "in_transit"
DELIVERED = "delivered_to_warehouse"
CANCELLED = "cancelled"
EXCEPTION = "exception"
FAILED = "failed"

PROGRESS_RANK = {REQUESTED: 0, ACCEPTED: 1, EXCEPTION: 1, PICKED_UP: 2, IN_TRANSIT: 3, DELIVERED: 4}

# tracker.delivery status → the pickup progress it proves.
STATUS_PROGRESS = {
    "INFORMATION_RECEIVED": ACCEPTED,
    "AT_PICKUP": PICKED_UP,
    "IN_TRANSIT": IN_TRANSIT,
    "OUT_FOR_DELIVERY": IN_TRANSIT,
    "AVAILABLE_FOR_PICKUP": IN_TRANSIT,
    "DELIVERED": DELIVERED,
}
FAILURE_STATUSES = frozenset({"ATTEMPT_FAIL", "EXCEPTION"})


@dataclass(frozen=True)
class EventFacts:
    status: str
    occurred_at: dt.datetime
    exception_code: str = ""
    description: str = ""


@dataclass(frozen=True)
class Progress:
    status: str
    picked_up_at: dt.datetime | None
    delivered_at: dt.datetime | None
    exception: EventFacts | None  # the failure that stopped the pickup, when it did


def pickup_progress(current: str, events: Iterable[EventFacts]) -> Progress:
    """Where a pickup stands given every event seen so far (in any order, with duplicates).

    A failure (customer absent, address not found) counts only while the parcel has not been
    collected: once any event proves pickup, a failed attempt was a later hiccup of transit.
    """
    # Ties in time are broken by content, so that arrival order can never change the answer.
    ordered = sorted(
        events, key=lambda e: (e.occurred_at, e.status, e.exception_code, e.description)
    )
    best = current
    picked_up_at = delivered_at = None
    failure: EventFacts | None = None
    for event in ordered:
        proved = STATUS_PROGRESS.get(event.status)
        if proved is not None:
            if proved in (PICKED_UP, IN_TRANSIT, DELIVERED) and picked_up_at is None:
                picked_up_at = event.occurred_at
            if proved == DELIVERED and delivered_at is None:
                delivered_at = event.occurred_at
            if _rank(proved) > _rank(best):
                best = proved
        elif event.status in FAILURE_STATUSES and picked_up_at is None:
            failure = event
    if current in (CANCELLED, FAILED):
        return Progress(current, picked_up_at, delivered_at, None)
    if picked_up_at is None and failure is not None and _rank(best) <= _rank(ACCEPTED):
        return Progress(EXCEPTION, None, None, failure)
    if current == EXCEPTION and _rank(best) <= _rank(ACCEPTED):
        return Progress(EXCEPTION, None, None, None)
    return Progress(best, picked_up_at, delivered_at, None)


def _rank(status: str) -> int:
    return PROGRESS_RANK.get(status, 0)


def dedupe_key(
    *, status: str, occurred_at: dt.datetime, location: str = "", description: str = ""
) -> str:
    """A stable key for an event the carrier gave no id to."""
    return stable_key(occurred_at.astimezone(dt.UTC).isoformat(), status, location, description)


KNOWN_STATUSES = TRACKING_STATUSES
