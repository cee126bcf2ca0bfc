"""Skips that CI does not accept, and the database markers.

A test may skip because the machine lacks a Debian tool (poppler, zbar, a Korean font,
redis-server). That is a convenience on a laptop, but in CI, which installs those tools, such a
skip would hide a test that never ran. So when the ``CI`` environment variable is set (``.ci/run``
sets it, as CI services do), every skip fails the run, except a database-only test on the
other database: a test marked ``postgres`` on SQLite, or ``sqlite`` on PostgreSQL. The two
markers skip their tests themselves, so a database-only test needs nothing more.

Expected failures (``xfail``) are left alone.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

DATABASE_MARKERS = {"postgres": "postgresql", "sqlite": "sqlite"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _wrong_database(item: pytest.Item) -> str | None:
    """The database the item needs, when it is not the one under test."""
    vendor = _vendor()
    for marker, needed in DATABASE_MARKERS.items():
        if item.get_closest_marker(marker) is not None and needed != vendor:
            return needed
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if needed := _wrong_database(item):
            item.add_marker(pytest.mark.skip(reason=f"needs {needed}, runs on {_vendor()}"))


def _fail_in_ci(report: pytest.TestReport | pytest.CollectReport, what: str) -> None:
    longrepr: Any = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"{what} skipped in CI ({reason}). CI runs every test: install what it needs in "
        ".ci/system-packages.sh, or mark a database-only test `postgres` or `sqlite`."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if (
        report.skipped
        and not hasattr(report, "wasxfail")
        and in_ci()
        and _wrong_database(item) is None
    ):
        _fail_in_ci(report, "test")


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if report.skipped and in_ci():
        _fail_in_ci(report, "module")
