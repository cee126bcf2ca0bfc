"""The reviewer's cases: a refund that may have been paid is never given up unread, a cancel
someone else made is never claimed, an adapter crash strands nothing, an early refund that
fails after the return's refund subtracted it is made up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from banpum.integrations.payments.base import CancelRecord
from banpum.settlement.models import Refund, RefundKind, RefundStatus
from banpum.settlement.services import sending
from banpum.settlement.services.intents import refund_for_return
from banpum.settlement.services.opening import refund_open
from banpum.settlement.services.sending import MAX_ATTEMPTS, refund_send
from tests.settlement.fakes import NOW, FakeGateway
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order

pytestmark = pytest.mark.django_db


def _opened(store: Any, fake: FakeGateway) -> Refund:
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = inspected_return(order, reason_code="defective", photo_count=1)
    [refund] = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    return refund


def _run(refund: Refund, times: int) -> Refund:
    now = timezone.now()
    for attempt in range(times):
        refund_send(refund_id=refund.pk, now=now + dt.timedelta(hours=attempt))
    refund.refresh_from_db()
    return refund


def test_a_lost_reply_is_never_given_up_while_the_payment_cannot_be_read(
    store: Any, fake: FakeGateway
) -> None:
    refund = _opened(store, fake)
    fake.faults[:] = ["lost"]
    fake.read_faults[:] = ["down"] * (MAX_ATTEMPTS + 5)

    refund = _run(refund, MAX_ATTEMPTS + 5)
    assert refund.status == RefundStatus.UNKNOWN  # not failed: the money may have left
    assert fake.applied("pay_1") == [refund.amount]

    fake.read_faults.clear()  # the gateway answers reads again
    refund = _run(refund, 1)
    assert refund.status == RefundStatus.PAID
    assert fake.applied("pay_1") == [refund.amount]


def test_a_cancel_made_in_the_console_for_the_same_amount_is_not_ours(
    store: Any, fake: FakeGateway
) -> None:
    refund = _opened(store, fake)
    fake.payments["pay_1"].cancels.append(
        CancelRecord("tx-console", refund.amount, NOW, "고객 요청 (콘솔)")
    )
    fake.faults[:] = ["timeout"]  # maybe applied: the job reads before sending again

    refund = _run(refund, 2)
    assert refund.status == RefundStatus.PAID
    assert refund.provider_reference != "tx-console"
    assert fake.applied("pay_1") == [refund.amount, refund.amount]


def test_an_adapter_crash_leaves_the_refund_to_be_read_not_stranded(
    store: Any, fake: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    refund = _opened(store, fake)

    def crash(request: object) -> None:
        raise KeyError("balanceAmount")

    monkeypatch.setattr(fake, "cancel", crash)
    refund = _run(refund, 1)
    assert refund.status == RefundStatus.UNKNOWN
    assert refund.last_error_code == "unexpected"


def test_an_early_refund_failing_after_the_return_refund_is_made_up(
    store: Any, fake: FakeGateway
) -> None:
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = inspected_return(order, reason_code="defective", photo_count=1)
    early = refund_open(
        order=order,
        return_request=return_request,
        kind=RefundKind.EARLY,
        amount=4000,
        actor=SYSTEM,
        now=timezone.now(),
    )
    [own] = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    fake.faults[:] = ["rejected"]
    early = _run(early, 1)
    assert early.status == RefundStatus.FAILED

    make_up = Refund.objects.exclude(pk__in=[early.pk, own.pk]).get()
    assert (make_up.kind, make_up.amount) == (RefundKind.RETURN, 4000)
    assert make_up.breakdown == {"make_up_for": early.pk}
    assert sending.cancel_reason(make_up).endswith(f"#{make_up.pk}")


def test_toss_is_reached_only_at_its_own_address(store: Any) -> None:
    from banpum.settlement import gateways
    from banpum.settlement.models import PaymentAccount, PaymentProvider

    account = PaymentAccount(
        store=store,
        provider=PaymentProvider.TOSS,
        base_url="http://169.254.169.254",
        secret_key="live_sk_x",
        updated_at=timezone.now(),
    )
    gateway = gateways.gateway_for(account)
    assert gateway is not None
    assert gateway.base_url == gateways.TOSS_BASE_URL  # type: ignore[attr-defined]


def test_a_cs_agent_cannot_record_an_outstanding_fee_as_paid(
    store: Any, django_user_model: Any
) -> None:
    from banpum.accounts.models import StoreMembership
    from banpum.core.actors import Actor
    from banpum.core.errors import PermissionDenied
    from banpum.returns.models import FeeSettlement
    from banpum.settlement.services.fees import return_fee_settle_later

    user = django_user_model.objects.create_user(username="cs-lee", password=None)
    cs = Actor.staff(user, StoreMembership.objects.create(user=user, store=store, role="cs_agent"))
    return_request = inspected_return(paid_order(store))
    with pytest.raises(PermissionDenied):
        return_fee_settle_later(
            return_request=return_request, how=FeeSettlement.TRANSFERRED, actor=cs, now=NOW
        )


def test_the_return_detail_lists_its_refunds(store: Any, fake: FakeGateway, api: Any) -> None:
    refund = _run(_opened(store, fake), 1)
    assert refund.status == RefundStatus.PAID
    number = refund.return_request.number  # type: ignore[union-attr]

    body = api.get(f"/api/v1/returns/{number}").json()
    assert [(r["id"], r["status"], r["amount"]) for r in body["refunds"]] == [
        (refund.pk, "paid", refund.amount)
    ]
    assert body["refunds"][0]["status_label"] == "지급 완료"
    assert body["received_at"] is not None


def test_a_paid_return_shows_the_breakdown_it_was_paid_by(
    store: Any, fake: FakeGateway, api: Any
) -> None:
    refund = _run(_opened(store, fake), 1)
    number = refund.return_request.number  # type: ignore[union-attr]

    body = api.get(f"/api/v1/returns/{number}/refunds").json()
    assert body["total"] == refund.amount
    assert "already_refunded" not in [part["code"] for part in body["breakdown"]]
