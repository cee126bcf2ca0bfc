"""Every office list's Excel/CSV download (``?_export=xlsx|csv``), in one place.

A list view builds its table as for the page, then asks ``table_export`` whether the request
wants a file: the whole filtered list (every page, not the visible one), cells made safe and
typed by ``SafeTableExport``, named after the store and the day. Above ``EXPORT_ROW_LIMIT``
rows the file is refused with a message and the page comes back with the same filters: a
download that large times out in the browser and is a search worth narrowing anyway.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tables2.export import TableExport
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from banpum.commerce.models import Store
from banpum.office.formatting import cell_safe
from banpum.policy.deadlines import local_date

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_ROW_LIMIT = 10_000
EXPORT_PARAM = "_export"

# How a spreadsheet shows a typed cell: won with thousands separators, times to the minute.
INTEGER_FORMAT = "#,##0"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


def _spreadsheet_cell(value: object) -> tuple[object, str | None]:
    """``value`` as an openpyxl cell value and its number format (None: the default)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value), None  # control characters break a sheet
    if isinstance(value, bool) or value is None:
        return value, None
    if isinstance(value, int):
        return value, INTEGER_FORMAT
    if isinstance(value, dt.datetime):
        # A spreadsheet has no time zones: tables give local times; an aware one that slipped
        # through is shown in the active zone rather than refused.
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    return value, None


class SafeTableExport(TableExport):
    """tables2's export with every text cell safe to open in a spreadsheet (no formulas), and
    CSV with a UTF-8 byte order mark so that Excel reads the Korean right.

    Excel files get typed cells: a table's ``value_<column>`` returning an int (won, counts)
    becomes a number with thousands separators, a datetime or a date a date cell.
    """

    def table_to_dataset(self, table: Any, exclude_columns: Any, dataset_kwargs: Any = None) -> Any:
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = type(dataset)(title=dataset.title)
        safe.headers = [cell_safe(str(header)) for header in dataset.headers or []]
        for row in dataset:
            safe.append([cell_safe(cell) for cell in row])
        return safe

    def export(self) -> Any:
        if self.format == self.XLSX:
            return self._typed_xlsx()
        exported = super().export()
        if self.format == self.CSV:
            return "\ufeff" + exported
        return exported

    def _typed_xlsx(self) -> bytes:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = re.sub(r"[\\*?:/\[\]]", "-", str(self.dataset.title or "export"))[:31]
        sheet.append(list(self.dataset.headers or []))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row_number, row in enumerate(self.dataset, start=2):
            for column_number, value in enumerate(row, start=1):
                typed, number_format = _spreadsheet_cell(value)
                cell = sheet.cell(row=row_number, column=column_number, value=typed)
                if number_format is not None:
                    cell.number_format = number_format
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def export_format(request: HttpRequest) -> str | None:
    """The format ``?_export=`` asks for; None for none or an unknown one (the page renders)."""
    wanted = request.GET.get(EXPORT_PARAM)
    return wanted if wanted in EXPORT_FORMATS else None


def export_filename(*, name: str, store: Store, now: dt.datetime, extension: str) -> str:
    """``<list>-<store>-<yyyymmdd>.<ext>``, the day in the store's time zone."""
    day = local_date(now, store.timezone)
    return f"{name}-{slugify(store.slug) or 'store'}-{day:%Y%m%d}.{extension}"


def page_query(request: HttpRequest, *drop: str) -> str:
    """The request's filters for the page's links: without the page and the export asked for
    (so a download link never pins a page), and without ``drop``."""
    query = request.GET.copy()
    for key in ("page", EXPORT_PARAM, *drop):
        query.pop(key, None)
    return query.urlencode()


def table_export(
    request: HttpRequest, table: Any, *, store: Store, name: str, now: dt.datetime
) -> HttpResponse | None:
    """The table as the file ``?_export=`` asks for, or None when it asks for none.

    ``table`` holds the whole filtered queryset (tables2 exports every row, not the page's);
    the views scope it to ``store`` before it gets here.
    """
    extension = export_format(request)
    if extension is None:
        return None
    rows = len(table.data)
    if rows > EXPORT_ROW_LIMIT:
        messages.warning(
            request,
            _(
                "This list has %(rows)s rows and a download takes at most %(limit)s. "
                "Narrow the search (a date range, a status) and download again."
            )
            % {"rows": f"{rows:,}", "limit": f"{EXPORT_ROW_LIMIT:,}"},
        )
        query = page_query(request)
        return redirect(f"{request.path}?{query}" if query else request.path)
    exporter = SafeTableExport(extension, table)
    return exporter.response(
        filename=export_filename(name=name, store=store, now=now, extension=extension)
    )
