"""/api/v1: pickups, waybills, labels and the stalled/exception queues."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from banpum.core.api_context import request_actor, request_store
from banpum.core.errors import NotFound
from banpum.logistics import selectors
from banpum.logistics.labels_service import labels_pdf, return_labels_pdf
from banpum.logistics.models import Pickup
from banpum.logistics.schemas import (
    LabelBatchIn,
    NoteIn,
    PickupOut,
    RerequestIn,
    StalledListOut,
    WaybillIn,
)
from banpum.logistics.services import pickups as pickup_services
from banpum.returns.selectors import return_request_get

router = Router(tags=["logistics"])


def _pickup(request: HttpRequest, pickup_id: int) -> Pickup:
    pickup = (
        Pickup.objects.select_related("account__carrier", "carrier", "return_request")
        .filter(pk=pickup_id, return_request__store=request_store(request))
        .first()
    )
    if pickup is None:
        raise NotFound("No such pickup in this store.", code="pickup_not_found")
    return pickup


@router.get("/returns/{number}/pickups", response=list[PickupOut], summary="A return's pickups")
def list_pickups(request: HttpRequest, number: str) -> Any:
    return_request = return_request_get(store=request_store(request), number=number)
    return list(selectors.pickups_for_return(return_request=return_request))


@router.post(
    "/returns/{number}/waybill",
    response={201: PickupOut},
    summary="Enter a waybill number by hand (unlinked carrier or self-ship)",
)
def enter_waybill(request: HttpRequest, number: str, payload: WaybillIn) -> Status:
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
    response={201: PickupOut},
    summary="Book again after an exception (new date or address)",
)
def rerequest_pickup(request: HttpRequest, pickup_id: int, payload: RerequestIn) -> Status:
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
    response=list[PickupOut],
    summary="Give up the pickup: the customer sends the parcel",
)
def switch_to_self_ship(request: HttpRequest, number: str, payload: NoteIn) -> Any:
    return_request = return_request_get(store=request_store(request), number=number)
    pickup_services.return_switch_to_self_ship(
        return_request=return_request,
        actor=request_actor(request),
        note=payload.note,
        now=timezone.now(),
    )
    return list(selectors.pickups_for_return(return_request=return_request))


class LabelQuery(Schema):
    layout: str = "A6"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get("/returns/{number}/label.pdf", summary="The return label (PDF)")
def return_label(request: HttpRequest, number: str, query: Query[LabelQuery]) -> HttpResponse:
    return_request = return_request_get(store=request_store(request), number=number)
    return _pdf(labels_pdf([return_request], layout=query.layout), f"{number}.pdf")


@router.post("/labels", summary="Many labels in one PDF, for batch printing")
def batch_labels(request: HttpRequest, payload: LabelBatchIn) -> HttpResponse:
    store = request_store(request)
    pdf = return_labels_pdf(store=store, numbers=payload.numbers, layout=payload.layout)
    return _pdf(pdf, "labels.pdf")


@router.get("/logistics/exceptions", response=list[PickupOut], summary="CS queue: exceptions")
def exceptions_queue(request: HttpRequest) -> Any:
    return list(selectors.pickup_exceptions(store=request_store(request)))


@router.get("/logistics/stalled", response=StalledListOut, summary="Returns at risk of being lost")
def stalled(request: HttpRequest) -> dict[str, Any]:
    items = selectors.stalled_returns(store=request_store(request), now=timezone.now())
    return {
        "count": len(items),
        "value_at_risk": sum(item.value_at_risk for item in items),
        "items": [
            {
                "number": item.return_request.number,
                "status": item.return_request.status,
                "kind": item.kind,
                "since": item.since,
                "age_hours": round(item.age.total_seconds() / 3600, 1),
                "value_at_risk": item.value_at_risk,
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
