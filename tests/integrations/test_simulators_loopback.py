"""Every simulator listens on loopback only: it answers anyone who reaches it, with no real
authentication, so it is never put on a network — by its class or by its command."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.integrations.messaging.simulator_server import MessageSimulator
from banpum.integrations.payments.simulator_server import PaymentSimulator
from banpum.integrations.simulator_config import is_loopback

REFUSED = ("0.0.0.0", "192.168.0.10", "10.1.2.3", "example.com", "")  # noqa: S104


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "::1", "localhost"])
def test_loopback_addresses_are_loopback(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", REFUSED)
@pytest.mark.parametrize("simulator", [CarrierSimulator, PaymentSimulator, MessageSimulator])
def test_no_simulator_is_built_off_loopback(simulator: type, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        simulator(host=host, port=0)


@pytest.mark.parametrize("command", ["simulate_carrier", "simulate_payments", "simulate_messages"])
def test_no_simulator_command_listens_off_loopback(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        call_command(command, "--host", "0.0.0.0", "--port", "0")  # noqa: S104
    assert stopped.value.code == 2
    assert "--host: must be a loopback address" in capsys.readouterr().err
