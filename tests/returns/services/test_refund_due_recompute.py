"""Refund due dates of received returns follow the store's calendar when it changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from banpum.policy.models import ExtraHoliday
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.refund_due import _received_moment, return_refund_due_recompute
from banpum.returns.transitions import Action, return_transition
from tests.factories import make_order
from tests.returns.helpers import WAREHOUSE, open_return, walk_to

pytestmark = pytest.mark.django_db
SEOUL = dt.timezone(dt.timedelta(hours=9))
FRIDAY = dt.datetime(2026, 10, 16, 23, 30, tzinfo=SEOUL)  # late Friday, Seoul time
NOW = dt.datetime(2026, 10, 17, 9, 0, tzinfo=SEOUL)
WEDNESDAY, THURSDAY = dt.date(2026, 10, 21), dt.date(2026, 10, 22)


def received(store: Any, then: S = S.RECEIVED) -> ReturnRequest:
    moved = return_transition(
        return_request=walk_to(open_return(make_order(store=store)), S.IN_TRANSIT),
        action=Action.RECEIVE,
        actor=WAREHOUSE,
        now=FRIDAY,
    )
    for action in {
        S.INSPECTED: [Action.INSPECT],
        S.COMPLETED: [Action.INSPECT, Action.START_REFUND, Action.REFUND_PAID, Action.COMPLETE],
    }.get(then, []):
        moved = return_transition(return_request=moved, action=action, actor=WAREHOUSE, now=NOW)
    return moved


def holiday(store: Any, day: dt.date) -> None:
    ExtraHoliday.objects.create(store=store, date=day, name="임시공휴일", created_at=NOW)


def due(return_request: ReturnRequest) -> dt.date | None:
    return ReturnRequest.objects.get(pk=return_request.pk).refund_due_on


def test_the_received_moment_is_the_receive_event(store: Any) -> None:
    assert _received_moment(received(store)) == FRIDAY
    assert _received_moment(open_return(make_order(store=store))) is None


def test_received_and_inspected_returns_move_completed_ones_do_not(store: Any) -> None:
    waiting, inspected, done = (
        received(store, then) for then in (S.RECEIVED, S.INSPECTED, S.COMPLETED)
    )
    holiday(store, dt.date(2026, 10, 19))
    assert return_refund_due_recompute(store=store, now=NOW) == 2
    assert (due(waiting), due(inspected), due(done)) == (THURSDAY, THURSDAY, WEDNESDAY)
    assert ReturnRequest.objects.get(pk=waiting.pk).updated_at == NOW
    # Nothing left to move: a second run changes nothing.
    assert return_refund_due_recompute(store=store, now=NOW) == 0
    ExtraHoliday.objects.all().delete()
    assert return_refund_due_recompute(store=store, now=NOW) == 2
    assert (due(waiting), due(inspected)) == (WEDNESDAY, WEDNESDAY)


def test_returns_not_received_are_left_alone(store: Any) -> None:
    in_transit = walk_to(open_return(make_order(store=store)), S.IN_TRANSIT)
    holiday(store, dt.date(2026, 10, 19))
    assert return_refund_due_recompute(store=store, now=NOW) == 0
    assert due(in_transit) is None


def test_the_version_is_not_bumped(store: Any) -> None:
    """The due date is not something a client edits: an open form stays valid."""
    waiting = received(store)
    holiday(store, dt.date(2026, 10, 19))
    return_refund_due_recompute(store=store, now=NOW)
    assert ReturnRequest.objects.get(pk=waiting.pk).version == waiting.version
