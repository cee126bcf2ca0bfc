"""`banpum simulate-carrier` as a user runs it: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import httpx

from banpum.integrations.carriers.base import Address, PickupBooked, PickupItem, PickupOrder
from banpum.integrations.carriers.simulator import SimulatorGateway
from tests.integrations.terminal import served_until_ctrl_c


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_simulate_carrier_serves_until_ctrl_c(tmp_path: Path) -> None:
    port, state = _free_port(), tmp_path / "carrier.json"
    banpum = Path(sys.executable).with_name("banpum")
    env = {**os.environ, "BANPUM_VAR_DIR": str(tmp_path), "BANPUM_LOG_LEVEL": "WARNING"}
    command = [str(banpum), "simulate-carrier", "--port", str(port), "--speed", "1", "--seed", "5"]
    base = f"http://127.0.0.1:{port}"
    with served_until_ctrl_c(
        [*command, "--error-rate", "0", "--state", str(state)],
        env=env,
        ready_url=f"{base}/v1/_clock",
    ) as finished:
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

    output = finished.output
    assert finished.returncode == 0, output
    assert f"Carrier simulator at http://127.0.0.1:{port}/v1" in output
    assert "POST /v1/pickups → 201" in output  # one log line per request, despite WARNING
    assert "Carrier simulator stopped." in output
    saved = json.loads(state.read_text(encoding="utf-8"))
    [tenant] = saved["tenants"].values()
    assert tenant["bookings"][0]["waybill_number"] == booked.waybill_number
