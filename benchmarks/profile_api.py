"""Where one API request spends its time: cProfile of return creates and list pages.

Prepares the same fresh, seeded database as ``bench_api`` (SQLite, or a scratch PostgreSQL
database with ``BENCH_DATABASE_URL``), then, in this process, sends requests sequentially through
Django's test client (middleware, URL routing, django-ninja, services, ORM, database: all but
Waitress and the socket), under cProfile and with every SQL query captured.

    .venv/bin/python -m benchmarks.profile_api [--creates 200] [--lists 100] [--top 25]

Prints, per endpoint: milliseconds per request, SQL queries per request and their time, the
time per layer (banpum, Django ORM, other Django, ninja, pydantic, database driver, ...) and the
top functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_api import HEALTH, RETURNS, BenchError, create_payload, environment

FULL_SQL = False
DUMP_DIR: Path | None = None

LAYERS = (
    ("/banpum/", "banpum"),
    ("/django/db/", "django ORM"),
    ("/django/", "django (other)"),
    ("/ninja/", "django-ninja"),
    ("pydantic", "pydantic (incl. pydantic-core)"),
    ("sqlite3", "sqlite3 driver + SQLite (C)"),
    ("psycopg", "psycopg + PostgreSQL wait"),
    ("/json/", "json"),
    ("/logging/", "logging"),
    ("/zoneinfo/", "zoneinfo"),
    ("/dateutil/", "dateutil"),
    ("/holidays/", "holidays"),
)


def _layer(filename: str, name: str) -> str:
    where = f"{filename} {name}"
    for needle, label in LAYERS:
        if needle in where:
            return label
    return "python stdlib / builtins"


def layers(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time per layer, largest first."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_layer(filename, name)] += tottime
    return sorted(totals.items(), key=lambda item: -item[1])


class QueryLog:
    """Counts and times every SQL statement (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.statements: list[tuple[float, str]] = []
        self.keep = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.count += 1
            self.seconds += elapsed
            if self.keep:
                self.statements.append((elapsed, sql))


def _check(label: str, response: Any) -> None:
    if not 200 <= response.status_code < 300:
        raise BenchError(f"{label}: {response.status_code} {response.content[:300]!r}")


def measure(
    label: str, count: int, send: Callable[[int], Any], top: int, out: io.StringIO
) -> dict[str, Any]:
    from django.db import connection

    profiler = cProfile.Profile()
    log = QueryLog()
    with connection.execute_wrapper(log):
        log.keep = True
        send(0)  # one request outside the profile, to list its statements
        log.keep = False
        statements = log.statements
        # Timed without the profiler first (requests 1..count), then profiled (count+1..2count).
        start = time.perf_counter()
        for i in range(1, count + 1):
            _check(label, send(i))
        plain = time.perf_counter() - start
        log.count, log.seconds = 0, 0.0
        start = time.perf_counter()
        for i in range(count + 1, 2 * count + 1):
            profiler.enable()
            response = send(i)
            profiler.disable()
            _check(label, response)
        wall = time.perf_counter() - start
    if DUMP_DIR is not None:
        DUMP_DIR.mkdir(parents=True, exist_ok=True)
        slug = label.split()[-1].strip("/").replace("/", "_")
        profiler.dump_stats(DUMP_DIR / f"{label.split()[0].lower()}_{slug}.prof")
    stats = pstats.Stats(profiler, stream=out)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    print(f"\n=== {label}: {count} requests ===", file=out)
    print(
        f"{plain / count * 1000:.2f} ms per request without the profiler, one at a time "
        f"({count / plain:.0f} requests/s on one core); "
        f"{wall / count * 1000:.2f} ms under the profiler;\n"
        f"{log.count / count:.1f} SQL statements per request, "
        f"{log.seconds / count * 1000:.2f} ms per request inside cursor.execute",
        file=out,
    )
    print(f"statements of one request ({len(statements)}):", file=out)
    for elapsed, sql in statements:
        print(f"  {elapsed * 1000:6.2f} ms  {sql if FULL_SQL else sql[:150]}", file=out)
    print("own time per layer:", file=out)
    for name, seconds in layers(stats):
        print(f"  {name:<32} {seconds / total * 100:5.1f} %", file=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return {"ms_per_request": plain / count * 1000, "statements_per_request": log.count / count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--lists", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--full-sql", action="store_true", help="print whole SQL statements")
    parser.add_argument("--dump", type=Path, help="also save each profile (.prof) in this folder")
    args = parser.parse_args()
    global FULL_SQL, DUMP_DIR
    FULL_SQL, DUMP_DIR = args.full_sql, args.dump

    warmup = 20
    url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or None
    try:
        with environment(warmup + 1 + 2 * args.creates, url) as bench:
            os.environ.update(
                {k: v for k, v in bench.env.items() if k.startswith(("BANPUM_", "DATABASE_"))}
            )
            os.environ["DJANGO_SETTINGS_MODULE"] = "banpum.settings"
            import django

            django.setup()
            from django.test import Client

            client = Client(HTTP_AUTHORIZATION=f"Bearer {bench.seed['api_key']}")
            rng = random.Random(7)
            payloads = [create_payload(n, q, rng) for n, q in bench.seed["orders"]]

            def create(i: int) -> Any:
                return client.post(RETURNS, payloads[i], content_type="application/json")

            for i in range(warmup):
                create(i)
                client.get(RETURNS)
            out = io.StringIO()
            print(f"database: {bench.engine_version}", file=out)
            measure("POST /api/v1/returns", args.creates, lambda i: create(warmup + i),
                    args.top, out)  # fmt: skip
            measure("GET /api/v1/returns", args.lists, lambda i: client.get(RETURNS), args.top, out)
            measure("GET /api/v1/health", args.lists, lambda i: client.get(HEALTH), args.top, out)
            print(out.getvalue())
    except BenchError as error:
        sys.exit(f"profile_api: {error}")


if __name__ == "__main__":
    main()
