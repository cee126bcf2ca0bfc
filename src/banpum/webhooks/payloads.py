"""What a webhook carries for each event of the catalogue, version 2026-11-30, and its schema.

The body follows Standard Webhooks' recommended shape: ``type`` (the catalogue's name),
``timestamp`` (when the event happened, RFC 3339 in the store's time zone; not when it was
sent), ``version`` and ``data``. ``data`` is thin on purpose: codes, amounts, ids and the
return's number, never the customer's name, phone or address (a consumer reads those through
the API with its key, where access is checked and logged). Every event has the same ``data``
frame (the event's id, the store, the return, who acted, the status move if any) and its own
``details``, each field documented here and in ``docs/WEBHOOKS.md``.

The test event (``webhook.test``) has the same envelope and a ``data`` of its own, about no
return: ``test`` (always true), the store, the subscription and a fixed message
(``payload_build_test_event``).

The models forbid unknown fields, so a test that validates every built payload and every
example of the documentation catches a field added in one place and not the other.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, create_model

from banpum.returns.models import ReturnEvent
from banpum.settlement.models import DONE_STATUSES, Refund
from banpum.webhooks.catalogue import ON_REQUEST, TEST_EVENT, VERSION, EventName, event_name

E = EventName


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ReturnRef(_Strict):
    number: str = Field(description="The return's number, e.g. DM-2611-7K3Q9X")
    order_number: str = Field(description="The order's number in its sales channel")
    type: str = Field(description="return or exchange")
    reason_code: str = Field(description="The return reason's code, e.g. change_of_mind")
    resolution: str = Field(description="refund, exchange or store_credit")
    method: str = Field(description="carrier_pickup, cvs_drop_off, self_ship or in_store")
    origin: str = Field(description="Who opened it: customer, cs, api or channel")


class EventData(_Strict):
    event_id: int = Field(description="The event's id in Banpum, the same for every endpoint")
    store: str = Field(description="The store's slug")
    return_: ReturnRef = Field(alias="return")
    actor: str = Field(description="Who acted: customer, staff, system or api")
    from_status: str | None = Field(description="The status before, when the event moved it")
    to_status: str | None = Field(
        description="The status after, when the event moved it (or opened the return)"
    )


# The fixed words of every test event: machine data, the same in every language.
TEST_MESSAGE = (
    "This is a test event from Banpum, sent because a manager asked for it. "
    "It is about no return: acknowledge it with a 2xx and do nothing else."
)


class WebhookTestData(_Strict):
    """``data`` of ``webhook.test``: says it is a test, and for whom; nothing about a return."""

    test: Literal[True] = Field(description="Always true: a test event, to acknowledge only")
    store: str = Field(description="The store's slug")
    subscription_id: int = Field(description="The subscription a manager tested")
    message: str = Field(description="Fixed words saying what this is")


# --- the details of each event ----------------------------------------------------------------


class Fee(_Strict):
    payer: str = Field(description="Who pays the return shipping: buyer or seller")
    amount: int = Field(description="Minor units of the currency (KRW has none)")
    collection: str = Field(
        description="deduct_from_refund, enclose_in_box, bank_transfer, charge_separately or empty"
    )


class RequestedDetails(_Strict):
    outcome: str | None = Field(description="The policy's outcome: approve, review, hold or reject")
    refund_estimate: int
    currency: str
    fee: Fee


class ApprovedDetails(_Strict):
    automatic: bool = Field(description="Approved by the store's auto-approval rule")


class HeldDetails(_Strict):
    hold_reason: str = Field(
        description="Why it waits: photos_missing, return_fee_unpaid, blocklisted, …"
    )


class RejectedDetails(_Strict):
    reason: str = Field(description="What CS wrote as the reason, in their words")


class Empty(_Strict):
    pass


class PickupDetails(_Strict):
    pickup_id: int | None
    carrier: str | None = Field(description="The carrier's code, e.g. kr.cjlogistics")
    waybill_number: str | None


class PickupFailedDetails(_Strict):
    pickup_id: int | None
    carrier: str | None
    error: str = Field(description="unlinked, gave_up or the carrier's error code")
    attempts: int | None


class PickupRerequestedDetails(_Strict):
    pickup_id: int | None
    previous_pickup_id: int | None
    carrier: str | None


class PickupCancelledDetails(_Strict):
    pickup_ids: list[int]


class PickupExceptionDetails(_Strict):
    pickup_id: int | None
    carrier: str | None
    exception_code: str = Field(
        description="customer_absent, address_not_found, refused, item_not_ready, "
        "booking_failed or other"
    )
    carrier_said: str = Field(description="The carrier's own words, as it sent them")


class AwaitingShipmentDetails(_Strict):
    method: str | None
    carrier: str | None = Field(description="A carrier the customer books themselves")


class InTransitDetails(_Strict):
    cause: str | None = Field(description="picked_up (the carrier's scan) or waybill_entered")
    pickup_id: int | None
    carrier: str | None
    waybill_number: str | None


class ReceivedDetails(_Strict):
    boxes_received: int
    box_count: int
    refund_due_on: dt.date | None = Field(description="The legal refund deadline, if it runs")


class InspectedDetails(_Strict):
    accepted: int = Field(description="Units accepted")
    refused: int = Field(description="Units refused")
    deducted: int = Field(description="Deducted from the refund for damage, in minor units")
    currency: str
    fee_settlement: str


class ItemKeptDetails(_Strict):
    refund_due_on: dt.date | None


class FeeSettledDetails(_Strict):
    fee_settlement: str = Field(description="deducted, enclosed, transferred, charged, waived, …")
    amount: int
    currency: str


class RefundStartedDetails(_Strict):
    amount: int = Field(description="The refund being paid, in minor units")
    currency: str


class RefundPaid(_Strict):
    id: int
    kind: str = Field(description="return, early, keep_item, goodwill or interest")
    method: str = Field(description="original_payment, bank_transfer, store_credit, marketplace")
    amount: int
    paid_at: dt.datetime | None


class RefundPaidDetails(_Strict):
    amount: int = Field(description="Everything paid back for the return so far")
    currency: str
    refunds: list[RefundPaid]


class ExchangeStartedDetails(_Strict):
    out_of_stock: bool = Field(description="The replacement waits for stock")


class ExchangeShippedDetails(_Strict):
    swap: bool = Field(description="맞교환: the replacement went out with the pickup")
    shipment_id: int | None
    waybill_number: str | None


# --- building them from the event --------------------------------------------------------------

Data = Mapping[str, Any]
Builder = Callable[[ReturnEvent, Data], dict[str, Any]]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _currency(event: ReturnEvent) -> str:
    return event.return_request.store.currency


def _requested(event: ReturnEvent, data: Data) -> dict[str, Any]:
    given = data.get("fee")
    fee: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    return {
        "outcome": _str(data.get("outcome")),
        "refund_estimate": _int(data.get("refund_estimate")) or 0,
        "currency": _currency(event),
        "fee": {
            "payer": str(fee.get("payer") or ""),
            "amount": _int(fee.get("amount")) or 0,
            "collection": str(fee.get("collection") or ""),
        },
    }


def _pickup(event: ReturnEvent, data: Data) -> dict[str, Any]:
    return {
        "pickup_id": _int(data.get("pickup_id")),
        "carrier": _str(data.get("carrier")),
        "waybill_number": _str(data.get("waybill_number")),
    }


def _received(event: ReturnEvent, data: Data) -> dict[str, Any]:
    boxes = _int(data.get("boxes_received")) or 1
    whole = data.get("action") == "receive"
    return {
        "boxes_received": boxes,
        "box_count": _int(data.get("box_count")) or boxes,
        "refund_due_on": event.return_request.refund_due_on if whole else None,
    }


def _refund_paid(event: ReturnEvent, data: Data) -> dict[str, Any]:
    """The refunds paid by the time of the event (a refund's ``paid_at`` is its payer's clock,
    the same as the event's), so a late dispatch does not add later ones."""
    refunds = Refund.objects.filter(
        return_request_id=event.return_request_id, status__in=DONE_STATUSES, paid_at__lte=event.at
    ).order_by("id")
    zone = event.return_request.store.timezone
    paid = [
        {
            "id": refund.pk,
            "kind": refund.kind,
            "method": refund.method,
            "amount": refund.amount,
            "paid_at": _time(refund.paid_at, zone) if refund.paid_at else None,
        }
        for refund in refunds
    ]
    return {
        "amount": sum(item["amount"] for item in paid),
        "currency": _currency(event),
        "refunds": paid,
    }


DETAILS: dict[EventName, tuple[type[BaseModel], Builder]] = {
    E.RETURN_REQUESTED: (RequestedDetails, _requested),
    E.RETURN_APPROVED: (
        ApprovedDetails,
        lambda e, d: {"automatic": "auto_approval" in (d.get("cause"), d.get("rule"))},
    ),
    E.RETURN_HELD: (HeldDetails, lambda e, d: {"hold_reason": str(d.get("hold_reason") or "")}),
    E.RETURN_REJECTED: (RejectedDetails, lambda e, d: {"reason": e.note}),
    E.RETURN_CANCELLED: (Empty, lambda e, d: {}),
    E.RETURN_PICKUP_REQUESTED: (PickupDetails, _pickup),
    E.RETURN_PICKUP_BOOKED: (PickupDetails, _pickup),
    E.RETURN_PICKUP_FAILED: (
        PickupFailedDetails,
        lambda e, d: {
            "pickup_id": _int(d.get("pickup_id")),
            "carrier": _str(d.get("carrier")),
            "error": str(d.get("error") or ""),
            "attempts": _int(d.get("attempts")),
        },
    ),
    E.RETURN_PICKUP_REREQUESTED: (
        PickupRerequestedDetails,
        lambda e, d: {
            "pickup_id": _int(d.get("pickup_id")),
            "previous_pickup_id": _int(d.get("previous_pickup_id")),
            "carrier": _str(d.get("carrier")),
        },
    ),
    E.RETURN_PICKUP_CANCELLED: (
        PickupCancelledDetails,
        lambda e, d: {"pickup_ids": [i for i in d.get("pickup_ids") or [] if _int(i) is not None]},
    ),
    E.RETURN_PICKUP_EXCEPTION: (
        PickupExceptionDetails,
        lambda e, d: {
            "pickup_id": _int(d.get("pickup_id")),
            "carrier": _str(d.get("carrier")),
            "exception_code": str(d.get("exception_code") or "other"),
            "carrier_said": str(d.get("said") or ""),
        },
    ),
    E.RETURN_AWAITING_SHIPMENT: (
        AwaitingShipmentDetails,
        lambda e, d: {
            "method": _str(d.get("method")) or e.return_request.method,
            "carrier": _str(d.get("carrier")),
        },
    ),
    E.RETURN_SWITCHED_TO_SELF_SHIP: (
        AwaitingShipmentDetails,
        lambda e, d: {"method": "self_ship", "carrier": _str(d.get("carrier"))},
    ),
    E.RETURN_IN_TRANSIT: (
        InTransitDetails,
        lambda e, d: {"cause": _str(d.get("cause")), **_pickup(e, d)},
    ),
    E.RETURN_ARRIVED: (PickupDetails, _pickup),
    E.RETURN_PARTIALLY_RECEIVED: (ReceivedDetails, _received),
    E.RETURN_RECEIVED: (ReceivedDetails, _received),
    E.RETURN_INSPECTED: (
        InspectedDetails,
        lambda e, d: {
            "accepted": _int(d.get("accepted")) or 0,
            "refused": _int(d.get("refused")) or 0,
            "deducted": _int(d.get("deducted")) or 0,
            "currency": _currency(e),
            "fee_settlement": str(d.get("fee_settlement") or ""),
        },
    ),
    E.RETURN_ITEM_KEPT: (
        ItemKeptDetails,
        lambda e, d: {"refund_due_on": e.return_request.refund_due_on},
    ),
    E.RETURN_SENT_BACK: (Empty, lambda e, d: {}),
    E.RETURN_FEE_SETTLED: (
        FeeSettledDetails,
        lambda e, d: {
            "fee_settlement": str(d.get("fee_settlement") or ""),
            "amount": _int(d.get("amount")) or 0,
            "currency": _currency(e),
        },
    ),
    E.RETURN_COMPLETED: (Empty, lambda e, d: {}),
    E.REFUND_STARTED: (
        RefundStartedDetails,
        lambda e, d: {"amount": _int(d.get("amount")) or 0, "currency": _currency(e)},
    ),
    E.REFUND_PAID: (RefundPaidDetails, _refund_paid),
    E.EXCHANGE_STARTED: (
        ExchangeStartedDetails,
        lambda e, d: {"out_of_stock": d.get("cause") == "out_of_stock"},
    ),
    E.EXCHANGE_SHIPPED: (
        ExchangeShippedDetails,
        lambda e, d: {
            "swap": bool(d.get("swap")),
            "shipment_id": _int(d.get("shipment_id")),
            "waybill_number": _str(d.get("waybill_number")),
        },
    ),
}
if set(DETAILS) | set(ON_REQUEST) != set(EventName) or set(DETAILS) & set(ON_REQUEST):
    raise RuntimeError("every webhook event of a return needs its details")


@functools.cache
def envelope_model(name: EventName) -> type[BaseModel]:
    """The whole body of ``name``, as a model: validated in tests, its JSON schema published."""
    stem = "".join(part.title() for part in name.value.replace(".", "_").split("_"))
    data: type[BaseModel]
    if name == TEST_EVENT:
        data = WebhookTestData
    else:
        details, _ = DETAILS[name]
        data = create_model(f"{stem}Data", __base__=EventData, details=(details, ...))
    # Built at run time from the name: typing cannot follow a Literal of a variable.
    only_this_name: Any = Literal[name.value]
    only_this_version: Any = Literal[VERSION]
    return create_model(
        f"{stem}Event",
        __base__=_Strict,
        type=(only_this_name, ...),
        timestamp=(
            dt.datetime,
            Field(description="When it happened (RFC 3339); a test event: when it was asked for"),
        ),
        version=(only_this_version, ...),
        data=(data, ...),
    )


def _time(at: dt.datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).isoformat()


def payload_build(event: ReturnEvent, *, version: str = VERSION) -> dict[str, Any] | None:
    """The body of ``event``'s webhook (JSON-ready), or None: the event is not published.

    ``event`` comes with its return, store and order (``select_related``); only
    ``refund.paid`` reads more (the refunds paid).
    """
    if version != VERSION:
        raise ValueError(f"unknown webhook catalogue version {version!r}")
    data: Data = event.data if isinstance(event.data, Mapping) else {}
    name = event_name(event.type, data)
    if name is None:
        return None
    return_request = event.return_request
    store = return_request.store
    _, build = DETAILS[name]
    details = build(event, data)
    body = {
        "type": name.value,
        "timestamp": _time(event.at, store.timezone),
        "version": VERSION,
        "data": {
            "event_id": event.pk,
            "store": store.slug,
            "return": {
                "number": return_request.number or "",
                "order_number": return_request.order.channel_order_number,
                "type": return_request.type,
                "reason_code": return_request.reason_code,
                "resolution": return_request.resolution,
                "method": return_request.method,
                "origin": return_request.origin,
            },
            "actor": event.actor_type,
            "from_status": event.from_status or None,
            "to_status": event.to_status or None,
            "details": details,
        },
    }
    # Through the model and back: dates and times become RFC 3339 text, fields are checked.
    return envelope_model(name).model_validate(body).model_dump(mode="json", by_alias=True)


def payload_build_test_event(
    *, store_slug: str, zone: str, subscription_id: int, at: dt.datetime
) -> dict[str, Any]:
    """The body of a test event for the subscription, asked for at ``at`` (JSON-ready)."""
    body = {
        "type": TEST_EVENT.value,
        "timestamp": _time(at, zone),
        "version": VERSION,
        "data": {
            "test": True,
            "store": store_slug,
            "subscription_id": subscription_id,
            "message": TEST_MESSAGE,
        },
    }
    return envelope_model(TEST_EVENT).model_validate(body).model_dump(mode="json", by_alias=True)
