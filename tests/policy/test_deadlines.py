"""Consumer-law deadlines: 전자상거래법 §17, §18 counted as the Civil Act counts (§157–§161)."""

from __future__ import annotations

import datetime as dt

import pytest

from banpum.policy.deadlines import (
    defect_until,
    delay_interest,
    korean_law_applies,
    local_date,
    period_end,
    refund_business_days,
    refund_due,
    withdrawal_until,
)
from tests.policy.builders import d, kst, utc


class TestLocalDate:
    def test_late_evening_in_seoul_is_that_korean_date(self) -> None:
        # 23:30 KST is 14:30 UTC the same day.
        assert local_date(utc("2026-09-21", 14, 30), "Asia/Seoul") == d("2026-09-21")

    def test_just_after_midnight_in_seoul_is_the_next_date_even_though_utc_is_not(self) -> None:
        # 00:30 KST on 22 September is 15:30 UTC on 21 September.
        assert local_date(utc("2026-09-21", 15, 30), "Asia/Seoul") == d("2026-09-22")

    def test_same_moment_in_another_store_timezone(self) -> None:
        assert local_date(kst("2026-09-22", 0, 30), "America/New_York") == d("2026-09-21")

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            local_date(dt.datetime(2026, 9, 21, 12, 0), "Asia/Seoul")  # noqa: DTZ001 - the point


def test_korean_law_applies_to_korean_stores_only() -> None:
    assert korean_law_applies("KR")
    assert korean_law_applies("kr")
    assert not korean_law_applies("US")
    assert not korean_law_applies("JP")


class TestWithdrawal:
    """§17(1): 7 days from receipt; the day of receipt is not counted (§157)."""

    def test_seven_days_after_delivery(self) -> None:
        assert withdrawal_until(d("2026-09-21"), policy_days=7, country="KR") == d("2026-09-28")

    def test_last_day_on_chuseok_moves_past_the_holidays_and_the_weekend(self) -> None:
        # 17 Sep + 7 = Thu 24 Sep (추석 eve) → 추석 24–26, Sunday 27 → Monday 28.
        assert withdrawal_until(d("2026-09-17"), policy_days=7, country="KR") == d("2026-09-28")
        # 19 Sep + 7 = Sat 26 Sep, 추석 itself.
        assert withdrawal_until(d("2026-09-19"), policy_days=7, country="KR") == d("2026-09-28")

    def test_last_day_on_a_saturday_moves_to_monday(self) -> None:
        assert withdrawal_until(d("2026-11-07"), policy_days=7, country="KR") == d("2026-11-16")

    def test_last_day_on_a_sunday_moves_to_monday(self) -> None:
        assert withdrawal_until(d("2026-11-08"), policy_days=7, country="KR") == d("2026-11-16")

    @pytest.mark.parametrize(
        ("delivered", "expected"),
        [
            ("2026-02-23", "2026-03-03"),  # ends Mon 2 March, 삼일절 substitute
            ("2026-05-18", "2026-05-26"),  # ends Mon 25 May, 부처님오신날 substitute
            ("2026-08-10", "2026-08-18"),  # ends Mon 17 August, 광복절 substitute
            ("2026-09-28", "2026-10-06"),  # ends Mon 5 October, 개천절 substitute
            ("2026-09-26", "2026-10-06"),  # ends Sat 3 October 개천절 → Sun → substitute Mon
        ],
    )
    def test_last_day_on_a_substitute_holiday_moves_on(self, delivered: str, expected: str) -> None:
        assert withdrawal_until(d(delivered), policy_days=7, country="KR") == d(expected)

    def test_a_longer_policy_lengthens(self) -> None:
        # 21 Sep + 14 = Mon 5 October, the 개천절 substitute → Tuesday 6.
        assert withdrawal_until(d("2026-09-21"), policy_days=14, country="KR") == d("2026-10-06")
        assert withdrawal_until(d("2026-09-21"), policy_days=30, country="KR") == d("2026-10-21")

    @pytest.mark.parametrize("policy_days", [0, 3, 6])
    def test_a_shorter_policy_cannot_shorten_the_legal_seven_days(self, policy_days: int) -> None:
        assert withdrawal_until(d("2026-09-21"), policy_days=policy_days, country="KR") == d(
            "2026-09-28"
        )

    def test_outside_korea_the_store_policy_alone_applies(self) -> None:
        assert withdrawal_until(d("2026-09-21"), policy_days=3, country="US") == d("2026-09-24")
        # No Korean §161: a US period may end on a Saturday.
        assert withdrawal_until(d("2026-11-04"), policy_days=3, country="US") == d("2026-11-07")
        assert withdrawal_until(d("2026-09-21"), policy_days=0, country="US") == d("2026-09-21")


class TestPeriodEnd:
    """§160: months are counted on the calendar from the first counted day."""

    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            ("2026-01-10", 3, "2026-04-10"),
            ("2026-04-30", 3, "2026-07-31"),  # runs 1 May – 31 July
            ("2026-09-30", 3, "2026-12-31"),  # runs 1 October – 31 December
            ("2026-02-28", 3, "2026-05-31"),  # runs 1 March – 31 May
            ("2026-02-28", 1, "2026-03-31"),
            ("2026-01-31", 1, "2026-02-28"),  # runs 1 February – 28 February
            ("2026-01-30", 1, "2026-02-28"),  # starts 31 Jan; February has no 31st: its end
            ("2026-11-29", 3, "2027-02-28"),  # starts 30 Nov; February has no 30th
            ("2027-11-29", 3, "2028-02-29"),  # ...and in a leap year ends on the 29th
            ("2027-11-28", 3, "2028-02-28"),  # starts 29 Nov; 29 Feb 2028 exists
            ("2026-12-31", 3, "2027-03-31"),
        ],
    )
    def test_calendar_months(self, start: str, months: int, expected: str) -> None:
        assert period_end(d(start), months=months, country="US") == d(expected)

    def test_days(self) -> None:
        assert period_end(d("2026-09-21"), days=7, country="US") == d("2026-09-28")
        assert period_end(d("2026-09-21"), days=0, country="US") == d("2026-09-21")

    def test_korean_periods_move_off_weekends_and_holidays(self) -> None:
        # 30 Nov 2026 + 3 months = Sun 28 Feb 2027 → Mon 1 March is 삼일절 → Tue 2 March.
        assert period_end(d("2026-11-30"), months=3, country="KR") == d("2027-03-02")
        assert period_end(d("2026-11-30"), months=3, country="US") == d("2027-02-28")


class TestDefect:
    """§17(3): 3 months from receipt or 30 days from when the buyer knew, the later."""

    def test_three_months_from_receipt(self) -> None:
        assert defect_until(
            d("2026-01-10"), policy_months=3, noticed_on=None, known_days=30, country="KR"
        ) == d("2026-04-10")

    def test_month_end_delivery_gets_the_whole_last_month(self) -> None:
        assert defect_until(
            d("2026-04-30"), policy_months=3, noticed_on=None, known_days=30, country="KR"
        ) == d("2026-07-31")

    def test_three_months_ending_on_a_sunday_move_on(self) -> None:
        # 28 Feb + 3 months = Sun 31 May → Mon 1 June.
        assert defect_until(
            d("2026-02-28"), policy_months=3, noticed_on=None, known_days=30, country="KR"
        ) == d("2026-06-01")

    def test_thirty_days_from_noticing_when_that_ends_later(self) -> None:
        assert defect_until(
            d("2026-01-10"),
            policy_months=3,
            noticed_on=d("2026-04-06"),
            known_days=30,
            country="KR",
        ) == d("2026-05-06")
        # Ends on 어린이날 (Tue 5 May) → Wednesday 6.
        assert defect_until(
            d("2026-01-10"),
            policy_months=3,
            noticed_on=d("2026-04-05"),
            known_days=30,
            country="KR",
        ) == d("2026-05-06")

    def test_noticing_early_does_not_shorten_the_three_months(self) -> None:
        assert defect_until(
            d("2026-01-10"),
            policy_months=3,
            noticed_on=d("2026-01-12"),
            known_days=30,
            country="KR",
        ) == d("2026-04-10")

    def test_noticed_before_delivery_is_ignored(self) -> None:
        assert defect_until(
            d("2026-01-10"),
            policy_months=3,
            noticed_on=d("2026-01-01"),
            known_days=300,
            country="KR",
        ) == d("2026-04-10")

    def test_a_shorter_policy_cannot_shorten_the_law_in_korea(self) -> None:
        assert defect_until(
            d("2026-01-10"),
            policy_months=1,
            noticed_on=d("2026-04-06"),
            known_days=7,
            country="KR",
        ) == d("2026-05-06")

    def test_a_longer_policy_lengthens(self) -> None:
        assert defect_until(
            d("2026-01-10"), policy_months=12, noticed_on=None, known_days=30, country="KR"
        ) == d("2027-01-11")  # Sun 10 January 2027 → Monday

    def test_outside_korea_the_policy_alone_applies(self) -> None:
        assert defect_until(
            d("2026-01-10"), policy_months=1, noticed_on=None, known_days=0, country="US"
        ) == d("2026-02-10")
        assert defect_until(
            d("2026-01-10"),
            policy_months=1,
            noticed_on=d("2026-03-01"),
            known_days=10,
            country="US",
        ) == d("2026-03-11")


class TestRefundDue:
    """§18(2): refund within 3 business days of getting the goods back."""

    def test_policy_may_shorten_but_not_lengthen_the_refund_time_in_korea(self) -> None:
        assert refund_business_days(3, "KR") == 3
        assert refund_business_days(5, "KR") == 3
        assert refund_business_days(1, "KR") == 1
        assert refund_business_days(5, "US") == 5

    def test_around_chuseok(self) -> None:
        # Received Wed 23 Sep: 추석 Thu–Sat, Sunday → Mon 28 (1), Tue 29 (2), Wed 30 (3).
        assert refund_due(d("2026-09-23"), business_days=3, country="KR") == d("2026-09-30")

    def test_around_a_substitute_holiday(self) -> None:
        # Received Fri 2 Oct: Mon 5 is 개천절's substitute → Tue 6, Wed 7, Thu 8.
        assert refund_due(d("2026-10-02"), business_days=3, country="KR") == d("2026-10-08")
        # Received Fri 14 Aug: Mon 17 is 광복절's substitute → 18, 19, 20.
        assert refund_due(d("2026-08-14"), business_days=3, country="KR") == d("2026-08-20")

    def test_received_on_a_weekend(self) -> None:
        assert refund_due(d("2026-09-19"), business_days=3, country="KR") == d("2026-09-23")

    def test_same_day_when_the_policy_says_zero(self) -> None:
        assert refund_due(d("2026-09-23"), business_days=0, country="KR") == d("2026-09-23")


class TestDelayInterest:
    """Decree §21-3: 15 % a year on the late amount, per day late, rounded down."""

    def test_ten_days_late(self) -> None:
        # 100,000 × 15 % × 10 / 365 = 410.96 → 410
        assert delay_interest(100_000, due_on=d("2026-09-30"), paid_on=d("2026-10-10")) == 410

    def test_one_day_late(self) -> None:
        assert delay_interest(100_000, due_on=d("2026-09-30"), paid_on=d("2026-10-01")) == 41

    def test_a_month_late_on_a_million(self) -> None:
        # 1,000,000 × 0.15 × 30 / 365 = 12,328.77
        assert delay_interest(1_000_000, due_on=d("2026-09-30"), paid_on=d("2026-10-30")) == 12328

    def test_a_full_year_late_is_fifteen_percent(self) -> None:
        assert delay_interest(100_000, due_on=d("2026-01-01"), paid_on=d("2027-01-01")) == 15_000

    def test_on_time_or_early_owes_nothing(self) -> None:
        assert delay_interest(100_000, due_on=d("2026-09-30"), paid_on=d("2026-09-30")) == 0
        assert delay_interest(100_000, due_on=d("2026-09-30"), paid_on=d("2026-09-25")) == 0

    def test_nothing_owed_on_nothing(self) -> None:
        assert delay_interest(0, due_on=d("2026-09-30"), paid_on=d("2026-12-30")) == 0
        assert delay_interest(-5, due_on=d("2026-09-30"), paid_on=d("2026-12-30")) == 0

    def test_another_rate(self) -> None:
        assert (
            delay_interest(
                365_000, due_on=d("2026-09-30"), paid_on=d("2026-10-01"), basis_points=1000
            )
            == 100
        )
