"""Parcels: which box a waybill names, shared by the returns of one sender, one open at a time.

The database holds the rule (``one_open_parcel_per_waybill``); the code only decides, when the
insert loses to an open parcel, whether that parcel is the same box (same store, same sender:
join it) or someone else's (refuse with 409).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from banpum.logistics import errors
from banpum.logistics.models import Carrier, Parcel, Pickup, PickupStatus
from banpum.returns.models import ReturnRequest

logger = logging.getLogger(__name__)

# A parcel stays open while one of its pickups may still move.
OPEN_PICKUP_STATUSES = (
    PickupStatus.REQUESTED,
    PickupStatus.ACCEPTED,
    PickupStatus.PICKED_UP,
    PickupStatus.IN_TRANSIT,
    PickupStatus.EXCEPTION,
)


def sender_key(return_request: ReturnRequest) -> str:
    """Who sends the box: the customer when known, else the phone the order ships to."""
    if return_request.customer_id:
        return f"customer:{return_request.customer_id}"
    digits = "".join(ch for ch in return_request.order.shipping_phone if ch.isdigit())
    return f"phone:{digits}" if digits else f"order:{return_request.order_id}"


def parcel_attach(
    *,
    store_id: int,
    carrier: Carrier,
    tracking_number: str,
    sender: str,
    now: dt.datetime,
    reissued_by_carrier: bool = False,
) -> Parcel:
    """The open parcel of this waybill for this sender, created when there is none.

    A waybill open for another store or sender is refused (``waybill_taken``), unless the
    carrier itself just issued the number for our booking (``reissued_by_carrier``): carriers
    recycle numbers, so the old parcel is over and is closed.
    """
    for _ in range(3):
        try:
            with transaction.atomic():
                return Parcel.objects.create(
                    store_id=store_id,
                    carrier=carrier,
                    tracking_number=tracking_number,
                    sender_key=sender,
                    created_at=now,
                )
        except IntegrityError:
            pass  # an open parcel holds the number: the same box, or someone else's
        held = (
            Parcel.objects.select_for_update()
            .filter(carrier=carrier, tracking_number=tracking_number, is_open=True)
            .first()
        )
        if held is None:
            continue  # closed meanwhile: try the insert again
        if held.store_id == store_id and held.sender_key == sender:
            return held
        if not reissued_by_carrier:
            raise errors.WAYBILL_TAKEN(
                number=tracking_number,
                carrier=carrier.name_ko,
                extra={"carrier_code": carrier.code, "waybill_number": tracking_number},
            )
        logger.warning(
            "carrier reissued an open waybill carrier=%s number=%s parcel=%s",
            carrier.code,
            tracking_number,
            held.pk,
        )
        Parcel.objects.filter(pk=held.pk).update(is_open=False, closed_at=now)
    raise errors.WAYBILL_BEING_REGISTERED(number=tracking_number)


def parcel_close_if_done(*, parcel_id: int | None, now: dt.datetime) -> bool:
    """Close the parcel once none of its pickups can move any more: its number is free again."""
    if parcel_id is None:
        return False
    if Pickup.objects.filter(parcel_id=parcel_id, status__in=OPEN_PICKUP_STATUSES).exists():
        return False
    return bool(
        Parcel.objects.filter(pk=parcel_id, is_open=True).update(is_open=False, closed_at=now)
    )
