"""What has not come back, or not been paid back in time: the loss and aging report.

A current-state list, so it reads the live returns, never a summary: each bucket is a set of
statuses, answered off the (store, status, created_at) index of returns, the totals aggregated
in the database and the list stopped after ``LIST_LIMIT`` rows, oldest first.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Min, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.policy import texts
from banpum.policy.deadlines import local_date
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S

from .reports import ChartKind, Column, ColumnKind, Filters, Report, register

LIST_LIMIT = 500


@dataclass(frozen=True)
class Bucket:
    key: str
    label: Promise
    statuses: tuple[S, ...]
    overdue_only: bool = False


BUCKETS = (
    Bucket(
        "not_picked_up",
        _("Not yet picked up"),
        (S.APPROVED, S.PICKUP_REQUESTED, S.AWAITING_SHIPMENT),
    ),
    Bucket("not_received", _("Picked up, not received"), (S.IN_TRANSIT, S.ARRIVED)),
    Bucket(
        "refund_overdue",
        _("Received, refund past its legal due date"),
        (S.RECEIVED, S.PARTIALLY_RECEIVED, S.INSPECTED, S.ITEM_KEPT, S.REFUND_PENDING),
        overdue_only=True,
    ),
)


def _returns(store: Store, bucket: Bucket, filters: Filters, today: dt.date) -> QuerySet[Any]:
    returns = ReturnRequest.objects.filter(store=store, status__in=list(bucket.statuses))
    if bucket.overdue_only:
        returns = returns.filter(refund_due_on__lt=today)
    if filters.channel:
        returns = returns.filter(order__channel__code=filters.channel)
    return returns


def _oldest_first(
    store: Store, bucket: Bucket, filters: Filters, today: dt.date
) -> list[dict[str, Any]]:
    """The bucket's ``LIST_LIMIT`` oldest returns, one indexed query per status merged here.

    ``status IN (…) ORDER BY created_at`` cannot walk the (store, status, created_at) index in
    order, so the database sorts every match of the store's history (1.2 s at a million
    lines); per status it reads the index in order and stops at the limit.
    """
    columns = ("id", "number", "status", "created_at", "refund_due_on", "refund_estimate")
    per_status = [
        list(
            _returns(store, replace(bucket, statuses=(status,)), filters, today)
            .order_by("created_at", "id")
            .values(*columns)[:LIST_LIMIT]
        )
        for status in bucket.statuses
    ]
    merged = heapq.merge(*per_status, key=lambda item: (item["created_at"], item["id"]))
    return list(itertools.islice(merged, LIST_LIMIT))


def loss_totals(store: Store, filters: Filters, now: dt.datetime) -> list[dict[str, Any]]:
    """Per bucket: returns in it, won at risk (their refund estimates) and the oldest age."""
    today = local_date(now, store.timezone)
    rows = []
    for bucket in BUCKETS:
        found = _returns(store, bucket, filters, today).aggregate(
            n=Count("id"), won=Sum("refund_estimate"), oldest=Min("created_at")
        )
        oldest = found["oldest"]
        rows.append(
            {
                "bucket": str(bucket.label),
                "code": bucket.key,
                "returns": found["n"] or 0,
                "at_risk": int(found["won"] or 0),
                "oldest_days": (today - local_date(oldest, store.timezone)).days
                if oldest
                else None,
            }
        )
    return rows


NOTES = (_("Current state: the date range does not apply; the channel filter does."),)


@register(
    "loss_aging", _("Not recovered: totals"), section="loss", reads=("returns.ReturnRequest",)
)
def loss_aging(store: Store, filters: Filters, now: dt.datetime) -> Report:
    return Report(
        key="loss_aging",
        title=_("Not recovered: totals"),
        columns=(
            Column("bucket", _("Where it is stuck")),
            Column("code", _("Code")),
            Column("returns", _("Returns"), ColumnKind.COUNT),
            Column("at_risk", _("Won at risk"), ColumnKind.WON),
            Column("oldest_days", _("Oldest (days)"), ColumnKind.DAYS),
        ),
        rows=loss_totals(store, filters, now),
        chart=ChartKind.BAR,
        x="bucket",
        series=("at_risk",),
        description=_(
            "Returns approved but not picked up, picked up but not received, and received "
            "but not refunded by the legal due date, with the refunds they stand for."
        ),
        as_of=now,
        notes=NOTES,
    )


@register(
    "loss_aging_list",
    _("Not recovered: the returns"),
    section="loss",
    reads=("returns.ReturnRequest",),
)
def loss_aging_list(store: Store, filters: Filters, now: dt.datetime) -> Report:
    today = local_date(now, store.timezone)
    rows: list[dict[str, Any]] = []
    for bucket in BUCKETS:
        for item in _oldest_first(store, bucket, filters, today):
            requested = local_date(item["created_at"], store.timezone)
            rows.append(
                {
                    "bucket": str(bucket.label),
                    "number": item["number"] or "",
                    "status": texts.label(dict(S.choices), item["status"]),
                    "requested_on": requested,
                    "age_days": (today - requested).days,
                    "due_on": item["refund_due_on"],
                    "at_risk": item["refund_estimate"],
                }
            )
    return Report(
        key="loss_aging_list",
        title=_("Not recovered: the returns"),
        columns=(
            Column("bucket", _("Where it is stuck")),
            Column("number", _("Return")),
            Column("status", _("Status")),
            Column("requested_on", _("Requested on"), ColumnKind.DATE),
            Column("age_days", _("Age (days)"), ColumnKind.DAYS),
            Column("due_on", _("Refund due on"), ColumnKind.DATE),
            Column("at_risk", _("Won at risk"), ColumnKind.WON),
        ),
        rows=rows,
        chart=ChartKind.NONE,
        description=_(
            "Each return stuck in one of the loss buckets, oldest first (at most %(limit)s per "
            "bucket), with its age since the request and its estimated refund."
        )
        % {"limit": LIST_LIMIT},
        as_of=now,
        notes=NOTES,
    )
