"""`banpum simulate-payments` as a user runs it, and the simulator `banpum serve` starts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.test import override_settings

from banpum.integrations.payments.base import CancelRequest, PaymentRejected, PaymentStatus
from banpum.integrations.payments.toss import TossPayments, basic_authorization
from banpum.server import runtime
from tests.integrations.terminal import served_until_ctrl_c

SECRET = "test_sk_cli_key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_simulate_payments_serves_until_ctrl_c(tmp_path: Path) -> None:
    port, state = _free_port(), tmp_path / "payments.json"
    banpum = Path(sys.executable).with_name("banpum")
    env = {**os.environ, "BANPUM_VAR_DIR": str(tmp_path), "BANPUM_LOG_LEVEL": "WARNING"}
    command = [str(banpum), "simulate-payments", "--port", str(port), "--seed", "5"]
    base = f"http://127.0.0.1:{port}"
    with served_until_ctrl_c(
        [*command, "--secret-key", SECRET, "--error-rate", "0", "--state", str(state)],
        env=env,
        ready_url=f"{base}/_sim/faults",
    ) as finished:
        assert httpx.get(f"{base}/_sim/faults").json()["seed"] == 5
        confirmed = httpx.post(
            f"{base}/v1/payments/confirm",
            json={"paymentKey": "tgen_cli", "orderId": "order-cli", "amount": 30000},
            headers={"Authorization": basic_authorization(SECRET)},
        )
        assert confirmed.status_code == 200
        with TossPayments(SECRET, base_url=base) as toss:
            state_after = toss.cancel(CancelRequest("tgen_cli", 10000, "반품", "cli-1"))
        assert state_after.status is PaymentStatus.PARTIAL_CANCELED

    output = finished.output
    assert finished.returncode == 0, output
    assert f"Payment simulator (Toss API) at http://127.0.0.1:{port}" in output
    assert "POST /v1/payments/tgen_cli/cancel → 200" in output
    assert "Payment simulator stopped." in output
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["payments"][0]["balance_amount"] == 20000


def test_simulate_payments_refuses_bad_flags() -> None:
    banpum = Path(sys.executable).with_name("banpum")
    result = subprocess.run(
        [str(banpum), "simulate-payments", "--error-rate", "2", "--secret-key", "a:b"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--error-rate" in result.stderr
    assert "--secret-key" in result.stderr


def test_serve_starts_the_payment_simulator_on_its_port(tmp_path: Path) -> None:
    port = _free_port()
    with override_settings(
        BANPUM_PAYMENTS_SIMULATOR_PORT=port,
        BANPUM_PAYMENTS_SIMULATOR_URL=f"http://127.0.0.1:{port}",
        BANPUM_PAYMENTS_SIMULATOR_EXTERNAL=False,
        BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY=SECRET,
        VAR_DIR=tmp_path,
    ):
        simulator = runtime.payments_simulator_start()
        assert simulator is not None
        try:
            assert simulator.base_url == f"http://127.0.0.1:{port}"
            # A second serve finds the port taken and uses the one that answers there.
            assert runtime.payments_simulator_start() is None
            with (
                TossPayments(SECRET, base_url=f"http://127.0.0.1:{port}") as toss,
                pytest.raises(PaymentRejected, match="NOT_FOUND_PAYMENT"),
            ):
                toss.payment("tgen_none")
        finally:
            simulator.stop()


def test_serve_starts_none_when_the_url_names_an_external_one() -> None:
    with override_settings(
        BANPUM_PAYMENTS_SIMULATOR_URL="http://127.0.0.1:18020",
        BANPUM_PAYMENTS_SIMULATOR_EXTERNAL=True,
    ):
        assert runtime.payments_simulator_start() is None
