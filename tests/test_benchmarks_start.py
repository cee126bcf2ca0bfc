"""The benchmark runner starts from a plain shell, as `make bench` runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_runner_imports_without_django_settings_in_the_environment() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--only" in done.stdout


def test_the_office_benchmark_runs_end_to_end_on_a_tiny_store() -> None:
    """Seeds through the demo, copies up to the size asked, times every page once, on this
    tree's code (not another checkout's the virtualenv may point at)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    sizes = ["--returns", "80", "--templates", "40", "--requests", "1", "--warmup", "0"]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_office", *sizes, "--exports", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report, _, raw = done.stdout.partition("\n{")
    result = json.loads("{" + raw)
    assert result["returns"] == 80
    assert result["code"] == str(ROOT / "src" / "banpum")
    names = [page["name"] for page in result["pages"]]
    assert {"home (queue counts)", "return list", "queue: stalled"} <= set(names)
    assert any(name.startswith("return page") for name in names)
    assert all(page["requests"] == 1 for page in result["pages"])
    assert "return list" in report
    assert "p95 < 200 ms" in report
