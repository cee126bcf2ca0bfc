"""A report's values as a reader sees them (won, %, days) and as its chart reads them.

One formatter per ``ColumnKind`` for the page's tables; the chart receives plain numbers and
the same unit words (translated) so that its axes and tooltips say 3,500원 and 12.5%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from banpum.insights.reports import ChartKind, Column, ColumnKind, Report
from banpum.policy import texts

NUMERIC_KINDS = frozenset(
    {ColumnKind.COUNT, ColumnKind.WON, ColumnKind.PERCENT, ColumnKind.DAYS, ColumnKind.RATING}
)
EMPTY = "-"


def number(value: object) -> float | int | None:
    """A numeric cell as a JSON/Excel number; None for a missing one (a gap in a chart)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return None


def percent_text(share: float) -> str:
    return _("%(value)s%%") % {"value": f"{share * 100:,.1f}"}


def days_text(days: float) -> str:
    return _("%(days)s days") % {"days": f"{days:,.1f}"}


def cell_text(value: object, kind: ColumnKind) -> str:
    """``value`` of a column of ``kind`` in the reader's words: 46,000원, 12.5%, 3.2일."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%Y.%m.%d")
    if kind in NUMERIC_KINDS:
        amount = number(value)
        if amount is None:
            return str(value)
        if kind == ColumnKind.COUNT:
            return f"{amount:,}" if isinstance(amount, int) else f"{amount:,.1f}"
        if kind == ColumnKind.WON:
            return texts.money(round(amount))
        if kind == ColumnKind.PERCENT:
            return percent_text(float(amount))
        if kind == ColumnKind.DAYS:
            return days_text(float(amount))
        return f"{amount:.2f}"  # a 1–5 rating
    return str(value)


def column_of(report: Report, key: str) -> Column | None:
    return next((column for column in report.columns if column.key == key), None)


def _label(row: Mapping[str, Any], column: Column | None, key: str) -> str:
    value = row.get(key)
    return cell_text(value, column.kind if column else ColumnKind.TEXT)


def chart_data(report: Report) -> dict[str, Any] | None:
    """What ``insights.js`` draws (through ``json_script``): None when there is nothing to draw."""
    if report.chart == ChartKind.NONE or not report.rows or not report.series:
        return None
    x_column = column_of(report, report.x)
    series = [column for key in report.series if (column := column_of(report, key)) is not None]
    if not series:
        return None
    return {
        "type": report.chart.value,
        "title": str(report.title),
        "labels": [_label(row, x_column, report.x) for row in report.rows],
        "datasets": [
            {
                "key": column.key,
                "label": str(column.label),
                "kind": column.kind.value,
                "data": [number(row.get(column.key)) for row in report.rows],
            }
            for column in series
        ],
        # The unit words of this language, with the number's place: "₩%(amount)s" / "%(amount)s원".
        "units": {
            "won": _("₩%(amount)s"),
            "percent": _("%(value)s%%"),
            "days": _("%(days)s days"),
        },
    }
