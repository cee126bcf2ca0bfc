"""Webhook signing: HMAC-SHA256 over ``"{timestamp}.{body}"``, as Stripe and GitHub sign.

One definition shared by whoever sends signed webhooks (the carrier simulator) and whoever
receives them (``logistics.webhooks``), so the two cannot drift apart. Plain plumbing: it
knows no carrier and no domain model.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Banpum-Timestamp"
SIGNATURE_HEADER = "X-Banpum-Signature"
DELIVERY_HEADER = "X-Banpum-Delivery"


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>``, as sent in the header.

    The timestamp is signed with the body so that a captured call cannot be replayed later
    with a fresh timestamp.
    """
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def webhook_signature_verify(
    *,
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    tolerance_seconds: int = 300,
    now: float | None = None,
) -> bool:
    """True when ``signature`` is ours for this body and the timestamp is recent."""
    if not secret or not timestamp.isascii() or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance_seconds:
        return False
    return hmac.compare_digest(webhook_signature(secret, timestamp, body), signature)
