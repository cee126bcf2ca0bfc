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


def webhook_signature_problem(
    *,
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: float,
    tolerance_seconds: int = 300,
) -> str | None:
    """None when ``signature`` is ours for this body at ``now`` (unix seconds), else why not.

    The reason is for the receiver's log only: the caller answers every failure alike.
    """
    if not secret:
        return "no webhook secret"
    if not timestamp or not signature:
        return "missing signature headers"
    # ASCII digits only: str.isdigit() also takes "²" and "١٢", which int() then refuses.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "malformed timestamp"
    if abs(now - int(timestamp)) > tolerance_seconds:
        return "stale timestamp"
    if not hmac.compare_digest(webhook_signature(secret, timestamp, body), signature):
        return "signature mismatch"
    return None


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
    return (
        webhook_signature_problem(
            secret=secret,
            timestamp=timestamp,
            body=body,
            signature=signature,
            tolerance_seconds=tolerance_seconds,
            now=time.time() if now is None else now,
        )
        is None
    )
