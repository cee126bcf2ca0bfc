"""/api/v1/returns: create, preview, list, get, and the CS actions."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from banpum.commerce.api_context import request_store
from banpum.commerce.models import Order, Store
from banpum.commerce.selectors import order_get
from banpum.core.api_context import request_actor
from banpum.core.pagination import Pages
from banpum.core.schemas import InDateTime, errors
from banpum.policy.texts import decision_words
from banpum.policy.types import Decision, ReturnAsk, ReturnType, as_json
from banpum.returns import selectors, services
from banpum.returns.models import Origin, ReturnRequest, ReturnStatus
from banpum.returns.schemas import (
    ActionIn,
    DecisionOut,
    HoldIn,
    RejectIn,
    ReturnAskIn,
    ReturnCreateIn,
    ReturnDetailOut,
    ReturnNoteIn,
    ReturnOut,
)

router = Router(tags=["returns"])


def _order_and_ask(store: Store, payload: ReturnAskIn) -> tuple[Order, ReturnAsk]:
    order = order_get(
        store=store,
        order_id=payload.order_id,
        order_number=payload.order_number,
        channel_code=payload.channel,
    )
    line_ids = dict(order.lines.values_list("line_number", "id"))
    return order, payload.to_ask(line_ids)


def _decision_out(decision: Decision) -> dict[str, Any]:
    data = as_json(decision)
    if not isinstance(data, dict):
        raise TypeError("a decision is a dataclass, so its JSON is an object")
    return decision_words(data)


def _detail(store: Store, number: str) -> ReturnRequest:
    return selectors.return_request_get(store=store, number=number)


@router.post(
    "/preview",
    response={200: DecisionOut, **errors(404)},
    summary="Preview the policy's decision",
)
def preview_return(request: HttpRequest, payload: ReturnAskIn) -> dict[str, Any]:
    """Runs the policy on a would-be return and creates nothing."""
    order, ask = _order_and_ask(request_store(request), payload)
    return _decision_out(services.return_request_preview(order=order, ask=ask, now=timezone.now()))


@router.post("", response={201: ReturnDetailOut, **errors(404)}, summary="Open a return")
def create_return(request: HttpRequest, payload: ReturnCreateIn) -> Status[ReturnRequest]:
    store = request_store(request)
    order, ask = _order_and_ask(store, payload)
    fee = (
        services.FeeOverride(payload.fee.payer, payload.fee.amount, payload.fee.collection)
        if payload.fee
        else None
    )
    created = services.return_request_create(
        order=order,
        ask=ask,
        origin=Origin(payload.origin),
        actor=request_actor(request),
        reason_detail=payload.reason_detail,
        note=payload.note,
        fee=fee,
        allow_ineligible=payload.allow_ineligible,
        now=timezone.now(),
    )
    return Status(201, _detail(store, created.number or ""))


class ReturnListQuery(Schema):
    status: list[ReturnStatus] | None = Field(
        default=None, description="Repeat for several statuses"
    )
    type: ReturnType | None = None
    reason_code: str | None = None
    origin: Origin | None = None
    order_number: str | None = None
    created_from: InDateTime | None = Field(default=None, description="Inclusive")
    created_to: InDateTime | None = Field(default=None, description="Exclusive")
    q: str | None = Field(default=None, description="Return number, order number, name, phone")


@router.get("", response=list[ReturnOut], summary="List returns, newest first")
@paginate(Pages, ordering=("-id",))
def list_returns(request: HttpRequest, filters: Query[ReturnListQuery]) -> Any:
    queryset = selectors.return_request_list(
        store=request_store(request), filters=selectors.ReturnFilters(**filters.dict())
    )
    return queryset


@router.get(
    "/{number}",
    response={200: ReturnDetailOut, **errors(404)},
    summary="One return with lines and events",
)
def get_return(request: HttpRequest, number: str) -> ReturnRequest:
    return _detail(request_store(request), number)


def _get(request: HttpRequest, number: str) -> ReturnRequest:
    return selectors.return_request_get(store=request_store(request), number=number)


_ACTION = {200: ReturnDetailOut, **errors(404, 409)}


@router.post("/{number}/approve", response=_ACTION)
def approve_return(request: HttpRequest, number: str, payload: ActionIn) -> ReturnRequest:
    services.return_request_approve(
        return_request=_get(request, number),
        actor=request_actor(request),
        note=payload.note,
        expected_version=payload.version,
        now=timezone.now(),
    )
    return _detail(request_store(request), number)


@router.post("/{number}/hold", response=_ACTION, summary="Hold (보류) with a reason")
def hold_return(request: HttpRequest, number: str, payload: HoldIn) -> ReturnRequest:
    services.return_request_hold(
        return_request=_get(request, number),
        actor=request_actor(request),
        reason=payload.reason,
        note=payload.note,
        expected_version=payload.version,
        now=timezone.now(),
    )
    return _detail(request_store(request), number)


@router.post("/{number}/reject", response=_ACTION)
def reject_return(request: HttpRequest, number: str, payload: RejectIn) -> ReturnRequest:
    services.return_request_reject(
        return_request=_get(request, number),
        actor=request_actor(request),
        note=payload.note,
        expected_version=payload.version,
        now=timezone.now(),
    )
    return _detail(request_store(request), number)


@router.post("/{number}/cancel", response=_ACTION)
def cancel_return(request: HttpRequest, number: str, payload: ActionIn) -> ReturnRequest:
    services.return_request_cancel(
        return_request=_get(request, number),
        actor=request_actor(request),
        note=payload.note,
        expected_version=payload.version,
        now=timezone.now(),
    )
    return _detail(request_store(request), number)


@router.post(
    "/{number}/notes", response={201: ReturnDetailOut, **errors(404)}, summary="Add a CS note"
)
def add_note(request: HttpRequest, number: str, payload: ReturnNoteIn) -> Status[ReturnRequest]:
    services.return_note_add(
        return_request=_get(request, number),
        actor=request_actor(request),
        note=payload.note,
        now=timezone.now(),
    )
    return Status(201, _detail(request_store(request), number))
