"""Standard Webhooks signatures: the specification's test vector, both ways, and what a
consumer must refuse."""

from __future__ import annotations

import base64
import re

import pytest

from banpum.webhooks import signing

# The test vector of the Standard Webhooks reference libraries (libraries/python/tests,
# test_sign_function): this secret, id, time and body sign to exactly this.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _spec_headers(signature: str = SPEC_SIGNATURE) -> dict[str, str]:
    return {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": signature,
    }


def test_we_sign_the_specifications_test_vector_exactly() -> None:
    signed = signing.signature(
        SPEC_SECRET, message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY
    )
    assert signed == SPEC_SIGNATURE
    # The whsec_ prefix is optional, as in the specification's libraries.
    bare = SPEC_SECRET.removeprefix("whsec_")
    assert (
        signing.signature(bare, message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY)
        == SPEC_SIGNATURE
    )


def test_we_verify_the_specifications_test_vector_and_refuse_what_is_off() -> None:
    def verify(
        headers: dict[str, str], body: bytes = SPEC_BODY, now: float = SPEC_TIMESTAMP
    ) -> bool:
        return signing.webhook_verify(SPEC_SECRET, headers=headers, body=body, now=now)

    assert verify(_spec_headers())
    assert verify({k.upper(): v for k, v in _spec_headers().items()})  # header names: any case
    # One of several signatures (a rotation): any valid one passes.
    other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    assert verify(_spec_headers(f"{other} {SPEC_SIGNATURE}"))
    assert not verify(_spec_headers(other))
    assert not verify(_spec_headers("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="))
    assert not verify(_spec_headers("v1a," + SPEC_SIGNATURE[3:]))  # another scheme
    assert not verify(_spec_headers(), body=b'{"test": 2432232315}')
    assert not verify(_spec_headers(), now=SPEC_TIMESTAMP + 301)  # replayed later
    assert not verify(_spec_headers(), now=SPEC_TIMESTAMP - 301)
    assert verify(_spec_headers(), now=SPEC_TIMESTAMP + 300)
    for missing in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        headers = _spec_headers()
        del headers[missing]
        assert not verify(headers)
    assert not verify({**_spec_headers(), "webhook-timestamp": "hello"})
    assert not verify({**_spec_headers(), "webhook-id": "msg.1"})
    assert not signing.webhook_verify(
        signing.secret_generate(), headers=_spec_headers(), body=SPEC_BODY, now=SPEC_TIMESTAMP
    )


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    first, second = signing.secret_generate(), signing.secret_generate()
    assert first != second
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", first)
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    assert signing.secret_key(first) == base64.b64decode(first[6:])


def test_a_rotation_signs_with_every_live_secret() -> None:
    old, new = signing.secret_generate(), signing.secret_generate()
    headers = signing.headers([new, old], message_id="msg_1", timestamp=1700000000, body=b"{}")
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == "1700000000"
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert signing.webhook_verify(secret, headers=headers, body=b"{}", now=1700000000)


def test_malformed_secrets_and_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="base64"):
        signing.secret_key("whsec_not base64!")
    with pytest.raises(ValueError, match="empty"):
        signing.secret_key("whsec_")
    with pytest.raises(ValueError, match="full stop"):
        signing.signature(SPEC_SECRET, message_id="a.b", timestamp=1, body=b"")
