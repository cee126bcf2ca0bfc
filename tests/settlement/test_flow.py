"""A return refunded by the job against the fake gateway: exactly once, whatever goes wrong."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from banpum.integrations.payments.base import CancelRequest, PaymentUnavailable
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.settlement.models import (
    OrderRefundBalance,
    Refund,
    RefundKind,
    RefundStatus,
    RefundStatusChange,
)
from banpum.settlement.services.intents import refund_for_return
from banpum.settlement.services.sending import refund_send, refunds_sweep
from tests.settlement.fakes import FakeGateway
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order

pytestmark = pytest.mark.django_db


def _return(refund: Refund) -> ReturnRequest:
    assert refund.return_request_id is not None
    return ReturnRequest.objects.get(pk=refund.return_request_id)


def _refund(store: Any, fake: FakeGateway, capture: Any, faults: tuple[str, ...] = ()) -> Refund:
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    fake.faults[:] = list(faults)
    return_request = inspected_return(order, reason_code="defective", photo_count=1)
    with capture(execute=True):
        [refund] = refund_for_return(
            return_request=return_request, actor=SYSTEM, now=timezone.now()
        )
    refund.refresh_from_db()
    return refund


def test_a_refund_is_paid_once_and_the_return_completes(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    refund = _refund(store, fake, django_capture_on_commit_callbacks)

    assert refund.status == RefundStatus.PAID
    assert refund.kind == RefundKind.RETURN
    assert refund.provider_reference == "tx-1"
    assert fake.applied("pay_1") == [refund.amount]
    # A defect: the item and, since the seller is at fault, ... the item's share.
    assert refund.amount == 10000
    assert _return(refund).status == S.COMPLETED
    assert OrderRefundBalance.objects.get(order=refund.order).committed_total == 10000
    moves = list(
        RefundStatusChange.objects.filter(refund=refund).values_list("to_status", flat=True)
    )
    assert moves == ["sending", "paid"]


@pytest.mark.parametrize(
    "faults",
    [
        ["unavailable"],
        ["timeout"],
        ["lost"],
        ["unavailable", "lost", "timeout"],
        ["lost", "lost"],
    ],
)
def test_errors_timeouts_and_lost_replies_pay_exactly_once(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any, faults: list[str]
) -> None:
    refund = _refund(store, fake, django_capture_on_commit_callbacks, tuple(faults))
    now = timezone.now()
    for step in range(10):
        if refund.status == RefundStatus.PAID:
            break
        assert refund.status in (RefundStatus.PENDING, RefundStatus.UNKNOWN)
        refund_send(refund_id=refund.pk, now=now + dt.timedelta(minutes=step + 1))
        refund.refresh_from_db()

    assert refund.status == RefundStatus.PAID
    assert fake.applied("pay_1") == [refund.amount]
    assert _return(refund).status == S.COMPLETED


def test_a_rejected_refund_fails_and_gives_its_money_back(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    refund = _refund(store, fake, django_capture_on_commit_callbacks, ("rejected",))

    assert refund.status == RefundStatus.FAILED
    assert refund.last_error_code == "NOT_CANCELABLE_PAYMENT"
    assert fake.applied("pay_1") == []
    assert OrderRefundBalance.objects.get(order=refund.order).committed_total == 0
    assert _return(refund).status == S.REFUND_PENDING


def test_a_worker_killed_mid_refund_pays_once_after_the_sweep(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    # The worker applied the cancel at the gateway, then died before recording it.
    fake.faults[:] = ["lost"]
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = inspected_return(order, reason_code="defective", photo_count=1)
    now = timezone.now()
    refund_for_return(return_request=return_request, actor=SYSTEM, now=now)  # job not run
    [refund] = Refund.objects.filter(return_request=return_request)
    from banpum.settlement.services import sending

    claimed, _ = sending._claim(refund.pk, now)
    assert claimed is not None
    assert claimed.status == RefundStatus.SENDING
    with contextlib.suppress(PaymentUnavailable):  # the worker died here
        fake.cancel(
            CancelRequest(
                refund.payment_key,
                refund.amount,
                sending.cancel_reason(refund),
                refund.idempotency_key,
            )
        )

    assert refunds_sweep(now=now + dt.timedelta(seconds=30)) == {"resent": 0}  # within grace
    with django_capture_on_commit_callbacks(execute=True):
        assert refunds_sweep(now=now + dt.timedelta(minutes=5)) == {"resent": 1}

    refund.refresh_from_db()
    assert refund.status == RefundStatus.PAID
    assert fake.applied("pay_1") == [refund.amount]


def _run_jobs(refund: Refund, times: int) -> Refund:
    now = timezone.now()
    for step in range(times):
        refund_send(refund_id=refund.pk, now=now + dt.timedelta(hours=step + 1))
    refund.refresh_from_db()
    return refund


def test_a_refund_whose_cancel_landed_is_never_given_up_unread(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    # Regression: after MAX_ATTEMPTS an unknown refund was failed (its money released) without
    # reading the payment, though its first call had landed: paid, yet recorded as failed.
    from banpum.settlement.services.sending import MAX_ATTEMPTS

    fake.read_faults[:] = ["unavailable"] * (MAX_ATTEMPTS - 1)
    refund = _refund(store, fake, django_capture_on_commit_callbacks, ("lost",))
    assert refund.status == RefundStatus.UNKNOWN

    refund = _run_jobs(refund, MAX_ATTEMPTS)

    assert refund.status == RefundStatus.PAID
    assert refund.attempts == MAX_ATTEMPTS + 1
    assert fake.applied("pay_1") == [refund.amount]
    assert fake.calls == 1  # the last check only reads
    assert OrderRefundBalance.objects.get(order=refund.order).committed_total == refund.amount


def test_an_unknown_refund_stays_unknown_until_a_read_answers_then_fails_if_not_there(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    from banpum.settlement.services.sending import MAX_ATTEMPTS

    fake.read_faults[:] = ["unavailable"] * (MAX_ATTEMPTS + 2)
    refund = _refund(store, fake, django_capture_on_commit_callbacks, ("timeout",))

    refund = _run_jobs(refund, MAX_ATTEMPTS + 2)
    assert refund.status == RefundStatus.UNKNOWN  # may have been paid: never failed blind
    assert OrderRefundBalance.objects.get(order=refund.order).committed_total == refund.amount

    refund = _run_jobs(refund, 1)
    assert refund.status == RefundStatus.FAILED
    assert refund.last_error_code == "gave_up"
    assert fake.applied("pay_1") == []
    assert fake.calls == 1
    assert OrderRefundBalance.objects.get(order=refund.order).committed_total == 0


def test_a_pending_refund_is_given_up_after_the_last_attempt_without_a_call(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    from banpum.settlement.services.sending import MAX_ATTEMPTS

    refund = _refund(
        store, fake, django_capture_on_commit_callbacks, ("unavailable",) * MAX_ATTEMPTS
    )
    refund = _run_jobs(refund, MAX_ATTEMPTS)

    assert refund.status == RefundStatus.FAILED
    assert refund.last_error_code == "gave_up"
    assert fake.calls == MAX_ATTEMPTS
    assert OrderRefundBalance.objects.get(order=refund.order).committed_total == 0
