"""``MessageSimulator``: the Solapi-shaped HTTP server, its faults, stats and control API.

Requests go through ``dispatch``: the control API (``/_sim/…``, no auth, never faulted) and
the two calls a ``MessageGateway`` makes (send and the message list), which are
authenticated as Solapi does and then pass the injected faults.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from banpum.integrations.messaging.base import mask_phone
from banpum.integrations.messaging.simulator_server.auth import SignatureCheck
from banpum.integrations.messaging.simulator_server.config import (
    MessageSimulatorConfig,
    message_config_update,
    template_problem,
)
from banpum.integrations.messaging.simulator_server.outbox import (
    IDEMPOTENCY_FIELD,
    Outbox,
    Rolls,
    Rules,
    solapi_error,
)
from banpum.integrations.simulator_http import LoopbackSimulator, SimRequest
from banpum.integrations.simulator_http import SimReply as Reply

# One logger for the whole package: log settings and tests filter on its name.
logger = logging.getLogger("banpum.integrations.messaging.simulator_server")

SEND_PATH = "/messages/v4/send"
LIST_PATH = "/messages/v4/list"


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(*solapi_error(status, code, message))


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class MessageSimulator(LoopbackSimulator):
    """A Solapi look-alike (SMS, LMS, 알림톡) on loopback, with faults on demand.

    ``start()``/``stop()`` run it in a background thread (tests, ``banpum serve``);
    ``serve_forever()`` in the foreground until Ctrl-C (``banpum simulate-messages``). Port 0
    picks a free port: read ``base_url`` after starting. Its client is
    ``SolapiMessaging(config.api_key, config.api_secret, config.pf_id,
    base_url=simulator.base_url)``. ``clock`` is the simulator's time (delivery reports and
    the signature's 15-minute window); tests pass one they move. ``templates`` are the
    approved 알림톡 templates (id → text) it starts with, besides those in the state file.
    """

    name = "messaging simulator"
    thread_prefix = "message-sim"
    server_version = "BanpumMessageSimulator/1"
    logger = logger

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8030,
        config: MessageSimulatorConfig | None = None,
        state_path: str | os.PathLike[str] | None = None,
        *,
        templates: Mapping[str, str] | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        super().__init__(host, port)
        self.config = config or MessageSimulatorConfig()
        self._clock = clock
        self._state_path = Path(state_path) if state_path else None
        self._lock = threading.RLock()
        self._rng = random.Random(self.config.seed)  # noqa: S311 - simulated faults, no secret
        # Not a secret: it keeps message ids of separate runs apart.
        self._outbox = Outbox(salt=random.Random(self.config.seed).randrange(10**10))  # noqa: S311
        if self._state_path and self._state_path.exists():
            state = json.loads(self._state_path.read_text(encoding="utf-8"))
            self._outbox = Outbox.from_state(state)
        for template_id, text in (templates or {}).items():
            problem = template_problem(template_id, text)
            if problem:
                raise ValueError(f"template {template_id!r}: {problem}")
            self._outbox.templates[template_id] = text
        self._signatures = SignatureCheck()
        self._counts: Counter[str] = Counter()
        self._in_flight = 0

    def handle(self, request: SimRequest) -> Reply:
        return self.dispatch(
            request.method,
            request.path,
            dict(request.headers.items()),
            request.query,
            request.body,
        )

    def _stopped(self) -> None:
        with self._lock:
            self._save()

    # --- in-process controls (the same as the /_sim endpoints) ------------------------------

    def faults_update(self, **changes: Any) -> dict[str, str]:
        """Change the behaviour at runtime; returns field errors (and changes nothing) if any."""
        with self._lock:
            config, errors = message_config_update(self.config, changes)
            if errors:
                return errors
            if config.seed != self.config.seed:
                self._rng = random.Random(config.seed)  # noqa: S311 - simulated, no secret
            self.config = config
        return {}

    def templates_update(self, templates: Mapping[str, Any]) -> dict[str, str]:
        """Register (or replace) approved 알림톡 templates; field errors and no change if any."""
        errors = {
            str(template_id): problem
            for template_id, text in templates.items()
            if (problem := template_problem(template_id, text))
        }
        if errors:
            return errors
        with self._lock:
            self._outbox.templates.update({str(k): str(v) for k, v in templates.items()})
            self._save()
        return {}

    def templates(self) -> dict[str, str]:
        with self._lock:
            return dict(self._outbox.templates)

    def messages(self, to: str = "") -> list[dict[str, Any]]:
        """What was sent, oldest first (``to`` keeps one recipient's): for tests and the demo."""
        now = self._clock()
        with self._lock:
            return [m.summary(now) for m in self._outbox.messages.values() if not to or m.to == to]

    def stats(self) -> dict[str, Any]:
        """What the simulator did, counted on its side."""
        now = self._clock()
        with self._lock:
            outcomes = Counter(m.summary(now)["status"] for m in self._outbox.messages.values())
            return {
                **{name: self._counts[name] for name in _COUNTS},
                "in_flight": self._in_flight,
                "max_in_flight": self.config.max_in_flight,
                "messages": len(self._outbox.messages),
                "pending": outcomes["pending"],
                "delivered": outcomes["delivered"],
                "failed": outcomes["failed"],
                "fallbacks": sum(m.replacement for m in self._outbox.messages.values()),
            }

    # --- HTTP dispatch ----------------------------------------------------------------------

    def dispatch(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        query: dict[str, str],
        body: bytes,
    ) -> Reply:
        if path.startswith("/_sim/"):
            return self._control(method, path.rstrip("/"), query, body)
        lowered = {name.lower(): value for name, value in headers.items()}
        with self._lock:
            self._counts["requests"] += 1
            config = self.config
            refusal = self._signatures.refusal(
                lowered.get("authorization", ""),
                api_key=config.api_key,
                api_secret=config.api_secret,
                now=self._clock(),
            )
            if refusal is not None:
                self._counts["auth_refused"] += 1
        if refusal is not None:
            return _error(refusal.status, refusal.code, refusal.message)
        if path == SEND_PATH:
            if method != "POST":
                return _error(405, "MethodNotAllowed", f"{method} {path}는 지원하지 않습니다.")
            return self._faulted(lambda rolls: self._send(body, rolls))
        if path == LIST_PATH and method == "GET":
            return self._faulted(lambda _rolls: self._list(query))
        return _error(404, "NotFound", f"존재하지 않는 API 입니다: {method} {path}")

    def _faulted(self, handle: Callable[[Rolls], Reply]) -> Reply:
        with self._lock:
            config = self.config
            draws = [self._rng.random() for _ in range(4)]
            error, timeout = draws[0] < config.error_rate, draws[1] < config.timeout_rate
            rolls = Rolls(failure=draws[2] < config.failure_rate, failure_pick=draws[3])
            if config.max_in_flight and self._in_flight >= config.max_in_flight:
                self._counts["rate_limited"] += 1
                return _error(
                    429, "TooManyRequests", "요청이 너무 많습니다. 잠시 후 다시 시도해주세요."
                )
            self._in_flight += 1
            self._counts["peak_in_flight"] = max(self._counts["peak_in_flight"], self._in_flight)
        try:
            if config.latency_ms:
                self._stopping.wait(config.latency_ms / 1000)
            if error:
                with self._lock:
                    self._counts["calls_failed"] += 1
                reply = _error(
                    500, "InternalError", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요."
                )
                reply.note = "injected error, nothing done"
                return reply
            reply = handle(rolls)
        finally:
            with self._lock:
                self._in_flight -= 1
        if timeout:
            with self._lock:
                self._counts["replies_delayed"] += 1
            reply.delay = config.timeout_seconds
            reply.note = (reply.note + ", " if reply.note else "") + "injected timeout"
        return reply

    # --- endpoints --------------------------------------------------------------------------

    def _send(self, body: bytes, rolls: Rolls) -> Reply:
        payload = _json_object(body)
        if isinstance(payload, Reply):
            return payload
        message = payload.get("message")
        custom = message.get("customFields") if isinstance(message, dict) else None
        key = custom.get(IDEMPOTENCY_FIELD, "") if isinstance(custom, dict) else ""
        now = self._clock()
        with self._lock:
            config = self.config
            if isinstance(key, str) and key:
                replayed = self._outbox.replay(key, payload)
                if replayed is not None:
                    self._counts["sends_replayed"] += 1
                    return Reply(*replayed, note="idempotent replay")
            rules = Rules(
                pf_id=config.pf_id,
                senders=config.senders,
                no_kakaotalk=config.no_kakaotalk,
                no_kakaotalk_suffix=config.no_kakaotalk_suffix,
                report_delay=dt.timedelta(seconds=config.report_delay_seconds),
            )
            (status, answer), sent = self._outbox.send(payload, rules, rolls, now)
            if sent is None:
                self._counts["sends_invalid"] += 1
                return Reply(status, answer)
            refused = answer["statusCode"] != "2000"
            self._counts["sends_refused" if refused else "sends_accepted"] += 1
            self._save()
        note = f"{sent.requested_type} to {mask_phone(sent.to)} {answer['statusCode']}"
        if sent.replacement:
            note += f", 알림톡 {sent.kakao_code} → {sent.delivered_type}"
        return Reply(status, answer, note=note)

    def _list(self, query: dict[str, str]) -> Reply:
        if "messageId" in query:
            message_id = query["messageId"]
        elif (query.get("criteria"), query.get("cond")) == ("messageId", "eq"):
            message_id = query.get("value", "")
        else:
            return _error(
                400,
                "ValidationError",
                "이 시뮬레이터는 messageId로만 조회합니다 (criteria=messageId&cond=eq&value=…).",
            )
        now = self._clock()
        with self._lock:
            self._counts["lookups"] += 1
            return Reply(200, self._outbox.listed(message_id, now))

    def _control(self, method: str, path: str, query: dict[str, str], body: bytes) -> Reply:
        route = (method, path)
        if route == ("GET", "/_sim/faults"):
            with self._lock:
                return Reply(200, self.config.as_json())
        if route == ("POST", "/_sim/faults"):
            payload = _json_object(body)
            if isinstance(payload, Reply):
                return payload
            errors = self.faults_update(**payload)
            if errors:
                return Reply(
                    400,
                    {"errorCode": "ValidationError", "errorMessage": "invalid", "fields": errors},
                )
            with self._lock:
                return Reply(200, self.config.as_json())
        if route == ("GET", "/_sim/stats"):
            return Reply(200, self.stats())
        if route == ("GET", "/_sim/messages"):
            return Reply(200, {"messages": self.messages(query.get("to", ""))})
        if route == ("GET", "/_sim/templates"):
            return Reply(200, {"templates": self.templates()})
        if route == ("POST", "/_sim/templates"):
            payload = _json_object(body)
            if isinstance(payload, Reply):
                return payload
            templates = payload.get("templates")
            if not isinstance(templates, dict) or not templates:
                return _error(400, "ValidationError", 'send {"templates": {"<id>": "<text>"}}')
            errors = self.templates_update(templates)
            if errors:
                return Reply(
                    400,
                    {"errorCode": "ValidationError", "errorMessage": "invalid", "fields": errors},
                )
            return Reply(200, {"templates": self.templates()})
        if method == "DELETE" and path.startswith("/_sim/templates/"):
            template_id = unquote(path.removeprefix("/_sim/templates/"))
            with self._lock:
                removed = self._outbox.templates.pop(template_id, None)
                self._save()
            if removed is None:
                return _error(404, "NotFound", f"no template {template_id!r}")
            return Reply(200, {"templates": self.templates()})
        return _error(404, "NotFound", f"no such endpoint: {method} {path}")

    # --- helpers (callers hold the lock) ----------------------------------------------------

    def _save(self) -> None:
        """Write the whole outbox, atomically by rename (bounded: the newest messages)."""
        if self._state_path is None:
            return
        self._state_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._state_path.with_name(self._state_path.name + ".tmp")
        temporary.write_text(json.dumps(self._outbox.as_state(), ensure_ascii=False), "utf-8")
        os.replace(temporary, self._state_path)


_COUNTS = (
    "requests",
    "auth_refused",
    "sends_accepted",
    "sends_refused",
    "sends_invalid",
    "sends_replayed",
    "calls_failed",
    "replies_delayed",
    "rate_limited",
    "peak_in_flight",
    "lookups",
)


def _json_object(body: bytes) -> dict[str, Any] | Reply:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return _error(400, "ValidationError", "요청 본문이 올바른 JSON이 아닙니다.")
    if not isinstance(payload, dict):
        return _error(400, "ValidationError", "요청 본문은 JSON 객체여야 합니다.")
    return payload
