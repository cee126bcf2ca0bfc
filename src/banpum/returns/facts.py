"""Load what the pure policy engine needs from the database, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from banpum.commerce.models import Order
from banpum.policy.selectors import blocklist_matches, extra_holidays_for
from banpum.policy.types import BlocklistKind, CustomerFacts, LineFacts, OrderFacts, PolicyRules
from banpum.returns.models import CLAIMING_STATUSES, ReturnLine, ReturnRequest


def committed_refunds(order: Order, *, exclude_return_id: int | None = None) -> int:
    """Money already refunded or promised by other open or completed returns of the order."""
    rows = ReturnRequest.objects.filter(order=order, status__in=CLAIMING_STATUSES)
    if exclude_return_id is not None:
        rows = rows.exclude(pk=exclude_return_id)
    return rows.aggregate(total=Sum("refund_estimate"))["total"] or 0


def order_facts(order: Order, *, already_refunded: int = 0) -> OrderFacts:
    delivered = [s.delivered_at for s in order.shipments.all() if s.delivered_at is not None]
    customer = order.customer
    return OrderFacts(
        paid_total=order.paid_total,
        shipping_fee=order.shipping_fee,
        free_shipping=order.free_shipping,
        already_refunded=already_refunded,
        delivered_at=min(delivered) if delivered else None,
        customer_flagged=bool(customer and customer.is_flagged),
        country=order.store.country,
        timezone=order.store.timezone,
        extra_holidays=extra_holidays_for(order.store),
    )


def customer_facts(order: Order, *, rules: PolicyRules, now: dt.datetime) -> CustomerFacts:
    """What the fraud signals read about the customer behind ``order``.

    Counts run over the policy's repeat-returner window before ``now`` (none when the check is
    off); returns count when open or completed, not cancelled or rejected. The blocklist is
    matched on the customer's phone and email and on the order's recipient phone and address.
    """
    customer = order.customer
    contacts: list[tuple[BlocklistKind, str]] = [
        (BlocklistKind.PHONE, order.shipping_phone),
        (BlocklistKind.ADDRESS, f"{order.shipping_address1} {order.shipping_address2}"),
        (BlocklistKind.ADDRESS, order.shipping_address1),
    ]
    if customer is not None:
        contacts += [(BlocklistKind.PHONE, customer.phone), (BlocklistKind.EMAIL, customer.email)]
    blocklisted = blocklist_matches(store=order.store, contacts=contacts)
    threshold = rules.repeat_returner
    if customer is None or threshold is None:
        return CustomerFacts(blocklisted=blocklisted)
    since = now - dt.timedelta(days=threshold.window_days)
    return CustomerFacts(
        orders=Order.objects.filter(
            customer=customer, ordered_at__gte=since, ordered_at__lte=now
        ).count(),
        returns=ReturnRequest.objects.filter(
            customer=customer,
            status__in=CLAIMING_STATUSES,
            created_at__gte=since,
            created_at__lte=now,
        ).count(),
        window_days=threshold.window_days,
        blocklisted=blocklisted,
    )


def claimed_quantities(order: Order, *, exclude_return_id: int | None = None) -> dict[int, int]:
    """Units per order line already in open or completed returns."""
    rows = ReturnLine.objects.filter(
        order_line__order=order, return_request__status__in=CLAIMING_STATUSES
    )
    if exclude_return_id is not None:
        rows = rows.exclude(return_request_id=exclude_return_id)
    return {
        row["order_line_id"]: row["total"]
        for row in rows.values("order_line_id").annotate(total=Sum("quantity"))
    }


def line_facts(order: Order, *, exclude_return_id: int | None = None) -> dict[int, LineFacts]:
    claimed = claimed_quantities(order, exclude_return_id=exclude_return_id)
    delivered = any(s.delivered_at is not None for s in order.shipments.all())
    facts: dict[int, LineFacts] = {}
    for line in order.lines.all():
        product = line.product
        live = line.quantity - line.cancelled_quantity
        facts[line.pk] = LineFacts(
            order_line_id=line.pk,
            sku=line.sku,
            category=line.category,
            returnable=product.returnable if product is not None else True,
            quantity=live,
            delivered_quantity=live if delivered else 0,
            claimed_quantity=claimed.get(line.pk, 0),
            paid_amount=line.paid_amount
            - line.paid_amount * line.cancelled_quantity // line.quantity
            if line.quantity
            else 0,
        )
    return facts
