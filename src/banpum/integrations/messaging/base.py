"""The contract every SMS / KakaoTalk 알림톡 adapter fulfils, in plain dataclasses and one error.

The notify app sends a shopper's or a staff member's message through ``MessageGateway`` and
never sees HTTP. Two kinds of "no" come back, and they are different on purpose:

- ``SendResult(status=FAILED)``: the provider answered about *this message* and refused it
  (an unregistered sender number, a text too long for its type). Sending it again changes
  nothing; the reason is the provider's, for the delivery log.
- ``MessagingError``: the *call* failed. ``retryable`` says whether a later attempt with the
  same ``idempotency_key`` may succeed (timeouts, refused connections, 5xx, 429) or a person
  must act (bad credentials, a malformed request, no balance left). ``maybe_sent`` is True
  when the request may have reached the provider before the failure (a timeout after
  sending): the message may already be on its way. Banpum's simulator answers a retry with
  the same key with the first reply; Solapi itself documents no idempotency key, so a retry
  there can send twice (see ``solapi.py``).

A message accepted is not yet delivered: ``status(provider_id)`` reads the delivery receipt,
which turns ``delivered`` or ``failed`` when the carrier (or Kakao) reports. A 알림톡 Kakao
refuses (no KakaoTalk on the phone, a template not registered or not matching) is sent as
SMS/LMS instead when the message carries a fallback text; the receipt then says so
(``fallback=True``, ``channel`` SMS or LMS).

Phone numbers are personal data: adapters log and raise with ``mask_phone`` only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Channel(StrEnum):
    ALIMTALK = "alimtalk"  # KakaoTalk 알림톡: a pre-approved template, from a Kakao channel
    SMS = "sms"  # short text (90 bytes in EUC-KR: 45 Korean characters)
    LMS = "lms"  # long text with a subject (2,000 bytes)


class SendStatus(StrEnum):
    ACCEPTED = "accepted"  # the provider took it; delivery is reported later
    FAILED = "failed"  # the provider refused this message


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # accepted, no report yet
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one phone.

    ``idempotency_key`` is the same on every retry of this message (the notify app's message
    row). ``sender`` is a number registered with the provider (발신번호 사전등록). For
    ``Channel.ALIMTALK``, ``template_code`` is the provider's template id and ``text`` the
    exact approved text with ``variables`` filled in (Kakao refuses a text that differs from
    the template); ``fallback_text`` (and ``fallback_subject`` when it is long) is what goes
    as SMS/LMS when the 알림톡 cannot be delivered; empty means no fallback. For SMS and LMS,
    ``text`` (and ``subject`` for LMS) is the message.
    """

    idempotency_key: str
    to: str
    sender: str
    channel: Channel
    text: str
    subject: str = ""
    template_code: str = ""
    variables: Mapping[str, str] = field(default_factory=dict)
    fallback_text: str = ""
    fallback_subject: str = ""


@dataclass(frozen=True)
class SendResult:
    """What the provider answered about one message."""

    provider_id: str  # the provider's message id ("" when it never gave one)
    status: SendStatus
    reason: str = ""  # the provider's words when refused
    status_code: str = ""  # the provider's own code (Solapi: "2000" accepted, "1062", …)


@dataclass(frozen=True)
class DeliveryReceipt:
    """Where one message stands at the provider (리포트)."""

    provider_id: str
    status: DeliveryStatus
    channel: Channel  # what was (or is being) delivered: SMS/LMS after a 알림톡 fell back
    fallback: bool = False  # the 알림톡 could not be delivered and the SMS/LMS went instead
    status_code: str = ""
    reason: str = ""  # the provider's words for a failure (and for a fallback)
    reported_at: dt.datetime | None = None  # aware; when the final report came


class MessagingError(Exception):
    """A failed call to the messaging provider (not a refusal of the message: ``SendResult``).

    ``code`` is the provider's error code (``errorCode``) or ours for transport failures
    (``timeout``, ``connection``, ``config``, ``bad_response``, ``not_found``).
    """

    def __init__(
        self, code: str, message: str, *, retryable: bool, maybe_sent: bool = False
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable
        self.maybe_sent = maybe_sent


class MessageGateway(Protocol):
    def send(self, message: OutgoingMessage) -> SendResult:
        """Hand one message to the provider; raises ``MessagingError`` when the call fails."""
        ...

    def status(self, provider_id: str) -> DeliveryReceipt:
        """The delivery receipt of a message sent earlier; raises ``MessagingError``."""
        ...


_PHONE_LIKE = re.compile(r"(?<!\d)(\d{2,3})[- ]?(\d{3,4})[- ]?(\d{4})(?!\d)")


def mask_phone(phone: str) -> str:
    """``01012345678`` → ``010****5678``: enough to tell numbers apart in a log, not to call."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def redact_phones(text: str) -> str:
    """Every phone-like number in ``text`` masked, for provider words that echo a number."""
    return _PHONE_LIKE.sub(lambda found: mask_phone(found.group(0)), text)
