"""The demo's clock: each seeded return lives on its own planned timeline, in the past.

The services take ``now``, so the demo writes every row of a return's history at the moment it
plausibly happened instead of rewriting times afterwards (events cannot be rewritten: the
database refuses). ``ReturnClock`` gives one return's moments, each step a plausible gap after
the one before and never later than shortly before the demo's ``now``; ``Journey`` places a
parcel's simulated carrier events on that timeline.

Only two insert stamps of the logistics rows are set afterwards (``pickups_restamp``):
``Pickup.requested_at`` and ``TrackingEvent.received_at`` are taken by the database on insert
(``auto_now_add``), not from a clock argument.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from banpum.logistics.models import Pickup, PickupStatus, TrackingEvent
from banpum.returns.models import ReturnEvent
from banpum.returns.transitions import Action

# How many hours after the step before it each step is taken (a range to draw from).
HOURS_AFTER: dict[str, tuple[float, float]] = {
    Action.APPROVE: (0.3, 18),
    Action.HOLD: (0.3, 8),
    Action.REJECT: (2, 48),
    Action.CANCEL: (1, 30),
    Action.MARK_IN_TRANSIT: (14, 44),
    Action.SWITCH_TO_SELF_SHIP: (1, 24),
    Action.RECEIVE: (20, 60),
    Action.INSPECT: (2, 20),
    Action.COMPLETE: (2, 30),
    "note": (0.5, 6),  # a CS note later on
    "note_at_once": (1 / 60, 10 / 60),  # CS writes it up right after the request or decision
    "booking": (0.01, 0.25),  # the booking job runs within minutes
    "rerequest": (0.5, 6),
    "scan": (0.5, 18),  # scanned in on the day the parcel arrives
    "backlog": (150, 200),  # a return left uninspected for a week (its refund pays late)
}
# How long after the booking the driver comes (the simulator collects within the hour).
VISIT_HOURS = (12.0, 30.0)


class ReturnClock:
    """One return's clock: starts when it was opened, moves forward by plausible steps."""

    def __init__(self, start: dt.datetime, *, now: dt.datetime, rng: random.Random) -> None:
        self.rng = rng
        # Nothing happens in the last minutes before the demo's now, nor after it.
        self.latest = max(now - dt.timedelta(minutes=rng.uniform(5, 50)), start)
        self.moment = start

    def after(self, step: str) -> dt.datetime:
        """The moment of ``step``, a plausible gap after the previous one."""
        hours = self.rng.uniform(*HOURS_AFTER[step])
        return self.reach(self.moment + dt.timedelta(hours=hours))

    def reach(self, moment: dt.datetime) -> dt.datetime:
        """Move to ``moment`` (never back, never past ``latest``)."""
        self.moment = min(max(self.moment, moment), self.latest)
        return self.moment


class Journey:
    """A parcel's simulated events, placed after its booking on the return's clock.

    The simulator's first event (``INFORMATION_RECEIVED``, at the booking) is the booking's
    moment; every later one keeps its distance from it, after the wait for the driver.
    """

    def __init__(self, clock: ReturnClock, booked_at: dt.datetime) -> None:
        self.clock = clock
        self.booked_at = booked_at
        self.visit = dt.timedelta(hours=clock.rng.uniform(*VISIT_HOURS))
        self.start: dt.datetime | None = None

    def place(self, simulated: dt.datetime) -> dt.datetime:
        if self.start is None:
            self.start = simulated
        since = simulated - self.start
        wait = self.visit if since > dt.timedelta() else dt.timedelta()
        return min(self.booked_at + wait + since, self.clock.latest)


def pickups_restamp(pickup_ids: Iterable[int]) -> None:
    """Set the insert stamps of pickups and their tracking from what the services wrote.

    A pickup was requested with the event that names it first; a tracking event was received
    when it occurred (the demo takes each in as its webhook would, at once).
    """
    for pickup in Pickup.objects.filter(pk__in=list(pickup_ids)):
        named = ReturnEvent.objects.filter(return_request_id=pickup.return_request_id).filter(
            data__pickup_id=pickup.pk
        )
        first = named.order_by("at", "id").values_list("at", flat=True).first()
        rows = list(pickup.tracking_events.all())
        for row in rows:
            row.received_at = row.occurred_at
        TrackingEvent.objects.bulk_update(rows, ["received_at"])
        requested = first or pickup.accepted_at or pickup.requested_at
        stamps = [
            stamp
            for stamp in (
                requested,
                pickup.accepted_at,
                pickup.picked_up_at,
                pickup.delivered_at,
                pickup.exception_at,
                pickup.cancelled_at,
                *(row.occurred_at for row in rows),
            )
            if stamp is not None
        ]
        changes: dict[str, dt.datetime | None] = {
            "requested_at": requested,
            "updated_at": max(stamps),
        }
        if pickup.next_attempt_at is not None and pickup.status == PickupStatus.REQUESTED:
            changes["next_attempt_at"] = requested  # due since it was requested
        Pickup.objects.filter(pk=pickup.pk).update(**changes)
