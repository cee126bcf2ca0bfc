"""Units already in a return cannot be claimed again; rejected and cancelled returns free them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from banpum.returns.errors import NotEligible
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.transitions import Action, return_transition
from tests.factories import make_order
from tests.returns.helpers import SATISFYING_MOVE, WAREHOUSE, open_return, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_units(store: Any) -> Any:
    return make_order(store=store, lines=[{"quantity": 3, "unit_price": 10000}])


def _claim_fails(order: Any, quantity: int, available: int, claimed: int) -> None:
    with pytest.raises(NotEligible) as raised, translation.override("en"):
        open_return(order, [(1, quantity)])
    (problem,) = raised.value.extra["problems"]
    assert problem["code"] == "quantity_exceeds_available"
    assert problem["params"] == {"available": available, "delivered": 3, "claimed": claimed}
    assert problem["message"] == (
        f"Only {available} of 3 delivered unit(s) can still be returned; "
        f"{claimed} are in other returns."
    )


@pytest.mark.parametrize(
    "status",
    [
        S.REQUESTED,
        S.ON_HOLD,
        S.APPROVED,
        S.PICKUP_REQUESTED,
        S.AWAITING_SHIPMENT,
        S.IN_TRANSIT,
        S.RECEIVED,
        S.INSPECTED,
        S.COMPLETED,
    ],
    ids=lambda s: s.value,
)
def test_open_and_completed_returns_claim_their_units(three_units: Any, status: S) -> None:
    walk_to(open_return(three_units, [(1, 2)]), status)
    _claim_fails(three_units, 2, available=1, claimed=2)
    last = open_return(three_units, [(1, 1)])
    assert last.lines.get().quantity == 1
    _claim_fails(three_units, 1, available=0, claimed=3)


@pytest.mark.parametrize("status", [S.REJECTED, S.CANCELLED], ids=lambda s: s.value)
def test_rejected_and_cancelled_returns_release_their_units(three_units: Any, status: S) -> None:
    walk_to(open_return(three_units, [(1, 3)]), status)
    again = open_return(three_units, [(1, 3)])
    assert again.lines.get().quantity == 3
    assert ReturnRequest.objects.filter(order=three_units).count() == 2


def test_releasing_by_cancel_after_a_claim(three_units: Any) -> None:
    first = open_return(three_units, [(1, 3)])
    _claim_fails(three_units, 1, available=0, claimed=3)
    return_transition(
        return_request=first,
        action=Action.CANCEL,
        actor=WAREHOUSE,
        move=SATISFYING_MOVE,
        now=timezone.now(),
    )
    assert open_return(three_units, [(1, 1)]).status == S.REQUESTED


def test_lines_are_counted_separately(store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 1}, {"quantity": 1}])
    open_return(order, [(1, 1)])
    second = open_return(order, [(2, 1)])
    assert second.lines.get().order_line.line_number == 2


def test_cancelled_units_of_the_order_cannot_be_returned(store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 3, "unit_price": 10000}])
    order.lines.update(cancelled_quantity=1)
    with pytest.raises(NotEligible) as raised:
        open_return(order, [(1, 3)])
    assert raised.value.extra["problems"][0]["code"] == "quantity_exceeds_available"
    assert open_return(order, [(1, 2)]).lines.get().refund_estimate == 20000


def test_refunds_of_several_returns_add_up_to_what_was_paid(store: Any) -> None:
    # 3 units for 10,000 in all: shares of 3,333 / 3,333 / 3,334, never a won more or less.
    order = make_order(store=store, lines=[{"quantity": 3, "unit_price": 4000, "discount": 2000}])
    estimates = [
        open_return(order, [(1, 1)], reason_code="wrong_item").lines.get().refund_estimate
        for _ in range(3)
    ]
    assert estimates == [3333, 3333, 3334]
    assert sum(estimates) == 10000
