"""Return creation through the real HTTP API, under a bounded concurrent loopback load.

A fresh environment per run: a temporary BANPUM_VAR_DIR with its own SQLite database, or,
when ``BENCH_DATABASE_URL`` (or ``--database-url``) names a PostgreSQL server, a dedicated
database ``banpum_bench_<pid>`` created on it and dropped afterwards. ``banpum migrate`` and
``benchmarks._seed`` prepare it (a store, its default policy, delivered orders, an API key);
then ``banpum serve --no-migrate`` (Waitress) runs on a free 127.0.0.1 port and httpx drives
it from ``concurrency`` threads, one keep-alive connection each, for a fixed number of
requests (and never longer than a time cap):

- ``health``: GET /api/v1/health, no database, the LIMIT of this server stack and client;
- ``create``: POST /api/v1/returns, each request a different order, so none is refused;
- ``list``: GET /api/v1/returns, the first page (50 returns) of the store's list.

The load generator runs on the same machine and shares its CPUs with the server.
The server is always stopped at the end, and the temporary files and database removed.

    .venv/bin/python -m benchmarks.bench_api [--quick] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from benchmarks._common import REPO_DIR, percentile

HEALTH = "/api/v1/health"
RETURNS = "/api/v1/returns"


@dataclass(frozen=True)
class Sizes:
    rounds: int  # health, create and list phases run in turn, this many times
    health: int  # requests per phase
    create: int
    list: int
    warmup_creates: int
    time_cap: float  # seconds per phase at most


QUICK = Sizes(rounds=1, health=2_000, create=300, list=300, warmup_creates=20, time_cap=12)
DEFAULT = Sizes(rounds=3, health=3_000, create=400, list=400, warmup_creates=30, time_cap=30)


class BenchError(RuntimeError):
    """The environment could not be prepared or the server did not come up."""


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def banpum_command() -> list[str]:
    """``banpum`` from this interpreter's environment, or the module when it is not installed."""
    script = Path(sys.executable).parent / "banpum"
    return [str(script)] if script.exists() else [sys.executable, "-m", "banpum.cli"]


# --- The environment: a private var dir and database, migrated and seeded -------------------


@dataclass
class Environment:
    var_dir: Path
    env: dict[str, str]
    engine: str
    engine_version: str
    seed: dict[str, Any] = field(default_factory=dict)

    def run(self, args: list[str], what: str, timeout: float = 300) -> str:
        try:
            result = subprocess.run(
                args,
                cwd=REPO_DIR,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"{what} took longer than {timeout:.0f} s") from error
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).splitlines()[-30:])
            raise BenchError(f"{what} failed (exit {result.returncode}):\n{tail}")
        return result.stdout


def _postgres_database(url: str) -> tuple[str, str, Callable[[], None], str]:
    """Create a dedicated database next to ``url``'s; its URL, its dropper, server version."""
    import psycopg

    name = f"banpum_bench_{os.getpid()}_{random.randrange(16**6):06x}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        version = str(connection.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), name, drop, version


@contextlib.contextmanager
def environment(orders: int, database_url: str | None = None) -> Iterator[Environment]:
    """A migrated, seeded, private database; removed on exit whatever happened."""
    var_dir = Path(tempfile.mkdtemp(prefix="banpum-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANPUM_", "DATABASE_URL"))}
    env.update(
        BANPUM_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="banpum.settings",
        # This tree's code, even when the virtualenv's editable install points at another
        # checkout (a worktree); a PYTHONPATH of the caller's still comes first.
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(REPO_DIR), env.get("PYTHONPATH"), str(REPO_DIR / "src")])
        ),
        PYTHONUNBUFFERED="1",
    )
    drop: Callable[[], None] | None = None
    try:
        if database_url:
            if not database_url.startswith(("postgres://", "postgresql://")):
                raise BenchError("BENCH_DATABASE_URL must be a postgres:// URL")
            try:
                url, name, drop, version = _postgres_database(database_url)
            except Exception as error:
                raise BenchError(f"cannot create a benchmark database: {error}") from error
            env["DATABASE_URL"] = url
            bench = Environment(var_dir, env, "postgresql", f"PostgreSQL {version} ({name})")
        else:
            bench = Environment(var_dir, env, "sqlite", f"SQLite {sqlite3.sqlite_version} (WAL)")
        bench.run([*banpum_command(), "migrate", "--no-input", "-v", "0"], "banpum migrate")
        if orders:  # 0: an empty database, for a benchmark that seeds its own (office)
            output = bench.run(
                [sys.executable, "-m", "benchmarks._seed", "--orders", str(orders)], "seeding"
            )
            bench.seed = json.loads(output.strip().splitlines()[-1])
        yield bench
    finally:
        if drop is not None:
            try:
                drop()
            except Exception as error:  # noqa: BLE001 - cleanup: warn, keep the results
                print(f"warning: could not drop the benchmark database: {error}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)


# --- The server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, on Linux: get SIGTERM if the benchmark dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that ``finally`` stops the server and cleans up."""

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


@contextlib.contextmanager
def server(bench: Environment, threads: int | None = None) -> Iterator[str]:
    """``banpum serve`` on a free loopback port; yields its base URL, always stops it."""
    port = free_port()
    args = [*banpum_command(), "serve", "--no-migrate", "--no-simulator"]
    args += ["--host", "127.0.0.1", "--port", str(port)]
    if threads:
        args += ["--threads", str(threads)]
    log_path = bench.var_dir / "server.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args,
            cwd=REPO_DIR,
            env=bench.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,  # no thread runs yet: the fork is safe
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise BenchError(
                        f"the server exited with code {process.returncode} before answering "
                        f"{HEALTH}; its output:\n{_tail(log_path)}"
                    )
                try:
                    if httpx.get(base_url + HEALTH, timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"the server did not answer {HEALTH} within 60 s; its output:\n"
                        f"{_tail(log_path)}"
                    )
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# --- The load -----------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    requests: int
    seconds: float
    latencies: list[float]  # seconds, every completed request
    statuses: Counter[int]
    capped: bool
    samples: list[str]  # bodies of the first failures
    bodies: list[Any] = field(default_factory=list)
    round_rates: list[float] = field(default_factory=list)  # requests/s of each round

    def merge(self, other: Phase) -> Phase:
        return Phase(
            self.name,
            self.requests + other.requests,
            self.seconds + other.seconds,
            self.latencies + other.latencies,
            self.statuses + other.statuses,
            self.capped or other.capped,
            (self.samples + other.samples)[:5],
            self.bodies + other.bodies,
            self.round_rates + other.round_rates,
        )

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        ms = 1000.0
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "round_throughputs_rps": [round(rate, 1) for rate in self.round_rates],
            "p50_ms": round(percentile(ordered, 0.50) * ms, 2),
            "p90_ms": round(percentile(ordered, 0.90) * ms, 2),
            "p99_ms": round(percentile(ordered, 0.99) * ms, 2),
            "max_ms": round(ordered[-1] * ms, 2) if ordered else None,
            "mean_ms": round(sum(ordered) / len(ordered) * ms, 2) if ordered else None,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "capped_by_time": self.capped,
            "error_samples": self.samples,
        }


Send = Callable[[httpx.Client, int], httpx.Response]


def load(
    name: str,
    base_url: str,
    headers: dict[str, str],
    send: Send,
    count: int,
    concurrency: int,
    time_cap: float,
    keep_bodies: bool = False,
) -> Phase:
    """``count`` requests from ``concurrency`` threads, each with its own keep-alive client.

    Request ``i`` is ``send(client, i)``; no thread starts a request after ``time_cap``.
    """
    lock = threading.Lock()
    next_job = iter(range(count))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    samples: list[str] = []
    bodies: list[Any] = []
    capped = threading.Event()
    ready = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker() -> None:
        mine: list[float] = []
        codes: Counter[int] = Counter()
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            ready.wait()
            while True:
                with lock:
                    job = next(next_job, None)
                if job is None:
                    break
                if time.perf_counter() > deadline[0]:
                    capped.set()
                    break
                start = time.perf_counter()
                try:
                    response = send(client, job)
                    status = response.status_code
                except httpx.HTTPError as error:
                    response, status = None, -1
                    text = f"{type(error).__name__}: {error}"
                mine.append(time.perf_counter() - start)
                codes[status] += 1
                if response is not None and keep_bodies and 200 <= status < 300:
                    with lock:
                        bodies.append(response.json())
                if not 200 <= status < 300:
                    if response is not None:
                        text = f"{status} {response.text[:300]}"
                    with lock:
                        if len(samples) < 5:
                            samples.append(text)
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + time_cap
    start = time.perf_counter()
    ready.wait()
    for thread in threads:
        while thread.is_alive():
            # A signal may land on a worker thread; waking up often lets the main thread
            # run its handler (SIGTERM, Ctrl-C) at once rather than at the end of the phase.
            thread.join(0.1)
    elapsed = time.perf_counter() - start
    return Phase(
        name,
        len(latencies),
        elapsed,
        latencies,
        statuses,
        capped.is_set(),
        samples,
        bodies,
        [len(latencies) / elapsed],
    )


def create_payload(order_number: str, quantities: list[int], rng: random.Random) -> dict[str, Any]:
    """A realistic return request for one seeded order: every one of them is eligible."""
    numbers = rng.sample(range(1, len(quantities) + 1), rng.randint(1, len(quantities)))
    lines = [
        {"line_number": n, "quantity": rng.randint(1, quantities[n - 1])} for n in sorted(numbers)
    ]
    scenario = rng.choices(
        ["change_of_mind", "exchange", "defect", "seller_fault", "transit"],
        weights=[50, 10, 25, 10, 5],
    )[0]
    payload: dict[str, Any] = {"order_number": order_number, "lines": lines}
    if scenario == "change_of_mind":
        payload["reason_code"] = rng.choice(["change_of_mind", "wrong_option"])
        payload["method"] = rng.choice(["carrier_pickup"] * 3 + ["cvs_drop_off"])
        for line in lines:
            line["condition"] = rng.choice(["unopened", "opened"])
    elif scenario == "exchange":
        payload.update(
            type="exchange", resolution="exchange", reason_code="wrong_option", lines=lines[:1]
        )
        lines[0]["quantity"] = 1
    elif scenario == "defect":
        payload["reason_code"] = rng.choice(["defective", "missing_parts"])
        payload["photo_count"] = rng.choice([0, 2])  # defective without photos: on hold
        payload["reason_detail"] = "박음질이 뜯어져 있어요."
    elif scenario == "seller_fault":
        payload["reason_code"] = rng.choice(["wrong_item", "not_as_described"])
    else:
        payload["reason_code"] = "damaged_in_transit"
        payload["photo_count"] = 2
    if rng.random() < 0.3:
        payload["origin"] = "cs"
        payload["note"] = "고객 전화 상담: 회수 후 환불 요청"
    return payload


def run(
    quick: bool = False,
    concurrency: int = 8,
    database_url: str | None = None,
    server_threads: int | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    sizes = QUICK if quick else DEFAULT
    orders_needed = sizes.warmup_creates + sizes.rounds * sizes.create
    database_url = database_url or os.environ.get("BENCH_DATABASE_URL") or None
    started = time.perf_counter()
    log(f"api: preparing a fresh database ({orders_needed} orders)...")
    with environment(orders_needed, database_url) as bench:
        prepared = time.perf_counter() - started
        orders = bench.seed["orders"]
        rng = random.Random(7)
        payloads = [create_payload(number, quantities, rng) for number, quantities in orders]
        warmup_payloads, measured_payloads = (
            payloads[: sizes.warmup_creates],
            payloads[sizes.warmup_creates :],
        )
        headers = {"Authorization": f"Bearer {bench.seed['api_key']}"}
        log(f"api: {bench.engine_version}; starting banpum serve...")
        with server(bench, server_threads) as base_url:

            def health(client: httpx.Client, i: int) -> httpx.Response:
                return client.get(HEALTH)

            def listing(client: httpx.Client, i: int) -> httpx.Response:
                return client.get(RETURNS)

            def creator(batch: list[dict[str, Any]]) -> Send:
                def create(client: httpx.Client, i: int) -> httpx.Response:
                    return client.post(RETURNS, json=batch[i])

                return create

            def phase(name: str, send: Send, count: int, keep: bool = False) -> Phase:
                result = load(
                    name, base_url, headers, send, count, concurrency, sizes.time_cap, keep
                )
                log(
                    f"api: {name:<7} {result.requests} requests in {result.seconds:.2f} s, "
                    f"{result.errors} errors"
                )
                return result

            # Warm-up: imports, caches, connections, SQLite pages; not reported.
            phase("warm-up", health, 2_000)
            warm = phase("warm-up", creator(warmup_payloads), len(warmup_payloads))
            phase("warm-up", listing, 100)
            # Rounds in turn, so that a noisy neighbour slows the limit as much as the figures.
            rounds: dict[str, Phase] = {}
            for number in range(sizes.rounds):
                batch = measured_payloads[number * sizes.create : (number + 1) * sizes.create]
                for result in (
                    phase("health", health, sizes.health),
                    phase("create", creator(batch), sizes.create, keep=True),
                    phase("list", listing, sizes.list),
                ):
                    previous = rounds.get(result.name)
                    rounds[result.name] = previous.merge(result) if previous else result
            health_phase, create_phase, list_phase = (
                rounds["health"],
                rounds["create"],
                rounds["list"],
            )
    statuses = Counter(body.get("status") for body in create_phase.bodies)
    return {
        "engine": bench.engine,
        "engine_version": bench.engine_version,
        "backend": bench.seed.get("backend"),
        "concurrency": concurrency,
        "server": f"banpum serve (Waitress, {server_threads or 'default 4'} threads)",
        "client": f"httpx {httpx.__version__}, {concurrency} threads, keep-alive",
        "rounds": sizes.rounds,
        "orders_seeded": orders_needed,
        "prepare_seconds": round(prepared, 1),
        "warmup_create_errors": warm.errors,
        "health": health_phase.summary(),
        "create": create_phase.summary(),
        "create_statuses": dict(statuses),
        "list": list_phase.summary(),
        "list_page_size": 50,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server-threads", type=int, default=None)
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server to create a scratch DB on"
    )
    args = parser.parse_args()
    stop_on_sigterm()
    try:
        result = run(
            args.quick,
            args.concurrency,
            args.database_url,
            args.server_threads,
            log=lambda message: print(message, file=sys.stderr, flush=True),
        )
    except BenchError as error:
        sys.exit(f"bench_api: {error}")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
