"""Finished returns to survey, and a valid answer to change one field of."""

from __future__ import annotations

import datetime as dt
from typing import Any

from banpum.commerce.models import Order
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.returns.helpers import open_return, walk_to

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


def finished_return(order: Order, status: S = S.COMPLETED) -> ReturnRequest:
    return walk_to(open_return(order), status)


def answer(**changes: Any) -> dict[str, Any]:
    return {
        "rating": 4,
        "went_well": ["fast_pickup", "kind_support"],
        "went_badly": ["slow_refund"],
        "comment": "  기사님이 친절했어요.  ",
        "now": NOW,
        **changes,
    }
