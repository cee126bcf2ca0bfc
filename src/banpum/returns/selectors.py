"""Return reads, shaped for lists (few columns, no N+1) and for the one-return page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Expression, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from banpum.commerce.models import Order, Store
from banpum.commerce.selectors import phone_digits, phone_variants
from banpum.returns.errors import RETURN_NOT_FOUND
from banpum.returns.models import (
    CLAIMING_STATUSES,
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnRequest,
)
from banpum.returns.numbers import return_number_normalize


@dataclass(frozen=True)
class ReturnFilters:
    status: list[str] | None = None
    type: str | None = None
    reason_code: str | None = None
    origin: str | None = None
    order_number: str | None = None
    created_from: dt.datetime | None = None
    created_to: dt.datetime | None = None
    q: str | None = None


def _aware(moment: dt.datetime, store: Store) -> dt.datetime:
    """A bound without a UTC offset is the store's wall-clock time (what its staff type)."""
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, ZoneInfo(store.timezone))


def order_line_claimed_units() -> Expression | Value:
    """Over ``OrderLine`` rows: units in open or completed returns, which no new return may
    claim again and no order update may take away (``commerce.hooks``, wired at start-up)."""
    return Coalesce(
        Sum(
            "return_lines__quantity",
            filter=Q(return_lines__return_request__status__in=CLAIMING_STATUSES),
        ),
        Value(0),
    )


def return_request_list(
    *, store: Store, filters: ReturnFilters | None = None
) -> QuerySet[ReturnRequest]:
    """Returns of ``store`` matching ``filters``, newest first.

    ``created_from`` is inclusive and ``created_to`` exclusive; naive bounds are read in the
    store's timezone.
    """
    filters = filters or ReturnFilters()
    queryset = ReturnRequest.objects.filter(store=store).select_related(
        "order", "order__channel", "customer"
    )
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    if filters.type:
        queryset = queryset.filter(type=filters.type)
    if filters.reason_code:
        queryset = queryset.filter(reason_code=filters.reason_code)
    if filters.origin:
        queryset = queryset.filter(origin=filters.origin)
    if filters.order_number:
        queryset = queryset.filter(order__channel_order_number=filters.order_number)
    if filters.created_from:
        queryset = queryset.filter(created_at__gte=_aware(filters.created_from, store))
    if filters.created_to:
        queryset = queryset.filter(created_at__lt=_aware(filters.created_to, store))
    if filters.q and (term := filters.q.strip()):
        match = (
            Q(number=return_number_normalize(term))
            | Q(number__iexact=term)
            | Q(order__channel_order_number=term)
            | Q(customer__name__icontains=term)
            | Q(customer__phone=term)
        )
        if len(phone_digits(term)) >= 7:
            # The one phone normalization of the orders search: typed with or without hyphens.
            variants = phone_variants(term)
            match |= Q(customer__phone__in=variants) | Q(order__shipping_phone__in=variants)
        queryset = queryset.filter(match)
    return queryset.order_by("-id")


def return_request_get(*, store: Store, number: str) -> ReturnRequest:
    queryset = ReturnRequest.objects.select_related(
        "order", "order__channel", "customer", "policy"
    ).prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line", "replacement")),
        Prefetch(
            "events", queryset=ReturnEvent.objects.select_related("actor_user").order_by("at", "id")
        ),
    )
    wanted = return_number_normalize(number)
    # As typed or scanned: any case, with or without hyphens (and the stored spelling of
    # numbers from before store codes). The normalized spelling first, on the unique index;
    # a case-insensitive match reads every number, so only when that finds nothing.
    for match in (Q(number=wanted), Q(number__iexact=number.strip())):
        try:
            return queryset.get(match, store=store)
        except ReturnRequest.DoesNotExist:
            continue
    raise RETURN_NOT_FOUND(number=number)


def return_photos_unattached(*, order: Order, photo_ids: Sequence[int]) -> list[ReturnPhoto]:
    """The photos among ``photo_ids`` sent for ``order`` and not yet part of a return."""
    return list(
        ReturnPhoto.objects.filter(
            pk__in=list(photo_ids), order=order, return_request__isnull=True
        ).order_by("id")
    )


def return_photo_get(*, store: Store, order_id: int, photo_id: int) -> ReturnPhoto | None:
    """One photo sent for the store's order ``order_id`` (attached to a return or not yet)."""
    return ReturnPhoto.objects.filter(pk=photo_id, order_id=order_id, store=store).first()


def return_requests_of_order(
    *, order: Order, newest_first: bool = False
) -> QuerySet[ReturnRequest]:
    """The order's returns, each with ``units``: the units it claims. Oldest first for the
    office's order page (the story in order); newest first for the shopper's."""
    return (
        ReturnRequest.objects.filter(order=order, store_id=order.store_id)
        .annotate(units=Coalesce(Sum("lines__quantity"), Value(0)))
        .order_by("-id" if newest_first else "id")
    )


def return_request_by_idempotency_key(*, store: Store, key: str) -> ReturnRequest | None:
    """The return a form (or client) with ``key`` already opened in ``store``, if any."""
    if not key:
        return None
    return ReturnRequest.objects.filter(store=store, idempotency_key=key).first()
