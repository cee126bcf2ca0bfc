from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import Conflict, ValidationFailed
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_reject
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("source", [S.REQUESTED, S.ON_HOLD])
def test_reject_with_a_note(order: Any, cs_agent: Actor, source: S) -> None:
    return_request = walk_to(open_return(order), source)
    rejected = return_request_reject(
        now=timezone.now(),
        return_request=return_request,
        actor=cs_agent,
        note="사용 흔적이 있어 반품 불가",
    )
    assert (rejected.status, rejected.hold_reason) == (S.REJECTED, "")
    event = rejected.events.filter(type=EventType.STATUS_CHANGED).latest("id")
    assert (event.from_status, event.note) == (source.value, "사용 흔적이 있어 반품 불가")


@pytest.mark.usefixtures("english")
def test_reject_without_a_note_is_refused(order: Any, cs_agent: Actor) -> None:
    return_request = open_return(order)
    with pytest.raises(ValidationFailed) as raised:
        return_request_reject(
            now=timezone.now(), return_request=return_request, actor=cs_agent, note=" "
        )
    assert raised.value.extra["fields"] == {
        "note": ["Say why in a note; the customer will be told."]
    }
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REQUESTED


def test_reject_after_approval_is_a_conflict(order: Any, cs_agent: Actor) -> None:
    approved = walk_to(open_return(order), S.APPROVED)
    with pytest.raises(Conflict) as raised:
        return_request_reject(
            now=timezone.now(), return_request=approved, actor=cs_agent, note="too late"
        )
    assert raised.value.extra["allowed_actions"] == [
        "request_pickup",
        "await_shipment",
        "keep_item",
        "cancel",
    ]
