"""Refunds per second through the real job, against the payment simulator in its own process.

A fresh environment (``bench_api.environment``: a temporary SQLite database, or a scratch
PostgreSQL one) and ``banpum simulate-payments`` on a free loopback port, in a separate
process. A child process (Django set up on that database) seeds card orders paid in the
simulator and one refund per order decided through ``refund_goodwill`` (full and partial), then
runs the job, ``settlement.services.sending.refund_send``, from ``workers`` threads (as a Huey
consumer's workers would) with the sweep, on an injected clock, until every refund is paid or
failed. Twice: with no faults, then with 30 % errors, 20 % timeouts (the simulator holds the
reply 0.3 s, the adapter gives up at 0.25 s) and 20 % lost replies.

Reported: refunds/s (wall time of the phase), attempts per refund, and the check that each
payment's cancels in the simulator are exactly our paid refunds. **Limit**: the simulator's own
cancels/s with no Banpum in front: the same number of cancels POSTed straight to it with httpx
from the same number of threads, no faults.

    .venv/bin/python -m benchmarks.bench_refunds [--quick] [--workers 4]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks._common import REPO_DIR
from benchmarks.bench_api import (
    BenchError,
    Environment,
    _die_with_parent,
    _tail,
    banpum_command,
    environment,
    free_port,
)

SECRET_KEY = "test_sk_banpum_simulator"  # noqa: S105 - the simulator's public test key
SIM_TIMEOUT_SECONDS = 0.3
CLIENT_TIMEOUT_SECONDS = 0.25
FAULTS = {"error_rate": 0.3, "timeout_rate": 0.2, "lost_reply_rate": 0.2}
NO_FAULTS = {"error_rate": 0.0, "timeout_rate": 0.0, "lost_reply_rate": 0.0}


# --- the parent: environment, simulator process, child -----------------------------------


@contextlib.contextmanager
def simulator(bench: Environment) -> Iterator[str]:
    """``banpum simulate-payments`` on a free port in its own process; its base URL."""
    port = free_port()
    args = [*banpum_command(), "simulate-payments", "--port", str(port), "--seed", "20261124"]
    args += ["--timeout-seconds", str(SIM_TIMEOUT_SECONDS)]
    log_path = bench.var_dir / "simulator.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args,
            cwd=REPO_DIR,
            env=bench.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise BenchError(f"the simulator exited early:\n{_tail(log_path)}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base_url}/_sim/stats", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise BenchError(f"the simulator did not start:\n{_tail(log_path)}")
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def run(
    quick: bool = False,
    workers: int = 4,
    database_url: str | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    refunds = 200 if quick else 500
    with environment(1, database_url) as bench, simulator(bench) as base_url:
        log(f"refunds: {refunds} per phase, {workers} workers, simulator at {base_url}")
        env = {**bench.env, "BANPUM_PAYMENTS_TIMEOUT_SECONDS": str(CLIENT_TIMEOUT_SECONDS)}
        args = [sys.executable, "-m", "benchmarks.bench_refunds", "--child"]
        args += ["--refunds", str(refunds), "--workers", str(workers), "--simulator", base_url]
        try:
            done = subprocess.run(
                args,
                cwd=REPO_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise BenchError("the refunds benchmark took longer than 15 minutes") from error
        if done.returncode != 0:
            raise BenchError(f"the refunds benchmark failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        result["engine_version"] = bench.engine_version
        return result


# --- the child: Django on the benchmark's database ----------------------------------------


@dataclass
class Queue:
    """``SettlementJobs`` held in memory and run by ``drive`` on its clock."""

    clock: dt.datetime
    jobs: list[tuple[dt.datetime, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refund_send(self, refund_id: int, *, delay: float = 0) -> None:
        with self.lock:
            self.jobs.append((self.clock + dt.timedelta(seconds=delay), refund_id))

    def due(self) -> list[int]:
        with self.lock:
            ready = [job for job in self.jobs if job[0] <= self.clock]
            self.jobs = [job for job in self.jobs if job[0] > self.clock]
        return list(dict.fromkeys(refund_id for _, refund_id in sorted(ready)))


def _seed(count: int, base_url: str, tag: str, queue: Queue) -> list[int]:
    """``count`` card orders paid in the simulator, one goodwill refund each (full or partial)."""
    from django.db import transaction

    from banpum.commerce.models import Order, OrderLine, SalesChannel, Store
    from banpum.core.actors import Actor
    from banpum.settlement.models import PaymentAccount, RefundReason
    from banpum.settlement.services.intents import refund_goodwill

    store, created = Store.objects.get_or_create(
        slug="bench-refunds",
        defaults={
            "code": "BR",
            "name": "환불 벤치마크",
            "country": "KR",
            "timezone": "Asia/Seoul",
            "currency": "KRW",
            "return_address_name": "반품센터",
            "return_address_line1": "서울특별시 성동구 성수이로 1",
        },
    )
    if created:
        PaymentAccount.objects.create(
            store=store,
            provider="simulator",
            base_url=base_url,
            secret_key=SECRET_KEY,
            updated_at=queue.clock,
        )
    channel, _ = SalesChannel.objects.get_or_create(
        store=store, code="mall", defaults={"kind": SalesChannel.Kind.OWN_MALL, "name": "자사몰"}
    )
    actor = Actor.system("bench")
    refund_ids: list[int] = []
    with httpx.Client(timeout=10) as http:
        for index in range(count):
            price = (9_900, 19_800, 39_000)[index % 3]
            with transaction.atomic():
                order = Order.objects.create(
                    store=store,
                    channel=channel,
                    channel_order_number=f"{tag}{index:07d}",
                    ordered_at=queue.clock - dt.timedelta(days=3),
                    items_total=price,
                    shipping_fee=3_000,
                    paid_total=price + 3_000,
                    payment_method="card",
                    payment_reference=f"tgen_{tag}_{index:07d}",
                )
                OrderLine.objects.create(
                    order=order,
                    line_number=1,
                    sku="SKU-1",
                    name="상품",
                    quantity=1,
                    unit_price=price,
                    paid_amount=price,
                )
            response = http.post(
                f"{base_url}/v1/payments/confirm",
                json={
                    "paymentKey": order.payment_reference,
                    "orderId": f"order-{tag}-{index:07d}",
                    "amount": order.paid_total,
                },
                auth=(SECRET_KEY, ""),
            )
            if response.status_code != 200:
                raise RuntimeError(f"confirm failed: {response.text}")
            amount = order.paid_total if index % 2 else order.paid_total // 3
            refund = refund_goodwill(
                order=order,
                amount=amount,
                reason=RefundReason.SERVICE_RECOVERY,
                actor=actor,
                now=queue.clock,
            )
            refund_ids.append(refund.pk)
    return refund_ids


def _drive(queue: Queue, refund_ids: list[int], workers: int) -> int:
    """Run due jobs on ``workers`` threads and the sweep until none of ``refund_ids`` is open."""
    from django import db

    from banpum.settlement.models import Refund, RefundStatus
    from banpum.settlement.services.sending import refund_send, refunds_sweep

    open_statuses = (RefundStatus.PENDING, RefundStatus.SENDING, RefundStatus.UNKNOWN)

    def job(refund_id: int, now: dt.datetime) -> None:
        try:
            refund_send(refund_id=refund_id, now=now)
        finally:
            db.connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for rounds in range(100_000):
            if not Refund.objects.filter(pk__in=refund_ids, status__in=open_statuses).exists():
                return rounds
            now = queue.clock
            for future in [pool.submit(job, refund_id, now) for refund_id in queue.due()]:
                future.result()
            refunds_sweep(now=now, grace_seconds=120)
            following = min((at for at, _ in queue.jobs), default=now)
            queue.clock = min(
                max(following, now + dt.timedelta(seconds=60)), now + dt.timedelta(seconds=121)
            )
    raise RuntimeError("refunds still open after 100,000 rounds")


def _books(base_url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{base_url}/_sim/stats", timeout=10).json())


def _phase(name: str, count: int, base_url: str, workers: int, faults: dict[str, Any]) -> Any:
    from django.db.models import Count, Sum
    from django.utils import timezone

    from banpum.settlement import jobs as settlement_jobs
    from banpum.settlement.models import Refund, RefundStatus

    queue = Queue(clock=timezone.now())
    settlement_jobs.jobs_wire(queue)
    refund_ids = _seed(count, base_url, name[:1].upper(), queue)
    httpx.post(f"{base_url}/_sim/faults", json=faults, timeout=10).raise_for_status()
    before = _books(base_url)
    started = time.perf_counter()
    rounds = _drive(queue, refund_ids, workers)
    seconds = time.perf_counter() - started
    httpx.post(f"{base_url}/_sim/faults", json=NO_FAULTS, timeout=10).raise_for_status()
    after = _books(base_url)
    refunds = Refund.objects.filter(pk__in=refund_ids)
    paid = {
        row["payment_key"]: (row["n"], row["s"])
        for row in refunds.filter(status=RefundStatus.PAID)
        .values("payment_key")
        .annotate(n=Count("id"), s=Sum("amount"))
    }
    keys = set(refunds.values_list("payment_key", flat=True))
    mismatched = [
        key
        for key in keys
        if (
            after["payments"][key]["cancels_applied"],
            after["payments"][key]["cancelled_amount"],
        )
        != paid.get(key, (0, 0))
    ]
    attempts = refunds.aggregate(s=Sum("attempts"))["s"] or 0
    counted = ("requests", "cancels_applied", "cancels_failed", "reads_failed")
    return {
        "refunds": count,
        "paid": len(paid),
        "failed": refunds.filter(status=RefundStatus.FAILED).count(),
        "seconds": round(seconds, 3),
        "refunds_per_s": count / seconds,
        "attempts_per_refund": attempts / count,
        "max_attempts": max(refunds.values_list("attempts", flat=True)),
        "rounds": rounds,
        "payments_not_matching_our_books": len(mismatched),
        "simulator": {
            k: after[k] - before[k] for k in (*counted, "replies_lost", "replies_delayed")
        },
        "faults": faults,
    }


def _limit(count: int, base_url: str, workers: int) -> dict[str, Any]:
    """The simulator's own cancels/s: ``count`` cancels straight to it, ``workers`` threads."""
    keys = [f"tgen_limit_{index:07d}" for index in range(count)]
    with httpx.Client(timeout=10, auth=(SECRET_KEY, "")) as http:
        for index, key in enumerate(keys):
            http.post(
                f"{base_url}/v1/payments/confirm",
                json={"paymentKey": key, "orderId": f"order-limit-{index:07d}", "amount": 30_000},
            ).raise_for_status()

    def cancel(chunk: list[str]) -> int:
        ok = 0
        with httpx.Client(timeout=10, auth=(SECRET_KEY, "")) as http:
            for key in chunk:
                response = http.post(
                    f"{base_url}/v1/payments/{key}/cancel",
                    json={"cancelReason": "반품 환불", "cancelAmount": 30_000},
                    headers={"Idempotency-Key": f"limit-{key}"},
                )
                ok += response.status_code == 200
        return ok

    chunks = [keys[start::workers] for start in range(workers)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        ok = sum(pool.map(cancel, chunks))
    seconds = time.perf_counter() - started
    return {
        "cancels": count,
        "ok": ok,
        "seconds": round(seconds, 3),
        "cancels_per_s": count / seconds,
    }


def child(count: int, base_url: str, workers: int) -> dict[str, Any]:
    import logging
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banpum.settings")
    django.setup()
    logging.disable(logging.WARNING)  # a thousand "not paid yet" lines are the faults working
    return {
        "workers": workers,
        "clean": _phase("clean", count, base_url, workers, NO_FAULTS),
        "faults": _phase("faulty", count, base_url, workers, FAULTS),
        "limit": _limit(count, base_url, workers),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--refunds", type=int, default=500, help=argparse.SUPPRESS)
    parser.add_argument("--simulator", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.refunds, args.simulator, args.workers)))
        return 0
    result = run(quick=args.quick, workers=args.workers, database_url=args.database_url)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
