"""Order reads."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from banpum.commerce.models import Order, Store
from banpum.core.errors import NotFound, ValidationFailed


def order_get(
    *,
    store: Store,
    order_id: int | None = None,
    order_number: str | None = None,
    channel_code: str | None = None,
) -> Order:
    """One order of the store by id, or by channel order number (and channel when ambiguous)."""
    queryset = Order.objects.filter(store=store).select_related("channel", "customer")
    if order_id is not None:
        queryset = queryset.filter(pk=order_id)
    elif order_number:
        queryset = queryset.filter(channel_order_number=order_number)
        if channel_code:
            queryset = queryset.filter(channel__code=channel_code)
    else:
        raise ValidationFailed.for_fields({"order_id": ["Give order_id or order_number."]})
    orders = list(queryset[:2])
    if not orders:
        raise NotFound("No such order in this store.", code="order_not_found")
    if len(orders) > 1:
        raise ValidationFailed.for_fields(
            {"channel": ["Several channels have this order number; name the channel."]},
            message="Several channels have this order number; name the channel.",
        )
    return orders[0]


def order_search(
    *,
    store: Store,
    q: str | None = None,
    channel_code: str | None = None,
    phone: str | None = None,
) -> QuerySet[Order]:
    queryset = Order.objects.filter(store=store).select_related("channel", "customer")
    if channel_code:
        queryset = queryset.filter(channel__code=channel_code)
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        queryset = queryset.filter(Q(customer__phone=phone) | Q(customer__phone=digits))
    if q:
        term = q.strip()
        queryset = queryset.filter(
            Q(channel_order_number=term)
            | Q(customer__name__icontains=term)
            | Q(customer__phone=term)
            | Q(customer__email__iexact=term)
        )
    return queryset.order_by("-id")
