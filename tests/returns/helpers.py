"""Building blocks for the returns tests: asks, returns in any status, the actors who act."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.policy.types import (
    Condition,
    FeeCollection,
    HoldReason,
    LineRequest,
    Method,
    Resolution,
    ReturnAsk,
    ReturnType,
)
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_create
from banpum.returns.transitions import Action, Move, return_transition

API_ACTOR = Actor.api("api:test")
WAREHOUSE = Actor.system("warehouse")


def ask_for(
    order: Order,
    lines: Sequence[tuple[int, int]] = ((1, 1),),
    *,
    reason_code: str = "change_of_mind",
    type: ReturnType = ReturnType.RETURN,
    resolution: Resolution = Resolution.REFUND,
    method: Method = Method.CARRIER_PICKUP,
    condition: Condition = Condition.UNOPENED,
    photo_count: int = 0,
    fee_collection: FeeCollection | None = None,
    defect_noticed_at: dt.datetime | None = None,
) -> ReturnAsk:
    """A request for ``(line_number, quantity)`` pairs of ``order``."""
    ids = {line.line_number: line.pk for line in order.lines.all()}
    return ReturnAsk(
        type=type,
        reason_code=reason_code,
        resolution=resolution,
        method=method,
        lines=tuple(
            LineRequest(order_line_id=ids[number], quantity=quantity, condition=condition)
            for number, quantity in lines
        ),
        fee_collection=fee_collection,
        defect_noticed_at=defect_noticed_at,
        photo_count=photo_count,
    )


def number_of(return_request: ReturnRequest) -> str:
    """A created return's number (the column is nullable only until the return is created)."""
    assert return_request.number is not None, "a created return has its number"
    return return_request.number


def open_return(
    order: Order,
    lines: Sequence[tuple[int, int]] = ((1, 1),),
    *,
    actor: Actor = API_ACTOR,
    origin: Origin = Origin.CS,
    create_kwargs: dict[str, Any] | None = None,
    **ask_kwargs: Any,
) -> ReturnRequest:
    """A return through the real service (a change of mind, by default left for review)."""
    kwargs = {"now": timezone.now(), **(create_kwargs or {})}
    return return_request_create(
        order=order,
        ask=ask_for(order, lines, **ask_kwargs),
        origin=origin,
        actor=actor,
        **kwargs,
    )


_INSPECTED = (
    Action.APPROVE,
    Action.REQUEST_PICKUP,
    Action.MARK_IN_TRANSIT,
    Action.RECEIVE,
    Action.INSPECT,
)
# The shortest way from "requested" to every status, through the transition table.
PATH_TO: dict[S, tuple[Action, ...]] = {
    S.REQUESTED: (),
    S.ON_HOLD: (Action.HOLD,),
    S.APPROVED: (Action.APPROVE,),
    S.REJECTED: (Action.REJECT,),
    S.CANCELLED: (Action.CANCEL,),
    S.PICKUP_REQUESTED: (Action.APPROVE, Action.REQUEST_PICKUP),
    S.AWAITING_SHIPMENT: (Action.APPROVE, Action.AWAIT_SHIPMENT),
    S.IN_TRANSIT: (Action.APPROVE, Action.REQUEST_PICKUP, Action.MARK_IN_TRANSIT),
    S.ARRIVED: (Action.APPROVE, Action.REQUEST_PICKUP, Action.MARK_IN_TRANSIT, Action.ARRIVE),
    S.RECEIVED: (Action.APPROVE, Action.REQUEST_PICKUP, Action.MARK_IN_TRANSIT, Action.RECEIVE),
    S.INSPECTED: (
        Action.APPROVE,
        Action.REQUEST_PICKUP,
        Action.MARK_IN_TRANSIT,
        Action.RECEIVE,
        Action.INSPECT,
    ),
    S.PARTIALLY_RECEIVED: (Action.APPROVE, Action.AWAIT_SHIPMENT, Action.RECEIVE_PART),
    S.ITEM_KEPT: (Action.APPROVE, Action.KEEP_ITEM),
    S.REFUND_PENDING: (*_INSPECTED, Action.START_REFUND),
    S.REFUNDED: (*_INSPECTED, Action.START_REFUND, Action.REFUND_PAID),
    S.SENT_BACK: (*_INSPECTED, Action.SEND_BACK),
    S.EXCHANGE_PENDING: (*_INSPECTED, Action.START_EXCHANGE),
    S.EXCHANGE_SHIPPED: (*_INSPECTED, Action.START_EXCHANGE, Action.SHIP_EXCHANGE),
    S.COMPLETED: (*_INSPECTED, Action.START_REFUND, Action.REFUND_PAID, Action.COMPLETE),
}

# Satisfies every guard: a note for a rejection, a reason for a hold.
SATISFYING_MOVE = Move(note="Checked with the customer.", hold_reason=HoldReason.OTHER)


def walk_to(return_request: ReturnRequest, status: S) -> ReturnRequest:
    """Move a freshly requested return to ``status`` the only legal way: by transitions."""
    assert return_request.status == S.REQUESTED, return_request.status
    for action in PATH_TO[status]:
        return_request = return_transition(
            return_request=return_request,
            action=action,
            actor=WAREHOUSE,
            move=SATISFYING_MOVE,
            now=timezone.now(),
        )
    assert return_request.status == status
    return return_request
