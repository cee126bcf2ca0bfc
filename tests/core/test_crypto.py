"""Encryption at rest: values round-trip, and anything altered, moved or keyless fails loudly."""

from __future__ import annotations

import base64
import logging
import pickle
import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from banpum.core.crypto import (
    MASK,
    DecryptionError,
    FieldKey,
    FieldKeyError,
    Keyring,
    Secret,
    decrypt,
    encrypt,
    field_key_from_file,
    field_key_generate,
    field_key_parse,
    field_keyring,
    needs_rotation,
)

KEY_A = FieldKey.from_secret(bytes(range(32)))
KEY_B = FieldKey.from_secret(bytes(range(100, 132)))
RING = Keyring(current=KEY_A)


def b64(key: FieldKey) -> str:
    return base64.b64encode(key.secret).decode()


def test_a_value_round_trips_and_is_not_stored_in_the_clear() -> None:
    token = encrypt("110-123-456789", purpose="refund_account", keyring=RING)

    assert token.startswith(f"v1:{KEY_A.id}:")
    assert b"123-456789" not in base64.b64decode(token.split(":")[2])
    assert decrypt(token, purpose="refund_account", keyring=RING) == "110-123-456789"


def test_each_value_gets_its_own_nonce() -> None:
    first = encrypt("11012345678", purpose="refund_account", keyring=RING)
    second = encrypt("11012345678", purpose="refund_account", keyring=RING)

    assert first != second
    nonce = base64.b64decode(first.split(":")[2])[:12]
    assert nonce != base64.b64decode(second.split(":")[2])[:12]


@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
def test_a_tampered_value_fails_with_a_clear_error(position: int) -> None:
    token = encrypt("11012345678", purpose="refund_account", keyring=RING)
    raw = bytearray(base64.b64decode(token.split(":")[2]))
    raw[position] ^= 0x01
    tampered = f"v1:{KEY_A.id}:{base64.b64encode(bytes(raw)).decode()}"

    with pytest.raises(DecryptionError, match="does not authenticate") as caught:
        decrypt(tampered, purpose="refund_account", keyring=RING)

    assert caught.value.purpose == "refund_account"
    assert caught.value.key_id == KEY_A.id
    assert "11012345678" not in str(caught.value)
    assert tampered not in str(caught.value)


def test_a_value_moved_to_another_purpose_does_not_decrypt() -> None:
    token = encrypt("11012345678", purpose="refund_account", keyring=RING)

    with pytest.raises(DecryptionError, match="another purpose"):
        decrypt(token, purpose="refund_holder", keyring=RING)


def test_the_key_id_in_the_prefix_is_authenticated_too() -> None:
    ring = Keyring(current=KEY_A, old=(KEY_B,))
    token = encrypt("11012345678", purpose="refund_account", keyring=ring)
    relabelled = token.replace(KEY_A.id, KEY_B.id, 1)

    with pytest.raises(DecryptionError):
        decrypt(relabelled, purpose="refund_account", keyring=ring)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "not a v1"),
        ("11012345678", "not a v1"),
        ("v2:abcd1234:AAAA", "not a v1"),
        ("v1:abcd1234", "not a v1"),
        ("v1:abcd1234:not base64!", "not base64"),
        ("v1:abcd1234:AAAA", "truncated"),
    ],
)
def test_malformed_values_are_refused(token: str, reason: str) -> None:
    with pytest.raises(DecryptionError, match=reason):
        decrypt(token, purpose="refund_account", keyring=RING)


def test_an_unknown_key_says_how_to_fix_it() -> None:
    token = encrypt("11012345678", purpose="refund_account", keyring=Keyring(current=KEY_B))

    with pytest.raises(DecryptionError, match="BANPUM_FIELD_KEYS_OLD"):
        decrypt(token, purpose="refund_account", keyring=RING)


def test_rotation_old_values_still_decrypt_and_are_flagged_for_re_encryption() -> None:
    before = Keyring(current=KEY_A)
    after = Keyring(current=KEY_B, old=(KEY_A,))
    old_token = encrypt("11012345678", purpose="refund_account", keyring=before)

    assert decrypt(old_token, purpose="refund_account", keyring=after) == "11012345678"
    assert needs_rotation(old_token, keyring=after)
    new_token = encrypt(
        decrypt(old_token, purpose="refund_account", keyring=after),
        purpose="refund_account",
        keyring=after,
    )
    assert not needs_rotation(new_token, keyring=after)
    assert new_token.split(":")[1] == KEY_B.id
    # Once every value is re-encrypted the old key can go.
    assert decrypt(new_token, purpose="refund_account", keyring=Keyring(current=KEY_B)) == (
        "11012345678"
    )


def test_the_keyring_follows_the_settings(tmp_path: Path) -> None:
    with override_settings(BANPUM_FIELD_KEY=b64(KEY_B), BANPUM_FIELD_KEYS_OLD=[b64(KEY_A)]):
        ring = field_keyring()
    assert ring.current == KEY_B
    assert ring.old == (KEY_A,)

    with override_settings(BANPUM_FIELD_KEY="", BANPUM_FIELD_KEYS_OLD=[], VAR_DIR=tmp_path):
        ring = field_keyring()
    assert ring.current == field_key_from_file(tmp_path / "field_key")


def test_without_a_configured_key_one_is_generated_into_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "field_key"

    key = field_key_from_file(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(base64.b64decode(path.read_text())) == 32
    assert field_key_from_file(path) == key, "the file's key is kept"
    assert [p.name for p in tmp_path.iterdir()] == ["field_key"], "no temporary file left"


def test_an_empty_key_file_is_an_error_not_a_new_key(tmp_path: Path) -> None:
    path = tmp_path / "field_key"
    path.write_text("")

    with pytest.raises(ImproperlyConfigured, match="restore the key"):
        field_key_from_file(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not base64 at all!", "not base64"),
        (base64.b64encode(b"short").decode(), "must be 32 bytes"),
        (base64.b64encode(bytes(33)).decode(), "must be 32 bytes"),
    ],
)
def test_a_bad_key_is_a_configuration_error(text: str, problem: str) -> None:
    with pytest.raises(FieldKeyError, match=problem) as caught:
        field_key_parse(text, source="BANPUM_FIELD_KEY")

    assert "BANPUM_FIELD_KEY" in str(caught.value)
    assert text not in str(caught.value)


def test_generated_keys_parse_in_both_base64_alphabets() -> None:
    text = field_key_generate()
    key = field_key_parse(text, source="test")

    assert field_key_parse(text.replace("+", "-").replace("/", "_").rstrip("="), source="t") == key
    assert repr(key).count(text) == 0, "a key's repr does not show the key"


def test_purpose_must_be_a_label() -> None:
    with pytest.raises(ValueError, match="purpose"):
        encrypt("x", purpose="", keyring=RING)


@given(st.text(max_size=200), st.sampled_from(["refund_account", "holder", "x"]))
def test_any_unicode_text_round_trips(plaintext: str, purpose: str) -> None:
    token = encrypt(plaintext, purpose=purpose, keyring=RING)

    assert token.isascii()
    assert decrypt(token, purpose=purpose, keyring=RING) == plaintext


def test_a_secret_never_shows_itself(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret("11012345678")

    assert str(secret) == MASK
    assert repr(secret) == "Secret('********')"
    assert f"{secret}|{secret!r}|{secret:>10}" == f"{MASK}|Secret('********')|  {MASK}"
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("account %s %r", secret, secret)
    assert "11012345678" not in caplog.text
    assert "11012345678" not in repr([secret, {"k": secret}])
    assert secret.reveal() == "11012345678"


def test_secrets_compare_by_value_and_survive_pickling() -> None:
    secret = Secret("11012345678")

    assert secret == Secret("11012345678")
    assert secret != Secret("11012345679")
    assert secret != "11012345678", "a Secret never equals its plaintext by accident"
    assert pickle.loads(pickle.dumps(secret)) == secret  # noqa: S301 - our own bytes
    assert bool(Secret("")) is False
    with pytest.raises(TypeError):
        Secret(11012345678)  # type: ignore[arg-type]
