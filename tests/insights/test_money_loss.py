"""Money from the settlement's real refunds, and the loss & aging buckets over live returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from banpum.insights.build import insights_rebuild
from banpum.insights.reports import Filters, report_build
from banpum.policy.deadlines import local_date
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.settlement.services.intents import refund_for_return
from tests.insights.helpers import NOW, at, give_back, sell
from tests.settlement.fakes import FakeGateway
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order


def test_money_counts_the_refunds_paid(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = inspected_return(order, reason_code="defective", photo_count=1)
    with django_capture_on_commit_callbacks(execute=True):
        [refund] = refund_for_return(
            return_request=return_request, actor=SYSTEM, now=timezone.now()
        )
    refund.refresh_from_db()
    now = timezone.now()
    insights_rebuild(now=now)
    today = local_date(now, store.timezone)
    rows = report_build(
        "money", store=store, filters=Filters(today - dt.timedelta(days=5), today), now=now
    ).rows
    money = {row["code"]: row["amount"] for row in rows}
    assert money["refunded"] == refund.amount == 10000
    assert money["interest_paid"] == 0
    assert money["at_risk"] == 0
    mix = report_build(
        "resolution_mix",
        store=store,
        filters=Filters(today - dt.timedelta(days=5), today),
        now=now,
    ).rows
    assert [(r["code"], r["refunded"]) for r in mix] == [("refund", 10000)]


def test_loss_buckets_age_and_won_at_risk(store: Any) -> None:
    order = sell(store, dt.date(2026, 2, 1), ["A", "B", "C", "D", "E"])
    waiting = give_back(order, at(dt.date(2026, 3, 1)), lines=((1, 1),), to=S.APPROVED)
    moving = give_back(order, at(dt.date(2026, 3, 10)), lines=((2, 1),), to=S.IN_TRANSIT)
    received = give_back(order, at(dt.date(2026, 2, 20)), lines=((3, 1),), to=S.RECEIVED)
    on_time = give_back(order, at(dt.date(2026, 3, 15)), lines=((4, 1),), to=S.RECEIVED)
    give_back(order, at(dt.date(2026, 2, 5)), lines=((5, 1),), to=S.COMPLETED)
    # The received returns' legal due dates: one passed, one still ahead.
    ReturnRequest.objects.filter(pk=received.pk).update(refund_due_on=dt.date(2026, 3, 1))
    ReturnRequest.objects.filter(pk=on_time.pk).update(refund_due_on=dt.date(2026, 3, 25))
    filters = Filters(dt.date(2026, 3, 1), dt.date(2026, 3, 20))
    totals = {
        r["code"]: r for r in report_build("loss_aging", store=store, filters=filters, now=NOW).rows
    }
    estimate = waiting.refund_estimate
    assert estimate > 0
    assert totals["not_picked_up"]["returns"] == 1
    assert totals["not_picked_up"]["at_risk"] == estimate
    assert totals["not_picked_up"]["oldest_days"] == 19
    assert totals["not_received"]["returns"] == 1
    assert totals["refund_overdue"]["returns"] == 1
    assert totals["refund_overdue"]["oldest_days"] == 28
    listed = report_build("loss_aging_list", store=store, filters=filters, now=NOW).rows
    assert [(r["number"], r["age_days"]) for r in listed] == [
        (waiting.number, 19),
        (moving.number, 10),
        (received.number, 28),
    ]
    money = {
        r["code"]: r["amount"]
        for r in report_build("money", store=store, filters=filters, now=NOW).rows
    }
    assert money["at_risk"] == sum(r["at_risk"] for r in totals.values())
    other_channel = Filters(filters.date_from, filters.date_to, channel="nowhere")
    assert report_build("loss_aging_list", store=store, filters=other_channel, now=NOW).rows == []
