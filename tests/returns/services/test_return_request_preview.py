from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from banpum.policy.types import Outcome
from banpum.returns.models import ReturnEvent, ReturnRequest
from banpum.returns.services import return_request_preview
from tests.factories import make_order
from tests.returns.helpers import ask_for, open_return

pytestmark = pytest.mark.django_db


def test_preview_decides_and_creates_nothing(order: Any) -> None:
    decision = return_request_preview(now=timezone.now(), order=order, ask=ask_for(order, [(1, 2)]))
    assert decision.eligible is True
    assert decision.outcome is Outcome.REVIEW
    assert (decision.fee.amount, decision.refund.total) == (3000, 17000)
    assert ReturnRequest.objects.count() == ReturnEvent.objects.count() == 0


def test_preview_sees_units_claimed_by_open_returns(order: Any) -> None:
    open_return(order, [(1, 1)])
    decision = return_request_preview(now=timezone.now(), order=order, ask=ask_for(order, [(1, 2)]))
    assert decision.eligible is False
    assert [p.code for p in decision.all_problems] == ["quantity_exceeds_available"]
    assert ReturnRequest.objects.count() == 1


def test_preview_at_a_later_moment(order: Any) -> None:
    later = timezone.now() + dt.timedelta(days=30)
    decision = return_request_preview(order=order, ask=ask_for(order), now=later)
    assert [p.code for p in decision.all_problems] == ["window_expired"]


def test_a_non_returnable_line_adds_nothing_to_the_refund(store: Any) -> None:
    """Issue 7: a line refused as non_returnable still counted in refund.items/total."""
    order = make_order(
        store=store,
        lines=[{"unit_price": 20000}, {"unit_price": 10000, "product__returnable": False}],
    )
    decision = return_request_preview(
        now=timezone.now(), order=order, ask=ask_for(order, [(1, 1), (2, 1)])
    )
    assert [p.code for p in decision.all_problems] == ["non_returnable"]
    assert [line.refund_amount for line in decision.lines] == [20000, 0]
    assert decision.refund.items == 20000
    assert decision.refund.total == 20000 - decision.fee.amount
