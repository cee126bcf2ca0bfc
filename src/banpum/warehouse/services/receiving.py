"""Receiving (입고): a return's boxes scanned in at the warehouse.

A scan may come before tracking ever said "delivered" (a hand-entered waybill, a self-shipped
box, a counter hand-over), so a return is received from ``pickup_requested``,
``awaiting_shipment`` and ``in_transit`` as well as from ``arrived``. Receiving the last box
closes the return's pickup through the pickup's own table: the goods are in our hands, so
whatever tracking says later only corrects the delivery time (``logistics.services.tracking``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.logistics.models import Pickup, PickupStatus
from banpum.logistics.services import parcels
from banpum.logistics.services.pickups import pickup_cancel
from banpum.logistics.transitions import (
    PickupAction,
    PickupMove,
    pickup_transition,
    pickup_transition_allowed,
)
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.transitions import (
    GOODS_BACK,
    Action,
    Move,
    return_transition,
)
from banpum.warehouse import errors
from banpum.warehouse.models import ReturnReceipt, UnidentifiedParcel

# Pickups that may still bring the box: the one to count boxes by and to close.
_LIVE_PICKUP = (
    PickupStatus.REQUESTED,
    PickupStatus.ACCEPTED,
    PickupStatus.PICKED_UP,
    PickupStatus.IN_TRANSIT,
    PickupStatus.EXCEPTION,
    PickupStatus.DELIVERED,
)


def return_pickup_expected(return_request: ReturnRequest) -> Pickup | None:
    """The pickup the return's box travels with: the newest not cancelled or failed."""
    return (
        Pickup.objects.filter(return_request=return_request, status__in=_LIVE_PICKUP)
        .select_related("carrier")
        .order_by("-id")
        .first()
    )


def return_boxes_received(return_request: ReturnRequest) -> int:
    total = ReturnReceipt.objects.filter(return_request=return_request).aggregate(n=Sum("boxes"))
    return int(total["n"] or 0)


def _received_by(return_request: ReturnRequest) -> str:
    receipt = ReturnReceipt.objects.filter(return_request=return_request).order_by("-id").first()
    if receipt is not None and receipt.received_by:
        return receipt.received_by
    event = (
        return_request.events.filter(
            type=EventType.STATUS_CHANGED, data__action=Action.RECEIVE.value
        )
        .order_by("-id")
        .first()
    )
    return event.actor_label if event is not None and event.actor_label else "-"


def _already_received(return_request: ReturnRequest) -> Exception:
    when = return_request.received_at
    zone = ZoneInfo(return_request.store.timezone)
    when_text = when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else "-"
    who = _received_by(return_request)
    return errors.ALREADY_RECEIVED(
        number=return_request.number,
        when=when_text,
        who=who,
        extra={
            "status": return_request.status,
            "received_at": when.isoformat() if when else None,
            "received_by": who,
        },
    )


def _pickup_close(
    pickup: Pickup, *, actor: Actor, received_at: dt.datetime, now: dt.datetime
) -> None:
    """The box is in: end its pickup through the pickup's table.

    A pickup still ``requested`` (the carrier has not answered the booking) is cancelled, not
    marked delivered: the booking may yet succeed and send a driver to a customer who has no
    parcel left, so the carrier is told to drop it (by the cancel job, when one is owed).
    """
    if pickup.status == PickupStatus.REQUESTED:
        pickup_cancel(pickup=pickup, actor=actor, now=now)
        return
    if pickup_transition_allowed(pickup.status, PickupAction.RECEIVE_AT_WAREHOUSE):
        pickup = pickup_transition(
            pickup=pickup,
            action=PickupAction.RECEIVE_AT_WAREHOUSE,
            actor=actor,
            now=now,
            # Delivered by the scan at the latest; the carrier's own event may correct it.
            move=PickupMove(changes={"delivered_at": pickup.delivered_at or received_at}),
        )
    parcels.parcel_close_if_done(parcel_id=pickup.parcel_id, now=now)


@transaction.atomic
def return_receive(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    now: dt.datetime,
    boxes_received: int = 1,
    note: str = "",
    received_at: dt.datetime | None = None,
    unidentified_parcel: UnidentifiedParcel | None = None,
) -> ReturnRequest:
    """Scan ``boxes_received`` boxes of the return in; the last one receives it.

    ``received_at`` is when the goods physically arrived (default ``now``): an unidentified
    parcel matched later counts from its registration, so the refund clock is not delayed.
    A return already received answers 409 naming when and by whom (a double scan).
    """
    actor_require(actor, return_request.store_id, Capability.RETURN_RECEIVE)
    received_at = received_at or now
    if boxes_received < 1:
        raise errors.BOXES_NOT_POSITIVE.field("boxes_received")
    # The one lock order: the return, then its pickup (``logistics.transitions.pickups_lock``).
    locked = (
        ReturnRequest.objects.select_for_update().select_related("store").get(pk=return_request.pk)
    )
    if locked.status in GOODS_BACK:
        raise _already_received(locked)
    pickup = return_pickup_expected(locked)
    box_count = max(pickup.box_count if pickup is not None else 1, 1)
    total = return_boxes_received(locked) + boxes_received
    action = Action.RECEIVE if total >= box_count else Action.RECEIVE_PART
    data: dict[str, object] = {"boxes_received": total, "box_count": box_count}
    if unidentified_parcel is not None:
        data["unidentified_parcel_id"] = unidentified_parcel.pk
    received = return_transition(
        return_request=locked,
        action=action,
        actor=actor,
        move=Move(note=note.strip(), data=data),
        now=received_at,
    )
    ReturnReceipt.objects.create(
        return_request=received,
        boxes=boxes_received,
        box_count=box_count,
        received_by=actor.label[:150],
        received_at=received_at,
        unidentified_parcel=unidentified_parcel,
        note=note.strip()[:500],
        at=now,
    )
    if action is Action.RECEIVE and pickup is not None:
        _pickup_close(pickup, actor=actor, received_at=received_at, now=now)
    return received
