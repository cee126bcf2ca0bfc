"""A local SMTP server that keeps every message it is sent: the demo's and the tests' inbox.

``banpum catch-mail`` runs one; ``banpum serve`` starts one in-process when EMAIL_HOST is the
loopback and the port is free. Each message is stored as a ``.eml`` file (the raw message, as
any mail reader opens it) and announced in one line. Loopback only: it relays nothing.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import socket
import threading
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

LOOPBACK = "127.0.0.1"


class _Keeper:
    """aiosmtpd's handler: each message to a file, and to ``on_message``."""

    def __init__(self, directory: Path, on_message: Callable[[Path, EmailMessage], None]) -> None:
        self.directory = directory
        self.on_message = on_message
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode()
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)  # noqa: S101 (the default policy's class)
        with self._lock:
            number = next(self._numbers)
            self.directory.mkdir(parents=True, exist_ok=True)
            existing = len(list(self.directory.glob("*.eml")))
            path = self.directory / f"{existing + number:06d}.eml"
            path.write_bytes(data)
            self.messages.append(parsed)
        self.on_message(path, parsed)
        return "250 Message accepted for delivery"


def _quiet(path: Path, message: EmailMessage) -> None:
    return None


def free_port() -> int:
    """A loopback port free now (aiosmtpd's controller checks its server by connecting to the
    port it was given, so it cannot take 0)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class MailCatcher:
    """An aiosmtpd server on 127.0.0.1 in a thread; ``port=0`` picks a free one."""

    def __init__(
        self,
        directory: Path,
        *,
        port: int = 8025,
        on_message: Callable[[Path, EmailMessage], None] = _quiet,
    ) -> None:
        self.keeper = _Keeper(directory, on_message)
        self.port = port or free_port()
        self._controller = Controller(self.keeper, hostname=LOOPBACK, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.keeper.messages)

    def start(self) -> MailCatcher:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def summary(path: Path, message: EmailMessage) -> str:
    """The one line printed per message caught."""
    return f"{path.name}  to={message['To']}  subject={message['Subject']}"
