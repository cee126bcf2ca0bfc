"""Put a seeded return's rows on its planned timeline instead of the moment the demo ran.

The returns services stamp ``created_at`` and every event's ``at`` with the wall clock (they
take ``now`` only for the policy decision), so without this a seeded history would all read
"today": a return opened 100 days ago, approved a second later. Only timestamps move (and the
month in the return number that ``created_at`` gives, and the refund due date that receiving
starts); every status, event and decision stays as the services wrote it.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from banpum.commerce.models import Store
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
    Action.RECEIVE: (20, 60),
    Action.INSPECT: (2, 20),
    Action.COMPLETE: (2, 30),
}


def _gap(event: ReturnEvent, previous: ReturnEvent | None, rng: random.Random) -> dt.timedelta:
    """How long after the previous event this one plausibly happened."""
    if previous is None:
        return dt.timedelta()
    if event.type == EventType.NOTE_ADDED:
        if previous.type == EventType.CREATED:
            return dt.timedelta(minutes=rng.uniform(1, 5))
        return dt.timedelta(hours=rng.uniform(0.5, 6))
    action = event.data.get("action")
    if event.actor_label == "policy" or action == Action.AWAIT_SHIPMENT:
        return dt.timedelta(seconds=rng.randint(1, 3))  # decided in the same request
    hours = _HOURS_AFTER.get(str(action), (1.0, 12.0))
    return dt.timedelta(hours=rng.uniform(*hours))


def backdate(
    return_request: ReturnRequest,
    opened_at: dt.datetime,
    now: dt.datetime,
    rng: random.Random,
    store: Store,
) -> None:
    """Put the return's rows on its planned timeline instead of the moment the demo ran.

    The services stamp ``created_at`` and each event's ``at`` with the wall clock (they take
    ``now`` only for the decision), so a seeded history would otherwise all read "today".
    Only timestamps change, and the month in the number that ``created_at`` gives; every
    status, event and decision stays as the services wrote it.
    """
    events = list(ReturnEvent.objects.filter(return_request=return_request).order_by("id"))
    gaps: list[dt.timedelta] = []
    previous = None
    for event in events:
        gaps.append(_gap(event, previous, rng))
        previous = event
    latest = now - dt.timedelta(minutes=rng.uniform(5, 50))
    total = sum(gaps, dt.timedelta())
    scale = 1.0
    if total and opened_at + total > latest:
        scale = max((latest - opened_at) / total, 0.0)
    moment = opened_at
    received_at = None
    for event, gap in zip(events, gaps, strict=True):
        moment += gap * scale
        event.at = moment
        if event.to_status == S.RECEIVED:
            received_at = moment
    ReturnEvent.objects.bulk_update(events, ["at"])
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
