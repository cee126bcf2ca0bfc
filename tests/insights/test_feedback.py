"""Feedback scores in insights: ratings by reason, and counted by the incremental build."""

from __future__ import annotations

import datetime as dt
from typing import Any

from banpum.feedback import services
from banpum.insights.build import insights_build, insights_rebuild
from banpum.insights.reports import Filters, report_build
from banpum.returns.models import ReturnStatus as S
from tests.insights.helpers import NOW, at, give_back, sell


def test_ratings_by_reason_and_incrementally(store: Any) -> None:
    order = sell(store, dt.date(2026, 2, 1), ["A", "B"])
    first = give_back(order, at(dt.date(2026, 2, 3)), lines=((1, 1),), to=S.COMPLETED)
    second = give_back(
        order, at(dt.date(2026, 2, 4)), lines=((2, 1),), reason_code="defective", to=S.COMPLETED
    )
    insights_rebuild(now=NOW)
    services.feedback_submit(first, rating=5, went_well=[], went_badly=[], comment="", now=NOW)
    services.feedback_submit(second, rating=2, went_well=[], went_badly=[], comment="slow", now=NOW)
    insights_build(now=NOW)
    rows = report_build(
        "feedback", store=store, filters=Filters(dt.date(2026, 2, 1), NOW.date()), now=NOW
    ).rows
    assert rows[0]["responses"] == 2
    assert rows[0]["average"] == 3.5
    assert rows[0]["low_share"] == 0.5
    assert rows[0]["high_share"] == 0.5
    assert sorted(r["average"] for r in rows if r["group"] in ("Reason", "사유")) == [2.0, 5.0]
