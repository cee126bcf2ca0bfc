"""The simulators' run-time settings: one set of checks for every simulator's ``/_sim`` edits.

A simulator's config is a frozen dataclass; its control endpoint sends changes as JSON. Each
setting names a rule that parses and checks its value (``ValueError`` with the words to show),
and ``config_changed`` applies them all or none.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

Rule = Callable[[Any], Any]

LOOPBACK_ONLY = "must be a loopback address (127.0.0.1, ::1 or localhost)"


def is_loopback(host: str) -> bool:
    """Only loopback: a simulator is for this machine's tests and demo, never a network."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_required(host: str, simulator: str) -> None:
    """Refuse to build ``simulator`` on anything but loopback (``ValueError``)."""
    if not is_loopback(host):
        raise ValueError(f"the {simulator} listens on loopback only, not {host!r}")


Config = TypeVar("Config")


def number(low: float, high: float | None = None) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if value < low or (high is not None and value > high):
            raise ValueError(f"must be between {low} and {high}" if high else f"must be ≥ {low}")
        return float(value)

    return check


def integer(low: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"must be an integer ≥ {low}")
        return value

    return check


def seed(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError("must be an integer or null")


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def config_changed(
    config: Config, changes: Mapping[str, Any], rules: Mapping[str, Rule]
) -> tuple[Config, dict[str, str]]:
    """A copy of ``config`` with ``changes`` applied, or the field errors (and no change)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in changes.items():
        rule = rules.get(key)
        if rule is None:
            errors[key] = "unknown setting"
            continue
        try:
            values[key] = rule(value)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        return config, errors
    return dataclasses.replace(config, **values), errors  # type: ignore[type-var]
