"""The order search (one box for every key CS is given) and the order page.

The search is the API's CS search (``commerce.selectors.order_search``: order number, name,
phone with or without hyphens, email, the delivery's waybill) plus the waybills of return
parcels and return numbers. One hit opens at once, so a scanner's Enter lands on the page;
the results download as Excel/CSV (every page of them, ``office.exports``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.commerce.models import Order, OrderLine, Store
from banpum.commerce.options import options_label
from banpum.commerce.selectors import (
    order_detail_get,
    order_search,
    returnable_quantity,
    waybill_variants,
)
from banpum.core.errors import ApplicationError
from banpum.logistics.models import Carrier
from banpum.logistics.selectors import carriers_by_code, order_ids_by_pickup_waybill
from banpum.office.access import can, in_store
from banpum.office.exports import export_format, page_query, table_export
from banpum.office.formatting import money, phone_masked
from banpum.office.order_tables import OrderTable
from banpum.policy.texts import reads_korean
from banpum.returns.selectors import return_request_get, return_requests_of_order

PER_PAGE = 50
MAX_TERM = 100


def orders_found(*, store: Store, term: str) -> QuerySet[Order]:
    """The CS search, and the orders whose return parcels carry ``term`` as their waybill."""
    found = order_search(store=store, q=term)
    waybills = waybill_variants(term)
    if waybills:
        by_return_parcel = order_search(store=store).filter(
            pk__in=order_ids_by_pickup_waybill(store=store, waybills=waybills)
        )
        found = (found | by_return_parcel).order_by("-id")
    return found


def _return_number_hit(store: Store, term: str) -> str | None:
    try:
        return return_request_get(store=store, number=term).number
    except ApplicationError:
        return None


@in_store
@require_http_methods(["GET"])
def order_search_view(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    term = request.GET.get("q", "").strip()[:MAX_TERM]
    table = None
    if term:
        # A return number (typed, or scanned off a label) opens that return.
        number = _return_number_hit(store, term)
        if number is not None:
            return redirect("office:return-detail", number=number)
        found = orders_found(store=store, term=term)
        browsing = any(key in request.GET for key in ("page", "sort"))
        if not browsing and export_format(request) is None:
            first_two = list(found.values_list("pk", flat=True)[:2])
            if len(first_two) == 1:
                return redirect("office:order-detail", order_id=first_two[0])
        table = OrderTable(found, zone=store.timezone)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        exported = table_export(request, table, store=store, name="orders", now=timezone.now())
        if exported is not None:
            return exported
    return render(
        request,
        "office/order_search.html",
        {"membership": membership, "term": term, "table": table, "query": page_query(request)},
    )


@dataclass(frozen=True)
class LineRow:
    line: OrderLine
    option: str
    unit_price: str
    paid: str
    live: int
    claimed: int
    returnable: int


def line_rows(order: Order) -> list[LineRow]:
    """The order's lines with what returns claim and what is still returnable; no queries
    beyond ``order_detail_get``'s (its lines carry the counts as annotations)."""
    rows = []
    for line in order.lines.all():
        claimed = int(getattr(line, "claimed_quantity", 0))
        rows.append(
            LineRow(
                line=line,
                option=options_label(line.product.options) if line.product else "",
                unit_price=money(line.unit_price),
                paid=money(line.paid_amount),
                live=line.quantity - line.cancelled_quantity,
                claimed=claimed,
                returnable=returnable_quantity(
                    quantity=line.quantity,
                    cancelled=line.cancelled_quantity,
                    delivered=bool(getattr(line, "order_delivered", False)),
                    claimed=claimed,
                ),
            )
        )
    return rows


def store_order(membership: StoreMembership, order_id: int) -> Order:
    """The order of the person's store, as the order page reads it; another store's is a 404."""
    try:
        return order_detail_get(store=membership.store, order_id=order_id)
    except ApplicationError:
        raise Http404 from None


def carrier_words(carrier: Carrier | None, code: str) -> str:
    if carrier is None:
        return code
    names = (carrier.name_ko, carrier.name_en)
    return (names[0] or names[1]) if reads_korean() else (names[1] or names[0])


@in_store
@require_http_methods(["GET"])
def order_detail(request: HttpRequest, membership: StoreMembership, order_id: int) -> HttpResponse:
    order = store_order(membership, order_id)
    rows = line_rows(order)
    returns = [
        {"rr": rr, "refund": money(rr.refund_estimate)}
        for rr in return_requests_of_order(order=order)
    ]
    shipments = list(order.shipments.all())
    carriers = carriers_by_code(s.carrier_code for s in shipments)
    deliveries = [
        {"shipment": s, "carrier": carrier_words(carriers.get(s.carrier_code), s.carrier_code)}
        for s in shipments
    ]
    context: dict[str, Any] = {
        "membership": membership,
        "order": order,
        "lines": rows,
        "deliveries": deliveries,
        "returns": returns,
        "phone": phone_masked(order.customer.phone if order.customer else ""),
        "shipping_phone": phone_masked(order.shipping_phone),
        "money": {
            "items": money(order.items_total),
            "shipping": money(order.shipping_fee),
            "discount": money(order.discount_total),
            "paid": money(order.paid_total),
        },
        "any_returnable": any(row.returnable for row in rows),
        "can_create": can(request, membership, Capability.RETURN_CREATE),
    }
    return render(request, "office/order_detail.html", context)
