"""In CI a skipped test fails, unless it is a database-only test on the other database."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")

TESTS = """
import shutil
import pytest

def test_needs_a_tool():
    if shutil.which("no-such-debian-tool") is None:
        pytest.skip("no-such-debian-tool is not installed (apt-get install no-such-tool)")

@pytest.mark.skipif(True, reason="needs Debian's redis-server")
def test_skipped_by_a_mark():
    pass

@pytest.mark.postgres
def test_postgres_only():
    pass

@pytest.mark.sqlite
def test_sqlite_only():
    pass

@pytest.mark.xfail(reason="known")
def test_expected_to_fail():
    assert False

def test_plain():
    pass
"""

SAME_DATABASE = "test_postgres_only" if connection.vendor == "postgresql" else "test_sqlite_only"


def run(pytester: pytest.Pytester) -> pytest.RunResult:
    pytester.makeconftest("pytest_plugins = ['tests.skip_policy']")
    pytester.makepyfile(test_module=TESTS)
    return pytester.runpytest_inprocess("-p", "no:django", "-p", "no:cacheprovider", "-rA")


def test_outside_ci_a_missing_tool_only_skips(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)

    result = run(pytester)

    result.assert_outcomes(passed=2, skipped=3, xfailed=1)


def test_in_ci_a_skip_fails_but_a_test_for_the_other_database_still_skips(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")

    result = run(pytester)

    # A skip at set-up (a skipif mark) fails as an error, one in the test body as a failure.
    result.assert_outcomes(passed=2, skipped=1, failed=1, errors=1, xfailed=1)
    for line in (
        "ERROR test_module.py::test_skipped_by_a_mark - test skipped in CI*redis-server*",
        "FAILED test_module.py::test_needs_a_tool - test skipped in CI*apt-get install*",
        f"SKIPPED*test_module.py:*: needs * runs on {connection.vendor}",
    ):
        result.stdout.fnmatch_lines([line])
    assert f"PASSED test_module.py::{SAME_DATABASE}" in result.stdout.str()


def test_in_ci_a_module_skipped_at_import_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "1")
    pytester.makeconftest("pytest_plugins = ['tests.skip_policy']")
    pytester.makepyfile(test_module="import pytest\npytest.importorskip('no_such_module')\n")

    result = pytester.runpytest_inprocess("-p", "no:django", "-p", "no:cacheprovider")

    assert result.ret != 0
    result.stdout.fnmatch_lines(["*module skipped in CI*no_such_module*"])
