"""``CarrierSimulator``: running the threads, and dispatching each request.

It starts and stops the HTTP, playback and webhook threads and sends each request to the
control API or, past the faults it injects, to the carrier API (``endpoints``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable

from banpum.integrations.carriers.simulator_server.endpoints import _Endpoints
from banpum.integrations.carriers.simulator_server.http import _error, _Handler, _Reply, _Server

# One logger for the whole package: log settings and tests filter on its name.
logger = logging.getLogger("banpum.integrations.carriers.simulator_server")


class CarrierSimulator(_Endpoints):
    """The carrier: an HTTP server, a playback scheduler and a webhook sender, in threads.

    ``start()``/``stop()`` run it in the background (tests, an embedding ``banpum serve``);
    ``serve_forever()`` runs it in the foreground until Ctrl-C (``banpum simulate-carrier``).
    Port 0 picks a free port; read ``port``/``base_url`` after starting.
    """

    # --- running ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> CarrierSimulator:
        self._bind()
        self._spawn("http", self._serve_http)
        self._spawn_workers()
        return self

    def serve_forever(self) -> None:
        self._bind()
        self._spawn_workers()
        logger.info("carrier simulator listening on %s", self.base_url)
        try:
            if self._httpd is None:
                raise RuntimeError("the server is bound before it serves")
            self._httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop every thread this simulator started, waking any reply held by a fault."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._wake.set()
        with self._outbox_cv:
            self._outbox_cv.notify_all()
        if self._httpd is not None:
            if any(t.name.endswith("-http") for t in self._threads):
                self._httpd.shutdown()
            self._httpd.server_close()  # joins the request threads
        for thread in self._threads:
            thread.join(timeout=10)
        with self._lock:
            self._save()

    def _bind(self) -> None:
        self._httpd = _Server((self.host, self._port), _Handler)
        self._httpd.simulator = self

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=f"carrier-sim-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _spawn_workers(self) -> None:
        self._spawn("playback", self._playback_loop)
        self._spawn("webhooks", self._delivery_loop)

    def _serve_http(self) -> None:
        if self._httpd is None:
            raise RuntimeError("the server is bound before it serves")
        self._httpd.serve_forever(poll_interval=0.1)

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
