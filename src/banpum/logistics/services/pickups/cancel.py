"""Cancelling pickups: at once in our database, then (in a job) at the carrier.

Whether the carrier heard about it is ``Pickup.cancel_state``, moved through the transition
table: requested (a call is owed), confirmed, failed (the carrier refused; CS must call), or
not needed (nothing was ever booked there).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from banpum.core.actors import Actor
from banpum.integrations.carriers.base import GatewayError, PickupBooked, PickupCancelled
from banpum.logistics import errors
from banpum.logistics.gateways import gateway_open
from banpum.logistics.jobs import jobs
from banpum.logistics.models import CancelState, Pickup, PickupStatus
from banpum.logistics.services import parcels
from banpum.logistics.services.pickups import common
from banpum.logistics.services.pickups.common import (
    carrier_actor,
    carrier_facts,
    pickup_load_for_call,
    pickup_order,
)
from banpum.logistics.transitions import (
    PickupAction,
    PickupMove,
    pickup_transition,
    pickup_transition_allowed,
    pickups_lock,
)
from banpum.returns import events
from banpum.returns.events import LogisticsKind
from banpum.returns.models import ReturnRequest

logger = logging.getLogger(__name__)


def pickup_cancel(*, pickup: Pickup, actor: Actor, now: dt.datetime) -> Pickup:
    """Cancel a pickup (its return locked by the caller); tell the carrier after commit if owed.

    A booking attempt whose answer never came back (a timeout) may have booked all the same,
    so a pickup with attempts but no reference is cancelled at the carrier too: the cancel job
    first asks again under the same idempotency key to learn the reference.
    """
    owed = not pickup.manual and bool(pickup.carrier_reference or pickup.attempts)
    cancelled = pickup_transition(
        pickup=pickup,
        action=PickupAction.CANCEL,
        actor=actor,
        now=now,
        move=PickupMove(changes={"next_attempt_at": now if owed else None}, carrier_owed=owed),
    )
    parcels.parcel_close_if_done(parcel_id=cancelled.parcel_id, now=now)
    if owed:
        pickup_id = cancelled.pk
        transaction.on_commit(lambda: jobs().pickup_cancel_send(pickup_id))
    return cancelled


def pickups_cancel_for_return(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
) -> list[Pickup]:
    """Called when a return is cancelled: stop every pickup not yet collected.

    The caller holds the return's row lock (the lock order: return, then pickups).
    """
    pickups = list(return_request.pickups.select_for_update().order_by("id"))
    if any(p.status in (PickupStatus.PICKED_UP, PickupStatus.IN_TRANSIT) for p in pickups):
        raise errors.ALREADY_PICKED_UP()
    cancelled = [
        pickup_cancel(pickup=pickup, actor=actor, now=now)
        for pickup in pickups
        if pickup_transition_allowed(pickup.status, PickupAction.CANCEL)
    ]
    if cancelled:
        events.event_logistics(
            return_request,
            actor,
            kind=LogisticsKind.PICKUP_CANCELLED,
            data={"pickup_ids": [p.pk for p in cancelled]},
            now=now,
        )
    return cancelled


def pickup_cancel_send(*, pickup_id: int, now: dt.datetime) -> Pickup | None:
    """The cancel job: tell the carrier, outside any transaction, then apply its answer."""
    pickup = pickup_load_for_call(pickup_id)
    if pickup is None or pickup.cancel_state != CancelState.REQUESTED:
        return pickup
    if pickup.account is None or (not pickup.carrier_reference and not pickup.attempts):
        # Never reached the carrier: nothing to cancel there.
        return pickup_cancel_apply(pickup_id=pickup.pk, result=None, now=now)
    result: PickupCancelled | GatewayError
    with gateway_open(pickup.account) as gateway:
        if gateway is None:
            result = GatewayError(
                "unlinked",
                "This carrier account has no API to cancel with: cancel by phone.",
                retryable=False,
            )
        else:
            reference, waybill = pickup.carrier_reference, pickup.waybill_number
            booked: PickupBooked | GatewayError | None = None
            if not reference:
                # The booking's answer was lost: the same key returns the booking if any.
                booked = gateway.request_pickup(pickup_order(pickup))
            if isinstance(booked, GatewayError):
                result = booked
            else:
                if booked is not None:
                    reference, waybill = booked.carrier_reference, booked.waybill_number
                    Pickup.objects.filter(pk=pickup.pk).update(
                        carrier_reference=reference, waybill_number=waybill
                    )
                result = gateway.cancel_pickup(carrier_reference=reference, waybill_number=waybill)
    return pickup_cancel_apply(pickup_id=pickup.pk, result=result, now=now)


@transaction.atomic
def pickup_cancel_apply(
    *, pickup_id: int, result: PickupCancelled | GatewayError | None, now: dt.datetime
) -> Pickup:
    """Record the carrier's answer to a cancel; ``None``: there was nothing to cancel there."""
    return_request, pickup = pickups_lock(pickup_id)
    if pickup.cancel_state != CancelState.REQUESTED:
        return pickup
    actor = carrier_actor(pickup.carrier)
    if result is None:
        return pickup_transition(
            pickup=pickup,
            action=PickupAction.CANCEL_NOT_NEEDED,
            actor=actor,
            now=now,
            move=PickupMove(changes={"next_attempt_at": None}),
        )
    if isinstance(result, PickupCancelled):
        logger.info("pickup cancelled at the carrier pickup=%s", pickup.pk)
        return pickup_transition(
            pickup=pickup,
            action=PickupAction.CANCEL_CONFIRMED,
            actor=actor,
            now=now,
            move=PickupMove(changes={"next_attempt_at": None, "last_error": ""}),
        )
    last_error = f"cancel: {result.code}: {result.message}"[:2000]
    if result.retryable:
        # Backoff without a counter: wait about as long again as the cancel has waited so far.
        waited = (now - (pickup.cancelled_at or now)).total_seconds()
        delay = min(max(waited, common.BACKOFF_BASE_SECONDS), common.BACKOFF_CAP_SECONDS)
        pickup.last_error = last_error
        pickup.next_attempt_at = now + dt.timedelta(seconds=delay)
        pickup.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: jobs().pickup_cancel_send(pickup.pk, delay=delay))
        logger.warning("pickup cancel failed, retrying pickup=%s in=%.0fs", pickup.pk, delay)
        return pickup
    # The carrier will not cancel (already collected, unknown booking): stop and tell CS.
    words = result.carrier_words or result.message
    pickup = pickup_transition(
        pickup=pickup,
        action=PickupAction.CANCEL_REFUSED,
        actor=actor,
        now=now,
        move=PickupMove(
            changes={
                "next_attempt_at": None,
                "last_error": last_error,
                "cancel_error": words[:500],
            },
            data={"error": result.code},
        ),
    )
    events.event_logistics(
        return_request,
        actor,
        kind=LogisticsKind.PICKUP_CANCEL_FAILED,
        data={
            "pickup_id": pickup.pk,
            "error": result.code,
            "said": words[:500],
            **carrier_facts(pickup.carrier),
        },
        now=now,
    )
    logger.error(
        "carrier refused to cancel pickup=%s return=%s error=%s",
        pickup.pk,
        return_request.number,
        last_error,
    )
    return pickup
