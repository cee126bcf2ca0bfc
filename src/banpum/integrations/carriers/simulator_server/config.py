"""How the simulated carrier behaves: ``SimulatorConfig``, its validation, fares and faults.

The knobs are changed at start and at runtime (``POST /v1/_faults``), so the settings and the
rules that check a change live together, apart from the server that applies them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from banpum.integrations.simulator_config import config_changed, integer, number, seed, text

# A failed pickup: PickupException code → (the carrier's word, what the driver reports).
EXCEPTION_WORDS: dict[str, tuple[str, str]] = {
    "customer_absent": ("고객부재", "고객 부재로 반품 상품을 회수하지 못했습니다"),
    "address_not_found": ("주소불명", "주소를 찾을 수 없어 반품 상품을 회수하지 못했습니다"),
    "refused": ("회수거부", "고객이 반품 상품 인계를 거부했습니다"),
    "item_not_ready": ("상품미준비", "반품 상품이 포장되지 않아 회수하지 못했습니다"),
}
FARE_TYPES = ("prepaid", "collect", "credit")
FARES = {"xs": 3000, "small": 3500, "medium": 4000, "large": 5000, "xl": 6500}
DEFAULT_FARE = 4000


@dataclass
class SimulatorConfig:
    """How the simulated carrier behaves; every field can be changed by ``POST /v1/_faults``."""

    speed: float = 3600.0  # simulated seconds per real second
    latency_ms: int = 0
    error_rate: float = 0.0  # → 500 before anything is done
    timeout_rate: float = 0.0  # the work is done, the reply comes after timeout_seconds
    timeout_seconds: float = 30.0
    duplicate_rate: float = 0.0  # a webhook event is sent twice
    reorder_rate: float = 0.0  # a webhook event is sent after the one that follows it
    exception_rate: float = 0.0  # the pickup fails (ATTEMPT_FAIL) and playback stops
    exception_codes: tuple[str, ...] = tuple(EXCEPTION_WORDS)
    batch: int = 1  # at most this many due events per webhook call
    seed: int | None = None
    address_marker: str = "00000"  # in a postcode or address → 422 address_not_found
    # Stamp events with the wall-clock moment they became due (compressed, never in the
    # future) instead of the simulated clock, which runs days ahead in a long demo.
    wall_clock_stamps: bool = False
    webhook_retries: int = 4
    webhook_backoff_seconds: float = 0.5  # doubled after each failed attempt
    webhook_timeout_seconds: float = 5.0

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["exception_codes"] = list(self.exception_codes)
        return data


def _codes(value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list | tuple)
        or not value
        or any(v not in EXCEPTION_WORDS for v in value)
    ):
        raise ValueError(f"must be a non-empty list of {sorted(EXCEPTION_WORDS)}")
    return tuple(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


_CONFIG_RULES: dict[str, Callable[[Any], Any]] = {
    "speed": number(0.001),
    "latency_ms": integer(0),
    "error_rate": number(0, 1),
    "timeout_rate": number(0, 1),
    "timeout_seconds": number(0),
    "duplicate_rate": number(0, 1),
    "reorder_rate": number(0, 1),
    "exception_rate": number(0, 1),
    "exception_codes": _codes,
    "batch": integer(1),
    "seed": seed,
    "address_marker": text,
    "webhook_retries": integer(0),
    "webhook_backoff_seconds": number(0),
    "webhook_timeout_seconds": number(0.01),
    "wall_clock_stamps": _flag,
}


def config_update(
    config: SimulatorConfig, changes: dict[str, Any]
) -> tuple[SimulatorConfig, dict[str, str]]:
    """A copy of ``config`` with ``changes`` applied, or the field errors."""
    return config_changed(config, changes, _CONFIG_RULES)
