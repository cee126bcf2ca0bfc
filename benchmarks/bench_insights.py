"""Insights at scale: every dashboard report under 500 ms (p95) over 1,000,000 return lines.

The issue's figure: with 1,000,000 return lines from about 3,000,000 order lines over two
years and five stores, every insights report answers in under 500 ms (p95), on SQLite and on
PostgreSQL, printed beside a plain ``SELECT COUNT(*)`` over each table the report reads.

1. **Data** (``benchmarks._insights_data``): the demo seed makes a few hundred returns through
   the services, then one ``INSERT … SELECT`` per table copies its orders into five stores over
   two years up to the asked sizes. On SQLite the database file is cached under
   ``benchmarks/out/insights/`` (keyed by the generator version, the sizes and the migrations
   of the tables it writes), so the next run skips this step; on PostgreSQL a scratch database
   is generated and dropped each run.
2. **Build**: ``banpum.insights.build.insights_rebuild(now=…)``, timed (a job, not held to the
   bar).
3. **Reports**: every ``REPORTS`` entry for every store and several filters (last 30 days by
   day; 3, 12 and 24 months by month; 12 months narrowed to a channel, a category, a carrier),
   after a warm-up; p50/p95/max in ms. Beside each, ``SELECT COUNT(*)`` over each table in the
   report's ``reads``, timed the same way.

    .venv/bin/python -m benchmarks.bench_insights [--scale 0.01] [--database-url URL]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._common import OUT_DIR, REPO_DIR, percentile
from benchmarks.bench_api import (
    BenchError,
    Environment,
    _postgres_database,
    banpum_command,
    free_port,
)

BAR_MS = 500.0
FULL_SCALE = 1.0  # --only insights
DEFAULT_SCALE = 0.02  # the default run of every benchmark: 20,000 return lines
QUICK_SCALE = 0.005
CACHE_DIR = OUT_DIR / "insights"
# The apps whose tables the generator writes: a new migration of theirs makes a new cache.
GENERATED_APPS = (
    "commerce",
    "returns",
    "logistics",
    "warehouse",
    "settlement",
    "policy",
    "feedback",
)


def cache_key(scale: float) -> str:
    from benchmarks._insights_data import sizes_at

    migrations = sorted(
        str(path.relative_to(REPO_DIR))
        for app in GENERATED_APPS
        for path in (REPO_DIR / "src" / "banpum" / app / "migrations").glob("0*.py")
    )
    digest = hashlib.sha256("\n".join(migrations).encode()).hexdigest()[:10]
    return f"{sizes_at(scale).key()}-{digest}"


def _env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANPUM_", "DATABASE_URL"))}
    env.update(
        BANPUM_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="banpum.settings",
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(REPO_DIR), env.get("PYTHONPATH"), str(REPO_DIR / "src")])
        ),
        PYTHONUNBUFFERED="1",
        # The demo seed's simulators, on free ports: never one another run left answering.
        BANPUM_SIMULATOR_PORT=str(free_port()),
        BANPUM_PAYMENTS_SIMULATOR_PORT=str(free_port()),
    )
    return env


def _child(bench: Environment, *args: str, timeout: float = 3600) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_insights", "--child", *args],
            cwd=REPO_DIR,
            env=bench.env,
            stdout=subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(
            f"the insights benchmark ({args[0]}) took longer than {timeout:.0f} s"
        ) from error
    if done.returncode != 0:
        raise BenchError(f"the insights benchmark ({args[0]}) failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(
    quick: bool = False,
    scale: float | None = None,
    database_url: str | None = None,
    rounds: int = 1,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    scale = scale if scale is not None else (QUICK_SCALE if quick else DEFAULT_SCALE)
    database_url = database_url or os.environ.get("BENCH_DATABASE_URL") or None
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="banpum-bench-"))
    drop: Callable[[], None] | None = None
    try:
        timing = ["--scale", str(scale), "--rounds", str(rounds)]
        if database_url:
            url, name, drop, version = _postgres_database(database_url)
            bench = Environment(
                var_dir, _env(var_dir, url), "postgresql", f"PostgreSQL {version} ({name})"
            )
            bench.run([*banpum_command(), "migrate", "--no-input", "-v", "0"], "banpum migrate")
            log(f"insights: generating scale {scale} on {bench.engine_version}...")
            generated = _child(bench, "generate", "--scale", str(scale))
            cached = False
        else:
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            path = CACHE_DIR / f"{cache_key(scale)}.sqlite3"
            meta_path = path.with_suffix(".json")
            version = f"SQLite {sqlite3.sqlite_version}"
            cached = path.exists() and meta_path.exists()
            if not cached:
                partial = path.with_suffix(".partial")
                for stale in CACHE_DIR.glob(f"{path.stem}.partial*"):
                    stale.unlink()
                bench = Environment(
                    var_dir, _env(var_dir, f"sqlite:///{partial}"), "sqlite", version
                )
                bench.run([*banpum_command(), "migrate", "--no-input", "-v", "0"], "banpum migrate")
                log(
                    f"insights: generating scale {scale} into {path.name} (cached for next runs)..."
                )
                generated = _child(bench, "generate", "--scale", str(scale))
                partial.rename(path)
                meta_path.write_text(json.dumps(generated, indent=2) + "\n")
            else:
                log(f"insights: using the cached database {path.name}")
                generated = json.loads(meta_path.read_text())
            bench = Environment(var_dir, _env(var_dir, f"sqlite:///{path}"), "sqlite", version)
            # New insights tables (or other apps' migrations) land on the cached file.
            bench.run(
                [*banpum_command(), "migrate", "--no-input", "-v", "0"],
                "banpum migrate",
                timeout=1800,
            )
        log("insights: rebuilding the summaries and timing every report...")
        result = _child(bench, "time", *timing)
        result["generated"] = generated
        result["cached"] = cached
        result["engine_version"] = bench.engine_version
    except BenchError:
        raise
    except Exception as error:
        raise BenchError(f"the insights benchmark could not run: {error}") from error
    finally:
        if drop is not None:
            try:
                drop()
            except Exception as error:  # noqa: BLE001 - cleanup: warn, keep the results
                print(f"warning: could not drop the benchmark database: {error}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


# --- the child: Django on the benchmark's database ----------------------------------------


def _log(message: str) -> None:
    print(f"insights: {message}", file=sys.stderr, flush=True)


def _setup() -> None:
    import logging

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banpum.settings")
    django.setup()
    for name in ("banpum", "httpx", "axes"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def generate(scale: float) -> dict[str, Any]:
    """Seed the templates through the services, copy them up to ``scale``, note what was made."""
    from django.db import connection
    from django.utils import timezone

    from banpum.commerce.models import Store
    from banpum.demo.seed import DEMO_STORE_SLUG, demo_seed
    from benchmarks._insights_data import feedback_seed, scale_up, sizes_at

    sizes = sizes_at(scale)
    now = timezone.now()
    started = time.perf_counter()
    _log(f"seeding {sizes.templates} returns through the services (demo seed)...")
    demo_seed(orders=3 * sizes.templates, returns=sizes.templates, now=now)
    base = Store.objects.get(slug=DEMO_STORE_SLUG)
    answered = feedback_seed(base, now=now)
    _log(f"{answered} shoppers' feedback on the finished returns")
    seeded = time.perf_counter() - started
    sqlite = connection.vendor == "sqlite"
    if sqlite:  # a scratch file: nothing to protect from a crash while it is written
        with connection.cursor() as cursor:
            for pragma in (
                "PRAGMA journal_mode=OFF",
                "PRAGMA synchronous=OFF",
                "PRAGMA cache_size=-1000000",
                "PRAGMA temp_store=MEMORY",
                "PRAGMA foreign_keys=OFF",
            ):
                cursor.execute(pragma)
    copied = scale_up(base_store=base, sizes=sizes, now=now, log=_log)
    stores = list(
        Store.objects.filter(slug__in=[DEMO_STORE_SLUG, *(f"bench-{n}" for n in range(2, 9))])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
        counts = {}
        for table in ("commerce_order", "commerce_orderline", "returns_returnrequest",
                      "returns_returnline", "returns_returnevent",
                      "feedback_returnfeedback"):  # fmt: skip
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our table names
            counts[table] = cursor.fetchone()[0]
    return {
        "scale": scale,
        "sizes": sizes.__dict__,
        "now": now.isoformat(),
        "stores": stores,
        "copies": copied.copies,
        "rows_copied": sum(copied.rows.values()),
        "rows": copied.rows,
        "counts": counts,
        "seed_seconds": round(seeded, 1),
        "copy_seconds": copied.seconds,
        "generate_seconds": round(time.perf_counter() - started, 1),
    }


def _summary(latencies: list[float], digits: int = 1) -> dict[str, Any]:
    ordered = sorted(latencies)
    ms = 1000.0
    return {
        "runs": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50) * ms, digits),
        "p95_ms": round(percentile(ordered, 0.95) * ms, digits),
        "max_ms": round(ordered[-1] * ms, digits),
    }


def _filters(store: Any, now: Any) -> list[tuple[str, Any]]:
    """The dashboards a manager opens: four date ranges, and a year narrowed three ways."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db.models import Count

    from banpum.commerce.models import Order, OrderLine
    from banpum.insights.reports import Filters, Period
    from banpum.logistics.models import Pickup

    today = now.astimezone(ZoneInfo(store.timezone)).date()
    channel = (
        Order.objects.filter(store=store, ordered_at__gte=now - dt.timedelta(days=30))
        .values_list("channel__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    category = (
        OrderLine.objects.filter(
            order__store=store, order__ordered_at__gte=now - dt.timedelta(days=30)
        )
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    carrier = (
        Pickup.objects.filter(
            return_request__store=store, requested_at__gte=now - dt.timedelta(days=30)
        )
        .values_list("carrier__code")
        .annotate(n=Count("id"))
        .order_by("n")  # the least used: a narrow filter
        .first()
    )
    year = today - dt.timedelta(days=364)
    return [
        (
            "30 days by day",
            Filters(date_from=today - dt.timedelta(days=29), date_to=today, period=Period.DAY),
        ),
        ("3 months", Filters(date_from=today - dt.timedelta(days=91), date_to=today)),
        ("12 months", Filters(date_from=year, date_to=today)),
        ("24 months", Filters(date_from=today - dt.timedelta(days=729), date_to=today)),
        (
            "12 months, a channel",
            Filters(date_from=year, date_to=today, channel=channel[0] if channel else ""),
        ),
        (
            "12 months, a category",
            Filters(date_from=year, date_to=today, category=category[0] if category else ""),
        ),
        (
            "12 months, a carrier",
            Filters(date_from=year, date_to=today, carrier=carrier[0] if carrier else ""),
        ),
    ]


def _count_times(tables: list[str], runs: int) -> dict[str, dict[str, Any]]:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - model tables
            rows = cursor.fetchone()[0]
            latencies = []
            for _ in range(runs):
                start = time.perf_counter()
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                cursor.fetchone()
                latencies.append(time.perf_counter() - start)
            out[table] = {"rows": rows, **_summary(latencies, digits=2)}
    return out


def _explain(key: str, store: Any, filters: Any, now: Any) -> list[dict[str, Any]]:
    """The slowest statements of one build of a report over the bar, with their plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from banpum.insights.reports import report_build

    with CaptureQueriesContext(connection) as captured:
        report_build(key, store=store, filters=filters, now=now)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    plans = []
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        for query in queries:
            try:
                cursor.execute(prefix + query["sql"])
                plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
            except Exception as error:  # noqa: BLE001 - a plan we cannot read is reported
                plan = [f"(no plan: {error})"]
            plans.append(
                {
                    "ms": round(float(query["time"]) * 1000, 1),
                    "sql": query["sql"][:2000],
                    "plan": plan,
                }
            )
    return plans


def time_reports(rounds: int, count_runs: int = 20) -> dict[str, Any]:
    import dataclasses
    import datetime as dt

    from django.conf import settings
    from django.db import connection

    from banpum.commerce.models import Store

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE name = 'now'")
        now = dt.datetime.fromisoformat(cursor.fetchone()[0])
        cursor.execute("SELECT value FROM bench_meta WHERE name = 'stores'")
        store_ids = json.loads(cursor.fetchone()[0])
    stores = list(Store.objects.filter(pk__in=store_ids).order_by("pk"))
    out: dict[str, Any] = {
        "backend": settings.DATABASES["default"]["ENGINE"],
        "now": now.isoformat(),
        "stores": [s.slug for s in stores],
        "bar_ms": BAR_MS,
        "reports": [],
    }
    try:
        # Not on every tree yet: imported by name, so this module type-checks without it.
        insights_build_module = importlib.import_module("banpum.insights.build")
        from banpum.insights.reports import REPORTS, report_build
    except ImportError as error:
        out["missing"] = f"banpum.insights.build is not on this tree ({error})"
        _log(out["missing"])
        return out
    _log("insights_rebuild...")
    start = time.perf_counter()
    built = insights_build_module.insights_rebuild(now=now)
    out["rebuild_seconds"] = round(time.perf_counter() - start, 1)
    out["rebuild_result"] = (
        dataclasses.asdict(built)
        if dataclasses.is_dataclass(built) and not isinstance(built, type)
        else repr(built)
    )
    _log(f"rebuilt in {out['rebuild_seconds']} s: {out['rebuild_result']}")
    # The job every five minutes: what it costs when little has changed, at this scale (it
    # reads events, feedback, orders and refunds changed since the last build).
    incremental: list[float] = []
    for minutes in (5, 10, 15):
        start = time.perf_counter()
        insights_build_module.insights_build(now=now + dt.timedelta(minutes=minutes))
        incremental.append(time.perf_counter() - start)
    out["incremental_seconds"] = [round(seconds, 2) for seconds in incremental]
    _log(f"incremental builds with nothing new: {out['incremental_seconds']} s")

    combos = [(store, name, filters) for store in stores for name, filters in _filters(store, now)]
    tables: set[str] = set()
    from django.apps import apps

    for key, spec in REPORTS.items():
        reads = []
        for label in spec.reads:
            try:
                reads.append(apps.get_model(label)._meta.db_table)
            except (LookupError, ValueError):
                reads.append(label)
        tables.update(reads)
        store, _, filters = combos[0]
        report_build(key, store=store, filters=filters, now=now)  # warm-up: imports, caches
        latencies: list[float] = []
        per_filter: dict[str, list[float]] = {}
        rows = 0
        for _ in range(rounds):
            for store, name, filters in combos:
                start = time.perf_counter()
                report = report_build(key, store=store, filters=filters, now=now)
                elapsed = time.perf_counter() - start
                latencies.append(elapsed)
                per_filter.setdefault(name, []).append(elapsed)
                rows = max(rows, len(report.rows))
        summary = _summary(latencies)
        entry = {
            "key": key,
            "section": spec.section,
            "reads": reads,
            **summary,
            "max_rows": rows,
            "by_filter_p95_ms": {n: _summary(v)["p95_ms"] for n, v in per_filter.items()},
            "pass": summary["p95_ms"] < BAR_MS,
        }
        if not entry["pass"]:
            slowest = max(per_filter, key=lambda n: max(per_filter[n]))
            store, _, filters = next(c for c in combos if c[1] == slowest)
            entry["explain"] = _explain(key, store, filters, now)
        out["reports"].append(entry)
        _log(
            f"{key}: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms "
            f"over {summary['runs']} builds"
        )
    out["counts"] = _count_times(sorted(tables), count_runs)
    out["all_pass"] = all(r["pass"] for r in out["reports"])
    return out


def report(result: dict[str, Any]) -> str:
    """The per-report table: p50/p95/max, rows, the COUNT(*) p95 of each table it reads."""
    if result.get("missing"):
        return f"insights: {result['missing']}"
    counts = result.get("counts", {})
    header = (
        "report",
        "p50 ms",
        "p95 ms",
        "max ms",
        "rows",
        "COUNT(*) p95 ms (table rows: ms)",
        f"p95 < {BAR_MS:.0f}",
    )
    rows: list[tuple[str, ...]] = [header]
    for entry in result["reports"]:
        beside = ", ".join(
            f"{t} {counts[t]['rows']:,}: {counts[t]['p95_ms']:.2f}"
            for t in entry["reads"]
            if t in counts
        )
        rows.append(
            (
                entry["key"],
                f"{entry['p50_ms']:.1f}",
                f"{entry['p95_ms']:.1f}",
                f"{entry['max_ms']:.1f}",
                str(entry["max_rows"]),
                beside or "-",
                "PASS" if entry["pass"] else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            c.ljust(widths[i]) if i in (0, 5) else c.rjust(widths[i]) for i, c in enumerate(row)
        ]
        lines.append(" | ".join(cells))
        if index == 0:
            lines.append("-+-".join("-" * w for w in widths))
    generated = result.get("generated", {})
    made = (
        "cached" if result.get("cached") else f"generated in {generated.get('generate_seconds')} s"
    )
    counted = generated.get("counts", {})
    lines.append(
        f"{counted.get('returns_returnline', 0):,} return lines, "
        f"{counted.get('commerce_orderline', 0):,} order lines in {len(result['stores'])} stores "
        f"({made}); "
        f"summaries rebuilt in {result.get('rebuild_seconds')} s; "
        f"the five-minute job with nothing new {result.get('incremental_seconds')} s; "
        f"{result['reports'][0]['runs'] if result['reports'] else 0} builds per report "
        f"({len(result['stores'])} stores x 7 filters); {result.get('engine_version', '')}; "
        + ("every report PASSES" if result.get("all_pass") else "some report FAILS")
        + f" the {BAR_MS:.0f} ms p95 bar"
    )
    for entry in result["reports"]:
        for plan in entry.get("explain", []):
            lines.append(f"  {entry['key']}: {plan['ms']} ms: {plan['sql'][:300]}")
            lines.extend(f"    {step}" for step in plan["plan"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--scale", type=float, default=None, help="1.0: the issue's 1M return lines"
    )
    parser.add_argument("--rounds", type=int, default=1, help="builds of every store x filter")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--child", choices=["generate", "time"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _setup()
        scale = args.scale if args.scale is not None else FULL_SCALE
        if args.child == "generate":
            result = generate(scale)
            _meta_write(result)
        else:
            result = time_reports(args.rounds)
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    try:
        result = run(
            quick=args.quick,
            scale=args.scale if args.scale is not None else (None if args.quick else FULL_SCALE),
            database_url=args.database_url,
            rounds=args.rounds,
            log=lambda message: print(message, file=sys.stderr, flush=True),
        )
    except BenchError as error:
        sys.exit(f"bench_insights: {error}")
    print(report(result))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _meta_write(result: dict[str, Any]) -> None:
    """What the timing child needs (the clock of the data, the stores), in the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_meta")
        cursor.execute(
            "CREATE TABLE bench_meta (name VARCHAR(40) PRIMARY KEY, value TEXT NOT NULL)"
        )
        for name in ("now", "stores", "scale"):
            value = result[name]
            cursor.execute(
                "INSERT INTO bench_meta (name, value) VALUES (%s, %s)",
                [name, value if isinstance(value, str) else json.dumps(value)],
            )


if __name__ == "__main__":
    sys.exit(main())
