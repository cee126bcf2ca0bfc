"""Exchange reads: a product's variants with their stock, and one return's exchange."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from banpum.commerce.models import Product
from banpum.commerce.selectors import product_siblings
from banpum.returns.models import ReturnRequest
from banpum.settlement import errors
from banpum.settlement.models import Exchange
from banpum.warehouse.models import StockLevel


@dataclass(frozen=True)
class VariantStock:
    product: Product
    available: int


def product_variants(product: Product) -> list[VariantStock]:
    """The product and its siblings (same option group), each with its sellable available
    units, in two queries."""
    siblings = list(product_siblings(product))
    totals = {
        row["product_id"]: (row["on_hand"] or 0) - (row["reserved"] or 0)
        for row in StockLevel.objects.filter(product__in=siblings, location__sellable=True)
        .values("product_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    }
    return [VariantStock(p, totals.get(p.pk, 0)) for p in siblings]


def exchange_get(return_request: ReturnRequest) -> Exchange:
    exchange = (
        Exchange.objects.select_related("shipment__account__carrier")
        .prefetch_related("lines__replacement", "lines__return_line")
        .filter(return_request=return_request)
        .first()
    )
    if exchange is None:
        raise errors.EXCHANGE_NOT_FOUND(number=return_request.number or "-")
    return exchange
