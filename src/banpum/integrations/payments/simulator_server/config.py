"""How the simulated payment gateway behaves: ``PaymentSimulatorConfig`` and its checks.

Set at start (``banpum simulate-payments`` flags) and at runtime (``POST /_sim/faults``), so
the settings and the rules that check a change live together, apart from the server.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from banpum.integrations.simulator_config import config_changed, integer, number, seed, text

DEFAULT_SECRET_KEY = "test_sk_banpum_simulator"  # noqa: S105 - the simulator's public test key
LOST_REPLY_MODES = ("drop", "504")


@dataclass
class PaymentSimulatorConfig:
    """Faults apply to the gateway's calls (cancel, payment read), never to confirm or /_sim."""

    secret_key: str = DEFAULT_SECRET_KEY
    latency_ms: int = 0
    error_rate: float = 0.0  # → 500 PROVIDER_ERROR before anything is done
    timeout_rate: float = 0.0  # the cancel is done, the reply is held timeout_seconds
    timeout_seconds: float = 30.0
    lost_reply_rate: float = 0.0  # the cancel is done, then the reply is lost
    lost_reply_mode: str = "drop"  # "drop": close the connection; "504": a gateway timeout
    duplicate_callback_rate: float = 0.0  # a webhook is delivered twice
    max_in_flight: int = 0  # more concurrent gateway calls than this → 429; 0 = no limit
    callback_url: str = ""  # where PAYMENT_STATUS_CHANGED webhooks go; "" = none
    callback_secret: str = ""  # signs webhooks (tosspayments-webhook-signature) when set
    webhook_retries: int = 2
    webhook_backoff_seconds: float = 0.5  # doubled after each failed attempt
    webhook_timeout_seconds: float = 5.0
    seed: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["secret_key"] = "***"  # noqa: S105 - never echoed
        data["callback_secret"] = "***" if self.callback_secret else ""
        return data


def _secret_key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or ":" in value:
        raise ValueError("must be a non-empty string without ':'")
    return value


def _url(value: Any) -> str:
    if not isinstance(value, str) or (value and not value.startswith(("http://", "https://"))):
        raise ValueError("must be an http(s) URL or empty")
    return value


def _mode(value: Any) -> str:
    if value not in LOST_REPLY_MODES:
        raise ValueError(f"must be one of {', '.join(LOST_REPLY_MODES)}")
    return str(value)


_CONFIG_RULES: dict[str, Callable[[Any], Any]] = {
    "secret_key": _secret_key,
    "latency_ms": integer(0),
    "error_rate": number(0, 1),
    "timeout_rate": number(0, 1),
    "timeout_seconds": number(0),
    "lost_reply_rate": number(0, 1),
    "lost_reply_mode": _mode,
    "duplicate_callback_rate": number(0, 1),
    "max_in_flight": integer(0),
    "callback_url": _url,
    "callback_secret": text,
    "webhook_retries": integer(0),
    "webhook_backoff_seconds": number(0),
    "webhook_timeout_seconds": number(0.01),
    "seed": seed,
}


def payment_config_update(
    config: PaymentSimulatorConfig, changes: dict[str, Any]
) -> tuple[PaymentSimulatorConfig, dict[str, str]]:
    """A copy of ``config`` with ``changes`` applied, or the field errors (and no change)."""
    return config_changed(config, changes, _CONFIG_RULES)
