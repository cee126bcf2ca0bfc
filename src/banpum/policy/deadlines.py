"""Consumer-law deadlines: when a buyer may still return, and when the refund is due.

Korean 전자상거래법 (Act on Consumer Protection in Electronic Commerce):
- §17(1): change of mind (청약철회) within 7 days from receipt of the goods; a seller may offer
  longer, never shorter.
- §17(3): goods defective or not as advertised/contracted: within 3 months from receipt, or
  30 days from when the buyer knew or could have known, whichever ends later.
- §18(1)-(2) and decree §21-3: refund within 3 business days after the goods come back; a late
  refund owes delay interest at 15 % a year on the amount, per day late.
Periods are counted as the Civil Act counts them: the first day is not counted (§157), the
period ends at the end of its last day (§159), and a last day on a Saturday or public holiday
moves to the next working day (§161). Dates are the store's local dates.
For other countries the store's policy alone applies, with weekends and that country's public
holidays as non-business days. A store's own extra holidays (임시공휴일 the ``holidays``
package does not know yet) count as public holidays everywhere: every function takes them as
``extra_holidays``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from banpum.policy.calendar import (
    NO_EXTRA_HOLIDAYS,
    add_business_days,
    next_business_day_on_or_after,
)

KR_WITHDRAWAL_DAYS = 7
KR_DEFECT_MONTHS = 3
KR_DEFECT_KNOWN_DAYS = 30
KR_REFUND_BUSINESS_DAYS = 3
KR_DELAY_INTEREST_BASIS_POINTS = 1500  # 15 % a year (decree §21-3)

_ONE_DAY = dt.timedelta(days=1)


def local_date(moment: dt.datetime, timezone: str) -> dt.date:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(ZoneInfo(timezone)).date()


def korean_law_applies(country: str) -> bool:
    return country.upper() == "KR"


def period_end(
    start: dt.date,
    *,
    days: int = 0,
    months: int = 0,
    country: str,
    extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS,
) -> dt.date:
    """Last day of a period that starts the day after ``start``, with §161's weekend rule.

    Days: the first day is not counted (§157), so ``days`` days after ``start`` ends on
    ``start + days``. Months are counted by the calendar (§160): the period ends the day before
    the day in the last month that corresponds to its first day, or at the end of that month
    when it has no such day. Delivered on 30 April, three months run 1 May to 31 July (not to
    30 July, which plain date arithmetic on the delivery date would give).
    """
    last = start
    if months:
        first = start + dt.timedelta(days=1)
        corresponding = first + relativedelta(months=months)  # clamped to the month's end
        last = corresponding if corresponding.day != first.day else corresponding - _ONE_DAY
    last += dt.timedelta(days=days)
    if korean_law_applies(country):
        return next_business_day_on_or_after(last, country, extra_holidays=extra_holidays)
    return last


def withdrawal_until(
    delivered_on: dt.date,
    *,
    policy_days: int,
    country: str,
    extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS,
) -> dt.date:
    days = max(policy_days, KR_WITHDRAWAL_DAYS) if korean_law_applies(country) else policy_days
    return period_end(delivered_on, days=days, country=country, extra_holidays=extra_holidays)


def defect_until(
    delivered_on: dt.date,
    *,
    policy_months: int,
    noticed_on: dt.date | None,
    known_days: int,
    country: str,
    extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS,
) -> dt.date:
    if korean_law_applies(country):
        policy_months = max(policy_months, KR_DEFECT_MONTHS)
        known_days = max(known_days, KR_DEFECT_KNOWN_DAYS)
    until = period_end(
        delivered_on, months=policy_months, country=country, extra_holidays=extra_holidays
    )
    if noticed_on is not None and noticed_on >= delivered_on:
        noticed_until = period_end(
            noticed_on, days=known_days, country=country, extra_holidays=extra_holidays
        )
        until = max(until, noticed_until)
    return until


def refund_business_days(policy_days: int, country: str) -> int:
    if korean_law_applies(country):
        return min(policy_days, KR_REFUND_BUSINESS_DAYS)
    return policy_days


def refund_due(
    received_on: dt.date,
    *,
    business_days: int,
    country: str,
    extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS,
) -> dt.date:
    """Last day to pay the refund for goods that came back on ``received_on``."""
    return add_business_days(received_on, business_days, country, extra_holidays=extra_holidays)


def delay_interest(
    amount: int,
    *,
    due_on: dt.date,
    paid_on: dt.date,
    basis_points: int = KR_DELAY_INTEREST_BASIS_POINTS,
    country: str | None = None,
    extra_holidays: frozenset[dt.date] = NO_EXTRA_HOLIDAYS,
) -> int:
    """Simple interest per day late on a late refund, rounded down to the minor unit.

    With ``country``, a due date that is not a business day (a holiday declared after the date
    was set) moves to the next one first (Civil Act §161): paying then is not late.
    """
    if country is not None:
        due_on = next_business_day_on_or_after(due_on, country, extra_holidays=extra_holidays)
    if amount <= 0 or paid_on <= due_on:
        return 0
    days_late = (paid_on - due_on).days
    return amount * basis_points * days_late // (10_000 * 365)
