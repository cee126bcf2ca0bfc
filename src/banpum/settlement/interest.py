"""Delay interest on a late refund (전자상거래법 §18(2), decree §21-3): pure, over dates.

The law counts from the day after the due date to the day paid; ``policy.deadlines`` does the
arithmetic, the due date already skips weekends and holidays, so interest runs on calendar days.
"""

from __future__ import annotations

import datetime as dt

from banpum.policy.deadlines import KR_DELAY_INTEREST_BASIS_POINTS, delay_interest, local_date


def days_late(due_on: dt.date | None, today: dt.date) -> int:
    if due_on is None or today <= due_on:
        return 0
    return (today - due_on).days


def refund_interest(
    amount: int,
    *,
    due_on: dt.date | None,
    paid_at: dt.datetime,
    timezone: str,
    basis_points: int = KR_DELAY_INTEREST_BASIS_POINTS,
    country: str | None = None,
    extra_holidays: frozenset[dt.date] = frozenset(),
) -> int:
    """What is owed on top of ``amount`` paid at ``paid_at`` (0 when on time or no due date).

    With ``country``, a due date that has since become a holiday (one the store added after the
    refund opened) moves to the next business day, so paying then is not late."""
    if due_on is None:
        return 0
    return delay_interest(
        amount,
        due_on=due_on,
        paid_on=local_date(paid_at, timezone),
        basis_points=basis_points,
        country=country,
        extra_holidays=extra_holidays,
    )
