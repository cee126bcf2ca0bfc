"""Put a seeded return's rows on its planned timeline instead of the moment the demo ran.

The returns services stamp ``created_at`` and every event's ``at`` with the wall clock (they
take ``now`` only for the policy decision), so without this a seeded history would all read
"today": a return opened 100 days ago, approved a second later. The carrier's part is stamped
by the simulator's clock, which the demo moves by whole days in a few seconds. Only timestamps
move (and the month in the return number that ``created_at`` gives, and the refund due date
that receiving starts); every status, event and decision stays as the services wrote it.

A return's events are spaced by plausible gaps, except the ones the carrier's tracking caused
(collected, delivered, a failed attempt): those keep the simulator's spacing after the
booking, plus a wait for the driver's visit, so the return's timeline, its pickup's
timestamps and the parcel's tracking events tell one story.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from banpum.commerce.models import Store
from banpum.logistics.models import Pickup, PickupStatus, TrackingEvent
from banpum.policy.deadlines import refund_due
from banpum.returns.models import EventType, ReturnEvent, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.transitions import Action

# How many hours after the step before it each action is taken (a range to draw from).
_HOURS_AFTER: dict[str, tuple[float, float]] = {
    Action.APPROVE: (0.3, 18),
    Action.HOLD: (0.3, 8),
    Action.REJECT: (2, 48),
    Action.CANCEL: (1, 30),
    Action.REQUEST_PICKUP: (0.05, 0.7),
    Action.MARK_IN_TRANSIT: (14, 44),
    Action.SWITCH_TO_SELF_SHIP: (1, 24),
    Action.RECEIVE: (20, 60),
    Action.INSPECT: (2, 20),
    Action.COMPLETE: (2, 30),
}
# The same for pickup and tracking facts on the timeline (``EventType.LOGISTICS``, by kind).
_HOURS_AFTER_LOGISTICS: dict[str, tuple[float, float]] = {
    "pickup_booked": (0.01, 0.25),  # the booking job runs within minutes
    "pickup_failed": (0.01, 0.25),
    "pickup_exception": (12, 30),  # only without tracking to go by
    "pickup_cancelled": (1, 30),  # CS cancels or switches (the status change follows at once)
    "pickup_rerequested": (0.5, 6),
}
# How long after the booking the driver comes (the simulator collects within the hour).
_VISIT_HOURS = (12.0, 30.0)
# Carrier facts whose moment the parcel's tracking gives: event → the pickup field to read.
_TRACKED = {
    Action.MARK_IN_TRANSIT.value: "picked_up_at",
    Action.ARRIVE.value: "delivered_at",
    "pickup_exception": "exception_at",
}


def _kind(event: ReturnEvent) -> str:
    return str(event.data.get("kind", "")) if event.type == EventType.LOGISTICS else ""


def _gap(event: ReturnEvent, previous: ReturnEvent | None, rng: random.Random) -> dt.timedelta:
    """How long after the previous event this one plausibly happened."""
    if previous is None:
        return dt.timedelta()
    if event.type == EventType.NOTE_ADDED:
        if previous.type == EventType.CREATED:
            return dt.timedelta(minutes=rng.uniform(1, 5))
        if previous.actor_label == "policy":  # CS follows an automatic decision up at once
            return dt.timedelta(minutes=rng.uniform(1, 10))
        return dt.timedelta(hours=rng.uniform(0.5, 6))
    kind = _kind(event)
    if kind:
        if kind == "no_carrier":
            return dt.timedelta(seconds=rng.randint(1, 3))  # decided in the approval
        return dt.timedelta(hours=rng.uniform(*_HOURS_AFTER_LOGISTICS.get(kind, (0.5, 6))))
    action = event.data.get("action")
    if (
        event.actor_label == "policy"
        or action == Action.AWAIT_SHIPMENT
        or _kind(previous) == "pickup_cancelled"
    ):
        return dt.timedelta(seconds=rng.randint(1, 3))  # decided in the same request
    if action == Action.RECEIVE and previous.data.get("action") == Action.ARRIVE:
        return dt.timedelta(hours=rng.uniform(0.5, 18))  # scanned in on the day it arrives
    hours = _HOURS_AFTER.get(str(action), (1.0, 12.0))
    return dt.timedelta(hours=rng.uniform(*hours))


def _tracked_moment(
    event: ReturnEvent, pickups: dict[int, Pickup]
) -> tuple[int, dt.datetime] | None:
    """(pickup id, carrier moment) for an event the parcel's tracking caused, else None."""
    if event.type == EventType.LOGISTICS:
        name = _kind(event)
    elif event.type == EventType.STATUS_CHANGED and event.actor_label.startswith("carrier:"):
        name = str(event.data.get("action", ""))
    else:
        return None
    pickup = pickups.get(event.data.get("pickup_id", 0))
    moment = getattr(pickup, _TRACKED[name], None) if name in _TRACKED else None
    return (pickup.pk, moment) if pickup is not None and moment is not None else None


class _Journeys:
    """Each pickup's carrier moments placed on the return's timeline (before scaling).

    The booking event fixes where a parcel's journey starts; the simulator's first event (the
    booking, ``INFORMATION_RECEIVED``) is that moment, and every later one keeps its distance
    from it, after the wait for the driver.
    """

    def __init__(self, tracking: dict[int, list[TrackingEvent]]) -> None:
        self.start = {pk: min(e.occurred_at for e in rows) for pk, rows in tracking.items() if rows}
        self.booked: dict[int, dt.timedelta] = {}
        self.visit: dict[int, dt.timedelta] = {}

    def book(self, pickup_id: int, offset: dt.timedelta, rng: random.Random) -> None:
        self.booked[pickup_id] = offset
        self.visit[pickup_id] = dt.timedelta(hours=rng.uniform(*_VISIT_HOURS))

    def offset(self, pickup_id: int, moment: dt.datetime) -> dt.timedelta | None:
        if pickup_id not in self.booked or pickup_id not in self.start:
            return None
        since = moment - self.start[pickup_id]
        wait = self.visit[pickup_id] if since > dt.timedelta() else dt.timedelta()
        return self.booked[pickup_id] + wait + since


def backdate(
    return_request: ReturnRequest,
    opened_at: dt.datetime,
    now: dt.datetime,
    rng: random.Random,
    store: Store,
) -> None:
    """Put the return's rows, its pickups and their tracking on its planned timeline.

    Call it once per return, after its last step: the carrier moments it reads are the
    simulator's, and it overwrites them.
    """
    events = list(ReturnEvent.objects.filter(return_request=return_request).order_by("id"))
    pickups = {p.pk: p for p in Pickup.objects.filter(return_request=return_request)}
    tracking: dict[int, list[TrackingEvent]] = {pk: [] for pk in pickups}
    for row in TrackingEvent.objects.filter(pickup__in=list(pickups)).order_by("id"):
        assert row.pickup_id is not None
        tracking[row.pickup_id].append(row)
    journeys = _Journeys(tracking)

    offsets: list[dt.timedelta] = []
    clock = dt.timedelta()
    previous = None
    for event in events:
        tracked = _tracked_moment(event, pickups)
        placed = journeys.offset(*tracked) if tracked else None
        if placed is not None:
            clock = max(clock, placed)
        else:
            clock += _gap(event, previous, rng)
        if _kind(event) == "pickup_booked":
            journeys.book(int(event.data["pickup_id"]), clock, rng)
        offsets.append(clock)
        previous = event
    ends = [clock]
    for pk, rows in tracking.items():
        ends += [o for row in rows if (o := journeys.offset(pk, row.occurred_at)) is not None]
    end = max(ends)

    latest = now - dt.timedelta(minutes=rng.uniform(5, 50))
    scale = 1.0
    if end and opened_at + end > latest:
        scale = max((latest - opened_at) / end, 0.0)

    def at(offset: dt.timedelta) -> dt.datetime:
        return opened_at + offset * scale

    received_at = None
    for event, offset in zip(events, offsets, strict=True):
        event.at = at(offset)
        if event.to_status == S.RECEIVED:
            received_at = event.at
    ReturnEvent.objects.bulk_update(events, ["at"])
    moment = events[-1].at if events else opened_at
    _pickups_backdate(pickups, tracking, journeys, events, offsets, at)

    return_request.created_at = opened_at
    return_request.updated_at = moment
    tz = ZoneInfo(store.timezone)
    month = opened_at.astimezone(tz).strftime("%y%m")
    number = return_request.number or ""
    if len(number) > 5 and number[0] == "R" and number[1:5].isdigit() and number[5] == "-":
        return_request.number = f"R{month}{number[5:]}"
    fields = ["created_at", "updated_at", "number"]
    if received_at is not None and return_request.refund_due_on is None:
        return_request.refund_due_on = refund_due(
            received_at.astimezone(tz).date(),
            business_days=return_request.refund_business_days,
            country=store.country,
        )
        fields.append("refund_due_on")
    ReturnRequest.objects.filter(pk=return_request.pk).update(
        **{name: getattr(return_request, name) for name in fields}
    )


def _pickups_backdate(
    pickups: dict[int, Pickup],
    tracking: dict[int, list[TrackingEvent]],
    journeys: _Journeys,
    events: Sequence[ReturnEvent],
    offsets: Sequence[dt.timedelta],
    at: Callable[[dt.timedelta], dt.datetime],
) -> None:
    """Each pickup's timestamps from the events that name it, its tracking from its journey."""
    requested: dict[int, dt.timedelta] = {}
    booked: dict[int, dt.timedelta] = {}
    failed: dict[int, dt.timedelta] = {}
    cancelled: dict[int, dt.timedelta] = {}
    for event, offset in zip(events, offsets, strict=True):
        data, kind = event.data, _kind(event)
        if "pickup_id" in data:
            requested.setdefault(int(data["pickup_id"]), offset)
        if kind == "pickup_booked":
            booked[int(data["pickup_id"])] = offset
        elif kind == "pickup_failed":
            failed[int(data["pickup_id"])] = offset
        elif kind == "pickup_cancelled":
            for pk in data.get("pickup_ids", []):
                cancelled[int(pk)] = offset
        elif kind == "pickup_rerequested" and data.get("previous_pickup_id"):
            cancelled.setdefault(int(data["previous_pickup_id"]), offset)

    for pk, pickup in pickups.items():
        start = requested.get(pk, offsets[-1] if offsets else dt.timedelta())

        def carrier(moment: dt.datetime | None, pk: int = pk) -> dt.datetime | None:
            offset = journeys.offset(pk, moment) if moment is not None else None
            return at(offset) if offset is not None else None

        changes: dict[str, dt.datetime | None] = {"requested_at": at(start)}
        if pickup.accepted_at is not None:
            changes["accepted_at"] = at(booked.get(pk, start))
        if pickup.picked_up_at is not None:
            changes["picked_up_at"] = carrier(pickup.picked_up_at)
        if pickup.delivered_at is not None:
            changes["delivered_at"] = carrier(pickup.delivered_at)
        if pickup.exception_at is not None:
            if pickup.status == PickupStatus.FAILED or pk in failed:
                changes["exception_at"] = at(failed.get(pk, start))
            else:
                changes["exception_at"] = carrier(pickup.exception_at)
        if pickup.cancelled_at is not None and pk in cancelled:
            changes["cancelled_at"] = at(cancelled[pk])
        if pickup.status == PickupStatus.REQUESTED:
            changes["next_attempt_at"] = changes["requested_at"]  # due since it was requested
        changes = {name: value for name, value in changes.items() if value is not None}
        rows = tracking[pk]
        for row in rows:
            row.occurred_at = row.received_at = carrier(row.occurred_at) or row.occurred_at
        if rows:
            TrackingEvent.objects.bulk_update(rows, ["occurred_at", "received_at"])
        stamps = [value for value in changes.values() if value is not None]
        stamps += [row.received_at for row in rows]
        Pickup.objects.filter(pk=pk).update(**changes, updated_at=max(stamps))
