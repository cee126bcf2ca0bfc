"""A report as a spreadsheet (typed cells) and as CSV (UTF-8 with a BOM), with its filters.

Cells are typed for the spreadsheet: won as whole numbers with thousands separators, shares as
numbers shown as percentages, dates as dates; text that a spreadsheet would run as a formula is
quoted (``office.formatting.cell_safe``), as in every office export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from banpum.commerce.models import Store
from banpum.insights.reports import ColumnKind, Filters, Report
from banpum.office.formatting import cell_safe
from banpum.office.insights.cells import NUMERIC_KINDS, number

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
NUMBER_FORMATS = {
    ColumnKind.COUNT: "#,##0",
    ColumnKind.WON: "#,##0",
    ColumnKind.PERCENT: "0.0%",
    ColumnKind.DAYS: "0.0",
    ColumnKind.RATING: "0.00",
    ColumnKind.DATE: "yyyy-mm-dd",
}


def export_filename(store: Store, report: Report, filters: Filters, extension: str) -> str:
    """``<store>-<report>-<from>-<to>.<ext>``: which store, which figures, which days."""
    key = slugify(report.key) or "report"
    store_part = slugify(store.slug) or "store"
    return f"{store_part}-{key}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.{extension}"


def _typed(value: object, kind: ColumnKind) -> Any:
    """``value`` as the spreadsheet cell it is: a number, a date or safe text."""
    if value is None:
        return None
    if kind in NUMERIC_KINDS:
        amount = number(value)
        if amount is None:
            return cell_safe(str(value))
        if kind in (ColumnKind.WON, ColumnKind.COUNT) and float(amount).is_integer():
            return int(amount)
        return amount
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)  # a spreadsheet has no time zones
    if isinstance(value, dt.date):
        return value
    return cell_safe(str(value))


def _about(store: Store, report: Report, filters: Filters) -> list[tuple[str, Any]]:
    """The second sheet: what the first one counted, for whoever opens the file next month."""
    as_of = report.as_of.strftime("%Y-%m-%d %H:%M %Z") if report.as_of else ""
    return [
        (_("Report"), cell_safe(str(report.title))),
        (_("Store"), cell_safe(store.name)),
        (_("From"), filters.date_from),
        (_("Until"), filters.date_to),
        (_("Period"), filters.period.value),
        (_("Sales channel"), cell_safe(filters.channel)),
        (_("Category"), cell_safe(filters.category)),
        (_("Carrier"), cell_safe(filters.carrier)),
        (_("Figures as of"), as_of),
    ]


def report_xlsx(report: Report, *, store: Store, filters: Filters) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = (slugify(report.key) or "report")[:31]
    sheet.append([cell_safe(str(column.label)) for column in report.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append([_typed(row.get(column.key), column.kind) for column in report.columns])
    for index, column in enumerate(report.columns, start=1):
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format is None:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = number_format
    about = workbook.create_sheet(_("About")[:31])
    for label, value in _about(store, report, filters):
        about.append([label, value])
    for (cell,) in about.iter_rows(min_row=3, max_row=4, min_col=2, max_col=2):
        cell.number_format = NUMBER_FORMATS[ColumnKind.DATE]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv_value(value: object, kind: ColumnKind) -> Any:
    typed = _typed(value, kind)
    if typed is None:
        return ""
    if kind == ColumnKind.PERCENT and isinstance(typed, int | float):
        return f"{typed * 100:.1f}%"  # a spreadsheet opens "12.5%" as the number 0.125
    if isinstance(typed, dt.date):
        return typed.isoformat()
    return typed


def report_csv(report: Report) -> str:
    """The table as CSV, with a byte order mark so that Excel reads the Korean right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell_safe(str(column.label)) for column in report.columns])
    for row in report.rows:
        writer.writerow([_csv_value(row.get(column.key), column.kind) for column in report.columns])
    return "\ufeff" + out.getvalue()
