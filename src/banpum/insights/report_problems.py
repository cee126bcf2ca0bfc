"""Problem products: SKUs returned far more than their category's others, and why."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.returns.models import ReturnLine, ReturnRequest

from . import cube
from .build import built_at
from .feedback_source import comments_of
from .models import SkuMonth
from .problems import SIGMAS, SkuCount, flag_skus
from .report_rates import sku_totals
from .reports import ChartKind, Column, ColumnKind, Filters, Report, register

RECENT_RETURNS = 3000  # the store's latest returns with a comment, searched for comments
COMMENTS_PER_SKU = 3
REASONS_PER_SKU = 3


def _counts(store: Store, filters: Filters) -> list[SkuCount]:
    merged: dict[str, list[Any]] = {}
    for row in sku_totals(store, filters):
        cell = merged.setdefault(row["sku"], [row["category"], 0, 0, 0])
        cell[0] = cell[0] or row["category"]
        cell[1] += row["order_lines"]
        cell[2] += row["return_lines"]
        cell[3] += row["defect_lines"]
    return [SkuCount(sku, c[0], c[1], c[2], c[3]) for sku, c in merged.items()]


def _top_reasons(store: Store, filters: Filters, skus: list[str]) -> dict[str, list[str]]:
    known = cube.reasons_of(store)
    rows = cube.month_sums(
        SkuMonth,
        store,
        filters,
        ["sku", "reason_code"],
        ("return_lines",),
        where=Q(sku__in=skus, return_lines__gt=0),
    )
    by_sku: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        by_sku[row["sku"]].append((row["return_lines"], row["reason_code"]))
    return {
        sku: [
            f"{cube.reason_name(known, code)} ({lines})"
            for lines, code in sorted(found, key=lambda x: (-x[0], x[1]))[:REASONS_PER_SKU]
        ]
        for sku, found in by_sku.items()
    }


def _comments(store: Store, skus: list[str]) -> dict[str, list[str]]:
    """Recent words from shoppers about these SKUs: the reason they wrote, their feedback."""
    recent = list(
        ReturnRequest.objects.filter(store=store)
        .exclude(reason_detail="")
        .order_by("-id")
        .values_list("id", flat=True)[:RECENT_RETURNS]
    )
    pairs = list(
        ReturnLine.objects.filter(return_request_id__in=recent, order_line__sku__in=skus)
        .order_by("-return_request_id")
        .values_list("order_line__sku", "return_request_id", "return_request__reason_detail")
    )
    feedback = comments_of(store, sorted({rid for _s, rid, _d in pairs}))
    found: dict[str, list[str]] = defaultdict(list)
    for sku, rid, detail in pairs:
        for text in (detail, feedback.get(rid, "")):
            if text and len(found[sku]) < COMMENTS_PER_SKU and text not in found[sku]:
                found[sku].append(text)
    return found


@register(
    "problem_products", _("Problem products"), section="products", reads=("insights.SkuMonth",)
)
def problem_products(store: Store, filters: Filters, now: dt.datetime) -> Report:
    least = cube.min_orders()
    flags = flag_skus(_counts(store, filters), min_orders=least)
    skus = [flag.sku.sku for flag in flags]
    reasons = _top_reasons(store, filters, skus) if skus else {}
    comments = _comments(store, skus) if skus else {}
    rows = [
        {
            "sku": flag.sku.sku,
            "category": cube.text_or_none(flag.sku.category),
            "order_lines": flag.sku.sold,
            "return_lines": flag.sku.returned,
            "rate": flag.rate,
            "category_rate": flag.category_mean,
            "defect_rate": flag.defect_rate,
            "category_defect_rate": flag.defect_mean,
            "flagged_by": ", ".join(
                str(text)
                for text, on in (
                    (_("return rate"), flag.by_rate),
                    (_("defects"), flag.by_defects),
                )
                if on
            ),
            "reasons": "; ".join(reasons.get(flag.sku.sku, [])),
            "comments": " / ".join(comments.get(flag.sku.sku, [])),
        }
        for flag in flags
    ]
    return Report(
        key="problem_products",
        title=_("Problem products"),
        columns=(
            Column("sku", _("SKU")),
            Column("category", _("Category")),
            Column("order_lines", _("Order lines sold"), ColumnKind.COUNT),
            Column("return_lines", _("Lines returned"), ColumnKind.COUNT),
            Column("rate", _("Return rate"), ColumnKind.PERCENT),
            Column("category_rate", _("Category's mean rate"), ColumnKind.PERCENT),
            Column("defect_rate", _("Defect rate"), ColumnKind.PERCENT),
            Column("category_defect_rate", _("Category's mean defect rate"), ColumnKind.PERCENT),
            Column("flagged_by", _("Flagged by")),
            Column("reasons", _("Top reasons")),
            Column("comments", _("Recent comments")),
        ),
        rows=rows,
        chart=ChartKind.NONE,
        description=_(
            "SKUs whose return rate or defect rate is more than %(sigmas)s standard deviations "
            "above their category's mean, among SKUs with at least %(least)s order lines sold."
        )
        % {"sigmas": f"{SIGMAS:g}", "least": least},
        as_of=built_at(store),
        notes=(cube.MONTHS_NOTE,),
    )
