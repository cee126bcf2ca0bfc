from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import Conflict
from banpum.policy.types import HoldReason
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_hold
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", list(HoldReason), ids=lambda r: r.value)
def test_hold_with_each_typed_reason(order: Any, cs_agent: Actor, reason: HoldReason) -> None:
    held = return_request_hold(
        now=timezone.now(),
        return_request=open_return(order),
        actor=cs_agent,
        reason=reason,
        note="확인 필요",
    )
    assert (held.status, held.hold_reason, held.version) == (S.ON_HOLD, reason.value, 2)
    stored = ReturnRequest.objects.get(pk=held.pk)
    assert stored.hold_reason == reason.value
    event = stored.events.get(type=EventType.STATUS_CHANGED)
    assert event.data == {"action": "hold", "hold_reason": reason.value}
    assert event.note == "확인 필요"


def test_hold_twice_is_a_conflict(order: Any, cs_agent: Actor) -> None:
    held = walk_to(open_return(order), S.ON_HOLD)
    with pytest.raises(Conflict) as raised:
        return_request_hold(
            now=timezone.now(),
            return_request=held,
            actor=cs_agent,
            reason=HoldReason.ITEM_NOT_ARRIVED,
        )
    assert raised.value.extra["allowed_actions"] == ["approve", "reject", "cancel"]
    assert ReturnRequest.objects.get(pk=held.pk).hold_reason == "other"


def test_hold_after_approval_is_a_conflict(order: Any, cs_agent: Actor) -> None:
    approved = walk_to(open_return(order), S.APPROVED)
    with pytest.raises(Conflict):
        return_request_hold(
            now=timezone.now(), return_request=approved, actor=cs_agent, reason=HoldReason.OTHER
        )
