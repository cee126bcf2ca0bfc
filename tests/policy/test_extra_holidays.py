"""A store's extra holidays (임시공휴일) count as public holidays in every business-day count."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from banpum.policy.calendar import (
    add_business_days,
    is_business_day,
    is_public_holiday,
    next_business_day_on_or_after,
)
from banpum.policy.deadlines import (
    defect_until,
    delay_interest,
    period_end,
    refund_due,
    withdrawal_until,
)

FAST = settings(max_examples=300, deadline=None)
DATES = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
ONE_DAY = dt.timedelta(days=1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# 2026-10-12 is a Monday and an ordinary working day in Korea.
MONDAY = d("2026-10-12")


def test_an_extra_holiday_is_not_a_business_day() -> None:
    assert is_business_day(MONDAY, "KR")
    assert not is_business_day(MONDAY, "KR", extra_holidays=frozenset({MONDAY}))
    # Only the store's calendar changes, not the country's.
    assert not is_public_holiday(MONDAY, "KR")


def test_refund_due_skips_an_extra_holiday() -> None:
    # Received Thursday 8 Oct; Friday 9 is 한글날: Mon 12, Tue 13, Wed 14.
    received = d("2026-10-08")
    assert refund_due(received, business_days=3, country="KR") == d("2026-10-14")
    moved = refund_due(received, business_days=3, country="KR", extra_holidays=frozenset({MONDAY}))
    assert moved == d("2026-10-15")


def test_a_monday_holiday_moves_wednesdays_deadline_to_thursday() -> None:
    received = d("2026-10-16")  # Friday; due Mon 19, Tue 20, Wed 21
    assert refund_due(received, business_days=3, country="KR") == d("2026-10-21")
    extra = frozenset({d("2026-10-19")})
    assert refund_due(received, business_days=3, country="KR", extra_holidays=extra) == d(
        "2026-10-22"
    )


def test_add_business_days_and_next_business_day_take_extra_holidays() -> None:
    extra = frozenset({MONDAY, MONDAY + ONE_DAY})
    assert add_business_days(d("2026-10-09"), 1, "KR", extra_holidays=extra) == d("2026-10-14")
    assert next_business_day_on_or_after(MONDAY, "KR", extra_holidays=extra) == d("2026-10-14")
    assert next_business_day_on_or_after(MONDAY, "KR") == MONDAY


def test_a_period_ending_on_an_extra_holiday_ends_the_next_workday() -> None:
    # Delivered Monday 5 Oct: seven days end Monday 12 Oct, an extra holiday: Tuesday 13.
    extra = frozenset({MONDAY})
    assert withdrawal_until(d("2026-10-05"), policy_days=7, country="KR") == MONDAY
    assert withdrawal_until(
        d("2026-10-05"), policy_days=7, country="KR", extra_holidays=extra
    ) == d("2026-10-13")
    assert period_end(d("2026-10-05"), days=7, country="KR", extra_holidays=extra) == d(
        "2026-10-13"
    )
    assert defect_until(
        d("2026-07-11"),
        policy_months=3,
        noticed_on=None,
        known_days=30,
        country="KR",
        extra_holidays=extra,
    ) == d("2026-10-13")
    # Outside Korea the policy's own days apply as they are.
    assert period_end(d("2026-10-05"), days=7, country="US", extra_holidays=extra) == MONDAY


def test_delay_interest_counts_from_the_next_workday_when_the_due_day_became_a_holiday() -> None:
    # Due Monday, declared a holiday later: paying on Tuesday is not late.
    assert delay_interest(100_000, due_on=MONDAY, paid_on=MONDAY + ONE_DAY) == 41
    assert (
        delay_interest(
            100_000,
            due_on=MONDAY,
            paid_on=MONDAY + ONE_DAY,
            country="KR",
            extra_holidays=frozenset({MONDAY}),
        )
        == 0
    )
    assert (
        delay_interest(
            100_000,
            due_on=MONDAY,
            paid_on=MONDAY + 2 * ONE_DAY,
            country="KR",
            extra_holidays=frozenset({MONDAY}),
        )
        == 41
    )


@pytest.mark.parametrize("days", [-1, -5])
def test_negative_days_are_still_refused(days: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_days(MONDAY, days, "KR", extra_holidays=frozenset({MONDAY}))


def _business_days_after(received: dt.date, count: int) -> list[dt.date]:
    """The first ``count`` weekdays after ``received`` that are not Korean public holidays."""
    found: list[dt.date] = []
    day = received
    while len(found) < count:
        day += ONE_DAY
        if is_business_day(day, "KR"):
            found.append(day)
    return found


@FAST
@given(
    received=DATES,
    business_days=st.integers(1, 10),
    extra=st.frozensets(DATES, max_size=20),
)
def test_refund_due_never_lands_on_a_weekend_or_any_holiday(
    received: dt.date, business_days: int, extra: frozenset[dt.date]
) -> None:
    due = refund_due(received, business_days=business_days, country="KR", extra_holidays=extra)
    assert due.weekday() < 5
    assert not is_public_holiday(due, "KR")
    assert due not in extra
    counted = [
        received + ONE_DAY * offset
        for offset in range(1, (due - received).days + 1)
        if is_business_day(received + ONE_DAY * offset, "KR", extra_holidays=extra)
    ]
    assert len(counted) == business_days


@FAST
@given(received=DATES, business_days=st.integers(1, 10), pick=st.integers(0, 9))
def test_an_extra_holiday_before_the_due_date_moves_it_by_one_business_day(
    received: dt.date, business_days: int, pick: int
) -> None:
    assume(pick < business_days)
    before = refund_due(received, business_days=business_days, country="KR")
    holiday = _business_days_after(received, business_days)[pick]  # in (received, before]
    after = refund_due(
        received, business_days=business_days, country="KR", extra_holidays=frozenset({holiday})
    )
    assert after == add_business_days(before, 1, "KR")
    assert after == next_business_day_on_or_after(before + ONE_DAY, "KR")
    # Removing it again gives the date back.
    assert refund_due(received, business_days=business_days, country="KR") == before


@FAST
@given(received=DATES, business_days=st.integers(0, 10), holiday=DATES)
def test_an_extra_holiday_outside_the_period_changes_nothing(
    received: dt.date, business_days: int, holiday: dt.date
) -> None:
    before = refund_due(received, business_days=business_days, country="KR")
    assume(not received < holiday <= before)
    extra = frozenset({holiday})
    assert refund_due(
        received, business_days=business_days, country="KR", extra_holidays=extra
    ) == (before)
