"""Run Banpum's benchmarks and print ``benchmark | value | limit | ratio``.

    .venv/bin/python -m benchmarks.run            # default: bounded, about a minute
    .venv/bin/python -m benchmarks.run --quick    # small counts, well under 60 s
    BENCH_DATABASE_URL=postgres://banpum:banpum@127.0.0.1:5432/banpum \
        .venv/bin/python -m benchmarks.run        # API on a scratch PostgreSQL database

Each figure is printed beside its limit measured in the same run (see benchmarks/README.md).
Results, with a description of the machine, go to benchmarks/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # ``python benchmarks/run.py``: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (
    bench_api,
    bench_insights,
    bench_labels,
    bench_office,
    bench_policy,
    bench_refunds,
)
from benchmarks._common import OUT_DIR, NoiseMeter, machine_info


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The table: one row per figure, with its limit and the share of the limit reached."""
    table: list[tuple[str, str, str, str]] = []

    def row(name: str, value: float, limit: float, unit: str, digits: int = 0) -> None:
        # The share of the limit reached, always <= 1 when the limit is one: value / limit for
        # rates, limit / value for latencies (where less is better).
        share = (limit / value if unit == "ms" else value / limit) if limit and value else None
        ratio = f"{share:.3f}" if share is not None else "-"
        table.append((name, f"{value:,.{digits}f} {unit}", f"{limit:,.{digits}f} {unit}", ratio))

    policy = results.get("policy")
    if policy:
        row("policy.decide (pure, 1 process)", policy["decisions_per_s"],
            policy["limit_calls_per_s"], "/s")  # fmt: skip
    labels = results.get("labels")
    if labels:
        row("labels render (100 per A4 batch)", labels["labels_per_s"],
            labels["limit_labels_per_s"], "/s", 1)  # fmt: skip
    api = results.get("api")
    if api:
        health, create, listing = api["health"], api["create"], api["list"]
        row("api.create POST /returns throughput", create["throughput_rps"],
            health["throughput_rps"], "req/s", 1)  # fmt: skip
        row("api.create p50 latency", create["p50_ms"], health["p50_ms"], "ms", 1)
        row("api.create p99 latency", create["p99_ms"], health["p99_ms"], "ms", 1)
        row("api.list GET /returns throughput", listing["throughput_rps"],
            health["throughput_rps"], "req/s", 1)  # fmt: skip
        row("api.list p50 latency", listing["p50_ms"], health["p50_ms"], "ms", 1)
        row("api.list p99 latency", listing["p99_ms"], health["p99_ms"], "ms", 1)
        errors = create["errors"] + listing["errors"] + health["errors"]
        table.append(("api errors (non-2xx, all phases)", str(errors), "0", "-"))
    refunds = results.get("refunds")
    if refunds:
        limit = refunds["limit"]["cancels_per_s"]
        clean, faulty = refunds["clean"], refunds["faults"]
        row("refunds paid /s (job, no faults)", clean["refunds_per_s"], limit, "/s", 1)
        row("refunds paid /s (30% err, 20% timeout, 20% lost)", faulty["refunds_per_s"],
            limit, "/s", 1)  # fmt: skip
        attempts = faulty["attempts_per_refund"]
        table.append(("refund attempts per refund (faults)", f"{attempts:.2f}", "1.00",
                      f"{1 / attempts:.3f}" if attempts else "-"))  # fmt: skip
        wrong = clean["payments_not_matching_our_books"] + faulty["payments_not_matching_our_books"]
        table.append(("refunds not paid exactly once", str(wrong), "0", "-"))
    office = results.get("office")
    if office:
        timed = [page for page in office["pages"] if page["in_bar"]]
        worst = max(timed, key=lambda page: page["p95_ms"])
        health = office["limit"]["p95_ms"]
        row(f"office worst p95 of {len(timed)} pages ({worst['name']})", worst["p95_ms"],
            health, "ms", 1)  # fmt: skip
        for page in office["pages"]:
            if not page["in_bar"]:
                row(f"office {page['name']} p95", page["p95_ms"], health, "ms", 1)
        over = sum(1 for page in timed if not page["pass"])
        table.append((f"office pages over {office['bar_ms']:.0f} ms p95", str(over), "0", "-"))
    insights = results.get("insights")
    if insights and not insights.get("missing"):
        bar = insights["bar_ms"]
        if "rebuild_seconds" in insights:
            table.append(("insights_rebuild (job, no bar)", f"{insights['rebuild_seconds']:,.1f} s",
                          "-", "-"))  # fmt: skip
        for entry in insights["reports"]:
            # The bar is the limit here: the ratio is the share of it the p95 uses (<= 1 passes).
            table.append((f"insights:{entry['key']} p95", f"{entry['p95_ms']:,.1f} ms",
                          f"{bar:,.0f} ms", f"{entry['p95_ms'] / bar:.3f}"))  # fmt: skip
        for name, count in insights.get("counts", {}).items():
            table.append((f"insights COUNT(*) {name} ({count['rows']:,} rows) p95",
                          f"{count['p95_ms']:,.2f} ms", "-", "-"))  # fmt: skip
        over = sum(1 for entry in insights["reports"] if not entry["pass"])
        table.append((f"insights reports over {bar:.0f} ms p95", str(over), "0", "-"))
    elif insights:
        table.append(("insights", insights["missing"], "-", "-"))
    return table


def format_table(table: list[tuple[str, str, str, str]]) -> str:
    header = ("benchmark", "value", "limit", "ratio")
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(4)]
    lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(header))]
    lines.append("-+-".join("-" * w for w in widths))
    for r in table:
        lines.append(
            " | ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(r)
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Banpum's benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small counts (< 60 s)")
    parser.add_argument(
        "--only",
        choices=["policy", "labels", "api", "refunds", "office", "insights"],
        help="run one benchmark",
    )
    parser.add_argument(
        "--insights-scale",
        type=float,
        default=None,
        help="insights data as a share of the issue's 1,000,000 return lines (default: 1.0 "
        f"with --only insights, else {bench_insights.DEFAULT_SCALE}; "
        f"{bench_insights.QUICK_SCALE} with --quick)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="API client threads")
    parser.add_argument("--server-threads", type=int, default=None, help="Waitress threads")
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server for the API benchmark's scratch database "
        "(default: $BENCH_DATABASE_URL, else SQLite in a temporary directory)",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR / "results.json")
    args = parser.parse_args(argv)
    bench_api.stop_on_sigterm()

    started = time.perf_counter()
    noise = NoiseMeter()
    results: dict[str, Any] = {"mode": "quick" if args.quick else "default"}
    results["machine"] = machine_info()
    if args.only in (None, "policy"):
        _log("policy: deciding...")
        results["policy"] = bench_policy.run(quick=args.quick)
    if args.only in (None, "labels"):
        _log("labels: rendering...")
        results["labels"] = bench_labels.run(quick=args.quick)
    if args.only in (None, "api"):
        try:
            results["api"] = bench_api.run(
                quick=args.quick,
                concurrency=args.concurrency,
                database_url=args.database_url,
                server_threads=args.server_threads,
                log=_log,
            )
        except bench_api.BenchError as error:
            _log(f"api benchmark failed: {error}")
            return 1
        results["machine"]["db_engine"] = results["api"]["engine_version"]
        results["machine"]["db_backend"] = results["api"]["backend"]
    if args.only in (None, "refunds"):
        _log("refunds: paying through the job against the payment simulator...")
        try:
            results["refunds"] = bench_refunds.run(
                quick=args.quick, database_url=args.database_url, log=_log
            )
        except bench_api.BenchError as error:
            _log(f"refunds benchmark failed: {error}")
            return 1
        results["machine"].setdefault("db_engine", results["refunds"]["engine_version"])
    if args.only in (None, "office"):
        try:
            results["office"] = bench_office.run(
                quick=args.quick, database_url=args.database_url, log=_log
            )
        except bench_api.BenchError as error:
            _log(f"office benchmark failed: {error}")
            return 1
        results["machine"].setdefault("db_engine", results["office"]["engine_version"])
    if args.only in (None, "insights"):
        scale = args.insights_scale
        if scale is None and args.only == "insights" and not args.quick:
            scale = bench_insights.FULL_SCALE
        try:
            results["insights"] = bench_insights.run(
                quick=args.quick, scale=scale, database_url=args.database_url, log=_log
            )
        except bench_api.BenchError as error:
            _log(f"insights benchmark failed: {error}")
            return 1
        results["machine"].setdefault("db_engine", results["insights"]["engine_version"])
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["noise"] = noise.report()

    table = rows(results)
    results["table"] = [dict(zip(("benchmark", "value", "limit", "ratio"), r, strict=True))
                        for r in table]  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    machine = results["machine"]
    print(
        f"{machine['cpu_model']} x{machine['cpu_count']}, {machine['python']}, "
        f"{machine.get('db_engine', 'no database')}; {results['mode']} run, "
        f"{results['seconds']} s"
    )
    print(format_table(table))
    api = results.get("api")
    if api:
        print(
            f"limit of the api rows: GET /api/v1/health on the same server and client; "
            f"concurrency {api['concurrency']}, client and server share the CPUs"
        )
    refunds = results.get("refunds")
    if refunds:
        print(
            f"limit of the refunds rows: the simulator's own cancels/s (httpx straight to it, "
            f"{refunds['workers']} threads, no faults); {refunds['clean']['refunds']} refunds "
            f"per phase on {refunds['workers']} job threads, {refunds['engine_version']}"
        )
    office = results.get("office")
    if office:
        print(
            "office pages, in-process server time (limit of the office rows: GET /api/v1/health "
            "through the same client):"
        )
        print(bench_office.report(office))
    insights = results.get("insights")
    if insights:
        print("insights reports, in-process (each beside COUNT(*) over the tables it reads):")
        print(bench_insights.report(insights))
    share = results["noise"].get("other_share_of_machine")
    if share is not None:
        print(
            f"other processes used {share:.0%} of the machine's CPU during the run"
            + ("  <-- noisy: figures are low, run again on a quiet machine" if share > 0.1 else "")
        )
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
