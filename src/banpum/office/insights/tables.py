"""A report's rows as an office table: sortable and paged like every office list (tables2)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from banpum.insights.reports import Column, Report
from banpum.office.insights.cells import NUMERIC_KINDS, cell_text


class ReportColumn(tables.Column):
    """One column of a report, formatted by its kind; numbers right-aligned."""

    def __init__(self, column: Column, *, orderable: bool) -> None:
        numeric = column.kind in NUMERIC_KINDS
        super().__init__(
            verbose_name=column.label,
            accessor=tables.A(column.key),
            orderable=orderable,
            empty_values=(),
            attrs={"td": {"class": "num"}, "th": {"class": "num"}} if numeric else {},
        )
        self.kind = column.kind

    def render(self, value: Any) -> str:
        return cell_text(value, self.kind)


class ReportTable(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        empty_text = _("No data for this range.")


def report_table(report: Report, *, limit: int | None = None, orderable: bool = True) -> Any:
    """The table of ``report`` (its first ``limit`` rows for a dashboard card)."""
    rows = [dict(row) for row in report.rows]  # tables2 sorts its data in place
    if limit is not None:
        rows = rows[:limit]
    columns = [(column.key, ReportColumn(column, orderable=orderable)) for column in report.columns]
    return ReportTable(rows, extra_columns=columns, orderable=orderable)
