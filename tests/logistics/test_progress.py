"""How tracking events move a pickup (``progress``), and the booking backoff: pure functions.

Carriers send events late, twice and out of order; the properties below say that none of that
can change where a pickup stands, and that a pickup never moves backwards.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from banpum.logistics import progress as P
from banpum.logistics.services.pickups.common import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    backoff_seconds,
)

KST = dt.timezone(dt.timedelta(hours=9))
T0 = dt.datetime(2025, 7, 1, 9, 0, tzinfo=KST)
PROPS = settings(max_examples=300, deadline=None)

ONGOING = (P.REQUESTED, P.ACCEPTED, P.EXCEPTION, P.PICKED_UP, P.IN_TRANSIT, P.DELIVERED)
STATUSES = (
    "INFORMATION_RECEIVED",
    "AT_PICKUP",
    "IN_TRANSIT",
    "OUT_FOR_DELIVERY",
    "AVAILABLE_FOR_PICKUP",
    "DELIVERED",
    "ATTEMPT_FAIL",
    "EXCEPTION",
    "UNKNOWN",
)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def ev(status: str, hours: float, code: str = "", words: str = "") -> P.EventFacts:
    return P.EventFacts(status, at(hours), code, words)


JOURNEY = [
    ev("INFORMATION_RECEIVED", 0),
    ev("AT_PICKUP", 1),
    ev("IN_TRANSIT", 6),
    ev("IN_TRANSIT", 12),
    ev("OUT_FOR_DELIVERY", 20),
    ev("DELIVERED", 24),
]

# Few distinct times, codes and words, so that ties (the hard case) are common.
events_st = st.builds(
    P.EventFacts,
    status=st.sampled_from(STATUSES),
    occurred_at=st.integers(0, 6).map(lambda h: at(h)),
    exception_code=st.sampled_from(["", "customer_absent", "address_not_found"]),
    description=st.sampled_from(["", "고객부재", "주소불명", "집하완료"]),
)

# Events before any pickup: where failures decide, and where ties between failures bite.
before_pickup_st = st.builds(
    P.EventFacts,
    status=st.sampled_from(["INFORMATION_RECEIVED", "ATTEMPT_FAIL", "EXCEPTION", "UNKNOWN"]),
    occurred_at=st.integers(0, 2).map(lambda h: at(h)),
    exception_code=st.sampled_from(["", "customer_absent", "refused"]),
    description=st.sampled_from(["", "고객부재", "회수거부"]),
)


def rank(status: str) -> int:
    return P.PROGRESS_RANK[status]


# --- examples -------------------------------------------------------------------------------


def test_a_whole_journey_ends_delivered_with_both_times() -> None:
    assert P.pickup_progress(P.ACCEPTED, JOURNEY) == P.Progress(P.DELIVERED, at(1), at(24), None)


def test_each_status_proves_its_step() -> None:
    expected = {
        "INFORMATION_RECEIVED": P.ACCEPTED,
        "AT_PICKUP": P.PICKED_UP,
        "IN_TRANSIT": P.IN_TRANSIT,
        "OUT_FOR_DELIVERY": P.IN_TRANSIT,
        "AVAILABLE_FOR_PICKUP": P.IN_TRANSIT,
        "DELIVERED": P.DELIVERED,
        "UNKNOWN": P.REQUESTED,
    }
    for status, step in expected.items():
        assert P.pickup_progress(P.REQUESTED, [ev(status, 1)]).status == step, status


def test_a_late_in_transit_after_delivered_changes_nothing() -> None:
    delivered = P.pickup_progress(P.ACCEPTED, JOURNEY)
    late = [*JOURNEY, ev("IN_TRANSIT", 30)]
    assert P.pickup_progress(P.DELIVERED, late) == delivered


def test_a_failed_attempt_before_pickup_is_an_exception_with_the_carriers_words() -> None:
    events = [
        ev("INFORMATION_RECEIVED", 0),
        ev("ATTEMPT_FAIL", 2, "customer_absent", "고객부재: 고객 부재로 회수하지 못했습니다"),
    ]
    progress = P.pickup_progress(P.ACCEPTED, events)
    assert progress == P.Progress(P.EXCEPTION, None, None, events[1])


def test_the_latest_failure_before_pickup_is_the_one_reported() -> None:
    first, second = ev("ATTEMPT_FAIL", 2, "customer_absent"), ev("EXCEPTION", 26, "refused")
    assert P.pickup_progress(P.ACCEPTED, [second, first]).exception == second


def test_a_failed_attempt_after_pickup_is_ignored() -> None:
    events = [*JOURNEY[:3], ev("ATTEMPT_FAIL", 8, "customer_absent", "배달 실패")]
    assert P.pickup_progress(P.ACCEPTED, events) == P.Progress(P.IN_TRANSIT, at(1), None, None)


def test_a_pickup_after_an_exception_moves_on() -> None:
    events = [ev("ATTEMPT_FAIL", 2, "customer_absent"), ev("AT_PICKUP", 26)]
    assert P.pickup_progress(P.EXCEPTION, events) == P.Progress(P.PICKED_UP, at(26), None, None)


def test_an_exception_stays_until_something_proves_pickup() -> None:
    assert P.pickup_progress(P.EXCEPTION, [ev("INFORMATION_RECEIVED", 3)]).status == P.EXCEPTION


@pytest.mark.parametrize("terminal", [P.CANCELLED, P.FAILED])
def test_cancelled_and_failed_pickups_stay_so(terminal: str) -> None:
    progress = P.pickup_progress(terminal, JOURNEY)
    assert (progress.status, progress.exception) == (terminal, None)


def test_dedupe_key_is_stable_and_ignores_the_timezone_the_time_is_written_in() -> None:
    key = P.dedupe_key(status="AT_PICKUP", occurred_at=at(1), location="서울강남")
    same = P.dedupe_key(
        status="AT_PICKUP", occurred_at=at(1).astimezone(dt.UTC), location="서울강남"
    )
    assert key == same
    assert len(key) == 64  # SHA-256 hex; fits TrackingEvent.dedupe_key
    assert key != P.dedupe_key(status="AT_PICKUP", occurred_at=at(1), location="곤지암Hub")


# --- properties -----------------------------------------------------------------------------


@PROPS
@given(
    events=st.lists(events_st, max_size=8),
    current=st.sampled_from(ONGOING),
    data=st.data(),
)
def test_any_permutation_and_duplication_gives_the_same_progress(
    events: list[P.EventFacts], current: str, data: st.DataObject
) -> None:
    repeats = data.draw(st.lists(st.sampled_from(events), max_size=6)) if events else []
    shuffled = data.draw(st.permutations([*events, *repeats]))
    assert P.pickup_progress(current, shuffled) == P.pickup_progress(current, events)


@PROPS
@given(events=st.lists(before_pickup_st, max_size=6), data=st.data())
def test_the_failure_reported_does_not_depend_on_arrival_order(
    events: list[P.EventFacts], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(events))
    assert P.pickup_progress(P.ACCEPTED, shuffled) == P.pickup_progress(P.ACCEPTED, events)


def test_two_failures_at_the_same_minute_report_the_same_one_in_either_order() -> None:
    absent = ev("ATTEMPT_FAIL", 2, "customer_absent", "고객부재")
    refused = ev("ATTEMPT_FAIL", 2, "refused", "회수거부")
    one = P.pickup_progress(P.ACCEPTED, [absent, refused])
    assert one == P.pickup_progress(P.ACCEPTED, [refused, absent])
    assert one.exception in (absent, refused)


@PROPS
@given(journey=st.permutations(JOURNEY), repeats=st.lists(st.sampled_from(JOURNEY), max_size=6))
def test_a_journey_in_any_order_with_duplicates_is_delivered(
    journey: list[P.EventFacts], repeats: list[P.EventFacts]
) -> None:
    mixed = random.Random(len(repeats)).sample([*journey, *repeats], len(journey) + len(repeats))
    assert P.pickup_progress(P.ACCEPTED, mixed) == P.Progress(P.DELIVERED, at(1), at(24), None)


@PROPS
@given(events=st.lists(events_st, max_size=8), current=st.sampled_from(ONGOING))
def test_status_never_goes_backwards(events: list[P.EventFacts], current: str) -> None:
    progress = P.pickup_progress(current, events)
    assert rank(progress.status) >= rank(current)
    if progress.status == P.EXCEPTION:
        assert current in (P.REQUESTED, P.ACCEPTED, P.EXCEPTION)


@PROPS
@given(events=st.lists(events_st, min_size=1, max_size=8))
def test_events_one_at_a_time_end_where_all_at_once_do(events: list[P.EventFacts]) -> None:
    """As the service applies them: each arrival recomputes from everything seen so far."""
    status = P.ACCEPTED
    seen: list[P.EventFacts] = []
    for event in events:
        seen.append(event)
        step = P.pickup_progress(status, seen)
        assert rank(step.status) >= rank(status)
        status = step.status
    assert P.pickup_progress(status, events) == P.pickup_progress(P.ACCEPTED, events)


@PROPS
@given(events=st.lists(events_st, max_size=8))
def test_an_exception_always_comes_with_the_failure_and_without_pickup(
    events: list[P.EventFacts],
) -> None:
    progress = P.pickup_progress(P.ACCEPTED, events)
    if progress.exception is not None:
        assert progress.status == P.EXCEPTION
        assert progress.exception.status in P.FAILURE_STATUSES
        assert progress.picked_up_at is None
    if progress.picked_up_at is not None:
        assert progress.status in (P.PICKED_UP, P.IN_TRANSIT, P.DELIVERED)
    if progress.delivered_at is not None:
        assert progress.status == P.DELIVERED
        assert progress.picked_up_at is not None
        assert progress.picked_up_at <= progress.delivered_at


# --- backoff --------------------------------------------------------------------------------


def test_backoff_doubles_from_ten_seconds_within_the_jitter() -> None:
    for attempts, nominal in [(0, 10), (1, 10), (2, 20), (3, 40), (4, 80), (8, 1280)]:
        low, high = (
            backoff_seconds(attempts, rng=_Fixed(0.0)),
            backoff_seconds(attempts, rng=_Fixed(0.999999)),
        )
        assert low == pytest.approx(nominal * 0.8)
        assert high == pytest.approx(nominal * 1.2, rel=1e-5)


@PROPS
@given(attempts=st.integers(0, 10_000), seed=st.integers(0, 2**32))
def test_backoff_is_never_below_the_base_jitter_or_above_the_cap(attempts: int, seed: int) -> None:
    delay = backoff_seconds(attempts, rng=random.Random(seed))
    assert BACKOFF_BASE_SECONDS * 0.8 <= delay <= BACKOFF_CAP_SECONDS


@PROPS
@given(attempts=st.integers(1, 60))
def test_backoff_grows_with_the_attempts(attempts: int) -> None:
    middle = _Fixed(0.5)
    assert backoff_seconds(attempts + 1, rng=middle) >= backoff_seconds(attempts, rng=middle)


class _Fixed(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value
