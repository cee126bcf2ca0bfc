"""/api/v1: receiving by scan, unidentified parcels, inspections, photos and stock."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.core.api_context import request_actor
from banpum.core.pagination import Pages
from banpum.core.schemas import errors
from banpum.returns.models import ReturnLine, ReturnRequest
from banpum.returns.selectors import return_request_get
from banpum.returns.transitions import Action, return_transition_allowed
from banpum.warehouse import errors as warehouse_errors
from banpum.warehouse import selectors, services
from banpum.warehouse.schemas import (
    ExpectedReturnOut,
    InspectionIn,
    InspectionOut,
    MatchIn,
    PhotosOut,
    ReceiveIn,
    ScanIn,
    ScanOut,
    StockAdjustmentIn,
    StockLevelOut,
    StockMovementOut,
    StockQuery,
    UnidentifiedIn,
    UnidentifiedOut,
    UnidentifiedQuery,
    expected_return,
    inspection_out,
    photo_out,
)

router = Router(tags=["warehouse"])


def _receivable(return_request: ReturnRequest) -> bool:
    return return_transition_allowed(
        return_request.status, Action.RECEIVE
    ) or return_transition_allowed(return_request.status, Action.RECEIVE_PART)


def _expected(request: HttpRequest, number: str) -> dict[str, Any]:
    store = request_store(request)
    found = return_request_get(store=store, number=number)
    shaped = selectors.returns_for_worker(ReturnRequest.objects.filter(pk=found.pk)).get()
    return expected_return(shaped, receivable=_receivable(shaped))


@router.post(
    "/warehouse/scan",
    response={200: ScanOut, **errors(403, 404)},
    summary="What a scanned code names, and what should be in the box",
)
def scan(request: HttpRequest, payload: ScanIn) -> dict[str, Any]:
    """A waybill, a return number (any case, hyphens or not) or a product barcode/SKU.

    404 ``scan_not_found`` when nothing matches: register the box as unidentified.
    """
    store = request_store(request)
    actor_require(request_actor(request), store.pk, Capability.RETURN_RECEIVE)
    result = selectors.warehouse_scan(store=store, code=payload.code)
    return {
        "code": result.code,
        "matched_by": result.matched_by.value,
        "returns": [expected_return(r, receivable=_receivable(r)) for r in result.returns],
    }


@router.post(
    "/returns/{number}/receive",
    response={200: ExpectedReturnOut, **errors(403, 404, 409)},
    summary="Receive (입고) a return's box",
)
def receive(request: HttpRequest, number: str, payload: ReceiveIn) -> dict[str, Any]:
    """The last expected box receives the return (``received``); an earlier one of several
    leaves it ``partially_received``. 409 ``already_received`` on a double scan."""
    return_request = return_request_get(store=request_store(request), number=number)
    services.return_receive(
        return_request=return_request,
        actor=request_actor(request),
        boxes_received=payload.boxes_received,
        note=payload.note,
        now=timezone.now(),
    )
    return _expected(request, number)


@router.post(
    "/warehouse/unidentified",
    response={201: UnidentifiedOut, **errors(403, 404)},
    summary="Register a box no scan could place (미확인 입고)",
)
def register_unidentified(request: HttpRequest, payload: UnidentifiedIn) -> Status[Any]:
    parcel = services.unidentified_parcel_register(
        store=request_store(request),
        facts=services.ParcelFacts(**payload.dict()),
        actor=request_actor(request),
        now=timezone.now(),
    )
    return Status(201, parcel)


@router.get(
    "/warehouse/unidentified",
    response=list[UnidentifiedOut],
    summary="Unidentified parcels, newest first",
)
@paginate(Pages, ordering=("-id",))
def list_unidentified(request: HttpRequest, filters: Query[UnidentifiedQuery]) -> Any:
    return selectors.unidentified_parcel_list(
        store=request_store(request), unmatched=filters.unmatched
    )


@router.post(
    "/warehouse/unidentified/{parcel_id}/match",
    response={200: UnidentifiedOut, **errors(403, 404, 409)},
    summary="Match an unidentified parcel to its return, and receive it",
)
def match_unidentified(request: HttpRequest, parcel_id: int, payload: MatchIn) -> Any:
    """The return counts as received when the box arrived (its registration), not now."""
    store = request_store(request)
    parcel = selectors.unidentified_parcel_get(store=store, parcel_id=parcel_id)
    return_request = return_request_get(store=store, number=payload.return_number)
    services.unidentified_parcel_match(
        parcel=parcel,
        return_request=return_request,
        actor=request_actor(request),
        note=payload.note,
        now=timezone.now(),
    )
    return selectors.unidentified_parcel_get(store=store, parcel_id=parcel_id)


def _inspection(request: HttpRequest, number: str) -> dict[str, Any]:
    return_request = return_request_get(store=request_store(request), number=number)
    lines = selectors.return_inspection_get(return_request=return_request)
    return inspection_out(return_request, lines)


@router.post(
    "/returns/{number}/inspection",
    response={201: InspectionOut, **errors(403, 404, 409)},
    summary="Inspect (검수) every line of a received return",
)
def inspect(request: HttpRequest, number: str, payload: InspectionIn) -> Status[Any]:
    """Per line: quantities received and accepted, grade, condition, outcome, deduction (only
    with a lawful reason, never above what was paid), and where the units go. The return fee
    is settled as the policy collects it (``fee.received`` for cash in the box, a transfer or a
    separate charge)."""
    return_request = return_request_get(store=request_store(request), number=number)
    services.return_inspect(
        return_request=return_request,
        lines=[
            services.LineInspectionIn(
                return_line_id=line.return_line_id,
                quantity_received=line.quantity_received,
                quantity_accepted=line.quantity_accepted,
                grade=line.grade,
                condition=line.condition,
                outcome=line.outcome,
                deduction_amount=line.deduction_amount,
                deduction_reason=line.deduction_reason,
                reject_reason=line.reject_reason,
                reject_text=line.reject_text,
                note=line.note,
                dispositions=tuple(
                    services.DispositionIn(d.quantity, d.action, d.location)
                    for d in line.dispositions
                ),
            )
            for line in payload.lines
        ],
        fee=services.FeeConfirmation(payload.fee.received) if payload.fee else None,
        note=payload.note,
        actor=request_actor(request),
        now=timezone.now(),
    )
    return Status(201, _inspection(request, number))


@router.get(
    "/returns/{number}/inspection",
    response={200: InspectionOut, **errors(404)},
    summary="A return's inspection: lines, grades, outcomes, deductions, dispositions, photos",
)
def get_inspection(request: HttpRequest, number: str) -> dict[str, Any]:
    return _inspection(request, number)


@router.post(
    "/returns/{number}/lines/{line_id}/photos",
    response={201: PhotosOut, **errors(403, 404, 413)},
    summary="Add photos of a returned line (JPEG, PNG or WebP)",
)
def add_photos(
    request: HttpRequest, number: str, line_id: int, files: File[list[UploadedFile]]
) -> Status[Any]:
    """Each photo is decoded and re-encoded without its metadata (EXIF), upright; 413 over the
    size limit, 422 for anything that is not a real JPEG, PNG or WebP image."""
    store = request_store(request)
    return_request = return_request_get(store=store, number=number)
    line = ReturnLine.objects.filter(pk=line_id, return_request=return_request).first()
    if line is None:
        raise warehouse_errors.RETURN_LINE_NOT_FOUND(number=return_request.number, line_id=line_id)
    photos = services.inspection_photos_add(
        store=store,
        uploads=[services.PhotoUpload(name=f.name or "", size=f.size or 0, file=f) for f in files],
        return_line=line,
        actor=request_actor(request),
        now=timezone.now(),
    )
    return Status(201, {"photos": [photo_out(p) for p in photos]})


_IMAGE = {
    200: {
        "description": "The photo",
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in ("image/jpeg", "image/png", "image/webp")
        },
    }
}


@router.get(
    "/warehouse/photos/{photo_id}",
    response={**errors(404)},
    openapi_extra={"responses": _IMAGE},
    summary="One inspection photo (only the store's own)",
)
def get_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = selectors.inspection_photo_get(store=request_store(request), photo_id=photo_id)
    with services.photo_storage().open(photo.name, "rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}"'
    return response


@router.get("/stock", response=list[StockLevelOut], summary="Stock balances per SKU and location")
@paginate(Pages, ordering=("id",))
def list_stock(request: HttpRequest, filters: Query[StockQuery]) -> Any:
    return selectors.stock_level_list(
        store=request_store(request), sku=filters.sku, location=filters.location
    )


@router.get(
    "/stock/movements",
    response=list[StockMovementOut],
    summary="The stock ledger, newest first",
)
@paginate(Pages, ordering=("-id",))
def list_movements(request: HttpRequest, filters: Query[StockQuery]) -> Any:
    return selectors.stock_movement_list(
        store=request_store(request), sku=filters.sku, location=filters.location
    )


@router.post(
    "/stock/adjustments",
    response={201: StockMovementOut, **errors(403, 404, 409)},
    summary="Correct a stock balance after a count",
)
def adjust_stock(request: HttpRequest, payload: StockAdjustmentIn) -> Status[Any]:
    movement = services.stock_adjust(
        store=request_store(request),
        sku=payload.sku,
        location_code=payload.location,
        on_hand_change=payload.on_hand_change,
        note=payload.note,
        actor=request_actor(request),
        now=timezone.now(),
    )
    return Status(201, movement)
