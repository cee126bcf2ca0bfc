"""Build the summary tables: from scratch (``insights_rebuild``) or from the cursors
(``insights_build``).

Both run the same steps, so an incremental build always ends where a rebuild would:
  1. the facts of the returns that changed are rewritten (``insights.facts``): their events or
     feedback are past the id cursors, or one of their refunds was opened or moved (a goodwill
     refund, delay interest paid long after the return's last event), or their order changed;
  2. every (store, day) those returns were requested on, and every day an order was placed on
     whose lines are past the cursor or that changed in place (the orders import cancelling a
     unit, moving a line to another category), is deleted from the day tables and summed
     again, set-based, with one ``INSERT … SELECT … GROUP BY`` per table (the same SQL on
     SQLite and PostgreSQL);
  3. the months of those days are summed again from the day tables and the facts.
What changes in place is found by its ``updated_at`` (``Refund``; ``Order``, which its writer
moves when a line or the shipment changes), from the last build's clock less ``SETTLE``: a
row stamped before a build but committed after it is read by the next one, and a row read twice
only sums its cells twice over, to the same figures. One change still needs ``--rebuild``: an
order whose ``ordered_at`` is corrected is counted on its new day, but its old day keeps it.
A rebuild takes every day of the store. It never runs inside a return's transaction: a Huey
periodic task and ``banpum insights-build`` call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate, TruncMonth

from banpum.commerce.models import Order, OrderLine, Store
from banpum.returns.models import ReturnEvent, ReturnRequest
from banpum.settlement.models import Refund

from . import feedback_source
from .facts import defect_codes, facts_write
from .models import (
    BuildState,
    FeedbackMonth,
    OrderDay,
    OrderMonth,
    ReturnDay,
    ReturnLineFact,
    ReturnMonth,
    SkuMonth,
    StageMonth,
)
from .stages import STAGE_FIELDS, bucket_expression

CHUNK = 2000  # returns per facts query
DAYS_PER_QUERY = 400  # days in one ``day IN (…)`` (SQLite allows 999 parameters per query)
# How long a write to an order or a refund may take from its ``updated_at`` to its commit (an
# orders import stamps its rows before writing them all). Each build reads again what was
# stamped this long before the previous one: the cells of the last half hour's orders and the
# facts of its refunds, most of them today's, summed again anyway for today's new orders.
SETTLE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class BuildResult:
    stores: int
    returns: int  # returns whose facts were written again
    order_days: int  # (store, day) cells of the order tables summed again
    return_days: int  # (store, day) cells of the return tables summed again
    rebuilt: bool
    skipped: int = 0  # stores another build was already building


def _insert_select(model: type[models.Model], columns: Sequence[str], rows: QuerySet[Any]) -> None:
    """``INSERT INTO model (columns) <rows' SELECT>``: ``rows`` selects the same columns, in
    order (``values(*keys).annotate(**sums)`` with keys then sums)."""
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(_column(model, c)) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select}", params)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _day_bounds(zone: ZoneInfo, day: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, end


def _runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days folded into (first, last) runs, so one query covers each run."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


# --- the order side -------------------------------------------------------------------------

_SOLD = Q(quantity__gt=F("cancelled_quantity"))


def _order_lines(store: Store, start: dt.datetime | None, end: dt.datetime | None) -> QuerySet[Any]:
    lines = OrderLine.objects.filter(_SOLD, order__store=store)
    if start is not None and end is not None:
        lines = lines.filter(order__ordered_at__gte=start, order__ordered_at__lt=end)
    return lines.order_by()


def _orders_sum(store: Store, runs: list[tuple[dt.date, dt.date]] | None) -> None:
    zone = ZoneInfo(store.timezone)
    spans: list[tuple[dt.datetime | None, dt.datetime | None]] = (
        [_day_bounds(zone, a, b) for a, b in runs] if runs is not None else [(None, None)]
    )
    for start, end in spans:
        rows = (
            _order_lines(store, start, end)
            .annotate(
                s=Value(store.pk),
                d=TruncDate("order__ordered_at", tzinfo=zone),
                c=F("order__channel__code"),
            )
            .values("s", "d", "c", "category")
            .annotate(n=Count("id"), u=Sum(F("quantity") - F("cancelled_quantity")))
        )
        _insert_select(OrderDay, ["store", "day", "channel", "category", "lines", "units"], rows)


def _sku_orders_sum(store: Store, months: list[dt.date]) -> None:
    """One query per month, each dated with the month as a constant (``TruncMonth`` of a
    datetime is not a date on every backend) and read off the (store, ordered_at) index."""
    zone = ZoneInfo(store.timezone)
    for month in months:
        after = (month + dt.timedelta(days=32)).replace(day=1)
        start, end = _day_bounds(zone, month, after - dt.timedelta(days=1))
        rows = (
            _order_lines(store, start, end)
            .annotate(s=Value(store.pk), d=Value(month), c=F("order__channel__code"))
            .values("s", "d", "sku", "category", "c")
            .annotate(n=Count("id"), u=Sum(F("quantity") - F("cancelled_quantity")))
        )
        _insert_select(
            SkuMonth,
            ["store", "day", "sku", "category", "channel", "order_lines", "order_units"],
            rows,
        )


def _order_months(store: Store) -> list[dt.date]:
    """Every month the store sold in, in its own time zone."""
    zone = ZoneInfo(store.timezone)
    span = OrderLine.objects.filter(order__store=store).aggregate(
        first=models.Min("order__ordered_at"), last=Max("order__ordered_at")
    )
    if span["first"] is None:
        return []
    month, last = _month(span["first"].astimezone(zone).date()), span["last"].astimezone(zone)
    months = []
    while month <= last.date():
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


# --- the return side ------------------------------------------------------------------------

_RETURN_KEYS = ["channel", "category", "carrier", "reason_code", "resolution"]
_RETURN_SUMS = {
    "lines": Count("id"),
    "units": Sum("quantity"),
    "returns": Count("id", filter=Q(first=True)),
    "refund_estimate": Sum("refund_estimate"),
    "refunded": Sum("refunded"),
    "deductions": Sum("deductions"),
    "fees_recovered": Sum("fees_recovered"),
    "interest_paid": Sum("interest_paid"),
    "picked_up": Count("id", filter=Q(picked_up=True)),
    "pickup_exceptions": Count("id", filter=Q(pickup_exception=True)),
}


def _facts(store: Store, days: Sequence[dt.date] | None) -> QuerySet[ReturnLineFact]:
    facts = ReturnLineFact.objects.filter(store=store)
    return (facts.filter(day__in=days) if days is not None else facts).order_by()


def _day_chunks(days: list[dt.date] | None) -> Iterable[Sequence[dt.date] | None]:
    if days is None:
        yield None
    else:
        yield from _chunks(days, DAYS_PER_QUERY)


def _returns_sum(store: Store, days: list[dt.date] | None) -> None:
    for chunk in _day_chunks(days):
        rows = (
            _facts(store, chunk)
            .values("store_id", "day", *_RETURN_KEYS)
            .annotate(**{f"_{k}": v for k, v in _RETURN_SUMS.items()})
        )
        _insert_select(ReturnDay, ["store", "day", *_RETURN_KEYS, *_RETURN_SUMS], rows)


def _month_filter(months: Sequence[dt.date] | None) -> Q:
    if months is None:
        return Q()
    query = Q()
    for month in months:
        after = (month + dt.timedelta(days=32)).replace(day=1)
        query |= Q(day__gte=month, day__lt=after)
    return query


def _months_sum(store: Store, months: list[dt.date] | None) -> None:
    for chunk in [None] if months is None else _chunks(months, 100):
        where = _month_filter(chunk)
        month = TruncMonth("day", output_field=models.DateField())
        orders = (
            OrderDay.objects.filter(where, store=store)
            .order_by()
            .annotate(m=month)
            .values("store_id", "m", "channel", "category")
            .annotate(n=Sum("lines"), u=Sum("units"))
        )
        _insert_select(
            OrderMonth, ["store", "day", "channel", "category", "lines", "units"], orders
        )
        returns = (
            ReturnDay.objects.filter(where, store=store)
            .order_by()
            .annotate(m=month)
            .values("store_id", "m", *_RETURN_KEYS)
            .annotate(**{f"_{k}": Sum(k) for k in _RETURN_SUMS})
        )
        _insert_select(ReturnMonth, ["store", "day", *_RETURN_KEYS, *_RETURN_SUMS], returns)
        facts = ReturnLineFact.objects.filter(where, store=store).order_by().annotate(m=month)
        skus = facts.values("store_id", "m", "sku", "category", "channel", "reason_code").annotate(
            n=Count("id"), u=Sum("quantity"), x=Count("id", filter=Q(defect=True))
        )
        _insert_select(
            SkuMonth,
            [
                "store",
                "day",
                "sku",
                "category",
                "channel",
                "reason_code",
                "return_lines",
                "return_units",
                "defect_lines",
            ],
            skus,
        )
        for stage, field in STAGE_FIELDS.items():
            stages = (
                facts.filter(first=True, **{f"{field}__isnull": False})
                .annotate(st=Value(stage.value), b=bucket_expression(field))
                .values("store_id", "m", "channel", "carrier", "st", "b")
                .annotate(n=Count("id"), sec=Sum(field))
            )
            _insert_select(
                StageMonth,
                ["store", "day", "channel", "carrier", "stage", "bucket", "count", "seconds"],
                stages,
            )
        ratings = (
            facts.filter(first=True, rating__isnull=False)
            .values("store_id", "m", "channel", "carrier", "reason_code", "agent")
            .annotate(
                n=Count("id"),
                r=Sum("rating"),
                lo=Count("id", filter=Q(rating__lte=2)),
                hi=Count("id", filter=Q(rating__gte=4)),
            )
        )
        _insert_select(
            FeedbackMonth,
            [
                "store",
                "day",
                "channel",
                "carrier",
                "reason_code",
                "agent",
                "responses",
                "rating_sum",
                "low",
                "high",
            ],
            ratings,
        )


_TABLES = (OrderDay, OrderMonth, ReturnDay, ReturnMonth, SkuMonth, StageMonth, FeedbackMonth)

# --- the build ------------------------------------------------------------------------------


def _cursors() -> tuple[int, int, int]:
    """The newest event, order line and feedback now: a build counts up to them, no further."""
    event = ReturnEvent.objects.aggregate(m=Max("id"))["m"] or 0
    line = OrderLine.objects.aggregate(m=Max("id"))["m"] or 0
    return event, line, feedback_source.feedback_last_id()


def _stores(store_ids: Sequence[int] | None) -> list[Store]:
    stores = Store.objects.order_by("id")
    return list(stores.filter(pk__in=store_ids) if store_ids is not None else stores)


def _rebuild_store(store: Store, cursors: tuple[int, int, int], now: dt.datetime) -> int:
    defects = defect_codes(store)
    with transaction.atomic():
        ReturnLineFact.objects.filter(store=store).delete()
        for model in _TABLES:
            model.objects.filter(store=store).delete()
    ids = list(
        ReturnRequest.objects.filter(store=store).order_by("id").values_list("id", flat=True)
    )
    for chunk in _chunks(ids, CHUNK):
        with transaction.atomic():
            facts_write(store, chunk, defects=defects)
    with transaction.atomic():
        _orders_sum(store, None)
        _sku_orders_sum(store, _order_months(store))
        _returns_sum(store, None)
        _months_sum(store, None)
        _state_save(store, cursors, now)
    return len(ids)


def _state_save(store: Store, cursors: tuple[int, int, int], now: dt.datetime) -> None:
    BuildState.objects.update_or_create(
        store=store,
        defaults={
            "last_event_id": cursors[0],
            "last_order_line_id": cursors[1],
            "last_feedback_id": cursors[2],
            "changes_after": now - SETTLE,
            "built_at": now,
        },
    )


def _build_store(
    store: Store, state: BuildState, cursors: tuple[int, int, int], now: dt.datetime
) -> tuple[int, int, int]:
    zone = ZoneInfo(store.timezone)
    changed = set(
        ReturnEvent.objects.filter(
            id__gt=state.last_event_id, id__lte=cursors[0], return_request__store=store
        ).values_list("return_request_id", flat=True)
    )
    changed |= feedback_source.feedback_returns_since(store, state.last_feedback_id, cursors[2])
    since = _changes_after(state)
    orders = Order.objects.filter(store=store, updated_at__gt=since).order_by()
    changed |= set(
        Refund.objects.filter(store=store, updated_at__gt=since, return_request__isnull=False)
        .order_by()
        .values_list("return_request_id", flat=True)
        .distinct()
    )
    # A changed line's SKU or category is a fact of its returns too.
    changed |= set(
        ReturnRequest.objects.filter(store=store, order__in=orders.values("pk"))
        .order_by()
        .values_list("id", flat=True)
    )
    return_ids = sorted(changed)
    return_days: set[dt.date] = set()
    for chunk in _chunks(return_ids, CHUNK):
        return_days |= set(
            ReturnLineFact.objects.filter(store=store, return_request_id__in=chunk)
            .values_list("day", flat=True)
            .distinct()
        )
        return_days |= {
            created.astimezone(zone).date()
            for created in ReturnRequest.objects.filter(pk__in=chunk).values_list(
                "created_at", flat=True
            )
        }
    order_days = set(
        OrderLine.objects.filter(
            id__gt=state.last_order_line_id, id__lte=cursors[1], order__store=store
        )
        .annotate(d=TruncDate("order__ordered_at", tzinfo=zone))
        .values_list("d", flat=True)
        .distinct()
    )
    order_days |= set(
        orders.annotate(d=TruncDate("ordered_at", tzinfo=zone))
        .values_list("d", flat=True)
        .distinct()
    )
    defects = defect_codes(store)
    for chunk in _chunks(return_ids, CHUNK):
        with transaction.atomic():
            facts_write(store, chunk, defects=defects)
    months = sorted({_month(d) for d in return_days | order_days})
    with transaction.atomic():
        if order_days:
            OrderDay.objects.filter(store=store, day__in=sorted(order_days)).delete()
            _orders_sum(store, _runs(order_days))
        if return_days:
            for chunk in _chunks(sorted(return_days), DAYS_PER_QUERY):
                ReturnDay.objects.filter(store=store, day__in=chunk).delete()
            _returns_sum(store, sorted(return_days))
        if months:
            where = _month_filter(months)
            for model in (OrderMonth, ReturnMonth, SkuMonth, StageMonth, FeedbackMonth):
                model.objects.filter(where, store=store).delete()
            _sku_orders_sum(store, months)
            _months_sum(store, months)
        _state_save(store, cursors, now)
    return len(return_ids), len(order_days), len(return_days)


def _changes_after(state: BuildState) -> dt.datetime:
    """Where to read changed orders and refunds from; a store last built before the build
    kept this mark reads them from its last build."""
    if state.changes_after is not None:
        return state.changes_after
    if state.built_at is None:
        raise RuntimeError("a store never built is rebuilt, not built from its cursors")
    return state.built_at - SETTLE


LEASE = dt.timedelta(minutes=30)


@contextmanager
def _lease(store: Store, now: dt.datetime) -> Iterator[bool]:
    """Hold the store's build lease for the block; yields False when another build holds it."""
    BuildState.objects.get_or_create(store=store)
    free = Q(building_until__isnull=True) | Q(building_until__lt=now)
    claimed = BuildState.objects.filter(free, store=store).update(building_until=now + LEASE) == 1
    try:
        yield claimed
    finally:
        if claimed:
            BuildState.objects.filter(store=store).update(building_until=None)


def insights_rebuild(*, now: dt.datetime, store_ids: Sequence[int] | None = None) -> BuildResult:
    """Throw the summaries of the stores away and sum them again from the live tables."""
    cursors = _cursors()
    stores = _stores(store_ids)
    returns = skipped = 0
    for store in stores:
        with _lease(store, now) as claimed:
            if not claimed:
                skipped += 1
                continue
            returns += _rebuild_store(store, cursors, now)
    return BuildResult(
        stores=len(stores) - skipped,
        returns=returns,
        order_days=0,
        return_days=0,
        rebuilt=True,
        skipped=skipped,
    )


def insights_build(*, now: dt.datetime, store_ids: Sequence[int] | None = None) -> BuildResult:
    """Bring the summaries up to date from the cursors; a store never built is rebuilt."""
    cursors = _cursors()
    stores = _stores(store_ids)
    returns = order_days = return_days = skipped = 0
    rebuilt = False
    for store in stores:
        with _lease(store, now) as claimed:
            if not claimed:
                skipped += 1
                continue
            state = BuildState.objects.get(store=store)
            if state.built_at is None:
                returns += _rebuild_store(store, cursors, now)
                rebuilt = True
                continue
            r, o, d = _build_store(store, state, cursors, now)
            returns, order_days, return_days = returns + r, order_days + o, return_days + d
    return BuildResult(
        stores=len(stores) - skipped,
        returns=returns,
        order_days=order_days,
        return_days=return_days,
        rebuilt=rebuilt,
        skipped=skipped,
    )


def built_at(store: Store) -> dt.datetime | None:
    """When the store's summaries were last built (a report's ``as_of``)."""
    return BuildState.objects.filter(store=store).values_list("built_at", flat=True).first()
