"""Quiet hours (a deadline): SMS and 알림톡 created between 21:00 and 08:00 in the store's
timezone wait for 08:00, except a pickup booked for that very morning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from banpum.notify.quiet import quiet_until

SEOUL = "Asia/Seoul"
KST = ZoneInfo(SEOUL)
ZONES = st.sampled_from([SEOUL, "UTC", "America/New_York", "Europe/Berlin"])
MOMENTS = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
    max_value=dt.datetime(2035, 1, 1),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)


@given(MOMENTS, ZONES)
# The night Berlin leaves summer time: 21:00 to 08:00 on the clock is 12 hours.
@example(dt.datetime(2032, 10, 30, 19, 0, tzinfo=dt.UTC), "Europe/Berlin")
# The night New York enters it: 21:00 to 08:00 on the clock is 10 hours.
@example(dt.datetime(2030, 3, 10, 2, 0, tzinfo=dt.UTC), "America/New_York")
def test_a_message_waits_only_in_the_quiet_hours_and_never_past_the_morning(
    created: dt.datetime, zone: str
) -> None:
    local = created.astimezone(ZoneInfo(zone))
    until = quiet_until(created, zone)
    quiet = local.time() >= dt.time(21) or local.time() < dt.time(8)
    assert (until is not None) == quiet
    if until is not None:
        morning = until.astimezone(ZoneInfo(zone))
        assert until > created
        assert morning.time() == dt.time(8)
        # At most the 11 quiet hours on the clock; in elapsed time, plus or minus the hour a
        # change to or from summer time that night adds or takes away.
        on_the_clock = morning.replace(tzinfo=None) - local.replace(tzinfo=None)
        assert on_the_clock <= dt.timedelta(hours=11)
        shift = abs(morning.utcoffset() - local.utcoffset())  # type: ignore[operator]
        assert until - created <= on_the_clock + shift


@given(MOMENTS, ZONES)
def test_a_pickup_for_the_next_morning_goes_at_once(created: dt.datetime, zone: str) -> None:
    until = quiet_until(created, zone)
    if until is None:
        return
    morning = until.astimezone(ZoneInfo(zone)).date()
    assert quiet_until(created, zone, pickup_date=morning) is None
    assert quiet_until(created, zone, pickup_date=morning + dt.timedelta(days=1)) == until


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (dt.datetime(2026, 12, 1, 20, 59, tzinfo=KST), None),
        (dt.datetime(2026, 12, 1, 21, 0, tzinfo=KST), dt.datetime(2026, 12, 2, 8, 0, tzinfo=KST)),
        (dt.datetime(2026, 12, 2, 7, 59, tzinfo=KST), dt.datetime(2026, 12, 2, 8, 0, tzinfo=KST)),
        (dt.datetime(2026, 12, 2, 8, 0, tzinfo=KST), None),
    ],
)
def test_the_edges_in_seoul(local: dt.datetime, expected: dt.datetime | None) -> None:
    assert quiet_until(local, SEOUL) == expected


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        quiet_until(dt.datetime(2026, 12, 1, 22), SEOUL)  # noqa: DTZ001
