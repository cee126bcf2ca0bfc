"""Webhook signing, shared by the simulator that sends and the receiver that checks."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from banpum.core.signing import webhook_signature, webhook_signature_verify

NOW = 1_750_000_000
BODY = b'{"events": []}'


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()

    assert webhook_signature("s3cret", str(NOW), BODY) == f"sha256={expected}"


def test_a_fresh_signature_verifies() -> None:
    signature = webhook_signature("s3cret", str(NOW), BODY)

    assert webhook_signature_verify(
        secret="s3cret", timestamp=str(NOW), body=BODY, signature=signature, now=NOW + 299
    )


@pytest.mark.parametrize(
    ("secret", "timestamp", "body", "now"),
    [
        ("other", str(NOW), BODY, NOW),  # another secret
        ("s3cret", str(NOW), BODY + b" ", NOW),  # another body
        ("s3cret", str(NOW), BODY, NOW + 301),  # stale
        ("s3cret", str(NOW), BODY, NOW - 301),  # from the future
        ("", str(NOW), BODY, NOW),  # no secret
        ("s3cret", "²", BODY, NOW),  # Unicode digits are no timestamp
        ("s3cret", "", BODY, NOW),
    ],
)
def test_anything_else_does_not_verify(secret: str, timestamp: str, body: bytes, now: int) -> None:
    signature = webhook_signature("s3cret", str(NOW), BODY)

    assert not webhook_signature_verify(
        secret=secret, timestamp=timestamp, body=body, signature=signature, now=now
    )
