"""Working days and public holidays, from the maintained ``holidays`` package.

Korean substitute holidays (대체공휴일) and the lunar 설날/추석 dates come from that package, so a
new year needs a package update, never a code change. Temporary holidays (임시공휴일) are declared
weeks before the day and the package lags them: a store's manager adds them
(``policy.models.ExtraHoliday``), and every function here takes them as ``extra_holidays``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _holidays_of(country: str, year: int) -> frozenset[dt.date]:
    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return frozenset()
    return frozenset(calendar.keys())


def is_public_holiday(day: dt.date, country: str) -> bool:
    return day in _holidays_of(country.upper(), day.year)


NO_EXTRA_HOLIDAYS: frozenset[dt.date] = frozenset()


def is_business_day(
    day: dt.date, country: str, *, extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS
) -> bool:
    return day.weekday() < 5 and day not in extra_holidays and not is_public_holiday(day, country)


def add_business_days(
    start: dt.date,
    days: int,
    country: str,
    *,
    extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS,
) -> dt.date:
    """The ``days``-th business day after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_business_day(current, country, extra_holidays=extra_holidays):
            remaining -= 1
    return current


def next_business_day_on_or_after(
    day: dt.date, country: str, *, extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS
) -> dt.date:
    """Korean Civil Act §161: a period ending on a Saturday or holiday ends the next workday."""
    while not is_business_day(day, country, extra_holidays=extra_holidays):
        day += dt.timedelta(days=1)
    return day


def public_holiday_name(day: dt.date, country: str) -> str | None:
    """The country's name of the public holiday on ``day`` (in its own language), or None."""
    if not is_public_holiday(day, country):
        return None
    try:
        calendar = holidays.country_holidays(country.upper(), years=day.year)
    except NotImplementedError:
        return None
    return str(calendar.get(day) or "") or None
