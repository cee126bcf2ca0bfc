"""The return list: status tabs with counts, filters, a sortable table with a checkbox per row,
the bulk bar (approve, print labels) and the Excel/CSV export.

The tabs count the returns the other filters leave (a search, a date range), so "보류 3"
means three of what the person is looking at; the table shows the chosen tab's.
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.office.access import can, in_store
from banpum.office.exports import page_query, table_export
from banpum.office.filters import ReturnFilterSet
from banpum.office.status_tabs import status_tabs
from banpum.office.tables import ReturnTable
from banpum.returns.models import ReturnRequest

PER_PAGE = 50
BULK_REPORT_KEY = "office_bulk_report"


class SelectableReturnTable(ReturnTable):
    """The list's table with a checkbox per row for the bulk bar (outside the form, tied to
    it by ``form="bulk"``); the box carries the version the row showed."""

    selected = tables.CheckBoxColumn(
        accessor="number",
        exclude_from_export=True,
        attrs={
            "th__input": {"class": "select-all", "aria-label": _("Select all on this page")},
            "td__input": {
                "form": "bulk",
                "value": lambda record: f"{record.number}:{record.version}",
                "aria-label": lambda record: record.number,
            },
        },
    )

    class Meta(ReturnTable.Meta):
        sequence = ("selected", "...")


@in_store
@require_http_methods(["GET"])
def return_list(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    now = timezone.now()
    # The policy by prefetch: one row per version rather than its rules parsed on every row.
    queryset = (
        ReturnRequest.objects.filter(store=store)
        .select_related("order", "customer")
        .prefetch_related("policy")
    )
    filterset = ReturnFilterSet(request.GET or None, queryset=queryset, store=store, now=now)
    table = SelectableReturnTable(filterset.qs, zone=store.timezone)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    exported = table_export(request, table, store=store, name="returns", now=now)
    if exported is not None:
        return exported
    # The tabs count what the other filters leave.
    others = request.GET.copy()
    for key in ("tab", "page", "sort", "_export"):
        others.pop(key, None)
    untabbed = ReturnFilterSet(others or None, queryset=queryset, store=store, now=now)
    report: list[dict[str, Any]] = request.session.pop(BULK_REPORT_KEY, [])
    return render(
        request,
        "office/return_list.html",
        {
            "membership": membership,
            "filter": filterset,
            "table": table,
            "query": page_query(request),
            "tabs": status_tabs(untabbed.qs, request.GET.get("tab", "")),
            "tab_query": others.urlencode(),
            "can_approve": can(request, membership, Capability.RETURN_APPROVE),
            "report": report,
        },
    )
