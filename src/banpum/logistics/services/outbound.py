"""Outbound shipments: parcels the store sends to the customer, booked with the carrier by a job.

Durable like pickups: the ``OutboundShipment`` row is written in the caller's transaction, the
job carries its id, ``outbound_shipments_sweep`` re-enqueues rows a crash left behind, and every
booking call carries the row's idempotency key, so a retry never books a second parcel (the
carrier answers a repeated key with the first booking). The carrier's answer is applied under
the row lock; when a waybill is issued the apps above are told (``logistics.hooks``) in the same
transaction: for an exchange, the reserved stock ships and the return moves on.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.db import transaction
from django.db.models import F

from banpum.core.actors import Actor
from banpum.integrations.carriers.base import (
    Address,
    DeliveryBooked,
    DeliveryOrder,
    GatewayError,
    PickupItem,
)
from banpum.logistics import errors
from banpum.logistics.addresses import return_address
from banpum.logistics.gateways import gateway_open
from banpum.logistics.hooks import shipment_hooks
from banpum.logistics.jobs import jobs
from banpum.logistics.models import (
    CarrierAccount,
    OutboundKind,
    OutboundShipment,
    OutboundStatus,
    OutboundStatusChange,
)
from banpum.logistics.outbound.transitions import (
    OutboundAction,
    OutboundMove,
    outbound_lock,
    outbound_transition,
)
from banpum.logistics.services.pickups.common import MAX_BOOKING_ATTEMPTS, backoff_seconds
from banpum.returns.models import ReturnRequest

logger = logging.getLogger(__name__)

OPEN_STATUSES = (OutboundStatus.REQUESTED, OutboundStatus.BOOKED, OutboundStatus.SHIPPED)
# Tracking statuses that prove the carrier has the parcel, and that it arrived.
_WITH_CARRIER = frozenset({"AT_PICKUP", "IN_TRANSIT", "OUT_FOR_DELIVERY"})


def _outbound_actor(shipment: OutboundShipment) -> Actor:
    code = shipment.account.carrier.code if shipment.account else "none"
    return Actor.system(f"carrier:{code}")


def outbound_account(return_request: ReturnRequest) -> CarrierAccount | None:
    """The store's linked account for forward parcels: the default one, else the oldest."""
    return (
        CarrierAccount.objects.filter(store_id=return_request.store_id, is_active=True)
        .exclude(gateway="none")
        .select_related("carrier", "store")
        .order_by("-is_default", "id")
        .first()
    )


def _items_of(return_request: ReturnRequest) -> list[dict[str, object]]:
    return [
        {"sku": line.order_line.sku, "name": line.order_line.name, "quantity": line.quantity}
        for line in return_request.lines.select_related("order_line").order_by("id")
    ]


def outbound_shipment_request(
    *,
    return_request: ReturnRequest,
    kind: OutboundKind,
    actor: Actor,
    now: dt.datetime,
    items: list[dict[str, object]] | None = None,
) -> OutboundShipment:
    """Write the shipment to the customer (the order's shipping address) and book it after commit.

    ``items`` (``[{"sku", "name", "quantity"}]``) default to the return's lines: what a
    send-back returns. One open shipment of a kind per return.
    """
    with transaction.atomic():
        locked = (
            ReturnRequest.objects.select_for_update()
            .select_related("order")
            .get(pk=return_request.pk)
        )
        if locked.outbound_shipments.filter(kind=kind, status__in=OPEN_STATUSES).exists():
            raise errors.OUTBOUND_ALREADY_OPEN(number=locked.number or "-")
        order = locked.order
        account = outbound_account(locked)
        boxes = account.box_sizes if account else []
        sequence = locked.outbound_shipments.count() + 1
        shipment = OutboundShipment.objects.create(
            store_id=locked.store_id,
            return_request=locked,
            kind=kind,
            account=account,
            idempotency_key=f"{locked.number}-S{sequence}-{secrets.token_hex(3)}",
            receiver_name=order.shipping_name or getattr(locked.customer, "name", "") or "-",
            receiver_phone=order.shipping_phone,
            postcode=order.shipping_postcode,
            address1=order.shipping_address1,
            address2=order.shipping_address2,
            items=items if items is not None else _items_of(locked),
            box_size=boxes[0]["code"] if boxes else "",
            requested_at=now,
            next_attempt_at=now,
        )
        # The history starts with the request; later rows come from ``outbound_transition``.
        OutboundStatusChange.objects.create(
            shipment=shipment,
            action="request",
            from_status="",
            to_status=shipment.status,
            actor_type=actor.type,
            actor_label=actor.label[:150],
            data={"kind": shipment.kind},
            at=now,
        )
        transaction.on_commit(lambda: jobs().outbound_shipment_send(shipment.pk))
    return shipment


def delivery_order(shipment: OutboundShipment) -> DeliveryOrder:
    account = shipment.account
    if account is None:
        raise RuntimeError("only a shipment with a carrier account is booked")
    return DeliveryOrder(
        idempotency_key=shipment.idempotency_key,
        reference=f"{shipment.return_request.number}-{shipment.pk}",
        customer_code=account.customer_code,
        sender=return_address(store=account.store, account=account),
        receiver=Address(
            shipment.receiver_name,
            shipment.receiver_phone,
            shipment.postcode,
            shipment.address1,
            shipment.address2,
        ),
        items=tuple(
            PickupItem(str(item.get("name", "")), int(str(item.get("quantity", 1))))
            for item in shipment.items
        ),
        box_count=shipment.box_count,
        box_size=shipment.box_size,
        fare_type=account.fare_type,
    )


def outbound_shipment_send(*, shipment_id: int, now: dt.datetime) -> OutboundShipment | None:
    """The booking job: call the carrier outside any transaction, then apply its answer."""
    shipment = (
        OutboundShipment.objects.select_related(
            "account__carrier", "account__store", "return_request"
        )
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None or shipment.status != OutboundStatus.REQUESTED:
        return shipment
    result: DeliveryBooked | GatewayError
    with gateway_open(shipment.account) as gateway:
        if gateway is None:
            result = GatewayError(
                "unlinked", "No linked carrier account to book the parcel with.", retryable=False
            )
        elif shipment.attempts >= MAX_BOOKING_ATTEMPTS:
            result = GatewayError(
                "gave_up",
                f"No booking after {shipment.attempts} attempts; last: {shipment.last_error}",
                retryable=False,
            )
        else:
            # Counted before the call: a worker killed mid-call leaves a row the sweep finds.
            started = OutboundShipment.objects.filter(
                pk=shipment.pk, status=OutboundStatus.REQUESTED
            ).update(attempts=F("attempts") + 1, next_attempt_at=now)
            if not started:
                return OutboundShipment.objects.get(pk=shipment.pk)
            result = gateway.book_delivery(delivery_order(shipment))
    return outbound_booking_apply(shipment_id=shipment.pk, result=result, now=now)


@transaction.atomic
def outbound_booking_apply(
    *, shipment_id: int, result: DeliveryBooked | GatewayError, now: dt.datetime
) -> OutboundShipment:
    return_request, shipment = outbound_lock(shipment_id)
    actor = _outbound_actor(shipment)
    if shipment.status != OutboundStatus.REQUESTED:
        if isinstance(result, DeliveryBooked) and not shipment.waybill_number:
            # Cancelled while the booking was in flight: keep the waybill so CS can void it.
            shipment.carrier_reference = result.carrier_reference
            shipment.waybill_number = result.waybill_number
            shipment.save(update_fields=["carrier_reference", "waybill_number", "updated_at"])
        return shipment  # already applied by an earlier run, or cancelled
    if isinstance(result, DeliveryBooked):
        changes: dict[str, object] = {
            "carrier_reference": result.carrier_reference,
            "waybill_number": result.waybill_number,
            "next_attempt_at": None,
            "last_error": "",
        }
        if result.fare_amount is not None:
            changes["fare_amount"] = result.fare_amount
        shipment = outbound_transition(
            shipment=shipment,
            action=OutboundAction.BOOK,
            actor=actor,
            now=now,
            move=OutboundMove(changes=changes, data={"waybill_number": result.waybill_number}),
        )
        logger.info(
            "outbound shipment booked return=%s waybill=%s",
            return_request.number,
            result.waybill_number,
        )
        shipment_hooks().booked(shipment=shipment, actor=actor, now=now)
        return shipment
    last_error = f"{result.code}: {result.message}"[:2000]
    if result.retryable and shipment.attempts < MAX_BOOKING_ATTEMPTS:
        delay = backoff_seconds(shipment.attempts)
        shipment.last_error = last_error
        shipment.next_attempt_at = now + dt.timedelta(seconds=delay)
        shipment.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: jobs().outbound_shipment_send(shipment.pk, delay=delay))
        return shipment
    logger.error(
        "outbound booking failed for good return=%s error=%s", return_request.number, last_error
    )
    return outbound_transition(
        shipment=shipment,
        action=OutboundAction.FAIL,
        actor=actor,
        now=now,
        move=OutboundMove(
            changes={"last_error": last_error, "next_attempt_at": None},
            data={"error": result.code, "said": result.carrier_words[:500]},
        ),
    )


def outbound_shipment_cancel(
    *, shipment: OutboundShipment, actor: Actor, now: dt.datetime
) -> OutboundShipment:
    """Stop a shipment that has not left the warehouse (the carrier is not called: a booked
    parcel that never gets handed over is not collected)."""
    return outbound_transition(
        shipment=shipment,
        action=OutboundAction.CANCEL,
        actor=actor,
        now=now,
        move=OutboundMove(changes={"next_attempt_at": None}),
    )


def outbound_shipments_sweep(*, now: dt.datetime, grace_seconds: int = 120) -> int:
    """Re-enqueue bookings overdue by ``grace_seconds``; duplicates are harmless (the job checks
    the status and the carrier dedupes the key)."""
    stale = now - dt.timedelta(seconds=grace_seconds)
    ids = list(
        OutboundShipment.objects.filter(status=OutboundStatus.REQUESTED, next_attempt_at__lt=stale)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    if ids:
        OutboundShipment.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for shipment_id in ids:
        jobs().outbound_shipment_send(shipment_id)
    return len(ids)


def outbound_tracking_refresh(*, shipment_id: int, now: dt.datetime) -> OutboundShipment:
    """Ask the carrier where the parcel is and move the shipment as far as its events prove."""
    shipment = OutboundShipment.objects.select_related("account__carrier").get(pk=shipment_id)
    if shipment.status not in (OutboundStatus.BOOKED, OutboundStatus.SHIPPED):
        return shipment
    with gateway_open(shipment.account) as gateway:
        if gateway is None or not shipment.waybill_number:
            return shipment
        events = gateway.track(shipment.waybill_number)
    if isinstance(events, GatewayError):
        logger.warning("outbound tracking failed shipment=%s: %s", shipment.pk, events.message)
        return shipment
    statuses = {event.status for event in events}
    actor = _outbound_actor(shipment)
    if shipment.status == OutboundStatus.BOOKED and statuses & _WITH_CARRIER:
        shipment = outbound_transition(
            shipment=shipment, action=OutboundAction.SHIP, actor=actor, now=now
        )
    if "DELIVERED" in statuses:
        shipment = outbound_transition(
            shipment=shipment, action=OutboundAction.DELIVER, actor=actor, now=now
        )
    return shipment


def outbound_tracking_poll(*, now: dt.datetime, limit: int = 200) -> int:
    """Periodic: forward parcels of linked accounts are followed by polling their carrier."""
    ids = list(
        OutboundShipment.objects.filter(status__in=(OutboundStatus.BOOKED, OutboundStatus.SHIPPED))
        .exclude(waybill_number="")
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for shipment_id in ids:
        outbound_tracking_refresh(shipment_id=shipment_id, now=now)
    return len(ids)
