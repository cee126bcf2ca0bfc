"""Business days from the Korean (and other) public-holiday calendars."""

from __future__ import annotations

import pytest

from banpum.policy.calendar import (
    add_business_days,
    is_business_day,
    is_public_holiday,
    next_business_day_on_or_after,
)
from tests.policy.builders import d


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-01",  # 신정
        "2026-02-16",  # 설날 연휴
        "2026-02-17",
        "2026-02-18",
        "2026-03-02",  # 삼일절 (Sun 1 March) 대체공휴일
        "2026-05-05",  # 어린이날
        "2026-05-25",  # 부처님오신날 (Sun 24 May) 대체공휴일
        "2026-06-03",  # 지방선거일
        "2026-08-17",  # 광복절 (Sat 15 Aug) 대체공휴일
        "2026-09-24",  # 추석 연휴
        "2026-09-25",
        "2026-09-26",
        "2026-10-05",  # 개천절 (Sat 3 Oct) 대체공휴일
        "2026-10-09",  # 한글날
        "2026-12-25",
    ],
)
def test_korean_public_holidays_including_substitutes(day: str) -> None:
    assert is_public_holiday(d(day), "KR")
    assert not is_business_day(d(day), "KR")


@pytest.mark.parametrize("day", ["2026-09-23", "2026-09-28", "2026-10-06", "2026-03-03"])
def test_ordinary_weekdays_are_business_days(day: str) -> None:
    assert not is_public_holiday(d(day), "KR")
    assert is_business_day(d(day), "KR")


def test_weekends_are_not_business_days() -> None:
    assert not is_business_day(d("2026-09-19"), "KR")  # Saturday
    assert not is_business_day(d("2026-09-20"), "KR")  # Sunday
    assert not is_public_holiday(d("2026-09-19"), "KR")  # a weekend is not a holiday


def test_country_code_is_case_insensitive() -> None:
    assert is_public_holiday(d("2026-10-05"), "kr")
    assert not is_business_day(d("2026-10-05"), "kr")


def test_chuseok_is_not_given_a_substitute_for_its_saturday() -> None:
    # 추석 2026 is Thu 24 – Sat 26 September; only a Sunday overlap earns a 대체공휴일.
    assert is_business_day(d("2026-09-28"), "KR")


def test_other_countries_use_their_own_calendar() -> None:
    assert is_public_holiday(d("2026-07-03"), "US")  # Independence Day observed
    assert not is_public_holiday(d("2026-07-03"), "KR")
    assert not is_public_holiday(d("2026-10-05"), "US")


def test_unknown_country_has_weekends_only() -> None:
    assert not is_public_holiday(d("2026-12-25"), "XX")
    assert is_business_day(d("2026-12-25"), "XX")
    assert not is_business_day(d("2026-12-26"), "XX")


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-09-23", 0, "2026-09-23"),
        ("2026-09-23", 1, "2026-09-28"),  # skips 추석 (24–26) and Sunday 27
        ("2026-09-23", 3, "2026-09-30"),
        ("2026-08-14", 1, "2026-08-18"),  # skips Sat, Sun and the substitute Monday 17
        ("2026-02-27", 1, "2026-03-03"),  # skips Sat, Sun and the substitute Monday 2 March
        ("2026-05-22", 1, "2026-05-26"),  # skips the substitute Monday 25 May
        ("2026-10-02", 3, "2026-10-08"),  # skips the substitute Monday 5 October
        ("2026-10-08", 1, "2026-10-12"),  # skips 한글날 (Fri 9 October)
        ("2026-09-19", 3, "2026-09-23"),  # from a Saturday
        ("2026-02-13", 1, "2026-02-19"),  # skips the weekend and 설날 (16–18 February)
    ],
)
def test_add_business_days_in_korea(start: str, days: int, expected: str) -> None:
    assert add_business_days(d(start), days, "KR") == d(expected)


def test_add_business_days_crosses_the_year() -> None:
    assert add_business_days(d("2026-12-31"), 1, "KR") == d("2027-01-04")  # 1 Jan, weekend


def test_add_business_days_in_the_united_states() -> None:
    assert add_business_days(d("2026-07-02"), 1, "US") == d("2026-07-06")
    assert add_business_days(d("2026-07-02"), 1, "KR") == d("2026-07-03")


def test_add_business_days_rejects_negative_days() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_days(d("2026-09-23"), -1, "KR")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-23", "2026-09-23"),  # already a working day
        ("2026-09-24", "2026-09-28"),  # 추석 through Sunday
        ("2026-10-03", "2026-10-06"),  # Sat 개천절, Sunday, substitute Monday
        ("2026-11-14", "2026-11-16"),  # plain Saturday
        ("2026-02-14", "2026-02-19"),  # Saturday before 설날
    ],
)
def test_next_business_day_on_or_after(day: str, expected: str) -> None:
    assert next_business_day_on_or_after(d(day), "KR") == d(expected)
