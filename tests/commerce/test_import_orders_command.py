"""banpum import-orders: summary on stdout, row errors on stderr, exit status 1 on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import translation

from banpum.cli import main
from banpum.commerce.models import Order
from tests.commerce.helpers import HEADER, row, sample_rows, write_csv
from tests.factories import ChannelFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the messages' words: in English, not the Korean default."""
    with translation.override("en"):
        yield


@pytest.fixture
def keep_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_from_argv`` closes every connection when it ends, the test database's included."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_orders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def demo() -> Any:
    store = StoreFactory(slug="demo", name="데모 상점")
    ChannelFactory(store=store, code="mall")
    ChannelFactory(store=store, code="coupang")
    return store


def test_imports_and_prints_a_summary(demo: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orders.csv", sample_rows())
    out, err = run(str(path))
    assert out.strip() == "imported 3 orders: 3 created, 0 updated"
    assert err == ""
    assert Order.objects.filter(store=demo).count() == 3

    out, _ = run(str(path), "--store", "demo")
    assert out.strip() == "imported 3 orders: 0 created, 3 updated"


def test_store_option(store: Any, channel: Any, coupang: Any, tmp_path: Path) -> None:
    out, _ = run(str(write_csv(tmp_path / "o.csv", sample_rows())), "--store", store.slug)
    assert "3 created" in out
    assert Order.objects.filter(store=store).count() == 3


def test_dry_run_saves_nothing(demo: Any, tmp_path: Path) -> None:
    out, _ = run(str(write_csv(tmp_path / "o.csv", sample_rows())), "--dry-run")
    assert out.strip() == "dry run, nothing saved: would import 3 orders: 3 created, 0 updated"
    assert Order.objects.count() == 0


def test_row_errors_go_to_stderr_and_nothing_is_imported(demo: Any, tmp_path: Path) -> None:
    rows = [
        HEADER,
        row(),
        row(order_number="A-2", quantity="0"),
        row(order_number="A-3", channel="x"),
    ]
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\) in o.csv; nothing was imported"):
        call_command(
            "import_orders", str(write_csv(tmp_path / "o.csv", rows)), stdout=out, stderr=err
        )
    assert err.getvalue().splitlines() == [
        "row 3, quantity: must be at least 1",
        "row 4, channel: Unknown channel 'x'; this store's channel codes: coupang, mall.",
    ]
    assert out.getvalue() == ""
    assert Order.objects.count() == 0


@pytest.mark.usefixtures("keep_connections")
def test_exit_status_is_1_on_errors(
    demo: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "o.csv", [HEADER, row(quantity="-1")])
    with pytest.raises(SystemExit) as exc:
        main(["banpum", "import-orders", str(path)])
    assert exc.value.code == 1
    captured = capsys.readouterr()
    assert "row 2, quantity: must be at least 1" in captured.err
    assert "nothing was imported" in captured.err
    assert Order.objects.count() == 0


@pytest.mark.usefixtures("keep_connections")
def test_exit_status_is_0_on_success(
    demo: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["banpum", "import-orders", str(write_csv(tmp_path / "o.csv", sample_rows()))])
    assert "imported 3 orders: 3 created, 0 updated" in capsys.readouterr().out


def test_missing_file(demo: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"))


def test_banpum_entry_point_exits_1_for_a_missing_file(tmp_path: Path) -> None:
    """The installed ``banpum`` script, end to end (the file is checked before the database)."""
    # English: the test reads the words (the CLI speaks BANPUM_LANGUAGE, Korean by default).
    env = {**os.environ, "BANPUM_VAR_DIR": str(tmp_path / "var"), "BANPUM_LANGUAGE": "en"}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("banpum")), "import-orders", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert f"No such file: {tmp_path / 'x.csv'}" in completed.stderr
    assert completed.stdout == ""


def test_unknown_store(demo: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "o.csv", sample_rows())
    with pytest.raises(CommandError, match=r"No store with slug 'nope' \(stores: demo\)"):
        run(str(path), "--store", "nope")


def test_missing_columns_is_one_message(demo: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "o.csv", [["channel", "sku"], ["mall", "X"]])
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="missing required column"):
        call_command("import_orders", str(path), stdout=out, stderr=err)
    assert err.getvalue() == ""  # the message is the CommandError itself, not repeated
