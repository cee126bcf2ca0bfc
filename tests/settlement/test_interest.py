"""Delay interest (pure): nothing when on time, more each day late, across weekends and
holidays (the due date already skipped them; interest runs on calendar days)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from banpum.policy.deadlines import refund_due
from banpum.settlement.interest import days_late, refund_interest

KST = dt.timezone(dt.timedelta(hours=9))


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(15, 0), KST)


@given(
    st.integers(min_value=1, max_value=50_000_000),
    st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 1)),
    st.integers(min_value=-30, max_value=60),
)
def test_zero_when_on_time_and_growing_per_day_late(amount: int, due: dt.date, shift: int) -> None:
    paid = due + dt.timedelta(days=shift)
    owed = refund_interest(amount, due_on=due, paid_at=_at(paid), timezone="Asia/Seoul")
    if shift <= 0:
        assert owed == 0
    else:
        assert owed == amount * 1500 * shift // (10_000 * 365)
        later = refund_interest(
            amount, due_on=due, paid_at=_at(paid + dt.timedelta(days=1)), timezone="Asia/Seoul"
        )
        assert later >= owed
    assert days_late(due, paid) == max(shift, 0)


def test_across_a_weekend_and_chuseok() -> None:
    # Goods back Friday 2025-10-03 (개천절, a holiday, inside 추석 2025-10-05..08, 대체 10-08,
    # 한글날 10-09): three business days run to the next week.
    due = refund_due(dt.date(2025, 10, 2), business_days=3, country="KR")
    assert due > dt.date(2025, 10, 9)  # the holidays and the weekend do not count
    assert refund_interest(1_000_000, due_on=due, paid_at=_at(due), timezone="Asia/Seoul") == 0
    ten_days = refund_interest(
        1_000_000, due_on=due, paid_at=_at(due + dt.timedelta(days=10)), timezone="Asia/Seoul"
    )
    assert ten_days == 1_000_000 * 1500 * 10 // 3_650_000  # 4,109원
    # Paid late on a Sunday still counts that day.
    assert (
        refund_interest(
            1_000_000,
            due_on=dt.date(2025, 10, 10),
            paid_at=_at(dt.date(2025, 10, 12)),
            timezone="Asia/Seoul",
        )
        == 1_000_000 * 1500 * 2 // 3_650_000
    )
