"""Small helpers shared by the benchmarks: percentiles, machine description, paths."""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.5 = median, 0.99 = p99)."""
    if not sorted_values:
        return math.nan
    rank = max(math.ceil(fraction * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _git(*args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=REPO_DIR, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def machine_info() -> dict[str, Any]:
    """What the figures were measured on; saved beside them in results.json."""
    try:
        load = list(os.getloadavg())
    except OSError:
        load = []
    versions: dict[str, str] = {}
    for package in ("Django", "django-ninja", "waitress", "pydantic", "psycopg", "httpx"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_mb": memory_total_mb(),
        "load_average_at_start": load,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "packages": versions,
    }


def _busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    except (OSError, ValueError, IndexError):
        return None
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class NoiseMeter:
    """How much CPU other processes took while the benchmarks ran: a noise indicator.

    Our own children (migrate, seeding, the server) count as ours once they have exited.
    """

    def __init__(self) -> None:
        self.busy = _busy_cpu_seconds()
        self.own = _own_cpu_seconds()
        self.wall = time.perf_counter()

    def report(self) -> dict[str, Any]:
        busy = _busy_cpu_seconds()
        wall = time.perf_counter() - self.wall
        own = _own_cpu_seconds() - self.own
        if busy is None or self.busy is None or wall <= 0:
            return {"wall_seconds": round(wall, 1), "own_cpu_seconds": round(own, 1)}
        other = max(busy - self.busy - own, 0.0)
        capacity = wall * (os.cpu_count() or 1)
        return {
            "wall_seconds": round(wall, 1),
            "own_cpu_seconds": round(own, 1),
            "other_cpu_seconds": round(other, 1),
            "other_share_of_machine": round(other / capacity, 3),
        }
