"""How the carriers and each stage of a return perform: pickups, exceptions, days taken."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store

from . import cube
from .build import built_at
from .models import ReturnDay, ReturnMonth, StageMonth
from .reports import ChartKind, Column, ColumnKind, Filters, Report, register
from .stages import STAGE_LABELS, Stage, percentile_hours

DAY_HOURS = 24


def _days(hours: float | None) -> float | None:
    return round(hours / DAY_HOURS, 2) if hours is not None else None


def _stage_cells(store: Store, filters: Filters, keys: list[str]) -> dict[Any, dict[str, Any]]:
    """Per key (and stage): returns counted, average and bucket histogram."""
    rows = cube.month_sums(
        StageMonth, store, filters, [*keys, "stage", "bucket"], ("count", "seconds")
    )
    cells: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "seconds": 0, "buckets": defaultdict(int)}
    )
    for row in rows:
        cell = cells[(*(row[k] for k in keys), row["stage"])]
        cell["count"] += row["count"]
        cell["seconds"] += row["seconds"]
        cell["buckets"][row["bucket"]] += row["count"]
    return cells


def _stats(cell: dict[str, Any] | None) -> dict[str, Any]:
    if not cell or not cell["count"]:
        return {"count": 0, "avg": None, "p50": None, "p90": None}
    return {
        "count": cell["count"],
        "avg": round(cell["seconds"] / cell["count"] / 3600 / DAY_HOURS, 2),
        "p50": _days(percentile_hours(cell["buckets"], 0.5)),
        "p90": _days(percentile_hours(cell["buckets"], 0.9)),
    }


@register(
    "carriers",
    _("Carrier performance"),
    section="carriers",
    reads=("insights.ReturnDay", "insights.ReturnMonth", "insights.StageMonth"),
)
def carriers(store: Store, filters: Filters, now: dt.datetime) -> Report:
    counts = cube.sums(
        ReturnDay,
        ReturnMonth,
        store,
        filters,
        ["carrier"],
        ("returns", "picked_up", "pickup_exceptions"),
    )
    stages = _stage_cells(store, filters, ["carrier"])
    names = cube.carrier_names(row["carrier"] for row in counts)
    rows = []
    for row in sorted(counts, key=lambda row: -row["returns"]):
        code = row["carrier"]
        pickup = _stats(stages.get((code, Stage.PICKUP.value)))
        arrival = _stats(stages.get((code, Stage.ARRIVAL.value)))
        rows.append(
            {
                "carrier": cube.carrier_name(names, code),
                "code": code,
                "returns": row["returns"],
                "pickups": row["picked_up"],
                "exceptions": row["pickup_exceptions"],
                "exception_rate": cube.share(row["pickup_exceptions"], row["returns"]),
                "pickup_avg": pickup["avg"],
                "pickup_p50": pickup["p50"],
                "arrival_avg": arrival["avg"],
                "arrival_p50": arrival["p50"],
            }
        )
    return Report(
        key="carriers",
        title=_("Carrier performance"),
        columns=(
            Column("carrier", _("Carrier")),
            Column("code", _("Code")),
            Column("returns", _("Returns"), ColumnKind.COUNT),
            Column("pickups", _("Picked up"), ColumnKind.COUNT),
            Column("exceptions", _("With a pickup exception"), ColumnKind.COUNT),
            Column("exception_rate", _("Exception rate"), ColumnKind.PERCENT),
            Column("pickup_avg", _("Approval → pickup, average"), ColumnKind.DAYS),
            Column("pickup_p50", _("Approval → pickup, median"), ColumnKind.DAYS),
            Column("arrival_avg", _("Pickup → warehouse, average"), ColumnKind.DAYS),
            Column("arrival_p50", _("Pickup → warehouse, median"), ColumnKind.DAYS),
        ),
        rows=rows,
        chart=ChartKind.BAR,
        x="carrier",
        series=("pickup_avg", "arrival_avg"),
        description=_(
            "Per carrier booked for the pickup: returns, pickups, the share with a pickup "
            "exception, and the days from approval to pickup and from pickup to the warehouse."
        ),
        as_of=built_at(store),
        notes=(cube.MONTHS_NOTE,),
    )


@register("cycle_times", _("Time per stage"), section="carriers", reads=("insights.StageMonth",))
def cycle_times(store: Store, filters: Filters, now: dt.datetime) -> Report:
    cells = _stage_cells(store, filters, [])
    rows = []
    for stage in Stage:
        stats = _stats(cells.get((stage.value,)))
        rows.append(
            {
                "stage": str(STAGE_LABELS[stage]),
                "code": stage.value,
                "returns": stats["count"],
                "avg_days": stats["avg"],
                "p50_days": stats["p50"],
                "p90_days": stats["p90"],
            }
        )
    return Report(
        key="cycle_times",
        title=_("Time per stage"),
        columns=(
            Column("stage", _("Stage")),
            Column("code", _("Code")),
            Column("returns", _("Returns"), ColumnKind.COUNT),
            Column("avg_days", _("Average (days)"), ColumnKind.DAYS),
            Column("p50_days", _("Median (days)"), ColumnKind.DAYS),
            Column("p90_days", _("90th percentile (days)"), ColumnKind.DAYS),
        ),
        rows=rows,
        chart=ChartKind.BAR,
        x="stage",
        series=("avg_days", "p50_days", "p90_days"),
        description=_(
            "Days each stage took, from request to approval, pickup, arrival at the "
            "warehouse, inspection and refund; percentiles are read off hour buckets."
        ),
        as_of=built_at(store),
        notes=(cube.MONTHS_NOTE,),
    )
