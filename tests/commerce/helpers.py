"""Builders shared by the commerce tests: order documents, files to import, returns."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from django.utils import timezone

from banpum.commerce.models import Order
from banpum.commerce.schemas import OrderIn
from banpum.core.actors import Actor
from banpum.policy.types import LineRequest, Method, Resolution, ReturnAsk, ReturnType
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.services import return_request_create

BASE_ORDER: dict[str, Any] = {
    "channel": "mall",
    "order_number": "A-1001",
    "ordered_at": "2025-03-02T10:15:00",
    "customer": {"name": "김민지", "phone": "010-1234-5678", "email": "minji@example.com"},
    "shipping_name": "김민지",
    "shipping_phone": "010-1234-5678",
    "shipping_postcode": "06234",
    "shipping_address1": "서울특별시 강남구 테헤란로 152",
    "shipping_address2": "12층",
    "shipping_fee": 3000,
    "payment_method": "card",
    "payment_reference": "pay_1001",
    "lines": [
        {"sku": "TS-RED-M", "name": "티셔츠 레드 M", "category": "apparel",
         "quantity": 2, "unit_price": 15000, "discount": 1000},
        {"sku": "CAP-01", "name": "모자", "quantity": 1, "unit_price": 12000},
    ],
    "shipment": {
        "carrier_code": "kr.cjlogistics",
        "tracking_number": "612345678901",
        "shipped_at": "2025-03-03T09:00:00",
        "delivered_at": "2025-03-04T15:30:00",
    },
}  # fmt: skip


def order_data(**overrides: Any) -> dict[str, Any]:
    """A valid order document (as the API receives it) with top-level fields replaced."""
    data = copy.deepcopy(BASE_ORDER)
    data.update(copy.deepcopy(overrides))
    return data


def order_in(**overrides: Any) -> OrderIn:
    return OrderIn.model_validate(order_data(**overrides))


def open_return(order: Order, quantities: dict[int, int]) -> ReturnRequest:
    """A return claiming ``quantities`` (line number → units) of a delivered order."""
    line_ids = dict(order.lines.values_list("line_number", "id"))
    ask = ReturnAsk(
        type=ReturnType.RETURN,
        reason_code="defective",
        resolution=Resolution.REFUND,
        method=Method.CARRIER_PICKUP,
        photo_count=1,
        lines=tuple(
            LineRequest(order_line_id=line_ids[number], quantity=units)
            for number, units in quantities.items()
        ),
    )
    return return_request_create(
        now=timezone.now(),
        order=order,
        ask=ask,
        origin=Origin.API,
        actor=Actor.system("test"),
        allow_ineligible=True,
    )


HEADER = [
    "channel", "order_number", "ordered_at", "customer_name", "customer_phone", "customer_email",
    "shipping_name", "shipping_phone", "shipping_postcode", "shipping_address1",
    "shipping_address2", "shipping_fee", "free_shipping", "payment_method", "payment_reference",
    "line_number", "sku", "product_name", "category", "quantity", "unit_price", "discount",
    "paid_amount", "carrier", "tracking_number", "shipped_at", "delivered_at",
]  # fmt: skip


def row(**values: Any) -> list[Any]:
    defaults: dict[str, Any] = {
        "channel": "mall",
        "order_number": "A-1",
        "ordered_at": "2025-03-02 10:15",
        "customer_name": "김민지",
        "customer_phone": "010-1234-5678",
        "customer_email": "minji@example.com",
        "shipping_name": "김민지",
        "shipping_phone": "010-1234-5678",
        "shipping_postcode": "06234",
        "shipping_address1": "서울특별시 강남구 테헤란로 152",
        "shipping_address2": "12층",
        "shipping_fee": "3000",
        "free_shipping": "N",
        "payment_method": "카드",
        "payment_reference": "pay_1",
        "line_number": "",
        "sku": "TS-RED-M",
        "product_name": "티셔츠 레드 M",
        "category": "apparel",
        "quantity": "2",
        "unit_price": "15,000",
        "discount": "0",
        "paid_amount": "",
        "carrier": "kr.cjlogistics",
        "tracking_number": "612345678901",
        "shipped_at": "2025-03-03 09:00",
        "delivered_at": "2025-03-04 15:30",
    }
    defaults.update(values)
    return [defaults[column] for column in HEADER]


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8") -> Path:
    lines = [
        ",".join(str(cell) if "," not in str(cell) else f'"{cell}"' for cell in r) for r in rows
    ]
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def sample_rows() -> list[list[Any]]:
    """Three orders, four lines; order A-1 has two lines."""
    return [
        HEADER,
        row(),
        row(sku="CAP-01", product_name="모자", quantity="1", unit_price="12000"),
        row(order_number="A-2", customer_phone="010-2222-3333", customer_email="b@example.com"),
        row(order_number="A-3", channel="coupang", customer_phone="01044445555"),
    ]
