"""API shapes for pickups, tracking and the CS queues."""

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from banpum.core.schemas import InDate, InputSchema, OutDateTime
from banpum.logistics.selectors import pickup_tracking_events


class TrackingEventOut(Schema):
    status: str
    raw_status: str
    description: str
    location: str
    exception_code: str
    occurred_at: OutDateTime


class PickupOut(Schema):
    id: int
    status: str
    manual: bool
    carrier: str
    carrier_name: str
    account: str
    selection_reason: str
    waybill_number: str
    carrier_reference: str
    contact_name: str
    contact_phone: str
    postcode: str
    address1: str
    address2: str
    preferred_date: dt.date | None
    box_count: int
    box_size: str
    fare_type: str
    fare_amount: int
    item_summary: str
    memo: str
    attempts: int
    last_error: str
    exception_code: str
    exception_message: str
    exception_at: OutDateTime | None
    requested_at: OutDateTime
    accepted_at: OutDateTime | None
    picked_up_at: OutDateTime | None
    delivered_at: OutDateTime | None
    cancel_state: str = Field(
        description="Whether the carrier heard about a cancel: '' (not cancelled), requested, "
        "confirmed, failed, not_needed"
    )
    cancel_error: str = Field(description="The carrier's words when it refused the cancel")
    return_number: str
    tracking_events: list[TrackingEventOut]

    @staticmethod
    def resolve_carrier(obj: Any) -> str:
        return str(obj.carrier.code)

    @staticmethod
    def resolve_carrier_name(obj: Any) -> str:
        return str(obj.carrier.name_ko)

    @staticmethod
    def resolve_account(obj: Any) -> str:
        return str(obj.account.name) if obj.account else ""

    @staticmethod
    def resolve_return_number(obj: Any) -> str:
        return str(obj.return_request.number)

    @staticmethod
    def resolve_tracking_events(obj: Any) -> list[Any]:
        return pickup_tracking_events(obj)


class WaybillIn(InputSchema):
    waybill_number: str = Field(min_length=1, max_length=40)
    carrier_code: str = Field(default="", max_length=64, description="e.g. kr.cjlogistics")


class RerequestIn(InputSchema):
    preferred_date: InDate | None = None
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=32)
    postcode: str = Field(default="", max_length=10)
    address1: str = Field(default="", max_length=200)
    address2: str = Field(default="", max_length=200)
    box_count: int | None = Field(
        default=None, ge=1, le=20, strict=True, description="Empty: as before"
    )
    box_size: str = Field(default="", max_length=20)
    memo: str = Field(default="", max_length=300)
    note: str = Field(default="", max_length=2000)


class SelfShipIn(InputSchema):
    note: str = Field(default="", max_length=2000)


class LabelBatchIn(InputSchema):
    numbers: list[str] = Field(min_length=1, max_length=500, description="Return numbers")
    layout: Literal["A6", "A4"] = "A4"


class StalledOut(Schema):
    number: str
    status: str
    kind: str
    since: OutDateTime
    age_hours: float
    value_at_risk: int
    refunded_early: int = Field(
        description="Won already refunded before the goods came back (early refund at pickup)"
    )
    waybill_number: str
    carrier: str
    customer_name: str | None
    order_number: str


class StalledListOut(Schema):
    count: int = Field(description="Stalled returns in the whole queue, not only this page")
    value_at_risk: int = Field(description="Won at risk over the whole queue")
    next: str | None
    previous: str | None
    results: list[StalledOut]


class OutboundShipmentOut(Schema):
    id: int
    kind: str = Field(description="exchange or send_back")
    status: str = Field(description="requested, booked, shipped, delivered, failed or cancelled")
    return_number: str
    carrier: str
    waybill_number: str
    receiver_name: str
    postcode: str
    address1: str
    address2: str
    items: list[dict[str, Any]]
    box_count: int
    fare_amount: int
    attempts: int
    last_error: str
    requested_at: OutDateTime
    booked_at: OutDateTime | None
    shipped_at: OutDateTime | None
    delivered_at: OutDateTime | None

    @staticmethod
    def resolve_return_number(obj: Any) -> str:
        return str(obj.return_request.number or "")

    @staticmethod
    def resolve_carrier(obj: Any) -> str:
        return str(obj.account.carrier.code) if obj.account else ""
