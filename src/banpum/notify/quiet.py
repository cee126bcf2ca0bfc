"""Quiet hours: no SMS or 알림톡 to a shopper between 21:00 and 08:00 in the store's timezone.

A pure function (a deadline): a message created in the quiet hours waits until 08:00 the next
morning, unless it tells of a pickup booked or changed for that very morning's date, which the
shopper must know before the driver comes. Email is never held.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

QUIET_FROM = dt.time(21, 0)
QUIET_UNTIL = dt.time(8, 0)


def quiet_until(
    created: dt.datetime, timezone: str, *, pickup_date: dt.date | None = None
) -> dt.datetime | None:
    """When a shopper's SMS or 알림톡 created at ``created`` may go: None for now, else the
    (aware) 08:00 it waits for."""
    if created.tzinfo is None:
        raise ValueError("aware datetimes only")
    zone = ZoneInfo(timezone)
    local = created.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    morning = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    if pickup_date is not None and pickup_date <= morning:
        return None
    return dt.datetime.combine(morning, QUIET_UNTIL, tzinfo=zone)
