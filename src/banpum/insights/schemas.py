"""The insights API's shapes: a report as columns, rows and a chart, whatever it measures."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

# No control characters (PostgreSQL refuses a NUL in a string: a 422 here, never a 500 there).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


class InsightsQuery(Schema):
    date_from: dt.date | None = Field(
        default=None, description="First local day (YYYY-MM-DD); a year before date_to if absent"
    )
    date_to: dt.date | None = Field(default=None, description="Last local day; today if absent")
    period: Literal["day", "week", "month"] = "month"
    channel: str = Field(
        default="", max_length=64, pattern=PRINTABLE, description="A sales channel code"
    )
    category: str = Field(
        default="", max_length=100, pattern=PRINTABLE, description="A product category"
    )
    carrier: str = Field(default="", max_length=64, pattern=PRINTABLE, description="A carrier code")


class ReportSummaryOut(Schema):
    key: str
    title: str
    section: str


class ReportListOut(Schema):
    reports: list[ReportSummaryOut]


class ColumnOut(Schema):
    key: str
    label: str
    kind: Literal["text", "count", "won", "percent", "days", "rating", "date"]


class ReportOut(Schema):
    key: str
    title: str
    section: str
    description: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]] = Field(
        description="One object per row, keyed by column key; dates as YYYY-MM-DD, shares 0–1"
    )
    chart: Literal["line", "bar", "stacked_bar", "doughnut", "none"]
    x: str = Field(description="The column the chart's labels come from")
    series: list[str] = Field(description="The columns the chart plots")
    as_of: dt.datetime | None = Field(description="When the summaries read were last built")
    notes: list[str]
    date_from: dt.date
    date_to: dt.date
