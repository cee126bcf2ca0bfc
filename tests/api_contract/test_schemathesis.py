"""Schemathesis with all its checks over the live API: 0 failures (issue 7).

A real server (pytest-django's ``live_server``, on 127.0.0.1 and a free port) serves a seeded
store; the schemathesis CLI runs against its ``/api/v1/openapi.json`` with the API key of that
store and the configuration next to this file (fixed seed, bounded examples, time budget). The
seeded order and return are given as path parameters, so the tests reach past the 404s into
the endpoints' logic.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from banpum.accounts.services import api_key_create
from tests.factories import ChannelFactory, StoreFactory, make_order, make_policy
from tests.returns.helpers import open_return

CONFIG = Path(__file__).with_name("schemathesis.toml")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.contract]


def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is a dev dependency: pip install -e '.[dev]'"
    return found


def test_schemathesis_finds_no_failure(live_server: Any, tmp_path: Path) -> None:
    store = StoreFactory(slug="contract", name="계약 상점")
    make_policy(store)
    ChannelFactory(store=store, code="mall", name="자사몰")
    orders = [
        make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}]) for _ in range(3)
    ]
    return_request = open_return(orders[0])
    _, key = api_key_create(store=store, name="schemathesis")
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        CONFIG.read_text()
        + "\n[parameters]\n"
        + f'"path.number" = "{return_request.number}"\n'
        + f'"path.order_id" = {orders[1].pk}\n'
    )
    started = time.monotonic()
    result = subprocess.run(
        [
            _schemathesis(),
            "--config-file",
            str(config),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {key}",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,  # its cache of crashes stays out of the repository
        env={**os.environ, "NO_COLOR": "1"},
    )
    elapsed = time.monotonic() - started
    print(result.stdout[-6000:], f"\nschemathesis ran {elapsed:.0f} s")
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-3000:]
