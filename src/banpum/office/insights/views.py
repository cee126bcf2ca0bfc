"""The insights pages: the dashboard, one page per report, and each report's exports.

Every page reads the filter bar (``forms.InsightsFilterForm``); an invalid filter shows the
form's errors with a 400 and builds nothing. Reports are built for the store the person works
in now (``membership.store``), never another, with the request's clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.commerce.models import Store
from banpum.insights.reports import REPORTS, Filters, Report, ReportSpec, report_build
from banpum.office.access import needs
from banpum.office.insights.cells import chart_data
from banpum.office.insights.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    export_filename,
    report_csv,
    report_xlsx,
)
from banpum.office.insights.forms import InsightsFilterForm, presets
from banpum.office.insights.tables import report_table

PER_PAGE = 50
CARD_ROWS = 5  # a dashboard card's table: the first rows, the rest on the report's page
FILTER_KEYS = ("date_from", "date_to", "period", "channel", "category", "carrier")
EXPORT_FORMATS = ("xlsx", "csv")

SECTION_LABELS = {
    "returns": _("Returns"),
    "reasons": _("Reasons"),
    "products": _("Products"),
    "resolutions": _("Resolutions"),
    "carriers": _("Carriers"),
    "cycle": _("Cycle time"),
    "money": _("Money"),
    "feedback": _("Feedback"),
    "loss": _("Loss & aging"),
}


@dataclass(frozen=True)
class Card:
    spec: ReportSpec
    report: Report
    table: Any
    chart: dict[str, Any] | None
    chart_id: str
    more: bool  # rows beyond the card's table
    as_of: str


def _store_now(store: Store, now: dt.datetime) -> dt.datetime:
    return timezone.localtime(now, ZoneInfo(store.timezone))


def _as_of_text(store: Store, report: Report) -> str:
    if report.as_of is None:
        return ""
    return _store_now(store, report.as_of).strftime("%Y.%m.%d %H:%M")


def _section_title(section: str) -> str:
    label = SECTION_LABELS.get(section)
    return str(label) if label is not None else (section.replace("_", " ").capitalize() or "")


def _filter_query(form: InsightsFilterForm) -> str:
    """The filters as a query string, for the links to a report's page and its exports."""
    return urlencode({key: form.data[key] for key in FILTER_KEYS if form.data.get(key)})


def _preset_links(form: InsightsFilterForm) -> list[dict[str, Any]]:
    kept = {key: form.data[key] for key in FILTER_KEYS if form.data.get(key)}
    links = []
    for key, label, start, end in presets(form.today):
        query = {**kept, "date_from": start.isoformat(), "date_to": end.isoformat()}
        current = (
            kept.get("date_from") == query["date_from"]
            and kept.get("date_to") == (query["date_to"])
        )
        links.append({"key": key, "label": label, "query": urlencode(query), "current": current})
    return links


def _form(request: HttpRequest, store: Store, now: dt.datetime) -> InsightsFilterForm:
    return InsightsFilterForm(request.GET, store=store, today=_store_now(store, now).date())


def _card(store: Store, spec: ReportSpec, filters: Filters, now: dt.datetime) -> Card:
    report = report_build(spec.key, store=store, filters=filters, now=now)
    return Card(
        spec=spec,
        report=report,
        table=report_table(report, limit=CARD_ROWS, orderable=False),
        chart=chart_data(report),
        chart_id=f"chart-{spec.key}",
        more=len(report.rows) > CARD_ROWS,
        as_of=_as_of_text(store, report),
    )


def _spec_or_404(key: str) -> ReportSpec:
    spec = REPORTS.get(key)
    if spec is None:
        raise Http404
    return spec


def _page_context(membership: StoreMembership, form: InsightsFilterForm) -> dict[str, Any]:
    return {
        "membership": membership,
        "form": form,
        "query": _filter_query(form),
        "presets": _preset_links(form),
    }


@needs(Capability.INSIGHTS_VIEW)
@require_http_methods(["GET"])
def dashboard(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    now = timezone.now()
    form = _form(request, store, now)
    context = {**_page_context(membership, form), "sections": None}
    if not form.is_valid():
        return render(request, "office/insights/dashboard.html", context, status=400)
    filters = form.filters()
    sections: dict[str, list[Card]] = {}
    for spec in REPORTS.values():
        sections.setdefault(spec.section, []).append(_card(store, spec, filters, now))
    context["sections"] = [
        {"key": key or "other", "title": _section_title(key), "cards": cards}
        for key, cards in sections.items()
    ]
    context["empty"] = all(not card.report.rows for cards in sections.values() for card in cards)
    return render(request, "office/insights/dashboard.html", context)


@needs(Capability.INSIGHTS_VIEW)
@require_http_methods(["GET"])
def report_page(request: HttpRequest, membership: StoreMembership, key: str) -> HttpResponse:
    spec = _spec_or_404(key)
    store = membership.store
    now = timezone.now()
    form = _form(request, store, now)
    context = {**_page_context(membership, form), "spec": spec}
    if not form.is_valid():
        return render(request, "office/insights/report.html", context, status=400)
    report = report_build(spec.key, store=store, filters=form.filters(), now=now)
    table = report_table(report)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context.update(
        report=report,
        table=table,
        chart=chart_data(report),
        chart_id=f"chart-{spec.key}",
        as_of=_as_of_text(store, report),
    )
    return render(request, "office/insights/report.html", context)


@needs(Capability.INSIGHTS_VIEW)
@require_http_methods(["GET"])
def report_export(
    request: HttpRequest, membership: StoreMembership, key: str, kind: str
) -> HttpResponse:
    spec = _spec_or_404(key)
    if kind not in EXPORT_FORMATS:
        raise Http404
    store = membership.store
    now = timezone.now()
    form = _form(request, store, now)
    if not form.is_valid():
        context = {**_page_context(membership, form), "spec": spec}
        return render(request, "office/insights/report.html", context, status=400)
    filters = form.filters()
    report = report_build(spec.key, store=store, filters=filters, now=now)
    if kind == "xlsx":
        response = HttpResponse(report_xlsx(report, store=store, filters=filters), XLSX_TYPE)
    else:
        response = HttpResponse(report_csv(report), CSV_TYPE)
    name = export_filename(store, report, filters, kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
