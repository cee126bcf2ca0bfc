"""Early refund at the pickup scan, keep-the-item at approval, interest on a late refund, and
random sequences of refunds never committing more than was paid."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banpum.core.errors import Conflict
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_approve
from banpum.settlement.models import (
    OrderLineRefundBalance,
    OrderRefundBalance,
    Refund,
    RefundKind,
    RefundReason,
    RefundStatus,
)
from banpum.settlement.services.intents import refund_early, refund_for_return, refund_goodwill
from banpum.settlement.services.sending import refund_send
from tests.factories import make_policy
from tests.returns.helpers import open_return, walk_to
from tests.settlement.fakes import FakeGateway
from tests.settlement.helpers import SYSTEM, paid_order

pytestmark = pytest.mark.django_db


def test_early_refund_then_inspection_pays_the_rest_once(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    make_policy(store, refund_shortcuts={"early_refund_max": 50000})
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = walk_to(open_return(order, [(1, 2)]), S.IN_TRANSIT)
    with django_capture_on_commit_callbacks(execute=True):
        early = refund_early(return_request=return_request, actor=SYSTEM, now=timezone.now())
    assert early is not None
    early.refresh_from_db()
    assert early.kind == RefundKind.EARLY
    assert early.status == RefundStatus.PAID
    # Change of mind: both units less the 3,000 return fee.
    assert early.amount == 20000 - 3000
    return_request.refresh_from_db()
    assert return_request.refunded_early_amount == early.amount
    assert refund_early(return_request=return_request, actor=SYSTEM, now=timezone.now()) is None

    for action in ("receive", "inspect"):
        from banpum.returns.transitions import Action, return_transition

        return_transition(
            return_request=return_request, action=Action(action), actor=SYSTEM, now=timezone.now()
        )
    with django_capture_on_commit_callbacks(execute=True):
        rest = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    assert rest == []  # everything was paid early
    assert fake.applied("pay_1") == [17000]
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.COMPLETED


def test_no_early_refund_for_a_flagged_customer_or_above_the_limit(store: Any) -> None:
    make_policy(store, refund_shortcuts={"early_refund_max": 10000})
    order = paid_order(store, payment_method="bank_transfer")
    return_request = walk_to(open_return(order, [(1, 2)]), S.IN_TRANSIT)
    assert refund_early(return_request=return_request, actor=SYSTEM, now=timezone.now()) is None
    make_policy(store, refund_shortcuts={"early_refund_max": 100000})
    order = paid_order(store, payment_method="bank_transfer")
    customer = order.customer
    assert customer is not None
    customer.is_flagged = True
    customer.save()
    flagged = walk_to(open_return(order, [(1, 1)]), S.IN_TRANSIT)
    assert refund_early(return_request=flagged, actor=SYSTEM, now=timezone.now()) is None
    assert not Refund.objects.exists()


def test_keep_item_at_approval_refunds_without_a_pickup(store: Any) -> None:
    make_policy(store, refund_shortcuts={"keep_item_max": 30000})
    order = paid_order(store, payment_method="bank_transfer", lines=[{"unit_price": 9000}])
    return_request = open_return(order, [(1, 1)], reason_code="defective", photo_count=1)
    approved = return_request_approve(
        return_request=return_request, actor=SYSTEM, now=timezone.now()
    )
    assert approved.status == S.ITEM_KEPT
    refund = Refund.objects.get(return_request=approved)
    assert refund.kind == RefundKind.KEEP_ITEM
    assert refund.status == RefundStatus.AWAITING_TRANSFER
    assert refund.due_on == approved.refund_due_on is not None
    assert not approved.pickups.exists()


def test_a_late_refund_owes_interest_paid_with_it(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = walk_to(
        open_return(order, [(1, 1)], reason_code="defective", photo_count=1), S.INSPECTED
    )
    due = return_request.refund_due_on
    assert due is not None
    late = dt.datetime.combine(due + dt.timedelta(days=10), dt.time(12), dt.UTC)
    refund_for_return(return_request=return_request, actor=SYSTEM, now=late)
    principal = Refund.objects.get(kind=RefundKind.RETURN)
    refund_send(refund_id=principal.pk, now=late)
    principal.refresh_from_db()
    assert principal.status == RefundStatus.PAID
    assert principal.interest_owed == 10000 * 1500 * 10 // 3_650_000
    interest = Refund.objects.get(kind=RefundKind.INTEREST)
    assert interest.amount == principal.interest_owed
    assert interest.principal_id == principal.pk
    assert interest.method == "bank_transfer"
    assert fake.applied("pay_1") == [10000]  # the card cancel is the principal only


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=1, max_value=30000), min_size=1, max_size=6))
def test_random_goodwill_and_return_refunds_never_exceed_what_was_paid(
    store: Any, amounts: list[int]
) -> None:
    order = paid_order(store, payment_method="bank_transfer")
    return_request = walk_to(open_return(order, [(1, 2)]), S.INSPECTED)
    refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    for amount in amounts:
        with contextlib.suppress(Conflict):
            refund_goodwill(
                order=order,
                amount=amount,
                reason=RefundReason.DELAY,
                actor=SYSTEM,
                now=timezone.now(),
            )
    committed = sum(Refund.objects.filter(order=order).values_list("amount", flat=True))
    assert committed <= order.paid_total
    assert OrderRefundBalance.objects.get(order=order).committed_total == committed
    for row in OrderLineRefundBalance.objects.filter(order_line__order=order):
        assert row.committed_total <= row.paid_amount
