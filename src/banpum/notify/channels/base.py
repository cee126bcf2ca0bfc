"""The one shape every channel has: hand a message over, read where it stands.

A channel never raises for a failed send: it answers a ``SendOutcome`` that says whether the
message went, may go on a later attempt (``retryable``), or never will; ``maybe_sent`` marks a
failure after which the provider may already have it (the next attempt reuses the message's
idempotency key, so it is not sent twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from banpum.notify.models import Message


@dataclass(frozen=True)
class SendOutcome:
    sent: bool
    channel: str  # what it went (or was to go) as: email, alimtalk, sms, lms
    provider_id: str = ""
    retryable: bool = False
    maybe_sent: bool = False
    error_code: str = ""
    reason: str = ""  # the provider's words, for the delivery log


@dataclass(frozen=True)
class Receipt:
    """A delivery report: ``delivered`` True or False; None from ``status`` means no news."""

    delivered: bool
    reason: str = ""


class Notifier(Protocol):
    def send(self, message: Message) -> SendOutcome: ...

    def status(self, message: Message) -> Receipt | None: ...
