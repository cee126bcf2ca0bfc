"""Warehouse reads: what a scan names, what should be in the box, inspections, stock."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch, Q, QuerySet

from banpum.commerce.models import Product, Store
from banpum.logistics.models import Pickup
from banpum.returns.models import EventType, ReturnEvent, ReturnLine, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.numbers import return_number_normalize
from banpum.warehouse import errors
from banpum.warehouse.models import (
    Disposition,
    InspectionPhoto,
    LineInspection,
    ReturnReceipt,
    StockLevel,
    StockMovement,
    UnidentifiedParcel,
)

# Returns a box may still arrive for: what a product barcode scan lists.
AWAITING_RECEIPT = (
    S.PICKUP_REQUESTED,
    S.AWAITING_SHIPMENT,
    S.IN_TRANSIT,
    S.ARRIVED,
    S.PARTIALLY_RECEIVED,
)


class MatchedBy(StrEnum):
    WAYBILL = "waybill"
    RETURN_NUMBER = "return_number"
    PRODUCT = "product"


@dataclass(frozen=True)
class ScanResult:
    code: str
    matched_by: MatchedBy
    returns: list[ReturnRequest]


def returns_for_worker(queryset: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    """Everything the receiving screen shows per return, in a fixed number of queries."""
    return queryset.select_related("order", "customer", "store").prefetch_related(
        Prefetch(
            "lines",
            queryset=ReturnLine.objects.select_related("order_line__product").order_by("id"),
        ),
        Prefetch(
            "events",
            queryset=ReturnEvent.objects.filter(type=EventType.NOTE_ADDED).order_by("at", "id"),
            to_attr="notes",
        ),
        Prefetch("pickups", queryset=Pickup.objects.select_related("carrier").order_by("-id")),
        Prefetch("receipts", queryset=ReturnReceipt.objects.order_by("id")),
    )


def _waybill_variants(code: str) -> set[str]:
    compact = "".join(ch for ch in code if ch not in "- ")
    return {code, compact}


def warehouse_scan(*, store: Store, code: str) -> ScanResult:
    """What a scanned code names, in this order: a waybill, a return number, a product.

    A product barcode (or SKU) lists the store's returns of that product still awaiting receipt.
    """
    code = code.strip()
    if not code:
        raise errors.SCAN_EMPTY.field("code")
    base = ReturnRequest.objects.filter(store=store)
    waybills = _waybill_variants(code)
    by_waybill = base.filter(
        Q(pickups__waybill_number__in=waybills) | Q(pickups__parcel__tracking_number__in=waybills)
    ).distinct()
    found = list(returns_for_worker(by_waybill).order_by("-id")[:20])
    if found:
        return ScanResult(code, MatchedBy.WAYBILL, found)
    by_number = base.filter(Q(number=return_number_normalize(code)) | Q(number__iexact=code))
    found = list(returns_for_worker(by_number))
    if found:
        return ScanResult(code, MatchedBy.RETURN_NUMBER, found)
    products = Product.objects.filter(store=store).filter(Q(barcode=code) | Q(sku=code))
    if products.exists():
        awaiting = base.filter(
            status__in=AWAITING_RECEIPT, lines__order_line__product__in=products
        ).distinct()
        return ScanResult(
            code, MatchedBy.PRODUCT, list(returns_for_worker(awaiting).order_by("-id")[:50])
        )
    raise errors.SCAN_NOTHING_FOUND(code=code[:64], extra={"code": code[:64]})


def return_inspection_get(*, return_request: ReturnRequest) -> list[ReturnLine]:
    """The return's lines with their inspection, dispositions and photos."""
    lines = list(
        ReturnLine.objects.filter(return_request=return_request)
        .select_related("order_line__product", "inspection")
        .prefetch_related(
            Prefetch(
                "inspection__dispositions",
                queryset=Disposition.objects.select_related("location").order_by("id"),
            ),
            Prefetch("photos", queryset=InspectionPhoto.objects.order_by("id")),
        )
        .order_by("id")
    )
    if not any(_inspection_of(line) for line in lines):
        raise errors.INSPECTION_NOT_FOUND(number=return_request.number)
    return lines


def _inspection_of(line: ReturnLine) -> LineInspection | None:
    try:
        return line.inspection
    except LineInspection.DoesNotExist:
        return None


def unidentified_parcel_list(
    *, store: Store, unmatched: bool | None = None
) -> QuerySet[UnidentifiedParcel]:
    queryset = UnidentifiedParcel.objects.filter(store=store).select_related("matched_return")
    if unmatched is True:
        queryset = queryset.filter(matched_return__isnull=True)
    elif unmatched is False:
        queryset = queryset.filter(matched_return__isnull=False)
    return queryset.order_by("-id")


def unidentified_parcel_get(*, store: Store, parcel_id: int) -> UnidentifiedParcel:
    found = unidentified_parcel_list(store=store).filter(pk=parcel_id).first()
    if found is None:
        raise errors.UNIDENTIFIED_NOT_FOUND(id=parcel_id)
    return found


def inspection_photo_get(*, store: Store, photo_id: int) -> InspectionPhoto:
    found = InspectionPhoto.objects.filter(pk=photo_id, store=store).first()
    if found is None:
        raise errors.PHOTO_NOT_FOUND(id=photo_id)
    return found


def inspection_photos_by_line(*, return_request: ReturnRequest) -> dict[int, list[InspectionPhoto]]:
    """The photos kept of each line of a return (inspected or not yet), oldest first."""
    found: dict[int, list[InspectionPhoto]] = {}
    for photo in InspectionPhoto.objects.filter(
        store_id=return_request.store_id, return_line__return_request=return_request
    ).order_by("id"):
        found.setdefault(photo.return_line_id or 0, []).append(photo)
    return found


def stock_level_list(
    *, store: Store, sku: str | None = None, location: str | None = None
) -> QuerySet[StockLevel]:
    queryset = StockLevel.objects.filter(store=store).select_related("product", "location")
    if sku:
        queryset = queryset.filter(product__sku=sku)
    if location:
        queryset = queryset.filter(location__code=location)
    return queryset.order_by("id")


def stock_movement_list(
    *, store: Store, sku: str | None = None, location: str | None = None
) -> QuerySet[StockMovement]:
    queryset = StockMovement.objects.filter(store=store).select_related("product", "location")
    if sku:
        queryset = queryset.filter(product__sku=sku)
    if location:
        queryset = queryset.filter(location__code=location)
    return queryset.order_by("-id")
