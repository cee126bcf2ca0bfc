"""Shoppers' feedback scores (``feedback.models.ReturnFeedback``), by reason, carrier and agent.

Empty until the feedback app's model exists (``insights.feedback_source``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store

from . import cube
from .build import built_at
from .models import FeedbackMonth
from .reports import ChartKind, Column, ColumnKind, Filters, Report, register

FIELDS = ("responses", "rating_sum", "low", "high")


def _row(group: str, name: str, cell: dict[str, Any]) -> dict[str, Any]:
    responses = cell["responses"]
    return {
        "group": group,
        "name": name,
        "responses": responses,
        "average": round(cell["rating_sum"] / responses, 2) if responses else None,
        "low_share": cube.share(cell["low"], responses),
        "high_share": cube.share(cell["high"], responses),
    }


@register("feedback", _("Feedback scores"), section="feedback", reads=("insights.FeedbackMonth",))
def feedback(store: Store, filters: Filters, now: dt.datetime) -> Report:
    def by(key: str) -> list[dict[str, Any]]:
        rows = cube.month_sums(FeedbackMonth, store, filters, [key], FIELDS)
        return sorted(rows, key=lambda row: (-row["responses"], row[key]))

    total = cube.month_sums(FeedbackMonth, store, filters, [], FIELDS)[0]
    known = cube.reasons_of(store)
    carriers = by("carrier")
    names = cube.carrier_names(row["carrier"] for row in carriers)
    rows = [_row(str(_("All")), str(_("All returns")), total)]
    rows += [
        _row(str(_("Reason")), cube.reason_name(known, r["reason_code"]), r)
        for r in by("reason_code")
    ]
    rows += [_row(str(_("Carrier")), cube.carrier_name(names, r["carrier"]), r) for r in carriers]
    rows += [
        _row(str(_("Agent")), r["agent"] or str(_("Approved automatically")), r)
        for r in by("agent")
    ]
    return Report(
        key="feedback",
        title=_("Feedback scores"),
        columns=(
            Column("group", _("By")),
            Column("name", _("Name")),
            Column("responses", _("Responses"), ColumnKind.COUNT),
            Column("average", _("Average rating"), ColumnKind.RATING),
            Column("low_share", _("Rated 1–2"), ColumnKind.PERCENT),
            Column("high_share", _("Rated 4–5"), ColumnKind.PERCENT),
        ),
        rows=rows,
        chart=ChartKind.BAR,
        x="name",
        series=("average",),
        description=_(
            "The shoppers' 1–5 ratings of returns requested in the range, overall and by "
            "reason, carrier and the agent who approved the return."
        ),
        as_of=built_at(store),
        notes=(cube.MONTHS_NOTE,),
    )
