"""`banpum simulate-carrier` as a user runs it: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from banpum.integrations.carriers.base import Address, PickupBooked, PickupItem, PickupOrder
from banpum.integrations.carriers.simulator import SimulatorGateway
from tests.integrations.terminal import ctrl_c_stops_it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_simulate_carrier_serves_until_ctrl_c(tmp_path: Path) -> None:
    port, state = _free_port(), tmp_path / "carrier.json"
    banpum = Path(sys.executable).with_name("banpum")
    env = {**os.environ, "BANPUM_VAR_DIR": str(tmp_path), "BANPUM_LOG_LEVEL": "WARNING"}
    command = [str(banpum), "simulate-carrier", "--port", str(port), "--speed", "1", "--seed", "5"]
    process = subprocess.Popen(
        [*command, "--error-rate", "0", "--state", str(state)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=ctrl_c_stops_it,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"simulate-carrier did not come up:\n{output[-3000:]}")
            try:
                if httpx.get(f"{base}/v1/_clock", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert httpx.get(f"{base}/v1/_faults").json()["seed"] == 5
        order = PickupOrder(
            idempotency_key="cli-1",
            return_number="RT-CLI",
            customer_code="30123456",
            sender=Address("홍길동", "010-1234-5678", "06236", "서울특별시 강남구 테헤란로 1"),
            receiver=Address("반품센터", "031-123-4567", "17383", "경기도 이천시 마장면 1"),
            items=(PickupItem("셔츠", 1),),
        )
        with SimulatorGateway(base, "cli-key") as gateway:
            booked = gateway.request_pickup(order)
        assert isinstance(booked, PickupBooked)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output = process.communicate(timeout=15)[0].decode()
        except subprocess.TimeoutExpired:
            process.kill()
            raise

    assert process.returncode == 0, output
    assert f"Carrier simulator at http://127.0.0.1:{port}/v1" in output
    assert "POST /v1/pickups → 201" in output  # one log line per request, despite WARNING
    assert "Carrier simulator stopped." in output
    saved = json.loads(state.read_text(encoding="utf-8"))
    [tenant] = saved["tenants"].values()
    assert tenant["bookings"][0]["waybill_number"] == booked.waybill_number
