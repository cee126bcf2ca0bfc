"""Refunds paid exactly once against the real payment simulator, over HTTP, with faults.

Orders are paid by card in the simulator (``POST /v1/payments/confirm``), refunds are decided
through the real services (full, partial, two partials on one order, return refunds), and the
job (``refund_send``) and the sweep run in a loop on an injected clock while the simulator
fails 30 % of calls, holds 20 % of replies past the adapter's timeout and loses 20 % after
applying them. The simulator's own books are the evidence: per payment, the cancels it applied
are exactly our paid refunds, never more than was paid.

Correctness does not depend on timing: a slow reply reads as a timeout (maybe applied), which
the job reconciles like any lost reply. Short timeouts only keep the run short.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from django import db
from django.db.models import Sum
from django.utils import timezone

from banpum.commerce.models import Order, Store
from banpum.core.errors import ApplicationError
from banpum.integrations.payments.simulator_server import (
    DEFAULT_SECRET_KEY,
    PaymentSimulator,
    PaymentSimulatorConfig,
)
from banpum.integrations.payments.toss import TossPayments, basic_authorization
from banpum.settlement import jobs as settlement_jobs
from banpum.settlement.models import (
    OrderRefundBalance,
    PaymentAccount,
    Refund,
    RefundKind,
    RefundMethod,
    RefundReason,
    RefundStatus,
    RefundStatusChange,
)
from banpum.settlement.services import sending
from banpum.settlement.services.intents import refund_for_return, refund_goodwill
from banpum.settlement.services.sending import refund_send, refunds_sweep
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit enqueues must fire

ORDERS = 500  # about 50 s on the project's 2-core machine
SIM_TIMEOUT_SECONDS = 0.3  # how long the simulator holds a "timed out" reply
CLIENT_TIMEOUT_SECONDS = 0.25  # the adapter gives up before that
GRACE_SECONDS = 120
WORKERS = 8
TICK = dt.timedelta(seconds=60)
OPEN = (RefundStatus.PENDING, RefundStatus.SENDING, RefundStatus.UNKNOWN)


@dataclass
class Queue:
    """``SettlementJobs`` recording what the services enqueue, run by the test on its clock.

    ``drop_every``: every n-th job is lost (a queue crash), so only the sweep finds it again.
    """

    drop_every: int = 0
    jobs: list[tuple[dt.datetime, int]] = field(default_factory=list)
    clock: dt.datetime = field(default_factory=timezone.now)
    enqueued: int = 0
    dropped: int = 0

    lock: threading.Lock = field(default_factory=threading.Lock)

    def refund_send(self, refund_id: int, *, delay: float = 0) -> None:
        with self.lock:
            self.enqueued += 1
            if self.drop_every and self.enqueued % self.drop_every == 0:
                self.dropped += 1
                return
            self.jobs.append((self.clock + dt.timedelta(seconds=delay), refund_id))

    def due(self) -> list[int]:
        """The jobs due now, each refund once (as a queue with unique tasks would hold them)."""
        with self.lock:
            ready = sorted((job for job in self.jobs if job[0] <= self.clock), key=lambda j: j[0])
            self.jobs = [job for job in self.jobs if job[0] > self.clock]
        return list(dict.fromkeys(refund_id for _, refund_id in ready))

    def next_at(self) -> dt.datetime | None:
        return min((at for at, _ in self.jobs), default=None)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Queue:
    recorder = Queue()
    monkeypatch.setattr(settlement_jobs, "_wired", [recorder])
    return recorder


@pytest.fixture
def simulator() -> Iterator[PaymentSimulator]:
    config = PaymentSimulatorConfig(
        seed=20261124, latency_ms=0, timeout_seconds=SIM_TIMEOUT_SECONDS
    )
    simulator = PaymentSimulator(port=0, config=config).start()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def account(store: Store, simulator: PaymentSimulator, settings: Any) -> PaymentAccount:
    settings.BANPUM_PAYMENTS_TIMEOUT_SECONDS = CLIENT_TIMEOUT_SECONDS
    return PaymentAccount.objects.create(
        store=store,
        provider="simulator",
        base_url=simulator.base_url,
        secret_key=DEFAULT_SECRET_KEY,
        updated_at=timezone.now(),
    )


def _confirm(http: httpx.Client, simulator: PaymentSimulator, order: Order) -> None:
    response = http.post(
        f"{simulator.base_url}/v1/payments/confirm",
        json={
            "paymentKey": order.payment_reference,
            "orderId": f"order-{order.pk:06d}",
            "amount": order.paid_total,
        },
        headers={"Authorization": basic_authorization(DEFAULT_SECRET_KEY)},
    )
    assert response.status_code == 200, response.text


def _goodwill(order: Order, amount: int, now: dt.datetime) -> Refund:
    return refund_goodwill(
        order=order, amount=amount, reason=RefundReason.SERVICE_RECOVERY, actor=SYSTEM, now=now
    )


def seed_refunds(
    store: Store, simulator: PaymentSimulator, count: int, now: dt.datetime
) -> dict[str, int]:
    """``count`` card orders paid in the simulator, each with one or two refunds decided."""
    rng = random.Random(count)
    shapes: dict[str, int] = defaultdict(int)
    with httpx.Client(timeout=5) as http:
        for index in range(count):
            order = paid_order(
                store,
                lines=[{"quantity": 2, "unit_price": rng.choice((9_900, 15_000, 39_000))}],
                payment_key=f"tgen_{index:05d}_{rng.randrange(16**8):08x}",
            )
            _confirm(http, simulator, order)
            paid = order.paid_total
            shape = ("full", "partial", "two_partials", "return", "return_and_goodwill")[index % 5]
            shapes[shape] += 1
            if shape == "full":
                _goodwill(order, paid, now)
            elif shape == "partial":
                _goodwill(order, rng.randrange(1_000, paid), now)
            elif shape == "two_partials":
                first = rng.randrange(1_000, paid - 1_000)
                _goodwill(order, first, now)
                _goodwill(order, rng.randrange(1, paid - first + 1), now)
            else:
                returned = inspected_return(order, reason_code="defective", photo_count=1)
                [refund] = refund_for_return(return_request=returned, actor=SYSTEM, now=now)
                if shape == "return_and_goodwill":
                    left = paid - refund.amount
                    left -= _goodwill(order, rng.randrange(1, left + 1), now).amount
                    # One won more than is left is refused.
                    with pytest.raises(ApplicationError) as refused:
                        _goodwill(order, left + 1, now)
                    assert refused.value.code == "refund_exceeds_paid"
    return dict(shapes)


def _job(refund_id: int, now: dt.datetime) -> None:
    try:
        refund_send(refund_id=refund_id, now=now)
    finally:
        db.connections.close_all()  # this worker thread's own connection


def drive(queue: Queue, *, workers: int = WORKERS, limit_rounds: int = 10_000) -> int:
    """Run due jobs (``workers`` at a time, as a Huey consumer's worker threads would) and the
    sweep, advancing the clock, until no refund is open; the rounds it took."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="refund-worker") as pool:
        for rounds in range(limit_rounds):
            if not Refund.objects.filter(
                method=RefundMethod.ORIGINAL_PAYMENT, status__in=OPEN
            ).exists():
                return rounds
            now = queue.clock
            for done in [pool.submit(_job, refund_id, now) for refund_id in queue.due()]:
                done.result()
            refunds_sweep(now=queue.clock, grace_seconds=GRACE_SECONDS)
            # Ticks of a minute at least, so the jobs due within one run side by side.
            following = max(queue.next_at() or queue.clock, queue.clock + TICK)
            queue.clock = min(following, queue.clock + dt.timedelta(seconds=GRACE_SECONDS + 1))
    raise AssertionError(f"refunds still open after {limit_rounds} rounds")


def simulator_books(simulator: PaymentSimulator) -> dict[str, dict[str, Any]]:
    """Each payment as the simulator holds it, read with faults off."""
    simulator.faults_update(error_rate=0.0, timeout_rate=0.0, lost_reply_rate=0.0)
    books: dict[str, dict[str, Any]] = {}
    with TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url, timeout=5) as toss:
        for key, counts in simulator.stats()["payments"].items():
            state = toss.payment(key)
            books[key] = {
                **counts,
                "transaction_keys": sorted(c.transaction_key for c in state.cancels),
            }
    return books


def history(payment_key: str, book: dict[str, Any]) -> str:
    """What the simulator and each refund of the payment went through: a failure's story."""
    lines = [f"{payment_key}: {book}"]
    for refund in Refund.objects.filter(payment_key=payment_key).order_by("pk"):
        lines.append(
            f"refund {refund.pk} {refund.amount} {refund.status} attempts={refund.attempts} "
            f"ref={refund.provider_reference} error={refund.last_error_code}"
        )
        lines.extend(
            f"  {c.at:%H:%M:%S} {c.action} {c.from_status}->{c.to_status} {c.data}"
            for c in RefundStatusChange.objects.filter(refund=refund).order_by("pk")
        )
    return "\n".join(lines)


def assert_paid_exactly_once(simulator: PaymentSimulator) -> None:
    gateway_refunds = Refund.objects.filter(method=RefundMethod.ORIGINAL_PAYMENT)
    assert not gateway_refunds.filter(status__in=OPEN).exists()
    books = simulator_books(simulator)
    ours: dict[str, list[Refund]] = defaultdict(list)
    for refund in gateway_refunds.filter(status=RefundStatus.PAID):
        ours[refund.payment_key].append(refund)
    for key, book in books.items():
        paid = ours.get(key, [])
        assert book["cancels_applied"] == len(paid), history(key, book)
        assert book["cancelled_amount"] == sum(r.amount for r in paid), (key, book)
        assert book["transaction_keys"] == sorted(r.provider_reference for r in paid), key
        assert book["cancelled_amount"] <= book["total_amount"]
    assert set(ours) <= set(books)


def assert_balances_agree() -> None:
    for balance in OrderRefundBalance.objects.select_related("order"):
        refunds = Refund.objects.filter(order_id=balance.order_id).exclude(kind=RefundKind.INTEREST)
        committed = refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount"))["s"]
        paid = refunds.filter(status=RefundStatus.PAID).aggregate(s=Sum("amount"))["s"] or 0
        assert balance.committed_total == (committed or 0), balance
        assert paid <= balance.committed_total <= balance.paid_total == balance.order.paid_total


def test_five_hundred_orders_refunded_exactly_once_through_faults(
    store: Store, simulator: PaymentSimulator, account: PaymentAccount, queue: Queue
) -> None:
    queue.drop_every = 10  # and one enqueued job in ten is lost: the sweep must find it
    shapes = seed_refunds(store, simulator, ORDERS, queue.clock)
    refunds = Refund.objects.filter(method=RefundMethod.ORIGINAL_PAYMENT)
    total = refunds.count()
    assert total == ORDERS + shapes["two_partials"] + shapes["return_and_goodwill"]
    simulator.faults_update(
        error_rate=0.3, timeout_rate=0.2, lost_reply_rate=0.2, lost_reply_mode="drop"
    )

    rounds = drive(queue)

    stats = simulator.stats()
    # The faults did happen, every kind of them.
    assert stats["cancels_failed"] > 0
    assert stats["replies_lost"] > 0
    assert stats["replies_delayed"] > 0
    assert queue.dropped > 0
    assert_paid_exactly_once(simulator)
    assert_balances_agree()
    attempts = sorted(refunds.values_list("attempts", flat=True))
    assert attempts[-1] <= sending.MAX_ATTEMPTS + 10, attempts[-10:]
    assert sum(attempts) <= 4 * total, (sum(attempts), total)
    paid = refunds.filter(status=RefundStatus.PAID).count()
    # With these odds a refund needs ~2 attempts; a permanent failure is rare, never silent.
    assert paid >= total * 0.98, (paid, total)
    print(
        f"\n{total} refunds: {paid} paid, {total - paid} failed; attempts {sum(attempts)} "
        f"({sum(attempts) / total:.2f}/refund, max {attempts[-1]}); rounds {rounds}; "
        f"simulator { ({k: v for k, v in stats.items() if k != 'payments'}) }"
    )


@pytest.mark.parametrize("dies", ["before_the_call", "after_the_cancel_landed"])
def test_a_worker_killed_mid_refund_pays_once(
    store: Store,
    simulator: PaymentSimulator,
    account: PaymentAccount,
    queue: Queue,
    monkeypatch: pytest.MonkeyPatch,
    dies: str,
) -> None:
    seed_refunds(store, simulator, 1, queue.clock)  # one full refund
    [refund] = Refund.objects.all()
    queue.jobs.clear()
    if dies == "before_the_call":
        claimed, _ = sending._claim(refund.pk, queue.clock)
        assert claimed is not None
    else:

        def killed(**kwargs: Any) -> Refund:
            raise SystemExit("worker killed")

        monkeypatch.setattr(sending, "refund_outcome_apply", killed)
        with pytest.raises(SystemExit):
            refund_send(refund_id=refund.pk, now=queue.clock)
        monkeypatch.undo()
        monkeypatch.setattr(settlement_jobs, "_wired", [queue])
        assert simulator.stats()["payments"][refund.payment_key]["cancels_applied"] == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SENDING

    # Within the grace period the sweep leaves it alone (the worker may still be running).
    assert refunds_sweep(now=queue.clock, grace_seconds=GRACE_SECONDS) == {"resent": 0}
    queue.clock += dt.timedelta(seconds=GRACE_SECONDS + 1)
    drive(queue)

    refund.refresh_from_db()
    assert refund.status == RefundStatus.PAID
    book = simulator.stats()["payments"][refund.payment_key]
    assert (book["cancels_applied"], book["cancelled_amount"]) == (1, refund.amount)
    assert_paid_exactly_once(simulator)
