from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import Conflict
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_cancel
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db

BEFORE_PICKUP = [S.REQUESTED, S.ON_HOLD, S.APPROVED, S.PICKUP_REQUESTED, S.AWAITING_SHIPMENT]
FROM_PICKUP_ON = [S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.COMPLETED, S.REJECTED, S.CANCELLED]


@pytest.mark.parametrize("status", BEFORE_PICKUP, ids=lambda s: s.value)
def test_cancel_until_pickup(order: Any, cs_agent: Actor, status: S) -> None:
    return_request = walk_to(open_return(order), status)
    cancelled = return_request_cancel(
        now=timezone.now(), return_request=return_request, actor=cs_agent, note="고객 요청으로 철회"
    )
    assert (cancelled.status, cancelled.hold_reason) == (S.CANCELLED, "")
    event = cancelled.events.filter(type=EventType.STATUS_CHANGED).latest("id")
    assert (event.from_status, event.to_status) == (status.value, "cancelled")
    assert event.note == "고객 요청으로 철회"


@pytest.mark.parametrize("status", FROM_PICKUP_ON, ids=lambda s: s.value)
def test_cancel_is_forbidden_once_picked_up(order: Any, cs_agent: Actor, status: S) -> None:
    return_request = walk_to(open_return(order), status)
    with pytest.raises(Conflict) as raised:
        return_request_cancel(now=timezone.now(), return_request=return_request, actor=cs_agent)
    assert raised.value.code == "illegal_transition"
    assert "cancel" not in raised.value.extra["allowed_actions"]
    assert ReturnRequest.objects.get(pk=return_request.pk).status == status
