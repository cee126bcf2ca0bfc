"""``as_json``: the decision as stored on the return and sent over the API."""

from __future__ import annotations

import datetime as dt

from banpum.policy.types import (
    Condition,
    Deadlines,
    LineDecision,
    Problem,
    ReasonKind,
    as_json,
)
from tests.policy.builders import d, kst


def test_dates_and_datetimes_become_iso_strings() -> None:
    assert as_json(d("2026-09-28")) == "2026-09-28"
    assert as_json(kst("2026-09-21", 23, 30)) == "2026-09-21T23:30:00+09:00"


def test_enums_become_their_values() -> None:
    assert as_json(ReasonKind.DEFECT) == "defect"
    assert as_json([Condition.USED, None, 3]) == ["used", None, 3]


def test_sets_are_sorted_so_the_same_decision_stores_the_same_json() -> None:
    assert as_json(frozenset({Condition.USED, Condition.DAMAGED})) == ["damaged", "used"]


def test_nested_dataclasses() -> None:
    late = Problem("window_expired", "", 7, params={"until": d("2026-09-28").isoformat()})
    line = LineDecision(7, 1, "defective", False, 0, (late,))
    assert as_json(line) == {
        "order_line_id": 7,
        "quantity": 1,
        "reason_code": "defective",
        "eligible": False,
        "refund_amount": 0,
        "problems": [
            {
                "code": "window_expired",
                "field": "",
                "order_line_id": 7,
                "params": {"until": "2026-09-28"},
            }
        ],
        "exception_amount": 0,
    }
    deadlines = Deadlines("KR", d("2026-09-28"), None, d("2026-09-28"), 3)
    assert as_json(deadlines) == {
        "law": "KR",
        "withdrawal_until": "2026-09-28",
        "defect_until": None,
        "request_until": "2026-09-28",
        "refund_business_days": 3,
    }


def test_datetime_keeps_its_offset() -> None:
    moment = dt.datetime(2026, 9, 21, 14, 30, tzinfo=dt.UTC)
    assert as_json(moment) == "2026-09-21T14:30:00+00:00"
