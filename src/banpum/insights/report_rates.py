"""Return rates: returned lines over order lines sold, by period, SKU, category and channel."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store

from . import cube
from .build import built_at
from .models import OrderDay, OrderMonth, ReturnDay, ReturnMonth, SkuMonth
from .reports import ChartKind, Column, ColumnKind, Filters, Period, Report, register

RATE_COLUMNS = (
    Column("order_lines", _("Order lines sold"), ColumnKind.COUNT),
    Column("return_lines", _("Lines returned"), ColumnKind.COUNT),
    Column("rate", _("Return rate (lines)"), ColumnKind.PERCENT),
    Column("order_units", _("Units sold"), ColumnKind.COUNT),
    Column("return_units", _("Units returned"), ColumnKind.COUNT),
    Column("unit_rate", _("Return rate (units)"), ColumnKind.PERCENT),
)
ORDER_TABLES = ("insights.OrderDay", "insights.OrderMonth")
RETURN_TABLES = ("insights.ReturnDay", "insights.ReturnMonth")


def _rate_row(sold: dict[str, int], returned: dict[str, int]) -> dict[str, Any]:
    lines, units = sold.get("lines", 0), sold.get("units", 0)
    r_lines, r_units = returned.get("lines", 0), returned.get("units", 0)
    return {
        "order_lines": lines,
        "return_lines": r_lines,
        "rate": cube.share(r_lines, lines),
        "order_units": units,
        "return_units": r_units,
        "unit_rate": cube.share(r_units, units),
    }


def _by(store: Store, filters: Filters, key: str) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Order and return sums per ``key`` (a day key folded into the filters' period)."""
    fields = ("lines", "units")
    sold: dict[Any, dict[str, int]] = defaultdict(lambda: {"lines": 0, "units": 0})
    returned: dict[Any, dict[str, int]] = defaultdict(lambda: {"lines": 0, "units": 0})
    orders_month = OrderMonth if key != "day" or filters.period is Period.MONTH else None
    returns_month = ReturnMonth if orders_month else None
    for target, rows in (
        (sold, cube.sums(OrderDay, orders_month, store, filters, [key], fields)),
        (returned, cube.sums(ReturnDay, returns_month, store, filters, [key], fields)),
    ):
        for row in rows:
            name = cube.period_of(row[key], filters.period) if key == "day" else row[key]
            for field in fields:
                target[name][field] += row[field]
    return sold, returned


def _notes(filters: Filters) -> tuple[Any, ...]:
    return (cube.CARRIER_NOTE,) if filters.carrier else ()


@register(
    "return_rate_period",
    _("Return rate over time"),
    section="returns",
    reads=ORDER_TABLES + RETURN_TABLES,
)
def return_rate_period(store: Store, filters: Filters, now: dt.datetime) -> Report:
    sold, returned = _by(store, filters, "day")
    rows = [
        {"period": period, **_rate_row(sold.get(period, {}), returned.get(period, {}))}
        for period in sorted(set(sold) | set(returned))
    ]
    return Report(
        key="return_rate_period",
        title=_("Return rate over time"),
        columns=(Column("period", _("Period"), ColumnKind.DATE), *RATE_COLUMNS),
        rows=rows,
        chart=ChartKind.LINE,
        x="period",
        series=("rate", "unit_rate"),
        description=_(
            "Lines of returns requested in each period over order lines sold in it (cancelled "
            "units left out); a period is named by its first day."
        ),
        as_of=built_at(store),
        notes=_notes(filters),
    )


def _keyed(store: Store, filters: Filters, key: str, label: str) -> list[dict[str, Any]]:
    sold, returned = _by(store, filters, key)
    rows = [
        {label: name, **_rate_row(sold.get(name, {}), returned.get(name, {}))}
        for name in set(sold) | set(returned)
    ]
    return sorted(rows, key=lambda row: (-row["rate"], -row["return_lines"], str(row[label])))


@register(
    "return_rate_category",
    _("Return rate by category"),
    section="returns",
    reads=ORDER_TABLES + RETURN_TABLES,
)
def return_rate_category(store: Store, filters: Filters, now: dt.datetime) -> Report:
    rows = _keyed(store, filters, "category", "category")
    for row in rows:
        row["category"] = cube.text_or_none(row["category"])
    return Report(
        key="return_rate_category",
        title=_("Return rate by category"),
        columns=(Column("category", _("Category")), *RATE_COLUMNS),
        rows=rows,
        chart=ChartKind.BAR,
        x="category",
        series=("rate",),
        description=_("Lines returned over order lines sold, per product category."),
        as_of=built_at(store),
        notes=_notes(filters),
    )


@register(
    "return_rate_channel",
    _("Return rate by sales channel"),
    section="returns",
    reads=ORDER_TABLES + RETURN_TABLES,
)
def return_rate_channel(store: Store, filters: Filters, now: dt.datetime) -> Report:
    names = cube.channel_names(store)
    rows = _keyed(store, filters, "channel", "channel")
    for row in rows:
        row["channel_name"] = names.get(row["channel"], row["channel"])
    return Report(
        key="return_rate_channel",
        title=_("Return rate by sales channel"),
        columns=(
            Column("channel", _("Channel code")),
            Column("channel_name", _("Channel")),
            *RATE_COLUMNS,
        ),
        rows=rows,
        chart=ChartKind.BAR,
        x="channel_name",
        series=("rate",),
        description=_("Lines returned over order lines sold, per sales channel."),
        as_of=built_at(store),
        notes=_notes(filters),
    )


TOP_SKUS = 20


def sku_totals(store: Store, filters: Filters) -> list[dict[str, Any]]:
    """Per SKU over the months the range touches: sold, returned and defect lines."""
    return cube.month_sums(
        SkuMonth,
        store,
        filters,
        ["sku", "category"],
        ("order_lines", "order_units", "return_lines", "return_units", "defect_lines"),
    )


@register(
    "return_rate_sku", _("Most returned products"), section="products", reads=("insights.SkuMonth",)
)
def return_rate_sku(store: Store, filters: Filters, now: dt.datetime) -> Report:
    least = cube.min_orders()
    merged: dict[str, dict[str, Any]] = {}
    for row in sku_totals(store, filters):
        cell = merged.setdefault(
            row["sku"], {"sku": row["sku"], "category": row["category"], "sold": {}, "ret": {}}
        )
        cell["category"] = cell["category"] or row["category"]
        for name, value in (("lines", row["order_lines"]), ("units", row["order_units"])):
            cell["sold"][name] = cell["sold"].get(name, 0) + value
        for name, value in (("lines", row["return_lines"]), ("units", row["return_units"])):
            cell["ret"][name] = cell["ret"].get(name, 0) + value
    rows = [
        {
            "sku": c["sku"],
            "category": cube.text_or_none(c["category"]),
            **_rate_row(c["sold"], c["ret"]),
        }
        for c in merged.values()
        if c["sold"].get("lines", 0) >= least
    ]
    rows.sort(key=lambda row: (-row["rate"], -row["return_lines"], row["sku"]))
    return Report(
        key="return_rate_sku",
        title=_("Most returned products"),
        columns=(Column("sku", _("SKU")), Column("category", _("Category")), *RATE_COLUMNS),
        rows=rows[:TOP_SKUS],
        chart=ChartKind.BAR,
        x="sku",
        series=("rate",),
        description=_(
            "The %(count)s SKUs with the highest return rate among those with at least "
            "%(least)s order lines sold."
        )
        % {"count": TOP_SKUS, "least": least},
        as_of=built_at(store),
        notes=(cube.MONTHS_NOTE, *_notes(filters)),
    )
