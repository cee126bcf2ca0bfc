"""The order a shopper found, as the portal's screens read it, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from banpum.commerce.errors import ORDER_NOT_FOUND
from banpum.commerce.models import Order, OrderLine, Product, Store
from banpum.commerce.selectors import (
    order_detail_get,
    product_variants_of,
    returnable_quantity,
)
from banpum.core.errors import ApplicationError
from banpum.policy.selectors import policy_current, policy_rules
from banpum.policy.types import PolicyRules, Resolution
from banpum.portal.draft import Needs
from banpum.settlement.models import RefundMethod
from banpum.settlement.services.routing import refund_method_for


@dataclass(frozen=True)
class OrderView:
    """The found order as the wizard reads it: lines with their returnable units, variants."""

    order: Order
    lines: list[tuple[OrderLine, int]]
    variants: dict[int, list[Product]]  # product id → its variants (itself included)
    rules: PolicyRules

    @property
    def line_by_id(self) -> dict[int, OrderLine]:
        return {line.pk: line for line, _ in self.lines}

    def needs(self) -> Needs:
        with_options = frozenset(
            line.pk
            for line, _ in self.lines
            if line.product_id is not None and len(self.variants.get(line.product_id, [])) > 1
        )
        transfer = (
            refund_method_for(self.order, resolution=Resolution.REFUND)
            == RefundMethod.BANK_TRANSFER
        )
        return Needs(rules=self.rules, lines_with_options=with_options, bank_transfer=transfer)


def order_view(store: Store, order_id: int) -> OrderView:
    """The order in a fixed number of queries (lines annotated with what is claimed)."""
    try:
        order = order_detail_get(store=store, order_id=order_id)
    except ApplicationError as error:
        if error.code == ORDER_NOT_FOUND.code:
            raise Http404 from None
        raise
    lines = [
        (
            line,
            returnable_quantity(
                quantity=line.quantity,
                cancelled=line.cancelled_quantity,
                delivered=bool(getattr(line, "order_delivered", False)),
                claimed=int(getattr(line, "claimed_quantity", 0)),
            ),
        )
        for line in order.lines.all()
    ]
    products = [line.product for line, _ in lines if line.product is not None]
    rules = policy_rules(policy_current(store=store))
    return OrderView(order, lines, product_variants_of(products), rules)
