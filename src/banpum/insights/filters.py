"""Turning what a caller asked for into ``Filters``: defaults, and the limits a range must keep."""

from __future__ import annotations

import datetime as dt

from banpum.commerce.models import Store
from banpum.policy.deadlines import local_date

from . import errors
from .reports import Filters, Period

MAX_YEARS = 3
MAX_DAYS = 366 * MAX_YEARS
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
DEFAULT_DAYS = 365


def filters_parse(
    store: Store,
    *,
    now: dt.datetime,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    period: Period = Period.MONTH,
    channel: str = "",
    category: str = "",
    carrier: str = "",
) -> Filters:
    """The filters, the last year up to today (the store's day) when no dates are given.

    Raises ``ValidationFailed`` for a reversed range, one over ``MAX_YEARS`` years or a date
    outside 2000–2099."""
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise errors.DATE_OUT_OF_RANGE.field(name, first=FIRST_DAY, last=LAST_DAY)
    date_to = date_to or local_date(now, store.timezone)
    date_from = date_from or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        raise errors.DATE_RANGE_REVERSED.field("date_from")
    if (date_to - date_from).days >= MAX_DAYS:
        raise errors.DATE_RANGE_TOO_LONG.field("date_from", years=MAX_YEARS)
    return Filters(
        date_from=date_from,
        date_to=date_to,
        period=period,
        channel=channel.strip(),
        category=category.strip(),
        carrier=carrier.strip(),
    )
