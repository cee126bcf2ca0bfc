"""Reports registered for the insights pages' tests only, computed from the store's real rows.

The real reports (``insights/report_*.py``) read summary tables another package builds; these
count the live returns by status, by day and by age so that a page's figures can be checked
against the rows a test made. ``registered_reports`` removes them from ``REPORTS`` afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from banpum.commerce.models import Store
from banpum.insights.reports import (
    REPORTS,
    ChartKind,
    Column,
    ColumnKind,
    Filters,
    Report,
    register,
)
from banpum.returns.models import ReturnRequest

BY_STATUS = "test_returns_by_status"
BY_DAY = "test_returns_by_day"
LOSS = "loss_aging"
KEYS = (BY_STATUS, BY_DAY, LOSS)
AS_OF = dt.datetime(2026, 11, 30, 0, 5, tzinfo=dt.UTC)  # 09:05 in Seoul

# What each build was asked for, so a test can see the filters reach the report.
SEEN: list[tuple[str, int, Filters]] = []


def _returns(store: Store, filters: Filters) -> list[ReturnRequest]:
    zone = ZoneInfo(store.timezone)
    start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    queryset = ReturnRequest.objects.filter(
        store=store, created_at__gte=start, created_at__lt=end
    ).order_by("id")
    return list(queryset)


def _by_status(store: Store, filters: Filters, now: dt.datetime) -> Report:
    SEEN.append((BY_STATUS, store.pk, filters))
    returns = _returns(store, filters)
    counts = Counter(r.status for r in returns)
    money: Counter[str] = Counter()
    for r in returns:
        money[r.status] += r.refund_estimate
    rows = [
        {
            "status": status,
            "returns": count,
            "share": count / len(returns),
            "refund": money[status],
        }
        for status, count in sorted(counts.items())
    ]
    return Report(
        key=BY_STATUS,
        title="Returns by status",
        columns=(
            Column("status", "Status"),
            Column("returns", "Returns", ColumnKind.COUNT),
            Column("share", "Share", ColumnKind.PERCENT),
            Column("refund", "Refund estimate", ColumnKind.WON),
        ),
        rows=rows,
        chart=ChartKind.BAR,
        x="status",
        series=("returns",),
        description="The store's returns opened in the range, by where they stand now.",
        as_of=AS_OF,
    )


def _by_day(store: Store, filters: Filters, now: dt.datetime) -> Report:
    SEEN.append((BY_DAY, store.pk, filters))
    zone = ZoneInfo(store.timezone)
    days = Counter(r.created_at.astimezone(zone).date() for r in _returns(store, filters))
    rows = [{"day": day, "returns": count} for day, count in sorted(days.items())]
    return Report(
        key=BY_DAY,
        title="Returns by day",
        columns=(
            Column("day", "Day", ColumnKind.DATE),
            Column("returns", "Returns", ColumnKind.COUNT),
        ),
        rows=rows,
        chart=ChartKind.LINE,
        x="day",
        series=("returns",),
        as_of=AS_OF,
    )


def _loss(store: Store, filters: Filters, now: dt.datetime) -> Report:
    rows = [
        {
            "number": r.number,
            "customer_note": r.reason_detail,
            "age": (now - r.created_at).total_seconds() / 86400,
            "at_risk": r.refund_estimate,
        }
        for r in _returns(store, filters)
    ]
    return Report(
        key=LOSS,
        title="Loss and aging",
        columns=(
            Column("number", "Return number"),
            Column("customer_note", "Note"),
            Column("age", "Age", ColumnKind.DAYS),
            Column("at_risk", "Won at risk", ColumnKind.WON),
        ),
        rows=rows,
        chart=ChartKind.NONE,
        as_of=AS_OF,
    )


@contextmanager
def registered_reports() -> Iterator[dict[str, Any]]:
    saved = dict(REPORTS)
    REPORTS.clear()  # only these, whatever else a merge registered
    register(BY_STATUS, "Returns by status", section="returns")(_by_status)
    register(BY_DAY, "Returns by day", section="returns")(_by_day)
    register(LOSS, "Loss and aging", section="loss")(_loss)
    SEEN.clear()
    try:
        yield REPORTS
    finally:
        REPORTS.clear()
        REPORTS.update(saved)
