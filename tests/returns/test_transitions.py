"""The transition table, walked pair by pair, and the one function that applies it."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import Conflict, ValidationFailed
from banpum.policy.types import HoldReason
from banpum.returns.models import EventType, ReturnEvent, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.transitions import (
    TABLE,
    TRANSITIONS,
    Action,
    Move,
    allowed_actions,
    return_transition,
)
from tests.returns.helpers import SATISFYING_MOVE, open_return, walk_to

# The lifecycle as the product defines it, written out by hand: a change to the table in code
# must be a deliberate change here too.
EXPECTED: dict[tuple[S, Action], S] = {
    (S.REQUESTED, Action.APPROVE): S.APPROVED,
    (S.REQUESTED, Action.HOLD): S.ON_HOLD,
    (S.REQUESTED, Action.REJECT): S.REJECTED,
    (S.REQUESTED, Action.CANCEL): S.CANCELLED,
    (S.ON_HOLD, Action.APPROVE): S.APPROVED,
    (S.ON_HOLD, Action.REJECT): S.REJECTED,
    (S.ON_HOLD, Action.CANCEL): S.CANCELLED,
    (S.APPROVED, Action.REQUEST_PICKUP): S.PICKUP_REQUESTED,
    (S.APPROVED, Action.AWAIT_SHIPMENT): S.AWAITING_SHIPMENT,
    (S.APPROVED, Action.CANCEL): S.CANCELLED,
    (S.PICKUP_REQUESTED, Action.MARK_IN_TRANSIT): S.IN_TRANSIT,
    (S.PICKUP_REQUESTED, Action.SWITCH_TO_SELF_SHIP): S.AWAITING_SHIPMENT,
    (S.PICKUP_REQUESTED, Action.CANCEL): S.CANCELLED,
    (S.AWAITING_SHIPMENT, Action.MARK_IN_TRANSIT): S.IN_TRANSIT,
    (S.AWAITING_SHIPMENT, Action.RECEIVE): S.RECEIVED,
    (S.PICKUP_REQUESTED, Action.RECEIVE): S.RECEIVED,
    (S.PICKUP_REQUESTED, Action.RECEIVE_PART): S.PARTIALLY_RECEIVED,
    (S.AWAITING_SHIPMENT, Action.RECEIVE_PART): S.PARTIALLY_RECEIVED,
    (S.IN_TRANSIT, Action.RECEIVE_PART): S.PARTIALLY_RECEIVED,
    (S.ARRIVED, Action.RECEIVE_PART): S.PARTIALLY_RECEIVED,
    (S.PARTIALLY_RECEIVED, Action.RECEIVE_PART): S.PARTIALLY_RECEIVED,
    (S.PARTIALLY_RECEIVED, Action.RECEIVE): S.RECEIVED,
    (S.APPROVED, Action.KEEP_ITEM): S.ITEM_KEPT,
    (S.INSPECTED, Action.START_REFUND): S.REFUND_PENDING,
    (S.INSPECTED, Action.SEND_BACK): S.SENT_BACK,
    (S.INSPECTED, Action.START_EXCHANGE): S.EXCHANGE_PENDING,
    (S.INSPECTED, Action.SHIP_EXCHANGE): S.EXCHANGE_SHIPPED,
    (S.EXCHANGE_PENDING, Action.SHIP_EXCHANGE): S.EXCHANGE_SHIPPED,
    (S.EXCHANGE_PENDING, Action.START_REFUND): S.REFUND_PENDING,
    (S.REFUND_PENDING, Action.REFUND_PAID): S.REFUNDED,
    (S.ITEM_KEPT, Action.REFUND_PAID): S.REFUNDED,
    (S.REFUNDED, Action.COMPLETE): S.COMPLETED,
    (S.SENT_BACK, Action.COMPLETE): S.COMPLETED,
    (S.EXCHANGE_SHIPPED, Action.COMPLETE): S.COMPLETED,
    (S.AWAITING_SHIPMENT, Action.CANCEL): S.CANCELLED,
    (S.IN_TRANSIT, Action.ARRIVE): S.ARRIVED,
    (S.IN_TRANSIT, Action.RECEIVE): S.RECEIVED,
    (S.ARRIVED, Action.RECEIVE): S.RECEIVED,
    (S.RECEIVED, Action.INSPECT): S.INSPECTED,
}

ALL_PAIRS = list(itertools.product(S, Action))
ACTOR = Actor.api("api:walker")


def _pair_id(pair: tuple[S, Action]) -> str:
    return f"{pair[0].value}-{pair[1].value}"


def test_table_in_code_is_the_lifecycle() -> None:
    assert {key: t.target for key, t in TABLE.items()} == EXPECTED
    assert len(TRANSITIONS) == len(EXPECTED)


@pytest.mark.parametrize("status", list(S), ids=lambda s: s.value)
def test_allowed_actions_lists_the_table_rows(status: S) -> None:
    expected = {action for (source, action) in EXPECTED if source == status}
    assert set(allowed_actions(status)) == expected


@pytest.mark.parametrize("terminal", [S.REJECTED, S.CANCELLED, S.COMPLETED])
def test_terminal_statuses_have_no_way_out(terminal: S) -> None:
    assert allowed_actions(terminal) == []


@pytest.mark.django_db
@pytest.mark.parametrize("pair", ALL_PAIRS, ids=_pair_id)
def test_every_status_action_pair(order: Any, pair: tuple[S, Action]) -> None:
    status, action = pair
    return_request = walk_to(open_return(order), status)
    version = return_request.version
    events_before = set(return_request.events.values_list("pk", flat=True))

    if pair not in EXPECTED:
        with pytest.raises(Conflict) as raised:
            return_transition(
                return_request=return_request,
                action=action,
                actor=ACTOR,
                move=SATISFYING_MOVE,
                now=timezone.now(),
            )
        assert raised.value.code == "illegal_transition"
        assert raised.value.status_code == 409
        extra = dict(raised.value.extra)
        allowed = extra.pop("allowed_actions")
        assert extra == {"status": status.value, "action": action.value}
        assert allowed == [a.value for a in allowed_actions(status)]
        assert set(allowed) == {a.value for (s, a) in EXPECTED if s == status}
        stored = ReturnRequest.objects.get(pk=return_request.pk)
        assert (stored.status, stored.version) == (status, version)
        assert set(stored.events.values_list("pk", flat=True)) == events_before
        return

    moved = return_transition(
        return_request=return_request,
        action=action,
        actor=ACTOR,
        move=SATISFYING_MOVE,
        now=timezone.now(),
    )
    target = EXPECTED[pair]
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert (moved.status, moved.version) == (target, version + 1)
    assert (stored.status, stored.version) == (target, version + 1)
    assert stored.hold_reason == (HoldReason.OTHER.value if target == S.ON_HOLD else "")
    new_events = list(stored.events.exclude(pk__in=events_before))
    assert len(new_events) == 1
    event = new_events[0]
    assert event.type == EventType.STATUS_CHANGED
    assert (event.from_status, event.to_status) == (status.value, target.value)
    assert (event.actor_type, event.actor_label, event.actor_user) == ("api", "api:walker", None)
    assert event.note == SATISFYING_MOVE.note
    assert event.data["action"] == action.value


@pytest.mark.django_db
def test_hold_needs_a_reason(order: Any) -> None:
    return_request = open_return(order)
    with pytest.raises(ValidationFailed) as raised:
        return_transition(
            return_request=return_request,
            action=Action.HOLD,
            actor=ACTOR,
            move=Move(note="x"),
            now=timezone.now(),
        )
    assert raised.value.code == "guard_failed"
    assert raised.value.status_code == 422
    assert raised.value.extra["action"] == "hold"
    assert list(raised.value.extra["fields"]) == ["hold_reason"]
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert (stored.status, stored.version) == (S.REQUESTED, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("source", [S.REQUESTED, S.ON_HOLD])
@pytest.mark.parametrize("note", ["", "   \n"])
def test_reject_needs_a_note(order: Any, source: S, note: str) -> None:
    return_request = walk_to(open_return(order), source)
    version = return_request.version
    with pytest.raises(ValidationFailed) as raised:
        return_transition(
            return_request=return_request,
            action=Action.REJECT,
            actor=ACTOR,
            move=Move(note=note),
            now=timezone.now(),
        )
    assert raised.value.code == "guard_failed"
    assert list(raised.value.extra["fields"]) == ["note"]
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert (stored.status, stored.version) == (source, version)


@pytest.mark.django_db
def test_hold_records_the_reason_on_the_return_and_the_event(order: Any) -> None:
    return_request = open_return(order)
    held = return_transition(
        return_request=return_request,
        action=Action.HOLD,
        actor=ACTOR,
        move=Move(note="입금 확인 전", hold_reason=HoldReason.RETURN_FEE_UNPAID),
        now=timezone.now(),
    )
    assert (held.status, held.hold_reason) == (S.ON_HOLD, "return_fee_unpaid")
    event = held.events.get(type=EventType.STATUS_CHANGED)
    assert event.data == {"action": "hold", "hold_reason": "return_fee_unpaid"}
    assert event.note == "입금 확인 전"

    released = return_transition(
        return_request=held, action=Action.APPROVE, actor=ACTOR, now=timezone.now()
    )
    assert (released.status, released.hold_reason) == (S.APPROVED, "")


@pytest.mark.django_db
def test_stale_version_is_a_conflict_and_changes_nothing(order: Any) -> None:
    return_request = open_return(order)
    return_transition(
        return_request=return_request,
        action=Action.HOLD,
        actor=ACTOR,
        move=SATISFYING_MOVE,
        now=timezone.now(),
    )
    with pytest.raises(Conflict) as raised:
        return_transition(
            return_request=return_request,
            action=Action.APPROVE,
            actor=ACTOR,
            expected_version=1,
            now=timezone.now(),
        )
    assert raised.value.code == "stale_version"
    assert raised.value.extra == {"version": 2}
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert (stored.status, stored.version) == (S.ON_HOLD, 2)
    assert stored.events.filter(type=EventType.STATUS_CHANGED).count() == 1


@pytest.mark.django_db
def test_matching_version_moves(order: Any) -> None:
    return_request = open_return(order)
    moved = return_transition(
        return_request=return_request,
        action=Action.APPROVE,
        actor=ACTOR,
        expected_version=1,
        now=timezone.now(),
    )
    assert (moved.status, moved.version) == (S.APPROVED, 2)


@pytest.mark.django_db
def test_transition_reads_the_row_not_the_callers_copy(order: Any) -> None:
    """A caller holding an old copy cannot move the return from a status it has left."""
    stale_copy = open_return(order)
    return_transition(
        return_request=stale_copy,
        action=Action.REJECT,
        actor=ACTOR,
        move=SATISFYING_MOVE,
        now=timezone.now(),
    )
    assert stale_copy.status == S.REQUESTED  # the caller's copy is stale
    with pytest.raises(Conflict) as raised:
        return_transition(
            return_request=stale_copy, action=Action.APPROVE, actor=ACTOR, now=timezone.now()
        )
    assert raised.value.extra["status"] == "rejected"


@pytest.mark.django_db
def test_events_are_append_only(order: Any) -> None:
    event = open_return(order).events.get(type=EventType.CREATED)
    event.note = "rewritten history"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    reloaded = ReturnEvent.objects.get(pk=event.pk)
    with pytest.raises(RuntimeError, match="append-only"):
        reloaded.save()
    assert ReturnEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.django_db
def test_staff_actor_is_recorded_as_the_user(order: Any, cs_agent: Actor) -> None:
    moved = return_transition(
        return_request=open_return(order),
        action=Action.APPROVE,
        actor=cs_agent,
        now=timezone.now(),
    )
    event = moved.events.get(type=EventType.STATUS_CHANGED)
    assert (event.actor_type, event.actor_label) == ("staff", "cs-kim")
    assert event.actor_user == cs_agent.user


def test_receiving_starts_the_refund_clock_at_the_moment_given(order: Any) -> None:
    """Received on Friday 3 October 2025 (개천절) in Seoul: 3 business days skip 추석 (5-8
    October), 한글날 (9 October) and the weekends: 10, 13 and 14 October."""
    import datetime as dt

    in_transit = walk_to(open_return(order), S.IN_TRANSIT)
    assert in_transit.refund_due_on is None
    received_at = dt.datetime(2025, 10, 2, 16, 0, tzinfo=dt.UTC)  # 3 October 01:00 in Seoul
    received = return_transition(
        return_request=in_transit, action=Action.RECEIVE, actor=ACTOR, now=received_at
    )
    stored = ReturnRequest.objects.get(pk=received.pk)
    assert stored.refund_due_on == dt.date(2025, 10, 14)
    assert stored.updated_at == received_at
    assert stored.events.latest("id").at == received_at


def test_named_status_groups_follow_the_table() -> None:
    """Other modules ask the table through these groups instead of listing statuses."""
    from banpum.returns.models import OPEN_STATUSES
    from banpum.returns.transitions import AWAITING_DECISION, CANCELLABLE, FINAL

    assert {s for s in S if (s, Action.CANCEL) in TABLE} == CANCELLABLE
    assert {S.REQUESTED, S.ON_HOLD} == AWAITING_DECISION
    assert {S.REJECTED, S.COMPLETED, S.CANCELLED} == FINAL
    assert set(S) - FINAL == OPEN_STATUSES
