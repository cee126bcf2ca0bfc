"""/api/v1/orders: bulk upsert, the CS search, and one order with what is still returnable.

No ``from __future__ import annotations``: ninja resolves parameter annotations at runtime.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from banpum.commerce import selectors
from banpum.commerce.api_context import request_store
from banpum.commerce.models import Order
from banpum.commerce.schemas import (
    OrderBulkIn,
    OrderBulkOut,
    OrderDetailOut,
    OrderOut,
    OrderSearchQuery,
)
from banpum.commerce.services import order_bulk_upsert
from banpum.core.pagination import Pages
from banpum.core.schemas import errors

router = Router(tags=["orders"])


@router.post(
    "/bulk",
    response={200: OrderBulkOut, 201: OrderBulkOut},
    summary="Create or update orders by (channel, order number), all or nothing",
)
def bulk_upsert_orders(request: HttpRequest, payload: OrderBulkIn) -> Status[dict[str, Any]]:
    """Up to ``BANPUM_API_BULK_MAX`` orders (default 500) in one transaction.

    201 when at least one order was created, 200 when every order already existed. Any invalid
    order fails the whole batch with 422 and ``extra.fields`` keyed like
    ``orders.3.lines.0.quantity``.
    """
    result = order_bulk_upsert(store=request_store(request), orders=payload.orders)
    body = {"created": result.created, "updated": result.updated, "orders": result.orders}
    return Status(201 if result.created else 200, body)


@router.get("", response=list[OrderOut], summary="Search orders, newest first")
@paginate(Pages, ordering=("-id",))
def list_orders(request: HttpRequest, filters: Query[OrderSearchQuery]) -> Any:
    return selectors.order_search(
        store=request_store(request), q=filters.q, channel_code=filters.channel, phone=filters.phone
    )


@router.get(
    "/{order_id}",
    response={200: OrderDetailOut, **errors(404)},
    summary="One order with its lines, shipments, customer and totals",
)
def get_order(request: HttpRequest, order_id: int) -> Order:
    return selectors.order_detail_get(store=request_store(request), order_id=order_id)
