"""What changes without a return event still reaches an incremental build: a refund paid after
the return's last event (goodwill, delay interest), and an order line the orders import changed
after the order was first counted. Each ends where a rebuild would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banpum.commerce.models import Order, OrderLine, Store
from banpum.commerce.schemas import OrderIn
from banpum.commerce.services import order_bulk_upsert
from banpum.insights.build import SETTLE, insights_build, insights_rebuild
from banpum.insights.models import BuildState
from banpum.insights.reports import Filters, report_build
from banpum.policy.deadlines import local_date
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.settlement.models import Refund, RefundKind, RefundReason, RefundStatus
from banpum.settlement.services.intents import refund_for_return, refund_goodwill
from banpum.settlement.services.opening import refund_done
from banpum.settlement.services.sending import refund_send
from banpum.settlement.transitions import RefundAction, RefundMove, refund_transition
from tests.insights.helpers import NOW, at, give_back, sell
from tests.insights.test_build import _snapshot
from tests.returns.helpers import open_return, walk_to
from tests.settlement.fakes import FakeGateway
from tests.settlement.helpers import SYSTEM, paid_order

pytestmark = pytest.mark.django_db

RANGE = Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 20))
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def _money(store: Store, filters: Filters, now: dt.datetime) -> dict[str, int]:
    rows = report_build("money", store=store, filters=filters, now=now).rows
    return {row["code"]: row["amount"] for row in rows}


def _rebuilt_equals_incremental(now: dt.datetime) -> None:
    incremental = _snapshot()
    insights_rebuild(now=now)
    assert _snapshot() == incremental


def _pay(refund: Refund, now: dt.datetime) -> Refund:
    """A bank transfer confirmed paid: the transfers' confirm, without its batch."""
    paid = refund_transition(
        refund=refund,
        action=RefundAction.PAY,
        actor=SYSTEM,
        now=now,
        move=RefundMove(changes={"paid_at": now, "next_attempt_at": None}),
    )
    refund_done(refund=paid, actor=SYSTEM, now=now)
    return paid


def _upsert(order: Order, lines: list[dict[str, Any]]) -> None:
    """The orders import sending ``order`` again with ``lines`` changed (the others kept)."""
    data = OrderIn.model_validate(
        {
            "channel": order.channel.code,
            "order_number": order.channel_order_number,
            "ordered_at": order.ordered_at,
            "lines": lines,
        }
    )
    order_bulk_upsert(store=order.store, orders=[data])


def _line(order: Order, number: int, **changes: Any) -> dict[str, Any]:
    line = OrderLine.objects.get(order=order, line_number=number)
    values = {
        "line_number": number,
        "sku": line.sku,
        "name": line.name,
        "category": line.category,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
    }
    return {**values, **changes}


def test_a_goodwill_refund_paid_after_the_last_event_reaches_the_money(store: Any) -> None:
    order = sell(store, dt.date(2026, 2, 1), ["A"])
    return_request = give_back(order, at(dt.date(2026, 2, 5)), to=S.COMPLETED)
    insights_build(now=NOW)
    before = _money(store, RANGE, NOW)
    events = return_request.events.count()

    goodwill = refund_goodwill(
        return_request=return_request,
        amount=3000,
        reason=RefundReason.DELAY,
        actor=SYSTEM,
        now=NOW + HOUR,
    )
    assert goodwill.status == RefundStatus.AWAITING_TRANSFER
    insights_build(now=NOW + 2 * HOUR)
    assert _money(store, RANGE, NOW)["refunded"] == before["refunded"]  # not paid yet

    _pay(goodwill, NOW + dt.timedelta(days=1))
    assert return_request.events.count() == events  # nothing the event cursor would see
    result = insights_build(now=NOW + dt.timedelta(days=1, minutes=5))
    assert not result.rebuilt
    assert result.returns == 1
    assert _money(store, RANGE, NOW)["refunded"] == before["refunded"] + 3000
    _rebuilt_equals_incremental(NOW + dt.timedelta(days=1, minutes=5))


def test_delay_interest_paid_after_the_last_event_reaches_the_money(
    store: Any, fake: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    order = paid_order(store)
    fake.add_payment("pay_1", order.paid_total)
    return_request = walk_to(
        open_return(order, [(1, 1)], reason_code="defective", photo_count=1), S.INSPECTED
    )
    assert return_request.refund_due_on is not None
    late = dt.datetime.combine(
        return_request.refund_due_on + dt.timedelta(days=10), dt.time(12), dt.UTC
    )
    refund_for_return(return_request=return_request, actor=SYSTEM, now=late)
    principal = Refund.objects.get(kind=RefundKind.RETURN)
    refund_send(refund_id=principal.pk, now=late)
    interest = Refund.objects.get(kind=RefundKind.INTEREST)
    assert interest.status == RefundStatus.AWAITING_TRANSFER
    insights_build(now=late + HOUR)
    today = local_date(return_request.created_at, store.timezone)
    filters = Filters(today - dt.timedelta(days=5), today + dt.timedelta(days=5))
    assert _money(store, filters, late)["interest_paid"] == 0
    events = ReturnRequest.objects.get(pk=return_request.pk).events.count()

    _pay(interest, late + dt.timedelta(days=2))
    assert ReturnRequest.objects.get(pk=return_request.pk).events.count() == events
    insights_build(now=late + dt.timedelta(days=2, minutes=5))
    assert _money(store, filters, late)["interest_paid"] == interest.amount > 0
    _rebuilt_equals_incremental(late + dt.timedelta(days=2, minutes=5))


def test_an_order_line_changed_by_the_import_changes_the_return_rate(store: Any) -> None:
    order = sell(store, dt.date(2026, 2, 1), ["A", ("B", "bags")], quantity=2)
    give_back(order, at(dt.date(2026, 2, 5)), lines=((1, 1),))
    insights_build(now=NOW)
    [feb] = report_build("return_rate_period", store=store, filters=RANGE, now=NOW).rows
    assert (feb["order_units"], feb["return_units"]) == (4, 1)

    # The channel cancels one unit of line 2, and files line 1 (the returned one) under bags.
    _upsert(order, [_line(order, 2, quantity=1), _line(order, 1, category="bags")])
    result = insights_build(now=NOW + HOUR)
    assert not result.rebuilt
    assert result.order_days == 1
    [feb] = report_build("return_rate_period", store=store, filters=RANGE, now=NOW).rows
    assert (feb["order_units"], feb["return_units"]) == (3, 1)
    by_category = {
        r["category"]: (r["order_lines"], r["return_lines"])
        for r in report_build("return_rate_category", store=store, filters=RANGE, now=NOW).rows
    }
    assert by_category == {"bags": (2, 1)}
    _rebuilt_equals_incremental(NOW + HOUR)


def test_a_build_reads_again_what_was_stamped_within_the_settle_time_before_the_last(
    store: Any,
) -> None:
    """An order stamped before a build but committed after it is read by the next build; one
    stamped longer ago than the settle time was committed before it, and read then."""
    order = sell(store, dt.date(2026, 2, 1), ["A"], quantity=2)
    insights_build(now=NOW)
    assert BuildState.objects.get(store=store).changes_after == NOW - SETTLE

    def written(at: dt.datetime) -> None:
        OrderLine.objects.filter(order=order).update(quantity=F("quantity") + 1)
        Order.objects.filter(pk=order.pk).update(updated_at=at)

    written(NOW - SETTLE)
    assert insights_build(now=NOW + MINUTE * 5).order_days == 0
    written(NOW + MINUTE * 4)  # before that build, committed after it
    assert insights_build(now=NOW + MINUTE * 10).order_days == 1
    [feb] = report_build("return_rate_period", store=store, filters=RANGE, now=NOW).rows
    assert feb["order_units"] == 4  # the day summed again from the lines: both writes


_STEPS = st.lists(
    st.sampled_from(["sell", "cancel_unit", "recategorise", "goodwill", "build"]),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_STEPS)
def test_an_incremental_build_ends_where_a_rebuild_would(store: Any, steps: list[str]) -> None:
    insights_rebuild(now=NOW)  # each example starts from its own clock
    order = sell(store, dt.date(2026, 2, 1), ["A", ("B", "bags")], quantity=3)
    return_request = give_back(order, at(dt.date(2026, 2, 3)), to=S.COMPLETED)
    insights_build(now=NOW)
    clock = NOW
    for index, step in enumerate(steps):
        clock += HOUR
        if step == "sell":
            sell(store, dt.date(2026, 2, 10 + index), [f"N{index}"])
        elif step == "cancel_unit":
            line = OrderLine.objects.get(order=order, line_number=2)
            if line.quantity > 1:
                _upsert(order, [_line(order, 2, quantity=line.quantity - 1)])
        elif step == "recategorise":
            line = OrderLine.objects.get(order=order, line_number=1)
            _upsert(
                order, [_line(order, 1, category="shoes" if line.category == "bags" else "bags")]
            )
        elif step == "goodwill":
            _pay(
                refund_goodwill(
                    return_request=return_request,
                    amount=100,
                    reason=RefundReason.DELAY,
                    actor=SYSTEM,
                    now=clock,
                ),
                clock,
            )
        else:
            insights_build(now=clock)
    insights_build(now=clock + HOUR)
    _rebuilt_equals_incremental(clock + HOUR)
