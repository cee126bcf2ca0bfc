"""The contract every carrier adapter fulfils, in plain dataclasses.

Adapters never raise the HTTP library's exceptions: every call returns its result or a
``GatewayError`` saying whether a retry may help. ``retryable`` errors (timeouts, 5xx, rate
limits) are retried with backoff by the job; the others go to CS. Because a retry of
``request_pickup`` carries the same ``idempotency_key``, a carrier (or the simulator) that saw
the first attempt answers with the same booking instead of booking a second pickup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Protocol

#: tracker.delivery's ``TrackEventStatusCode`` enum: Banpum's one normalised tracking
#: vocabulary (``logistics.models.TrackingStatus`` has the same values). Adapters map their
#: carrier's statuses onto it and anything else to "UNKNOWN", keeping the raw status beside.
TRACKING_STATUSES: frozenset[str] = frozenset(
    {
        "UNKNOWN",
        "INFORMATION_RECEIVED",
        "AT_PICKUP",
        "IN_TRANSIT",
        "OUT_FOR_DELIVERY",
        "ATTEMPT_FAIL",
        "DELIVERED",
        "AVAILABLE_FOR_PICKUP",
        "EXCEPTION",
    }
)


@dataclass(frozen=True)
class Address:
    name: str
    phone: str
    postcode: str
    address1: str
    address2: str = ""


@dataclass(frozen=True)
class PickupItem:
    name: str
    quantity: int


@dataclass(frozen=True)
class PickupOrder:
    """What a carrier needs to collect one return parcel (회수)."""

    idempotency_key: str
    return_number: str
    customer_code: str  # the seller's contract code with the carrier
    sender: Address  # the customer, where the parcel is collected
    receiver: Address  # the seller's return address
    items: tuple[PickupItem, ...]
    box_count: int = 1
    box_size: str = ""
    fare_type: str = "credit"
    preferred_date: dt.date | None = None
    memo: str = ""
    original_waybill: str = ""  # the forward shipment's waybill, when known
    # The local date the pickup was first requested: part of some carriers' booking keys
    # (CJ's RCPT_YMD), so a retry after midnight must send the first attempt's date.
    booking_date: dt.date | None = None
    # 맞교환: the driver brings ``delivery_items`` (an exchange's replacement) on the same visit
    # and collects the return. Only for accounts whose contract offers it.
    swap: bool = False
    delivery_items: tuple[PickupItem, ...] = ()


@dataclass(frozen=True)
class DeliveryOrder:
    """What a carrier needs to deliver one parcel from the seller to a customer (forward)."""

    idempotency_key: str
    reference: str  # the seller's own reference: the return number and the shipment's id
    customer_code: str
    sender: Address  # the seller's warehouse
    receiver: Address  # the customer
    items: tuple[PickupItem, ...]
    box_count: int = 1
    box_size: str = ""
    fare_type: str = "credit"
    memo: str = ""


@dataclass(frozen=True)
class DeliveryBooked:
    carrier_reference: str
    waybill_number: str
    fare_amount: int | None = None


@dataclass(frozen=True)
class PickupBooked:
    carrier_reference: str
    waybill_number: str
    fare_amount: int | None = None


@dataclass(frozen=True)
class PickupCancelled:
    carrier_reference: str
    already_cancelled: bool = False


@dataclass(frozen=True)
class TrackedEvent:
    """One carrier event, normalised to tracker.delivery's status set; raw status kept."""

    status: str  # one of logistics.models.TrackingStatus values
    raw_status: str
    occurred_at: dt.datetime
    description: str = ""
    location: str = ""
    dedupe_key: str = ""  # stable per event; derived from time+status+location when empty
    exception_code: str = ""  # why a pickup attempt failed (logistics.models.PickupException)


@dataclass(frozen=True)
class LabelInfo:
    """Carrier data printed on a label beside ours (sorting codes, terminal)."""

    waybill_number: str
    sorting_code: str = ""
    terminal: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayError:
    code: str  # e.g. "timeout", "http_500", "rejected", "not_found", "auth"
    message: str
    retryable: bool
    carrier_words: str = ""  # the carrier's own message, shown to CS as is


class CarrierGateway(Protocol):
    def request_pickup(self, order: PickupOrder) -> PickupBooked | GatewayError: ...

    def book_delivery(self, order: DeliveryOrder) -> DeliveryBooked | GatewayError:
        """Book a forward parcel (the seller ships to a customer); idempotent by key."""
        ...

    def cancel_pickup(
        self, *, carrier_reference: str, waybill_number: str
    ) -> PickupCancelled | GatewayError: ...

    def track(self, tracking_number: str) -> list[TrackedEvent] | GatewayError: ...

    def label(self, *, waybill_number: str) -> LabelInfo | GatewayError: ...


def stable_key(*parts: str) -> str:
    """A dedupe key that stays the same for the same event on every poll and every process.

    ``hash()`` is salted per process, so this is SHA-256 over the parts joined by a separator
    that cannot appear in them. 64 hex characters fit ``TrackingEvent.dedupe_key`` (128).
    """
    joined = "\x1f".join(parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()
