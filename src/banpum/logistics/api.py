"""/api/v1: pickups, waybills, labels and the stalled/exception queues."""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.core.api_context import request_actor
from banpum.core.pagination import PageQuery, Pages, page_of_list
from banpum.core.schemas import ErrorOut, errors
from banpum.logistics import selectors
from banpum.logistics.errors import OUTBOUND_NOT_FOUND, PICKUP_NOT_FOUND
from banpum.logistics.labels_service import labels_pdf, return_labels_pdf
from banpum.logistics.models import OutboundShipment, Pickup
from banpum.logistics.schemas import (
    LabelBatchIn,
    OutboundShipmentOut,
    PickupOut,
    RerequestIn,
    SelfShipIn,
    StalledListOut,
    WaybillIn,
)
from banpum.logistics.services import pickups as pickup_services
from banpum.returns.selectors import return_request_get

router = Router(tags=["logistics"])


@router.get(
    "/shipments/{shipment_id}",
    response={200: OutboundShipmentOut, **errors(403, 404)},
    summary="An outbound shipment (an exchange's replacement, goods sent back)",
)
def get_shipment(request: HttpRequest, shipment_id: int) -> Any:
    actor_require(request_actor(request), request_store(request).pk, Capability.EXCHANGE_MANAGE)
    shipment = (
        OutboundShipment.objects.select_related("account__carrier", "return_request")
        .filter(pk=shipment_id, store=request_store(request))
        .first()
    )
    if shipment is None:
        raise OUTBOUND_NOT_FOUND()
    return shipment


def _pickup(request: HttpRequest, pickup_id: int) -> Pickup:
    pickup = (
        Pickup.objects.select_related("account__carrier", "carrier", "return_request")
        .filter(pk=pickup_id, return_request__store=request_store(request))
        .first()
    )
    if pickup is None:
        raise PICKUP_NOT_FOUND()
    return pickup


@router.get(
    "/returns/{number}/pickups",
    response={200: list[PickupOut], **errors(404)},
    summary="A return's pickups",
)
def list_pickups(request: HttpRequest, number: str) -> Any:
    return_request = return_request_get(store=request_store(request), number=number)
    return list(selectors.pickups_for_return(return_request=return_request))


@router.post(
    "/returns/{number}/waybill",
    response={201: PickupOut, **errors(404, 409)},
    summary="Enter a waybill number by hand (unlinked carrier or self-ship)",
)
def enter_waybill(request: HttpRequest, number: str, payload: WaybillIn) -> Status[Pickup]:
    return_request = return_request_get(store=request_store(request), number=number)
    pickup = pickup_services.pickup_register_manual(
        return_request=return_request,
        actor=request_actor(request),
        waybill_number=payload.waybill_number,
        carrier_code=payload.carrier_code,
        now=timezone.now(),
    )
    return Status(201, _pickup(request, pickup.pk))


@router.post(
    "/pickups/{pickup_id}/rerequest",
    response={201: PickupOut, **errors(404, 409)},
    summary="Book again after an exception (new date or address)",
)
def rerequest_pickup(request: HttpRequest, pickup_id: int, payload: RerequestIn) -> Status[Pickup]:
    fields = payload.dict(exclude={"note", "box_count"})
    details = pickup_services.PickupDetails(**fields, box_count=payload.box_count or 0)
    pickup = pickup_services.pickup_rerequest(
        pickup=_pickup(request, pickup_id),
        actor=request_actor(request),
        details=details,
        note=payload.note,
        now=timezone.now(),
    )
    return Status(201, _pickup(request, pickup.pk))


@router.post(
    "/returns/{number}/switch-to-self-ship",
    response={200: list[PickupOut], **errors(404, 409)},
    summary="Give up the pickup: the customer sends the parcel",
)
def switch_to_self_ship(request: HttpRequest, number: str, payload: SelfShipIn) -> Any:
    return_request = return_request_get(store=request_store(request), number=number)
    pickup_services.return_switch_to_self_ship(
        return_request=return_request,
        actor=request_actor(request),
        note=payload.note,
        now=timezone.now(),
    )
    return list(selectors.pickups_for_return(return_request=return_request))


class LabelQuery(Schema):
    layout: Literal["A6", "A4"] = "A6"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


_PDF = {
    200: {
        "description": "The label as a PDF",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/returns/{number}/label.pdf",
    response={200: bytes, **errors(404, 409)},
    openapi_extra={"responses": _PDF},
    summary="The return label (PDF)",
)
def return_label(request: HttpRequest, number: str, query: Query[LabelQuery]) -> HttpResponse:
    return_request = return_request_get(store=request_store(request), number=number)
    return _pdf(labels_pdf([return_request], layout=query.layout), f"{number}.pdf")


@router.post(
    "/labels",
    response={200: bytes, **errors(404, 409)},
    openapi_extra={"responses": _PDF},
    summary="Many labels in one PDF, for batch printing",
)
def batch_labels(request: HttpRequest, payload: LabelBatchIn) -> HttpResponse:
    store = request_store(request)
    pdf = return_labels_pdf(store=store, numbers=payload.numbers, layout=payload.layout)
    return _pdf(pdf, "labels.pdf")


@router.get(
    "/logistics/exceptions",
    response=list[PickupOut],
    summary="CS queue: pickup exceptions, oldest pickup first",
)
@paginate(Pages, ordering=("id",))
def exceptions_queue(request: HttpRequest) -> Any:
    return selectors.pickup_exceptions(store=request_store(request))


@router.get(
    "/logistics/stalled",
    response={200: StalledListOut, 422: ErrorOut},
    summary="Returns at risk of being lost, longest stalled first",
)
def stalled(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """``count`` and ``value_at_risk`` cover the whole queue; ``results`` is one page of it."""
    queue = selectors.stalled_returns(store=request_store(request), now=timezone.now())
    items, following, preceding = page_of_list(
        queue, request, page_size=query.page_size, cursor=query.cursor
    )
    return {
        "count": len(queue),
        "value_at_risk": sum(item.value_at_risk for item in queue),
        "next": following,
        "previous": preceding,
        "results": [
            {
                "number": item.return_request.number,
                "status": item.return_request.status,
                "kind": item.kind,
                "since": item.since,
                "age_hours": round(item.age.total_seconds() / 3600, 1),
                "value_at_risk": item.value_at_risk,
                "refunded_early": item.refunded_early,
                "waybill_number": item.pickup.waybill_number if item.pickup else "",
                "carrier": item.pickup.carrier.code if item.pickup else "",
                "customer_name": item.return_request.customer.name
                if item.return_request.customer
                else None,
                "order_number": item.return_request.order.channel_order_number,
            }
            for item in items
        ],
    }
