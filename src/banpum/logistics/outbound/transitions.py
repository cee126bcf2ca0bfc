"""The outbound shipment lifecycle as data, and the one function that moves a shipment along it.

requested → booked (the carrier issued a waybill) → shipped (the carrier picked it up at the
warehouse) → delivered; a booking that fails for good is ``failed``; a shipment not yet shipped
can be ``cancelled``. ``outbound_transition`` locks the return then the shipment (the lock
order of every logistics write), refuses a move the table does not hold, and records an
``OutboundStatusChange`` row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction

from banpum.core.actors import Actor
from banpum.logistics import errors
from banpum.logistics.models import OutboundShipment, OutboundStatusChange
from banpum.logistics.models import OutboundStatus as S
from banpum.returns.models import ReturnRequest


class OutboundAction(StrEnum):
    BOOK = "book"  # the carrier accepted the booking and issued a waybill
    FAIL = "fail"  # the booking failed for good
    SHIP = "ship"  # tracking: the carrier collected it at the warehouse
    DELIVER = "deliver"  # tracking: delivered to the customer
    CANCEL = "cancel"


@dataclass(frozen=True)
class OutboundMove:
    """Other fields the move sets, and data recorded with it."""

    changes: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)


TRANSITIONS: tuple[tuple[S, OutboundAction, S], ...] = (
    (S.REQUESTED, OutboundAction.BOOK, S.BOOKED),
    (S.REQUESTED, OutboundAction.FAIL, S.FAILED),
    (S.BOOKED, OutboundAction.FAIL, S.FAILED),
    (S.BOOKED, OutboundAction.SHIP, S.SHIPPED),
    # Tracking may report delivery before (or without) the pick-up scan.
    (S.BOOKED, OutboundAction.DELIVER, S.DELIVERED),
    (S.SHIPPED, OutboundAction.DELIVER, S.DELIVERED),
    (S.REQUESTED, OutboundAction.CANCEL, S.CANCELLED),
    (S.BOOKED, OutboundAction.CANCEL, S.CANCELLED),
)
TABLE: dict[tuple[S, OutboundAction], S] = {(s, a): t for s, a, t in TRANSITIONS}
if len(TABLE) != len(TRANSITIONS):
    raise RuntimeError("duplicate (status, action) in outbound TRANSITIONS")

_STAMPS = {
    OutboundAction.BOOK: "booked_at",
    OutboundAction.SHIP: "shipped_at",
    OutboundAction.DELIVER: "delivered_at",
}


def outbound_allowed_actions(status: str) -> list[OutboundAction]:
    return [a for s, a, _ in TRANSITIONS if s == status]


def outbound_lock(shipment_id: int) -> tuple[ReturnRequest, OutboundShipment]:
    """Lock the shipment's return, then the shipment: logistics' one lock order."""
    return_request_id = OutboundShipment.objects.values_list("return_request_id", flat=True).get(
        pk=shipment_id
    )
    return_request = ReturnRequest.objects.select_for_update().get(pk=return_request_id)
    shipment = (
        OutboundShipment.objects.select_for_update(of=("self",))
        .select_related("account__carrier", "account__store")
        .get(pk=shipment_id)
    )
    return return_request, shipment


def outbound_transition(
    *,
    shipment: OutboundShipment,
    action: OutboundAction,
    actor: Actor,
    now: dt.datetime,
    move: OutboundMove | None = None,
) -> OutboundShipment:
    """Apply ``action`` under the row lock; the only writer of ``OutboundShipment.status``."""
    move = move or OutboundMove()
    with transaction.atomic():
        _, locked = outbound_lock(shipment.pk)
        target = TABLE.get((S(locked.status), action))
        if target is None:
            raise errors.OUTBOUND_ILLEGAL_TRANSITION(
                action=action.value,
                status=locked.get_status_display(),
                extra={
                    "status": locked.status,
                    "action": action.value,
                    "allowed_actions": [a.value for a in outbound_allowed_actions(locked.status)],
                },
            )
        from_status = locked.status
        updated = {"status", "updated_at", *move.changes}
        for name, value in move.changes.items():
            setattr(locked, name, value)
        locked.status = target
        if stamp := _STAMPS.get(action):
            setattr(locked, stamp, now)
            updated.add(stamp)
        locked.save(update_fields=sorted(updated))
        OutboundStatusChange.objects.create(
            shipment=locked,
            action=action.value,
            from_status=from_status,
            to_status=locked.status,
            actor_type=actor.type,
            actor_label=actor.label[:150],
            data=dict(move.data),
            at=now,
        )
    return locked
