"""/api/v1: a product's variants with stock, and a return's exchange."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.commerce.selectors import product_get
from banpum.core.api_context import request_actor
from banpum.core.schemas import InputSchema, OutDateTime, errors
from banpum.returns.selectors import return_request_get
from banpum.settlement.exchanges import selectors, services

router = Router(tags=["exchanges"])


class VariantOut(Schema):
    sku: str
    barcode: str
    name: str
    option_group: str
    options: dict[str, str]
    price: int
    available: int = Field(description="Sellable units on hand and not reserved")


class ExchangeLineIn(InputSchema):
    return_line_id: int
    replacement_sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=100_000, strict=True)


class ExchangeIn(InputSchema):
    lines: list[ExchangeLineIn] = Field(min_length=1, max_length=500)


class ConvertIn(InputSchema):
    consent_note: str = Field(
        min_length=1, max_length=500, description="How and when the customer agreed"
    )


class ExchangeLineOut(Schema):
    return_line_id: int
    replacement_sku: str
    replacement_name: str
    options: dict[str, str]
    quantity: int
    reserved: int


class ShipmentBriefOut(Schema):
    id: int
    status: str
    carrier: str
    waybill_number: str


class ExchangeOut(Schema):
    return_number: str
    status: str = Field(
        description="requested, reserved, shipping, shipped, converted_to_refund or cancelled"
    )
    return_status: str
    fee_amount: int
    swap: bool
    waiting_reason: str = Field(description="'' or out_of_stock")
    waiting_detail: dict[str, Any]
    lines: list[ExchangeLineOut]
    shipment: ShipmentBriefOut | None
    updated_at: OutDateTime


def _exchange_out(exchange: Any) -> dict[str, Any]:
    shipment = exchange.shipment
    return {
        "return_number": exchange.return_request.number or "",
        "status": exchange.status,
        "return_status": exchange.return_request.status,
        "fee_amount": exchange.fee_amount,
        "swap": exchange.swap,
        "waiting_reason": exchange.waiting_reason,
        "waiting_detail": exchange.waiting_detail,
        "lines": [
            {
                "return_line_id": line.return_line_id,
                "replacement_sku": line.replacement.sku,
                "replacement_name": line.replacement.name,
                "options": line.replacement.options,
                "quantity": line.quantity,
                "reserved": line.reserved,
            }
            for line in exchange.lines.all()
        ],
        "shipment": {
            "id": shipment.pk,
            "status": shipment.status,
            "carrier": shipment.account.carrier.code if shipment.account else "",
            "waybill_number": shipment.waybill_number,
        }
        if shipment
        else None,
        "updated_at": exchange.updated_at,
    }


def _require(request: HttpRequest) -> None:
    actor_require(request_actor(request), request_store(request).pk, Capability.EXCHANGE_MANAGE)


@router.get(
    "/products/{sku}/variants",
    response={200: list[VariantOut], **errors(403, 404)},
    summary="A product's variants (same option group) with their available stock",
)
def product_variants(request: HttpRequest, sku: str) -> Any:
    _require(request)
    product = product_get(store=request_store(request), sku=sku)
    return [
        {
            "sku": v.product.sku,
            "barcode": v.product.barcode,
            "name": v.product.name,
            "option_group": v.product.option_group,
            "options": v.product.options,
            "price": v.product.price,
            "available": v.available,
        }
        for v in selectors.product_variants(product)
    ]


@router.get(
    "/returns/{number}/exchange",
    response={200: ExchangeOut, **errors(403, 404)},
    summary="A return's exchange: replacement, reservation, shipment and waybill",
)
def get_exchange(request: HttpRequest, number: str) -> Any:
    _require(request)
    return_request = return_request_get(store=request_store(request), number=number)
    return _exchange_out(selectors.exchange_get(return_request))


@router.put(
    "/returns/{number}/exchange",
    response={200: ExchangeOut, **errors(403, 404, 409, 422)},
    summary="Choose the replacement: the same product or one of its variants",
)
def choose_exchange(request: HttpRequest, number: str, payload: ExchangeIn) -> Any:
    return_request = return_request_get(store=request_store(request), number=number)
    services.exchange_choose(
        return_request=return_request,
        lines=[(x.return_line_id, x.replacement_sku, x.quantity) for x in payload.lines],
        actor=request_actor(request),
        now=timezone.now(),
    )
    return _exchange_out(selectors.exchange_get(return_request))


@router.post(
    "/returns/{number}/exchange/convert-to-refund",
    response={200: ExchangeOut, **errors(403, 404, 409, 422)},
    summary="Refund instead of the exchange, with the customer's consent",
)
def convert_to_refund(request: HttpRequest, number: str, payload: ConvertIn) -> Any:
    return_request = return_request_get(store=request_store(request), number=number)
    services.exchange_convert_to_refund(
        return_request=return_request,
        consent_note=payload.consent_note,
        actor=request_actor(request),
        now=timezone.now(),
    )
    return _exchange_out(selectors.exchange_get(return_request))
