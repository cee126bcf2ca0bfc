"""Standard Webhooks signatures (standardwebhooks.com, spec 1.0.0), symmetric scheme ``v1``.

- The secret is shown to the merchant as ``whsec_`` + base64 of 32 random bytes; the HMAC key
  is those bytes (the base64 decoded), not the text.
- The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``: the id, the attempt's
  unix time in seconds and the exact bytes sent, joined by full stops.
- ``webhook-signature`` is ``v1,<base64 HMAC-SHA256>``; during a secret rotation it lists a
  signature per live secret, separated by spaces, and a consumer accepts any that matches.

``webhook_verify`` is the consumer's side, the same recipe ``docs/WEBHOOKS.md`` gives: the
tests run both against the specification's published test vector.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix every secret shows, not a secret)
SECRET_BYTES = 32
SIGNATURE_VERSION = "v1"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
TOLERANCE_SECONDS = 5 * 60


def secret_generate() -> str:
    """A new signing secret, as the merchant copies it (shown once)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret (the prefix is optional, as the spec's libraries
    accept it). Raises ``ValueError`` for text that is not base64."""
    text = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret is whsec_ followed by base64") from None
    if not key:
        raise ValueError("a webhook secret must not be empty")
    return key


def signature(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>``."""
    if "." in message_id:
        raise ValueError("a webhook id must not contain a full stop")
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def headers(
    secrets_: Iterable[str], *, message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers of one attempt, signed with every live secret (current first)."""
    signatures = [
        signature(secret, message_id=message_id, timestamp=timestamp, body=body)
        for secret in secrets_
    ]
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: " ".join(signatures),
    }


def webhook_verify(
    secret: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    tolerance_seconds: int = TOLERANCE_SECONDS,
) -> bool:
    """Whether a received webhook is signed with ``secret`` and its timestamp is recent."""
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id = lowered.get(ID_HEADER, "")
    timestamp = lowered.get(TIMESTAMP_HEADER, "")
    received = lowered.get(SIGNATURE_HEADER, "")
    if not (message_id and timestamp.isascii() and timestamp.isdigit() and received):
        return False
    if "." in message_id or len(timestamp) > 12:
        return False
    if abs(now - int(timestamp)) > tolerance_seconds:
        return False
    expected = signature(secret, message_id=message_id, timestamp=int(timestamp), body=body)
    return any(
        hmac.compare_digest(expected.encode(), candidate.encode())
        for candidate in received.split(" ")
    )
