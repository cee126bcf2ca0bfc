"""Two refunds of one order decided at the same moment, on PostgreSQL's row locks.

Each thread has its own connection and transaction; a barrier releases them together, so both
reach ``balance_lock`` at once. Together they ask more than was paid: one wins, the other is
refused ``refund_exceeds_paid``; when they fit, both are taken. And should code ever skip the
lock, the database's check (committed ≤ paid) refuses the write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banpum.commerce.models import Order, Store
from banpum.core.errors import ApplicationError
from banpum.returns.models import ReturnRequest
from banpum.settlement import jobs as settlement_jobs
from banpum.settlement.models import (
    OrderRefundBalance,
    Refund,
    RefundKind,
    RefundReason,
    RefundStatus,
)
from banpum.settlement.services.intents import refund_for_return, refund_goodwill
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 8  # races per case: the interleavings differ from one to the next


class NoJobs:
    """The refunds are not sent here: only their decision races."""

    def refund_send(self, refund_id: int, *, delay: float = 0) -> None:
        pass


@pytest.fixture(autouse=True)
def _no_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settlement_jobs, "_wired", [NoJobs()])


Outcome = Refund | ApplicationError | IntegrityError


def race(*actions: Callable[[], Refund]) -> list[Outcome]:
    """Run ``actions`` in threads released together; each one's refund or its refusal."""
    barrier = threading.Barrier(len(actions))
    results: list[Outcome | BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], Refund]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except BaseException as error:  # noqa: BLE001 - the test thread reports it below
            results[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = [r for r in results if isinstance(r, Refund | ApplicationError | IntegrityError)]
    if len(outcomes) != len(actions):
        raise AssertionError(f"a racing refund neither succeeded nor was refused: {results!r}")
    return outcomes


def goodwill(order_id: int, amount: int) -> Callable[[], Refund]:
    def action() -> Refund:
        return refund_goodwill(
            order=Order.objects.get(pk=order_id),
            amount=amount,
            reason=RefundReason.PRICE_ADJUSTMENT,
            actor=SYSTEM,
            now=timezone.now(),
        )

    return action


def for_return(return_id: int) -> Callable[[], Refund]:
    def action() -> Refund:
        [refund] = refund_for_return(
            return_request=ReturnRequest.objects.get(pk=return_id), actor=SYSTEM, now=timezone.now()
        )
        return refund

    return action


def assert_balance_holds(order: Order, won: list[Refund]) -> None:
    balance = OrderRefundBalance.objects.get(order=order)
    stored = Refund.objects.filter(order=order).exclude(kind=RefundKind.INTEREST)
    committed = stored.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount"))["s"] or 0
    assert balance.committed_total == committed == sum(r.amount for r in won)
    assert balance.committed_total <= balance.paid_total == order.paid_total
    assert sorted(stored.values_list("pk", flat=True)) == sorted(r.pk for r in won)


def _order(store: Store, index: int) -> Order:
    # Paid 23,000 (2 × 10,000 + 3,000 shipping); a card: refunds go to the payment gateway.
    return paid_order(store, payment_key=f"pay_race_{index}")


@pytest.mark.parametrize(
    ("first", "second", "both_fit"),
    [(15_000, 12_000, False), (23_000, 1, False), (11_000, 12_000, True)],
)
def test_two_goodwill_refunds_at_once_never_commit_more_than_was_paid(
    store: Store, first: int, second: int, both_fit: bool
) -> None:
    for index in range(ROUNDS):
        order = _order(store, index)
        results = race(goodwill(order.pk, first), goodwill(order.pk, second))

        won = [r for r in results if isinstance(r, Refund)]
        refused = [r for r in results if isinstance(r, ApplicationError)]
        assert len(won) == (2 if both_fit else 1), results
        assert all(error.code == "refund_exceeds_paid" for error in refused)
        assert_balance_holds(order, won)


def test_a_return_refund_and_a_goodwill_refund_at_once(store: Store) -> None:
    for index in range(ROUNDS):
        order = _order(store, index)
        returned = inspected_return(order, reason_code="defective", photo_count=1)
        left_after_goodwill = 5_000
        results = race(
            for_return(returned.pk), goodwill(order.pk, order.paid_total - left_after_goodwill)
        )

        won = {r.kind: r for r in results if isinstance(r, Refund)}
        refused = [r.code for r in results if isinstance(r, ApplicationError)]
        # The return asks 10,000 (one defective unit) when it goes first, and the goodwill no
        # longer fits; going second, it asks only what the goodwill left (its breakdown reads
        # what is committed, under the lock).
        if RefundKind.GOODWILL in won:
            assert won[RefundKind.RETURN].amount == left_after_goodwill
            assert refused == []
        else:
            assert won[RefundKind.RETURN].amount == 10_000
            assert refused == ["refund_exceeds_paid"]
        assert_balance_holds(order, list(won.values()))


def test_the_database_refuses_committing_more_than_was_paid(store: Store) -> None:
    order = _order(store, 0)
    goodwill(order.pk, 20_000)()
    balances = OrderRefundBalance.objects.filter(order=order)

    with pytest.raises(IntegrityError), transaction.atomic():
        balances.update(committed_total=F("paid_total") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        balances.update(committed_total=F("committed_total") + 3_001)

    balance = balances.get()
    assert (balance.committed_total, balance.paid_total) == (20_000, 23_000)
    balances.update(committed_total=F("committed_total") + 3_000)  # exactly what was paid
    assert balances.get().committed_total == 23_000


def test_without_the_lock_the_database_check_still_holds(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Take the balance lock away: both threads read nothing committed before either writes,
    both pass the code's check, and the database's check (committed ≤ paid) refuses one."""
    from banpum.settlement.services import balance as balance_module

    seen: list[int] = []
    barrier = threading.Barrier(2)

    def unlocked(order: Order) -> OrderRefundBalance:
        row = OrderRefundBalance.objects.get(order=order)  # no FOR UPDATE
        seen.append(row.committed_total)
        barrier.wait(timeout=10)  # both have read before either writes
        return row

    monkeypatch.setattr(balance_module, "balance_lock", unlocked)
    order = _order(store, 0)
    OrderRefundBalance.objects.create(order=order, paid_total=order.paid_total)
    results = race(goodwill(order.pk, 15_000), goodwill(order.pk, 12_000))

    assert seen == [0, 0]  # a real race: neither saw the other
    won = [r for r in results if isinstance(r, Refund)]
    assert len(won) == 1
    assert sum(isinstance(r, IntegrityError) for r in results) == 1
    assert_balance_holds(order, won)


def test_refund_decisions_and_outcomes_lock_only_their_own_rows(store: Store) -> None:
    """Regression: ``FOR UPDATE`` over a join locks every joined row. Deciding a return's refund
    locked its order before the order's balance (the reverse of every other refund of the
    order: the deadlock the race above hit), and applying an outcome locked the whole store."""
    from banpum.settlement.services.sending import Paid, refund_outcome_apply

    order = _order(store, 0)
    returned = inspected_return(order, reason_code="defective", photo_count=1)
    with CaptureQueriesContext(connection) as decided:
        refund = for_return(returned.pk)()
    Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.SENDING)
    with CaptureQueriesContext(connection) as applied:
        refund_outcome_apply(refund_id=refund.pk, outcome=Paid("tx-1"), now=timezone.now())

    for query in [*decided.captured_queries, *applied.captured_queries]:
        sql = query["sql"]
        if "FOR UPDATE" in sql and " JOIN " in sql:
            assert "FOR UPDATE OF" in sql, sql
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PAID
