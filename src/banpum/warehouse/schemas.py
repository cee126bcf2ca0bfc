"""API shapes of the warehouse: scans, receipts, unidentified parcels, inspections, stock.

No ``from __future__ import annotations``: ninja and pydantic read these annotations at runtime.
Codes travel with their words (``grade`` and ``grade_label``): clients branch on the code and
show the label, in the request's language.
"""

from typing import Any

from ninja import Schema
from pydantic import Field

from banpum.core.schemas import InputSchema, OutDateTime
from banpum.policy import texts
from banpum.policy.types import Condition
from banpum.returns.models import FeeSettlement, ReturnRequest, ReturnStatus
from banpum.warehouse.models import (
    DeductionReason,
    DispositionAction,
    Grade,
    InspectionOutcome,
    InspectionPhoto,
    LineInspection,
    RejectReason,
)

# --- scanning and receiving -------------------------------------------------------------------


class ScanIn(InputSchema):
    code: str = Field(min_length=1, max_length=100, description="What the scanner typed")


class ExpectedLineOut(Schema):
    id: int = Field(description="The return line's id")
    line_number: int
    sku: str
    barcode: str
    name: str
    quantity: int
    reason_code: str
    condition: str
    condition_label: str


class ExpectedReturnOut(Schema):
    """What the worker sees: what should be in the box, and what to watch for."""

    number: str
    status: str
    status_label: str
    receivable: bool = Field(description="Whether a receive would be accepted now")
    type: str
    resolution: str
    method: str
    reason_code: str
    reason_detail: str
    order_number: str
    customer_name: str
    customer_flagged: bool
    fee_payer: str
    fee_amount: int
    fee_collection: str
    fee_collection_label: str
    box_count: int
    boxes_received: int
    waybill_numbers: list[str]
    received_at: OutDateTime | None
    lines: list[ExpectedLineOut]
    notes: list[str] = Field(description="CS notes on the return, oldest first")


class ScanOut(Schema):
    code: str
    matched_by: str = Field(description="waybill, return_number or product")
    returns: list[ExpectedReturnOut]


class ReceiveIn(InputSchema):
    boxes_received: int = Field(default=1, ge=1, le=99, strict=True)
    note: str = Field(default="", max_length=500)


# --- unidentified parcels ---------------------------------------------------------------------


class UnidentifiedIn(InputSchema):
    code: str = Field(default="", max_length=64, description="The waybill or any code scanned")
    carrier_code: str = Field(default="", max_length=64)
    sender_name: str = Field(default="", max_length=100, description="As written on the box")
    sender_phone: str = Field(default="", max_length=32, description="As written on the box")
    note: str = Field(default="", max_length=1000)
    photo_id: int | None = Field(default=None, description="A photo uploaded before")


class UnidentifiedOut(Schema):
    id: int
    code: str
    carrier_code: str
    sender_name: str
    sender_phone: str
    photo_id: int | None
    note: str
    received_by: str
    received_at: OutDateTime
    matched_return: str | None
    matched_at: OutDateTime | None
    matched_by: str

    @staticmethod
    def resolve_matched_return(obj: Any) -> str | None:
        return obj.matched_return.number if obj.matched_return_id else None


class UnidentifiedQuery(Schema):
    unmatched: bool | None = Field(default=None, description="true: only those not matched yet")


class MatchIn(InputSchema):
    return_number: str = Field(min_length=1, max_length=40)
    note: str = Field(default="", max_length=500)


# --- inspection -------------------------------------------------------------------------------


class DispositionInSchema(InputSchema):
    quantity: int = Field(ge=1, le=100_000, strict=True)
    action: DispositionAction
    location: str = Field(default="", max_length=32, description="Stock location code")


class LineInspectionInSchema(InputSchema):
    return_line_id: int = Field(strict=True)
    quantity_received: int = Field(ge=0, le=100_000, strict=True)
    quantity_accepted: int = Field(ge=0, le=100_000, strict=True)
    grade: Grade
    condition: Condition
    outcome: InspectionOutcome
    deduction_amount: int = Field(default=0, ge=0, le=10_000_000_000, strict=True)
    deduction_reason: DeductionReason | None = None
    reject_reason: RejectReason | None = None
    reject_text: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=1000)
    dispositions: list[DispositionInSchema] = Field(default_factory=list, max_length=20)


class FeeConfirmationIn(InputSchema):
    received: bool | None = Field(
        default=None,
        description="The return fee was in the box / transferred / charged (false: outstanding)",
    )


class InspectionIn(InputSchema):
    lines: list[LineInspectionInSchema] = Field(min_length=1, max_length=500)
    fee: FeeConfirmationIn | None = None
    note: str = Field(default="", max_length=1000)


class DispositionOut(Schema):
    quantity: int
    action: str
    action_label: str
    location: str | None


class PhotoOut(Schema):
    id: int
    content_type: str
    width: int
    height: int
    bytes: int
    uploaded_by: str
    uploaded_at: OutDateTime
    url: str


class LineInspectionOut(Schema):
    return_line_id: int
    sku: str
    name: str
    quantity_requested: int
    quantity_received: int
    quantity_accepted: int
    quantity_missing: int
    grade: str
    grade_label: str
    condition: str
    condition_label: str
    outcome: str
    outcome_label: str
    deduction_amount: int
    deduction_reason: str
    deduction_reason_label: str
    reject_reason: str
    reject_reason_label: str
    reject_text: str
    note: str
    inspected_by: str
    inspected_at: OutDateTime
    dispositions: list[DispositionOut]
    photos: list[PhotoOut]


class InspectionOut(Schema):
    number: str
    status: str
    status_label: str
    fee_settlement: str
    fee_settlement_label: str
    lines: list[LineInspectionOut]


class PhotosOut(Schema):
    photos: list[PhotoOut]


# --- stock ------------------------------------------------------------------------------------


class StockQuery(Schema):
    sku: str | None = Field(default=None, max_length=64)
    location: str | None = Field(default=None, max_length=32)


class StockLevelOut(Schema):
    sku: str
    product_name: str
    location: str
    location_name: str
    sellable: bool
    on_hand: int
    reserved: int
    available: int
    updated_at: OutDateTime

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)

    @staticmethod
    def resolve_product_name(obj: Any) -> str:
        return str(obj.product.name)

    @staticmethod
    def resolve_location(obj: Any) -> str:
        return str(obj.location.code)

    @staticmethod
    def resolve_location_name(obj: Any) -> str:
        return str(obj.location.name)

    @staticmethod
    def resolve_sellable(obj: Any) -> bool:
        return bool(obj.location.sellable)


class StockMovementOut(Schema):
    id: int
    sku: str
    location: str
    kind: str
    kind_label: str
    on_hand_change: int
    reserved_change: int
    on_hand_after: int
    reserved_after: int
    reference: str
    actor: str
    note: str
    at: OutDateTime

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)

    @staticmethod
    def resolve_location(obj: Any) -> str:
        return str(obj.location.code)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor_label)


class StockAdjustmentIn(InputSchema):
    sku: str = Field(min_length=1, max_length=64)
    location: str = Field(default="", max_length=32, description="Default: the main location")
    on_hand_change: int = Field(ge=-1_000_000, le=1_000_000, strict=True)
    note: str = Field(default="", max_length=500)


# --- shaping ----------------------------------------------------------------------------------


def _label(choices: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def expected_return(return_request: ReturnRequest, *, receivable: bool) -> dict[str, Any]:
    """The receiving screen's view of one return (its relations prefetched by the selector)."""
    pickups = list(return_request.pickups.all())
    live = [p for p in pickups if p.status not in ("cancelled", "failed")]
    box_count = max(live[0].box_count, 1) if live else 1
    customer = return_request.customer
    return {
        "number": return_request.number or "",
        "status": return_request.status,
        "status_label": _label(ReturnStatus, return_request.status),
        "receivable": receivable,
        "type": return_request.type,
        "resolution": return_request.resolution,
        "method": return_request.method,
        "reason_code": return_request.reason_code,
        "reason_detail": return_request.reason_detail,
        "order_number": return_request.order.channel_order_number,
        "customer_name": customer.name if customer else return_request.order.shipping_name,
        "customer_flagged": bool(customer and customer.is_flagged),
        "fee_payer": return_request.fee_payer,
        "fee_amount": return_request.fee_amount,
        "fee_collection": return_request.fee_collection,
        "fee_collection_label": texts.label(
            texts.FEE_COLLECTION_LABELS, return_request.fee_collection
        )
        if return_request.fee_collection
        else "",
        "box_count": box_count,
        "boxes_received": sum(r.boxes for r in return_request.receipts.all()),
        "waybill_numbers": [p.waybill_number for p in pickups if p.waybill_number],
        "received_at": return_request.received_at,
        "lines": [
            {
                "id": line.pk,
                "line_number": line.order_line.line_number,
                "sku": line.order_line.sku,
                "barcode": line.order_line.product.barcode if line.order_line.product else "",
                "name": line.order_line.name,
                "quantity": line.quantity,
                "reason_code": line.reason_code,
                "condition": line.condition,
                "condition_label": texts.label(texts.CONDITION_LABELS, line.condition),
            }
            for line in return_request.lines.all()
        ],
        "notes": [event.note for event in getattr(return_request, "notes", [])],
    }


def photo_out(photo: InspectionPhoto) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "bytes": photo.bytes,
        "uploaded_by": photo.uploaded_by,
        "uploaded_at": photo.uploaded_at,
        "url": f"/api/v1/warehouse/photos/{photo.pk}",
    }


def line_inspection_out(line: Any, inspection: LineInspection) -> dict[str, Any]:
    return {
        "return_line_id": line.pk,
        "sku": line.order_line.sku,
        "name": line.order_line.name,
        "quantity_requested": line.quantity,
        "quantity_received": inspection.quantity_received,
        "quantity_accepted": inspection.quantity_accepted,
        "quantity_missing": max(line.quantity - inspection.quantity_received, 0),
        "grade": inspection.grade,
        "grade_label": _label(Grade, inspection.grade),
        "condition": inspection.condition,
        "condition_label": texts.label(texts.CONDITION_LABELS, inspection.condition),
        "outcome": inspection.outcome,
        "outcome_label": _label(InspectionOutcome, inspection.outcome),
        "deduction_amount": inspection.deduction_amount,
        "deduction_reason": inspection.deduction_reason,
        "deduction_reason_label": _label(DeductionReason, inspection.deduction_reason),
        "reject_reason": inspection.reject_reason,
        "reject_reason_label": _label(RejectReason, inspection.reject_reason),
        "reject_text": inspection.reject_text,
        "note": inspection.note,
        "inspected_by": inspection.inspected_by,
        "inspected_at": inspection.inspected_at,
        "dispositions": [
            {
                "quantity": d.quantity,
                "action": d.action,
                "action_label": _label(DispositionAction, d.action),
                "location": d.location.code if d.location else None,
            }
            for d in inspection.dispositions.all()
        ],
        "photos": [photo_out(p) for p in line.photos.all()],
    }


def inspection_out(return_request: ReturnRequest, lines: list[Any]) -> dict[str, Any]:
    out = []
    for line in lines:
        try:
            inspection = line.inspection
        except LineInspection.DoesNotExist:
            continue
        out.append(line_inspection_out(line, inspection))
    return {
        "number": return_request.number or "",
        "status": return_request.status,
        "status_label": _label(ReturnStatus, return_request.status),
        "fee_settlement": return_request.fee_settlement,
        "fee_settlement_label": _label(FeeSettlement, return_request.fee_settlement),
        "lines": out,
    }
