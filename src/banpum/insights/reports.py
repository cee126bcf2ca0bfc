"""What every insight is, whatever it measures: a titled table with a chart drawn from it.

The dashboard, the exports and ``/api/v1/insights/…`` render any report the same way, so a
report is data, never HTML: its columns (a key, a label and a kind that says how to format the
value), its rows, and which columns a chart plots. A report is built by a function registered
under a stable key (``register``); the office, the API and the benchmark iterate ``REPORTS``.

Reports read the summary tables (``insights.models``) that a job builds from the returns'
events, never the live tables in a request, so they answer in the same time at a thousand
returns or a million.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

from banpum.commerce.models import Store


class ColumnKind(StrEnum):
    """How a column's values are formatted on a page and typed in an export."""

    TEXT = "text"
    COUNT = "count"  # a whole number of things (returns, lines, orders)
    WON = "won"  # money in KRW, an int
    PERCENT = "percent"  # a share as a float between 0 and 1 (0.125 is 12.5 %)
    DAYS = "days"  # a duration in days, a float
    RATING = "rating"  # a 1–5 average, a float
    DATE = "date"  # a dt.date


class ChartKind(StrEnum):
    LINE = "line"  # over time: x is a date or a period label
    BAR = "bar"  # categories compared
    STACKED_BAR = "stacked_bar"  # parts of a whole per category
    DOUGHNUT = "doughnut"  # a mix (one series)
    NONE = "none"  # a table only (the loss report's list, problem products)


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True)
class Filters:
    """What a manager narrowed the dashboard to. Dates are the store's local days, inclusive."""

    date_from: dt.date
    date_to: dt.date
    period: Period = Period.MONTH
    channel: str = ""  # a sales channel code, "" for all
    category: str = ""  # a product category, "" for all
    carrier: str = ""  # a carrier code, "" for all


@dataclass(frozen=True)
class Report:
    """One built insight. ``rows`` are dicts keyed by column key; ``x`` names the column the
    chart's labels come from and ``series`` the columns it plots (empty for ``ChartKind.NONE``)."""

    key: str
    title: str | Promise
    columns: tuple[Column, ...]
    rows: Sequence[Mapping[str, Any]]
    chart: ChartKind = ChartKind.NONE
    x: str = ""
    series: tuple[str, ...] = ()
    description: str | Promise = ""  # one sentence saying what it counts and how
    as_of: dt.datetime | None = None  # when the summaries it read were last built
    notes: tuple[str | Promise, ...] = field(default_factory=tuple)


Builder = Callable[[Store, Filters, dt.datetime], Report]


@dataclass(frozen=True)
class ReportSpec:
    key: str
    title: str | Promise
    build: Builder
    section: str = ""  # the dashboard's grouping ("returns", "carriers", "money", …)
    # The tables it reads ("app_label.Model"): the benchmark prints a COUNT(*) over each.
    reads: tuple[str, ...] = ()


REPORTS: dict[str, ReportSpec] = {}


def register(
    key: str, title: str | Promise, *, section: str = "", reads: tuple[str, ...] = ()
) -> Callable[[Builder], Builder]:
    """Register a report builder under ``key`` (stable: it is in URLs, exports and the API)."""

    def wrap(build: Builder) -> Builder:
        if key in REPORTS:
            raise ValueError(f"report {key!r} registered twice")
        REPORTS[key] = ReportSpec(key=key, title=title, build=build, section=section, reads=reads)
        return build

    return wrap


def report_build(key: str, *, store: Store, filters: Filters, now: dt.datetime) -> Report:
    """Build report ``key`` for ``store``; KeyError for an unknown key (callers answer 404)."""
    return REPORTS[key].build(store, filters, now)
