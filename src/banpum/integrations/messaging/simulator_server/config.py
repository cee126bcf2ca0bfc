"""How the simulated messaging provider behaves: ``MessageSimulatorConfig`` and its checks.

Set at start (``banpum simulate-messages`` flags) and at runtime (``POST /_sim/faults``), so
the settings and the rules that check a change live together, apart from the server.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from banpum.integrations.simulator_config import config_changed, integer, number, seed, text

DEFAULT_API_KEY = "NCSBANPUMSIMULATOR"
DEFAULT_API_SECRET = "banpum-messages-simulator-secret"  # noqa: S105 - the simulator's test key
DEFAULT_PF_ID = "KA01PF_BANPUM_SIMULATOR"
#: A recipient whose number ends so has no KakaoTalk by default: the demo's fallback to SMS.
DEFAULT_NO_KAKAOTALK_SUFFIX = "0000"

_DIGITS = re.compile(r"\d{8,12}")


@dataclass
class MessageSimulatorConfig:
    """Faults apply to the provider's calls (send, message list), never to ``/_sim``."""

    api_key: str = DEFAULT_API_KEY
    api_secret: str = DEFAULT_API_SECRET
    pf_id: str = DEFAULT_PF_ID  # the one KakaoTalk channel (카카오톡 채널) linked to the account
    senders: tuple[str, ...] = ()  # registered sender numbers (발신번호); empty: any number
    report_delay_seconds: float = 2.0  # accepted → delivered (or failed) after this long
    failure_rate: float = 0.0  # share of accepted messages the carrier reports failed
    no_kakaotalk: tuple[str, ...] = ()  # recipients without KakaoTalk: 알림톡 refused (3104)
    no_kakaotalk_suffix: str = DEFAULT_NO_KAKAOTALK_SUFFIX  # ... and every number ending so
    latency_ms: int = 0
    error_rate: float = 0.0  # → 500 before anything is done
    timeout_rate: float = 0.0  # the send is done, the reply is held timeout_seconds
    timeout_seconds: float = 30.0
    max_in_flight: int = 0  # more concurrent provider calls than this → 429; 0 = no limit
    seed: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["api_secret"] = "***"  # noqa: S105 - never echoed
        data["senders"] = list(self.senders)
        data["no_kakaotalk"] = list(self.no_kakaotalk)
        return data


def _api_key(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value):
        raise ValueError("must be 1–64 letters, digits, '-' or '_'")
    return value


def _secret(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value


def _pf_id(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\S{1,64}", value):
        raise ValueError("must be 1–64 characters without spaces")
    return value


def _phones(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and _DIGITS.fullmatch(v) for v in value
    ):
        raise ValueError("must be a list of phone numbers, 8–12 digits each")
    return tuple(value)


def _suffix(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{0,8}", value):
        raise ValueError("must be up to 8 digits, or empty for none")
    return value


_CONFIG_RULES: dict[str, Callable[[Any], Any]] = {
    "api_key": _api_key,
    "api_secret": _secret,
    "pf_id": _pf_id,
    "senders": _phones,
    "report_delay_seconds": number(0),
    "failure_rate": number(0, 1),
    "no_kakaotalk": _phones,
    "no_kakaotalk_suffix": _suffix,
    "latency_ms": integer(0),
    "error_rate": number(0, 1),
    "timeout_rate": number(0, 1),
    "timeout_seconds": number(0),
    "max_in_flight": integer(0),
    "seed": seed,
}


def message_config_update(
    config: MessageSimulatorConfig, changes: dict[str, Any]
) -> tuple[MessageSimulatorConfig, dict[str, str]]:
    """A copy of ``config`` with ``changes`` applied, or the field errors (and no change)."""
    return config_changed(config, changes, _CONFIG_RULES)


def template_problem(template_id: Any, template_text: Any) -> str | None:
    """Why a template cannot be registered, or None (``text`` checks it is a string)."""
    if not isinstance(template_id, str) or not re.fullmatch(r"\S{1,64}", template_id):
        return "a template id is 1–64 characters without spaces"
    try:
        words = text(template_text)
    except ValueError as exc:
        return f"the template text {exc}"
    if not words.strip() or len(words) > 1000:
        return "the template text is 1–1,000 characters"
    return None
