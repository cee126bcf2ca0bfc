"""What the three simulators (carrier, payments, messaging) share to run: an HTTP server on
loopback whose handler turns each request into a ``SimRequest`` for the simulator and writes
the ``SimReply`` it gets back, and ``LoopbackSimulator``, the lifecycle around it.

Each simulator keeps only what makes it one provider: its routes, faults and state. The
plumbing (threads joined on stop, a reply held by an injected timeout woken on stop, one log
line per request with the path but never the query, a client that hung up) lives here once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit

from banpum.integrations.simulator_config import loopback_required

BODY_MAX = 1_000_000  # bytes read from a request; a simulator never needs more


@dataclass(frozen=True)
class SimRequest:
    method: str
    path: str
    query: dict[str, str]  # the last value of each name
    headers: Message[str, str]  # case-insensitive, as the client sent them
    body: bytes


@dataclass
class SimReply:
    status: int
    body: dict[str, Any] | str  # a dict is sent as JSON; a str as plain text (a gateway's 504)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sit on the reply (an injected timeout)
    drop: bool = False  # close the connection without answering (a lost reply)
    note: str = ""  # what the log line adds in brackets: a fault, a replay


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # request threads are joined on close: stop() leaves none behind
    block_on_close = True

    def __init__(self, address: tuple[str, int], simulator: LoopbackSimulator) -> None:
        self.simulator = simulator
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a client that connects and says nothing does not hold a thread forever

    def setup(self) -> None:
        super().setup()
        self.server_version = self.server.simulator.server_version

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: ``_serve`` logs one richer line per request instead."""

    def _serve(self, method: str) -> None:
        started = time.monotonic()
        simulator = self.server.simulator
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, BODY_MAX)) if length else b""
        parts = urlsplit(self.path)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        reply = simulator.handle(SimRequest(method, parts.path, query, self.headers, body))
        if reply.delay:
            simulator.hold(reply.delay)  # the client has given up by now
        if reply.drop:
            self.close_connection = True
        else:
            self._write(reply)
        simulator.logger.info(
            "%s %s → %s (%.0f ms)%s",
            method,
            parts.path,  # never the query: it can hold a phone number
            "dropped" if reply.drop else reply.status,
            (time.monotonic() - started) * 1000,
            f" [{reply.note}]" if reply.note else "",
        )

    def _write(self, reply: SimReply) -> None:
        if isinstance(reply.body, str):
            payload, content_type = reply.body.encode(), "text/plain; charset=utf-8"
        else:
            payload = json.dumps(reply.body, ensure_ascii=False).encode()
            content_type = "application/json; charset=utf-8"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            reply.note = (reply.note + ", " if reply.note else "") + "client gone"


class LoopbackSimulator:
    """A provider look-alike on loopback: ``start()``/``stop()`` run it on background threads
    (tests, ``banpum serve``), ``serve_forever()`` in the foreground until Ctrl-C (its
    ``banpum simulate-…`` command). Port 0 picks a free port: read ``base_url`` after starting.

    A subclass names itself (``name``, ``thread_prefix``, ``server_version``, ``logger``),
    answers ``handle``, and may run workers besides the HTTP server (``_workers``), wake them
    on stop (``_wake_workers``) and save its state once they are gone (``_stopped``).
    """

    name: ClassVar[str]  # "carrier simulator": log lines and the loopback refusal say it
    thread_prefix: ClassVar[str]  # "carrier-sim": threads are named <prefix>-<worker>
    server_version: ClassVar[str]  # the Server header
    logger: ClassVar[logging.Logger]

    def __init__(self, host: str, port: int) -> None:
        loopback_required(host, self.name)
        self.host = host
        self._port = port
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._threads: list[threading.Thread] = []

    def handle(self, request: SimRequest) -> SimReply:
        raise NotImplementedError

    def hold(self, seconds: float) -> None:
        """Sit on a reply (an injected delay) until the time is up or the simulator stops."""
        self._stopping.wait(seconds)

    def _workers(self) -> Mapping[str, Callable[[], None]]:
        return {}

    def _wake_workers(self) -> None:
        """Wake workers waiting for work, so they see the stop."""

    def _stopped(self) -> None:
        """Every thread is gone: save what must outlive the run."""

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        self._bind()
        self._spawn("http", self._serve_http)
        self._spawn_workers()
        return self

    def serve_forever(self) -> None:
        httpd = self._bind()
        self._spawn_workers()
        self.logger.info("%s listening on %s", self.name, self.base_url)
        try:
            httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop every thread this simulator started, waking any reply held by a fault."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._wake_workers()
        if self._httpd is not None:
            if any(thread.name.endswith("-http") for thread in self._threads):
                self._httpd.shutdown()
            self._httpd.server_close()  # joins the request threads
        for thread in self._threads:
            thread.join(timeout=10)
        self._stopped()

    def _bind(self) -> _Server:
        self._httpd = _Server((self.host, self._port), self)
        return self._httpd

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=f"{self.thread_prefix}-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _spawn_workers(self) -> None:
        for name, target in self._workers().items():
            self._spawn(name, target)

    def _serve_http(self) -> None:
        if self._httpd is None:
            raise RuntimeError("the server is bound before it serves")
        self._httpd.serve_forever(poll_interval=0.1)
