"""/api/v1/insights: the reports of the office dashboard, as data.

Reading insights is a manager's (``INSIGHTS_VIEW``): an API key acting for a manager or an
admin of the store. Every figure is the caller's store's only.

No ``from __future__ import annotations``: ninja resolves parameter annotations at runtime.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.commerce.models import Store
from banpum.core.api_context import request_actor
from banpum.core.schemas import errors
from banpum.insights import errors as insight_errors
from banpum.insights.filters import filters_parse
from banpum.insights.reports import REPORTS, Period, report_build
from banpum.insights.schemas import InsightsQuery, ReportListOut, ReportOut

router = Router(tags=["insights"])


def _store(request: HttpRequest) -> Store:
    store = request_store(request)
    actor_require(request_actor(request), store.pk, Capability.INSIGHTS_VIEW)
    return store


@router.get(
    "/",
    response={200: ReportListOut, **errors(401, 403)},
    summary="The reports: their keys, titles and dashboard sections",
)
def insight_list(request: HttpRequest) -> dict[str, Any]:
    _store(request)
    return {
        "reports": [
            {"key": spec.key, "title": str(spec.title), "section": spec.section}
            for spec in REPORTS.values()
        ]
    }


@router.get(
    "/{key}",
    response={200: ReportOut, **errors(401, 403, 404, 422)},
    summary="One report over a date range: its columns, rows, chart and when it was built",
)
def insight_get(request: HttpRequest, key: str, query: Query[InsightsQuery]) -> dict[str, Any]:
    store = _store(request)
    if key not in REPORTS:
        raise insight_errors.REPORT_NOT_FOUND()
    now = timezone.now()
    filters = filters_parse(
        store,
        now=now,
        date_from=query.date_from,
        date_to=query.date_to,
        period=Period(query.period),
        channel=query.channel,
        category=query.category,
        carrier=query.carrier,
    )
    report = report_build(key, store=store, filters=filters, now=now)
    return {
        "key": report.key,
        "title": str(report.title),
        "section": REPORTS[key].section,
        "description": str(report.description),
        "columns": [
            {"key": c.key, "label": str(c.label), "kind": c.kind.value} for c in report.columns
        ],
        "rows": [dict(row) for row in report.rows],
        "chart": report.chart.value,
        "x": report.x,
        "series": list(report.series),
        "as_of": report.as_of,
        "notes": [str(note) for note in report.notes],
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }
