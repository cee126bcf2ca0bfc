"""``CarrierSimulator``: running the threads, and dispatching each request.

It starts and stops the HTTP, playback and webhook threads and sends each request to the
control API or, past the faults it injects, to the carrier API (``endpoints``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from banpum.integrations.carriers.simulator_server.endpoints import _Endpoints
from banpum.integrations.carriers.simulator_server.http import _error, _Reply
from banpum.integrations.simulator_http import SimRequest

# One logger for the whole package: log settings and tests filter on its name.
logger = logging.getLogger("banpum.integrations.carriers.simulator_server")


class CarrierSimulator(_Endpoints):
    """The carrier: an HTTP server, a playback scheduler and a webhook sender, in threads.

    ``start()``/``stop()`` run it in the background (tests, an embedding ``banpum serve``);
    ``serve_forever()`` runs it in the foreground until Ctrl-C (``banpum simulate-carrier``).
    Port 0 picks a free port; read ``port``/``base_url`` after starting.
    """

    name = "carrier simulator"
    thread_prefix = "carrier-sim"
    server_version = "BanpumCarrierSimulator/1"
    logger = logger

    # --- running ----------------------------------------------------------------------------

    def handle(self, request: SimRequest) -> _Reply:
        return self.dispatch(
            request.method, request.path, request.headers.get("Authorization", ""), request.body
        )

    def _workers(self) -> dict[str, Callable[[], None]]:
        return {"playback": self._playback_loop, "webhooks": self._delivery_loop}

    def _wake_workers(self) -> None:
        self._wake.set()
        with self._outbox_cv:
            self._outbox_cv.notify_all()

    def _stopped(self) -> None:
        with self._lock:
            self._save()

    # --- HTTP dispatch ----------------------------------------------------------------------

    def dispatch(self, method: str, path: str, authorization: str, body: bytes) -> _Reply:
        if path.startswith("/v1/_"):
            return self._control(method, path, body)
        with self._lock:
            config, fail = self.config, self._rng.random()
        if config.latency_ms:
            self._stopping.wait(config.latency_ms / 1000)
        if fail < config.error_rate:
            reply = _error(500, "internal_error", "일시적인 시스템 오류입니다. 다시 시도해 주세요.")
            reply.note = "injected 500"
            return reply
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            reply = _error(401, "unauthorized", "Authorization: Bearer <api key> is required")
            reply.headers["WWW-Authenticate"] = 'Bearer realm="carrier-simulator"'
            return reply
        tenant_id = hashlib.sha256(key.strip().encode()).hexdigest()[:16]
        reply = self._route(method, path, tenant_id, body)
        with self._lock:
            if self._rng.random() < self.config.timeout_rate:
                reply.delay, reply.note = self.config.timeout_seconds, "injected timeout"
        return reply
