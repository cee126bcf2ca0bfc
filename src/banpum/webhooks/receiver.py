"""A webhook receiver for trying webhooks on one machine: it checks each request as a
consumer would (``docs/WEBHOOKS.md``) and says what arrived. ``banpum receive-webhooks`` runs
it; it is never part of the server."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from banpum.webhooks import signing

MAX_BODY_BYTES = 1024 * 1024


def received_line(
    secret: str, headers: dict[str, str], body: bytes, *, now: float
) -> tuple[bool, str]:
    """(signature valid, one line saying what arrived)."""
    valid = signing.webhook_verify(secret, headers=headers, body=body, now=now)
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    number = (data.get("return") or {}).get("number", "") if isinstance(data, dict) else ""
    mark = "valid" if valid else "INVALID SIGNATURE"
    line = (
        f"{lowered.get('webhook-id', '-')} {payload.get('type', '?')} {number} "
        f"{payload.get('timestamp', '')} [{mark}]"
    )
    return valid, " ".join(line.split())


def receiver_server(
    *, host: str, port: int, secret: str, status: int, say: Callable[[str], None]
) -> ThreadingHTTPServer:
    """A server answering ``status`` to every correctly signed POST, 400 to the rest."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY_BYTES)
            body = self.rfile.read(length)
            valid, line = received_line(secret, dict(self.headers.items()), body, now=time.time())
            say(line)
            self.send_response(status if valid else 400)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return ThreadingHTTPServer((host, port), Handler)
