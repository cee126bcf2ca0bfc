"""What every pickup use case shares: the carrier's actor, backoff, new rows, the booking order."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any

from banpum.core.actors import Actor
from banpum.integrations.carriers.base import PickupItem, PickupOrder
from banpum.logistics.addresses import pickup_address, return_address
from banpum.logistics.models import Carrier, CarrierAccount, Pickup, PickupStatus
from banpum.policy.deadlines import local_date
from banpum.returns.models import ReturnRequest

MAX_BOOKING_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 30 * 60
ACTIVE_STATUSES = (
    PickupStatus.REQUESTED,
    PickupStatus.ACCEPTED,
    PickupStatus.PICKED_UP,
    PickupStatus.IN_TRANSIT,
)


def carrier_actor(carrier: Carrier) -> Actor:
    return Actor.system(f"carrier:{carrier.code}")


def carrier_facts(carrier: Carrier) -> dict[str, Any]:
    """The carrier as an event stores it: its code, and its names to show in either language."""
    return {
        "carrier": carrier.code,
        "carrier_names": {"ko": carrier.name_ko, "en": carrier.name_en},
    }


def backoff_seconds(attempts: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with ±20 % jitter: about 10 s, 20 s, 40 s … never over 30 minutes."""
    base = min(BACKOFF_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 32), BACKOFF_CAP_SECONDS)
    return float(min(base * (0.8 + 0.4 * (rng or random).random()), BACKOFF_CAP_SECONDS))


@dataclass(frozen=True)
class PickupDetails:
    """What CS may change on a (re-)request; empty fields (and 0 boxes) keep the known values."""

    contact_name: str = ""
    contact_phone: str = ""
    postcode: str = ""
    address1: str = ""
    address2: str = ""
    preferred_date: dt.date | None = None
    box_count: int = 0
    box_size: str = ""
    memo: str = ""


def store_today(return_request: ReturnRequest, now: dt.datetime) -> dt.date:
    """The date ``now`` is in the store's time zone."""
    return local_date(now, return_request.store.timezone)


def _item_summary(return_request: ReturnRequest) -> str:
    lines = list(return_request.lines.select_related("order_line"))
    if not lines:
        return ""
    first = lines[0]
    summary = f"{first.order_line.name} × {first.quantity}"
    if len(lines) > 1:
        summary += f" 외 {len(lines) - 1}건"
    return summary[:300]


def idempotency_key_new(return_request: ReturnRequest, sequence: int) -> str:
    """Readable (return number, attempt) and unique beyond this database's lifetime.

    The random tail matters: carriers keep keys forever (CJ's CUST_USE_NO), so after a restore
    from backup or a re-seeded demo a bare ``R2507-0000012-P1`` could name another return's
    booking, and the carrier would answer "already booked" for a parcel nobody collects.
    """
    return f"{return_request.number}-P{sequence}-{secrets.token_hex(3)}"


def pickup_new(
    return_request: ReturnRequest,
    *,
    account: CarrierAccount | None,
    carrier: Carrier,
    reason: str,
    details: PickupDetails,
    now: dt.datetime,
    manual: bool = False,
) -> Pickup:
    """A new pickup, always ``requested``: later statuses are reached through the table."""
    order = return_request.order
    sequence = return_request.pickups.count() + 1
    boxes = account.box_sizes if account else []
    box_size = details.box_size or (boxes[0]["code"] if boxes else "")
    return Pickup.objects.create(
        return_request=return_request,
        account=account,
        carrier=carrier,
        manual=manual,
        idempotency_key=idempotency_key_new(return_request, sequence),
        selection_reason=reason[:300],
        contact_name=details.contact_name
        or order.shipping_name
        or getattr(return_request.customer, "name", ""),
        contact_phone=details.contact_phone or order.shipping_phone,
        postcode=details.postcode or order.shipping_postcode,
        address1=details.address1 or order.shipping_address1,
        address2=details.address2 or order.shipping_address2,
        preferred_date=details.preferred_date,
        box_count=max(details.box_count, 1),
        box_size=box_size,
        fare_type=account.fare_type if account else "",
        fare_amount=account.fare_for(box_size) if account else 0,
        item_summary=_item_summary(return_request),
        memo=details.memo[:300],
        requested_at=now,
        next_attempt_at=None if manual else now,
    )


def pickup_order(pickup: Pickup) -> PickupOrder:
    """The booking as the carrier gateway takes it."""
    account = pickup.account
    if account is None:
        raise RuntimeError("only a pickup with a carrier account is booked")
    return_request = pickup.return_request
    shipment = return_request.order.shipments.order_by("id").first()
    return PickupOrder(
        idempotency_key=pickup.idempotency_key,
        return_number=return_request.number or "",
        customer_code=account.customer_code,
        sender=pickup_address(pickup),
        receiver=return_address(store=account.store, account=account),
        items=tuple(
            PickupItem(line.order_line.name, line.quantity)
            for line in return_request.lines.select_related("order_line").order_by("id")
        ),
        box_count=pickup.box_count,
        box_size=pickup.box_size,
        fare_type=pickup.fare_type,
        preferred_date=pickup.preferred_date,
        memo=pickup.memo,
        original_waybill=shipment.tracking_number if shipment else "",
        booking_date=local_date(pickup.requested_at, account.store.timezone),
        swap=pickup.swap,
        delivery_items=tuple(
            PickupItem(str(item.get("name", "")), int(item.get("quantity", 1)))
            for item in (pickup.swap_items or [])
        ),
    )


def pickup_load_for_call(pickup_id: int) -> Pickup | None:
    return (
        Pickup.objects.select_related(
            "account__carrier", "account__store", "carrier", "return_request__order"
        )
        .filter(pk=pickup_id)
        .first()
    )


def active_pickup(return_request: ReturnRequest) -> Pickup | None:
    """The return's newest pickup still in play (failed and exception ones wait for CS)."""
    return (
        return_request.pickups.filter(
            status__in=(*ACTIVE_STATUSES, PickupStatus.EXCEPTION, PickupStatus.FAILED)
        )
        .order_by("-id")
        .first()
    )
