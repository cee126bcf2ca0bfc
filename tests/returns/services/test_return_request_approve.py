from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import Conflict
from banpum.policy.types import Method
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_approve
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


def test_approve_carrier_pickup(order: Any, cs_agent: Actor) -> None:
    approved = return_request_approve(
        now=timezone.now(), return_request=open_return(order), actor=cs_agent, note="사진 확인함"
    )
    assert (approved.status, approved.version) == (S.APPROVED, 2)
    event = approved.events.get(type=EventType.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.note) == (
        "requested",
        "approved",
        "사진 확인함",
    )
    assert event.actor_user == cs_agent.user


@pytest.mark.parametrize("method", [Method.SELF_SHIP, Method.CVS_DROP_OFF, Method.IN_STORE])
def test_approve_without_pickup_moves_on_to_awaiting_shipment(
    order: Any, cs_agent: Actor, method: Method
) -> None:
    approved = return_request_approve(
        now=timezone.now(), return_request=open_return(order, method=method), actor=cs_agent
    )
    assert (approved.status, approved.version) == (S.AWAITING_SHIPMENT, 3)
    steps = approved.events.filter(type=EventType.STATUS_CHANGED).order_by("id")
    assert [(e.to_status, e.actor_type) for e in steps] == [
        ("approved", "staff"),
        ("awaiting_shipment", "system"),
    ]


def test_approve_a_held_return(order: Any, cs_agent: Actor) -> None:
    held = open_return(order, reason_code="defective")
    assert held.status == S.ON_HOLD
    approved = return_request_approve(now=timezone.now(), return_request=held, actor=cs_agent)
    assert (approved.status, approved.hold_reason) == (S.APPROVED, "")


@pytest.mark.parametrize("status", [S.APPROVED, S.REJECTED, S.CANCELLED, S.IN_TRANSIT])
def test_approve_from_a_later_status_is_a_conflict(order: Any, cs_agent: Actor, status: S) -> None:
    return_request = walk_to(open_return(order), status)
    with pytest.raises(Conflict) as raised:
        return_request_approve(now=timezone.now(), return_request=return_request, actor=cs_agent)
    assert raised.value.code == "illegal_transition"
    assert ReturnRequest.objects.get(pk=return_request.pk).status == status


def test_stale_version_is_refused(order: Any, cs_agent: Actor) -> None:
    return_request = open_return(order)
    with pytest.raises(Conflict) as raised:
        return_request_approve(
            now=timezone.now(), return_request=return_request, actor=cs_agent, expected_version=7
        )
    assert raised.value.code == "stale_version"
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REQUESTED


def test_approve_and_follow_up_are_one_transaction(
    order: Any, cs_agent: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the second step fails, the approval is rolled back with it."""
    from banpum.returns import services, transitions

    real = transitions.return_transition

    def failing_second_step(**kwargs: Any) -> Any:
        if kwargs["action"] == "await_shipment":
            raise RuntimeError("boom")
        return real(**kwargs)

    monkeypatch.setattr(services, "return_transition", failing_second_step)
    return_request = open_return(order, method=Method.SELF_SHIP)
    with pytest.raises(RuntimeError):
        return_request_approve(now=timezone.now(), return_request=return_request, actor=cs_agent)
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert (stored.status, stored.version) == (S.REQUESTED, 1)
    assert not stored.events.filter(type=EventType.STATUS_CHANGED).exists()
