"""`banpum simulate-messages` as a user runs it, and the simulator `banpum serve` starts."""

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

from banpum.integrations.messaging.base import Channel, MessagingError, OutgoingMessage, SendStatus
from banpum.integrations.messaging.solapi import SolapiMessaging
from banpum.server import runtime
from tests.integrations.terminal import served_until_ctrl_c

KEY, SECRET, PF_ID = "NCSCLIKEY", "cli-secret", "KA01PF_CLI"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_simulate_messages_serves_until_ctrl_c(tmp_path: Path) -> None:
    port, state = _free_port(), tmp_path / "messages.json"
    banpum = Path(sys.executable).with_name("banpum")
    env = {**os.environ, "BANPUM_VAR_DIR": str(tmp_path), "BANPUM_LOG_LEVEL": "WARNING"}
    command = [str(banpum), "simulate-messages", "--port", str(port), "--seed", "5"]
    base = f"http://127.0.0.1:{port}"
    with served_until_ctrl_c(
        [
            *command,
            *("--api-key", KEY, "--api-secret", SECRET, "--pf-id", PF_ID),
            *("--report-delay-seconds", "0", "--state", str(state)),
            *("--template", "KA01TP_CLI=#{name}님 반품이 접수되었습니다."),
            *("--no-kakaotalk", "01011112222"),
        ],
        env=env,
        ready_url=f"{base}/_sim/faults",
    ) as finished:
        shown = httpx.get(f"{base}/_sim/faults").json()
        assert (shown["seed"], shown["pf_id"], shown["no_kakaotalk"]) == (5, PF_ID, ["01011112222"])
        message = OutgoingMessage(
            idempotency_key="cli-1",
            to="01011112222",
            sender="0215880000",
            channel=Channel.ALIMTALK,
            text="홍길동님 반품이 접수되었습니다.",
            template_code="KA01TP_CLI",
            variables={"name": "홍길동"},
            fallback_text="[반품] 홍길동님 반품 접수",
        )
        with SolapiMessaging(KEY, SECRET, PF_ID, base_url=base) as solapi:
            result = solapi.send(message)
            receipt = solapi.status(result.provider_id)
        assert result.status is SendStatus.ACCEPTED
        assert (receipt.channel, receipt.fallback) == (Channel.SMS, True)

    output = finished.output
    assert finished.returncode == 0, output
    assert f"Messaging simulator (Solapi API) at http://127.0.0.1:{port}" in output
    assert "POST /messages/v4/send → 200" in output
    assert "010****2222" in output
    assert "01011112222" not in output  # the log masks phone numbers
    assert SECRET not in output
    assert "Messaging simulator stopped." in output
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["messages"][0]["replacement"] is True
    assert saved["templates"] == {"KA01TP_CLI": "#{name}님 반품이 접수되었습니다."}


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--error-rate", "2", "--failure-rate", "-1"], ["--error-rate", "--failure-rate"]),
        (["--host", "0.0.0.0"], ["--host"]),  # noqa: S104 - the refused case
        (["--template", "KA01TP_X"], ["--template"]),
        (["--template", "KA01TP_X="], ["--template"]),
        (["--sender", "02-123"], ["--sender:"]),
        (["--api-key", "has space", "--pf-id", ""], ["--api-key", "--pf-id"]),
    ],
)
def test_simulate_messages_refuses_bad_flags(flags: list[str], named: list[str]) -> None:
    banpum = Path(sys.executable).with_name("banpum")
    result = subprocess.run(
        [str(banpum), "simulate-messages", *flags],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    for flag in named:
        assert flag in result.stderr


def test_serve_starts_the_messaging_simulator_on_its_port(tmp_path: Path) -> None:
    port = _free_port()
    with override_settings(
        BANPUM_MESSAGES_SIMULATOR_PORT=port,
        BANPUM_MESSAGES_SIMULATOR_URL=f"http://127.0.0.1:{port}",
        BANPUM_MESSAGES_SIMULATOR_EXTERNAL=False,
        BANPUM_MESSAGES_SIMULATOR_API_KEY=KEY,
        BANPUM_MESSAGES_SIMULATOR_API_SECRET=SECRET,
        BANPUM_MESSAGES_SIMULATOR_PF_ID=PF_ID,
        VAR_DIR=tmp_path,
    ):
        simulator = runtime.messages_simulator_start(templates={"KA01TP_SERVE": "안녕하세요"})
        assert simulator is not None
        try:
            assert simulator.base_url == f"http://127.0.0.1:{port}"
            assert simulator.templates() == {"KA01TP_SERVE": "안녕하세요"}
            # A second serve finds the port taken and uses the one that answers there.
            assert runtime.messages_simulator_start() is None
            with (
                SolapiMessaging(KEY, SECRET, PF_ID, base_url=f"http://127.0.0.1:{port}") as solapi,
                pytest.raises(MessagingError, match="not_found"),
            ):
                solapi.status("M4V_NONE")
        finally:
            simulator.stop()
    assert (tmp_path / "messages-simulator.json").exists()


def test_serve_starts_none_when_the_url_names_an_external_one() -> None:
    with override_settings(
        BANPUM_MESSAGES_SIMULATOR_URL="http://127.0.0.1:18030",
        BANPUM_MESSAGES_SIMULATOR_EXTERNAL=True,
    ):
        assert runtime.messages_simulator_start() is None
