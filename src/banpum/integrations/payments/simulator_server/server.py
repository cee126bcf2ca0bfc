"""``PaymentSimulator``: the Toss-shaped HTTP server, its faults, stats and webhooks.

Requests go through ``dispatch``: the control API (``/_sim/…``, no auth, never faulted), the
confirm that seeds payments (authenticated, never faulted), and the two calls a
``PaymentGateway`` makes (read and cancel), which pass the injected faults first.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
import os
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from banpum.integrations.payments.simulator_server.config import (
    PaymentSimulatorConfig,
    payment_config_update,
)
from banpum.integrations.payments.simulator_server.ledger import KST, Ledger, toss_error
from banpum.integrations.payments.simulator_server.webhooks import Delivery, WebhookSender
from banpum.integrations.simulator_http import LoopbackSimulator, SimRequest
from banpum.integrations.simulator_http import SimReply as Reply

# One logger for the whole package: log settings and tests filter on its name.
logger = logging.getLogger("banpum.integrations.payments.simulator_server")

IDEMPOTENCY_KEY_MAX = 300


def _toss(status: int, code: str, message: str) -> Reply:
    return Reply(*toss_error(status, code, message))


@dataclass
class _Rolls:
    """One request's fault draws, always four, so a seed gives one sequence of faults."""

    error: bool
    timeout: bool
    lost: bool
    duplicate: bool


class PaymentSimulator(LoopbackSimulator):
    """A Toss Payments look-alike on loopback, with faults on demand.

    ``start()``/``stop()`` run it in background threads (tests, ``banpum serve``);
    ``serve_forever()`` in the foreground until Ctrl-C (``banpum simulate-payments``). Port 0
    picks a free port: read ``base_url`` after starting. Its client is
    ``TossPayments(config.secret_key, base_url=simulator.base_url)``.
    """

    name = "payment simulator"
    thread_prefix = "payment-sim"
    server_version = "BanpumPaymentSimulator/1"
    logger = logger

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8020,
        config: PaymentSimulatorConfig | None = None,
        state_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(host, port)
        self.config = config or PaymentSimulatorConfig()
        self._state_path = Path(state_path) if state_path else None
        self._lock = threading.RLock()
        self._rng = random.Random(self.config.seed)  # noqa: S311 - simulated faults, no secret
        # Not a secret: it keeps transaction keys of separate runs apart.
        salt = random.Random(self.config.seed).randrange(10**10)  # noqa: S311
        self._ledger = Ledger(salt=salt)
        self._counts: Counter[str] = Counter()
        self._in_flight = 0
        self._webhooks = WebhookSender(self._stopping)
        if self._state_path and self._state_path.exists():
            state = json.loads(self._state_path.read_text(encoding="utf-8"))
            self._ledger = Ledger.from_state(state)

    # --- running ----------------------------------------------------------------------------

    def handle(self, request: SimRequest) -> Reply:
        return self.dispatch(
            request.method, request.path, dict(request.headers.items()), request.body
        )

    def _workers(self) -> dict[str, Callable[[], None]]:
        return {"webhooks": self._webhooks.loop}

    def _wake_workers(self) -> None:
        self._webhooks.wake()

    def _stopped(self) -> None:
        with self._lock:
            self._save()

    # --- in-process controls (the same as the /_sim endpoints) ------------------------------

    def faults_update(self, **changes: Any) -> dict[str, str]:
        """Change the behaviour at runtime; returns field errors (and changes nothing) if any."""
        with self._lock:
            config, errors = payment_config_update(self.config, changes)
            if errors:
                return errors
            if config.seed != self.config.seed:
                self._rng = random.Random(config.seed)  # noqa: S311 - simulated, no secret
            self.config = config
        return {}

    def stats(self) -> dict[str, Any]:
        """What the simulator did, counted on its side: the exactly-once evidence.

        ``payments[key].cancelled_amount`` is the sum of the cancels it applied to that
        payment; a client that cancelled twice shows here whatever it believes.
        """
        with self._lock:
            payments = {
                key: {
                    "status": p.status,
                    "total_amount": p.total_amount,
                    "balance_amount": p.balance_amount,
                    "cancels_applied": len(p.cancels),
                    "cancelled_amount": sum(c["cancelAmount"] for c in p.cancels),
                }
                for key, p in self._ledger.payments.items()
            }
            return {
                **{name: self._counts[name] for name in _COUNTS},
                "in_flight": self._in_flight,
                "max_in_flight": self.config.max_in_flight,
                "payments": payments,
            }

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        return self._webhooks.entries()

    # --- HTTP dispatch ----------------------------------------------------------------------

    def dispatch(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        if path.startswith("/_sim/"):
            return self._control(method, path.rstrip("/"), body)
        lowered = {name.lower(): value for name, value in headers.items()}
        with self._lock:
            self._counts["requests"] += 1
            secret = self.config.secret_key
        if not _authorized(lowered.get("authorization", ""), secret):
            return _toss(
                401, "UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다."
            )
        parts = [unquote(part) for part in path.strip("/").split("/")]
        if parts == ["v1", "payments", "confirm"] and method == "POST":
            return self._confirm(body)
        if len(parts) == 3 and parts[:2] == ["v1", "payments"] and method == "GET":
            return self._faulted(lambda _duplicate: self._read(parts[2]), write=False)
        if len(parts) == 4 and parts[:2] == ["v1", "payments"] and parts[3] == "cancel":
            if method != "POST":
                return _toss(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
            key = lowered.get("idempotency-key", "")
            return self._faulted(
                lambda duplicate: self._cancel(parts[2], key, body, path, duplicate), write=True
            )
        return _toss(404, "NOT_FOUND", f"존재하지 않는 API 입니다: {method} {path}")

    def _faulted(self, handle: Callable[[bool], Reply], *, write: bool) -> Reply:
        kind = "cancels" if write else "reads"
        with self._lock:
            config = self.config
            draws = [self._rng.random() for _ in range(4)]
            rolls = _Rolls(
                error=draws[0] < config.error_rate,
                timeout=draws[1] < config.timeout_rate,
                lost=draws[2] < config.lost_reply_rate,
                duplicate=draws[3] < config.duplicate_callback_rate,
            )
            if config.max_in_flight and self._in_flight >= config.max_in_flight:
                self._counts["rate_limited"] += 1
                return _toss(
                    429, "TOO_MANY_REQUESTS", "요청이 너무 많습니다. 잠시 후 다시 시도해주세요."
                )
            self._in_flight += 1
            self._counts["peak_in_flight"] = max(self._counts["peak_in_flight"], self._in_flight)
        try:
            if config.latency_ms:
                self._stopping.wait(config.latency_ms / 1000)
            if rolls.error:
                with self._lock:
                    self._counts[f"{kind}_failed"] += 1
                reply = _toss(
                    500,
                    "PROVIDER_ERROR",
                    "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요.",
                )
                reply.note = "injected error, nothing done"
                return reply
            reply = handle(rolls.duplicate)
        finally:
            with self._lock:
                self._in_flight -= 1
        if rolls.lost:
            with self._lock:
                self._counts["replies_lost"] += 1
            if config.lost_reply_mode == "504":
                return Reply(504, "upstream timed out", note="injected lost reply (504)")
            return Reply(reply.status, reply.body, drop=True, note="injected lost reply")
        if rolls.timeout:
            with self._lock:
                self._counts["replies_delayed"] += 1
            reply.delay, reply.note = config.timeout_seconds, "injected timeout"
        return reply

    # --- endpoints --------------------------------------------------------------------------

    def _confirm(self, body: bytes) -> Reply:
        payload = _json_object(body)
        if isinstance(payload, Reply):
            return payload
        with self._lock:
            status, answer = self._ledger.confirm(payload, _now())
            if status == 200:
                self._counts["confirms"] += 1
                self._webhook(answer, duplicate=False)
                self._save()
        return Reply(status, answer)

    def _read(self, payment_key: str) -> Reply:
        with self._lock:
            return Reply(*self._ledger.read(payment_key))

    def _cancel(
        self, payment_key: str, idempotency_key: str, body: bytes, path: str, duplicate: bool
    ) -> Reply:
        payload = _json_object(body)
        if isinstance(payload, Reply):
            return payload
        if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
            return _toss(400, "INVALID_REQUEST", "멱등키는 최대 300자입니다.")
        # Toss scopes a key by key + API key + URL + method; one secret key here.
        scope = f"POST {path} {idempotency_key}" if idempotency_key else ""
        with self._lock:
            replayed = self._ledger.replay(scope, payload) if scope else None
            if replayed is not None:
                self._counts["cancels_replayed"] += 1
                return Reply(*replayed, note="idempotent replay")
            (status, answer), amount = self._ledger.cancel(payment_key, payload, _now(), scope)
            if amount:
                self._counts["cancels_applied"] += 1
                self._webhook(answer, duplicate=duplicate)
            else:
                self._counts["cancels_refused"] += 1
            self._save()
        return Reply(status, answer)

    def _control(self, method: str, path: str, body: bytes) -> Reply:
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
                    400, {"code": "INVALID_REQUEST", "message": "invalid", "fields": errors}
                )
            with self._lock:
                return Reply(200, self.config.as_json())
        if route == ("GET", "/_sim/stats"):
            return Reply(200, self.stats())
        if route == ("GET", "/_sim/webhooks"):
            return Reply(200, {"deliveries": self.webhook_deliveries()})
        return _toss(404, "NOT_FOUND", f"no such endpoint: {method} {path}")

    # --- helpers (callers hold the lock) ----------------------------------------------------

    def _webhook(self, payment: dict[str, Any], *, duplicate: bool) -> None:
        config = self.config
        if not config.callback_url:
            return
        event = {
            "eventType": "PAYMENT_STATUS_CHANGED",
            "createdAt": dt.datetime.now(KST).strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "data": payment,
        }
        raw = json.dumps(event, ensure_ascii=False).encode()
        self._counts["webhooks_queued"] += 1
        for copy in range(2 if duplicate else 1):
            self._webhooks.put(
                Delivery(
                    delivery_id=f"wh-{self._counts['webhooks_queued']}-{copy + 1}",
                    url=config.callback_url,
                    secret=config.callback_secret,
                    body=raw,
                    retries=config.webhook_retries,
                    backoff=config.webhook_backoff_seconds,
                    timeout=config.webhook_timeout_seconds,
                )
            )

    def _save(self) -> None:
        """Write the whole ledger, atomically by rename (small: a demo's payments)."""
        if self._state_path is None:
            return
        self._state_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._state_path.with_name(self._state_path.name + ".tmp")
        temporary.write_text(json.dumps(self._ledger.as_state(), ensure_ascii=False), "utf-8")
        os.replace(temporary, self._state_path)


_COUNTS = (
    "requests",
    "confirms",
    "cancels_applied",
    "cancels_replayed",
    "cancels_refused",
    "cancels_failed",
    "reads_failed",
    "replies_lost",
    "replies_delayed",
    "rate_limited",
    "peak_in_flight",
    "webhooks_queued",
)


def _now() -> dt.datetime:
    return dt.datetime.now(KST).replace(microsecond=0)


def _authorized(header: str, secret_key: str) -> bool:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return decoded == f"{secret_key}:"


def _json_object(body: bytes) -> dict[str, Any] | Reply:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return _toss(400, "INVALID_REQUEST", "요청 본문이 올바른 JSON이 아닙니다.")
    if not isinstance(payload, dict):
        return _toss(400, "INVALID_REQUEST", "요청 본문은 JSON 객체여야 합니다.")
    return payload
