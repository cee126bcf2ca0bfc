"""Encryption at rest for small secrets (refund account numbers): AES-256-GCM.

A stored value reads ``v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``:

- a fresh random 96-bit nonce per value (never reused under one key: 2^32 values per key keep
  the collision chance negligible, far beyond what a seller stores);
- the associated data binds the value to its format version, its key id and its *purpose*
  (``"refund_account"``): a ciphertext copied into another column, or into another kind of
  secret, fails to authenticate instead of decrypting into the wrong place;
- the key id is derived from the key itself (a truncated keyed hash, not the key), so rotation
  needs no id bookkeeping: set the new key as ``BANPUM_FIELD_KEY``, move the old one to
  ``BANPUM_FIELD_KEYS_OLD``; old values still decrypt, ``needs_rotation`` finds the values to
  re-encrypt, and once none is left the old key can go.

The key is ``BANPUM_FIELD_KEY`` (base64 of 32 bytes), else, in the embedded default, a key
generated on first use into ``<var>/field_key`` (mode 0600, the same way as the secret key).
Losing the key loses every value encrypted under it: back it up with the database.

Nothing here logs or puts a plaintext or a ciphertext into an exception: errors name the
purpose, the key id and what went wrong, for the operator's log.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from banpum.core.keyfiles import private_file_read_or_create

VERSION: Final = "v1"
KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
KEY_FILE_NAME: Final = "field_key"
_KEY_ID_LABEL: Final = b"banpum field key id"


class FieldKeyError(ImproperlyConfigured):
    """The configured key (or key file) is not a base64 256-bit key."""


class DecryptionError(Exception):
    """A stored value that cannot be decrypted: tampered, moved from another purpose, or
    encrypted under a key that is no longer configured. Says which, never the value."""

    def __init__(self, *, purpose: str, reason: str, key_id: str = "") -> None:
        self.purpose = purpose
        self.reason = reason
        self.key_id = key_id
        under = f" (key {key_id})" if key_id else ""
        super().__init__(f"Cannot decrypt a {purpose!r} value{under}: {reason}.")


@dataclass(frozen=True)
class FieldKey:
    id: str
    secret: bytes = field(repr=False)

    @classmethod
    def from_secret(cls, secret: bytes) -> FieldKey:
        if len(secret) != KEY_BYTES:
            raise FieldKeyError(f"A field key must be {KEY_BYTES} bytes, not {len(secret)}.")
        digest = hmac.new(secret, _KEY_ID_LABEL, hashlib.sha256).hexdigest()
        return cls(id=digest[:8], secret=secret)


@dataclass(frozen=True)
class Keyring:
    """The key new values are encrypted with, and the old keys that still decrypt."""

    current: FieldKey
    old: tuple[FieldKey, ...] = ()

    def find(self, key_id: str) -> FieldKey | None:
        for key in (self.current, *self.old):
            if hmac.compare_digest(key.id, key_id):
                return key
        return None


def field_key_generate() -> str:
    """A new key, base64 as ``BANPUM_FIELD_KEY`` wants it (for operators and the key file)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def field_key_parse(text: str, *, source: str) -> FieldKey:
    """A key from its base64 text (standard or URL-safe alphabet); ``source`` names where it
    came from in the error, never the text itself."""
    cleaned = text.strip()
    try:
        alphabet_fixed = cleaned.replace("-", "+").replace("_", "/")
        secret = base64.b64decode(alphabet_fixed + "=" * (-len(alphabet_fixed) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise FieldKeyError(f"{source} is not base64 (a 32-byte random key, encoded).") from None
    try:
        return FieldKey.from_secret(secret)
    except FieldKeyError as error:
        raise FieldKeyError(f"{source}: {error}") from None


def field_key_from_file(path: Path) -> FieldKey:
    """The key kept in ``path``, generated into it (mode 0600) on first use."""
    text = private_file_read_or_create(path, field_key_generate)
    if not text:
        raise FieldKeyError(f"{path} is empty: restore the key from a backup.")
    return field_key_parse(text, source=str(path))


def field_keyring() -> Keyring:
    """The keyring the settings describe (``BANPUM_FIELD_KEY``, ``BANPUM_FIELD_KEYS_OLD``,
    ``VAR_DIR``); built once per configuration, so a settings override in a test takes effect."""
    current = str(getattr(settings, "BANPUM_FIELD_KEY", "") or "")
    old = getattr(settings, "BANPUM_FIELD_KEYS_OLD", ()) or ()
    if isinstance(old, str):
        old = [item for item in old.split(",") if item.strip()]
    key_file = "" if current else str(Path(settings.VAR_DIR) / KEY_FILE_NAME)
    return _keyring(current, tuple(str(item) for item in old), key_file)


@functools.lru_cache(maxsize=8)
def _keyring(current: str, old: tuple[str, ...], key_file: str) -> Keyring:
    key = (
        field_key_parse(current, source="BANPUM_FIELD_KEY")
        if current
        else field_key_from_file(Path(key_file))
    )
    old_keys = tuple(
        field_key_parse(text, source=f"BANPUM_FIELD_KEYS_OLD[{index}]")
        for index, text in enumerate(old)
    )
    return Keyring(current=key, old=tuple(k for k in old_keys if k.id != key.id))


def _associated_data(key_id: str, purpose: str) -> bytes:
    return f"banpum:{VERSION}:{key_id}:{purpose}".encode()


def _check_purpose(purpose: str) -> None:
    if not purpose or not purpose.isascii() or not purpose.isprintable():
        raise ValueError("purpose must be a non-empty printable ASCII label, e.g. 'refund_account'")


def encrypt(plaintext: str, *, purpose: str, keyring: Keyring | None = None) -> str:
    """``plaintext`` sealed for ``purpose`` under the current key, as stored text."""
    _check_purpose(purpose)
    key = (keyring or field_keyring()).current
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key.secret).encrypt(
        nonce, plaintext.encode("utf-8"), _associated_data(key.id, purpose)
    )
    return f"{VERSION}:{key.id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def _split(token: str, purpose: str) -> tuple[str, bytes]:
    parts = token.split(":")
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionError(purpose=purpose, reason=f"not a {VERSION} encrypted value")
    key_id, body = parts[1], parts[2]
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError(
            purpose=purpose, key_id=key_id, reason="the body is not base64"
        ) from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(purpose=purpose, key_id=key_id, reason="the body is truncated")
    return key_id, raw


def decrypt(token: str, *, purpose: str, keyring: Keyring | None = None) -> str:
    """The plaintext of a value ``encrypt`` sealed for the same ``purpose``.

    Raises ``DecryptionError`` for a malformed, tampered or moved value, or one whose key is
    not configured (neither current nor old).
    """
    _check_purpose(purpose)
    key_id, raw = _split(token, purpose)
    key = (keyring or field_keyring()).find(key_id)
    if key is None:
        raise DecryptionError(
            purpose=purpose,
            key_id=key_id,
            reason="its key is not configured (add it to BANPUM_FIELD_KEYS_OLD)",
        )
    try:
        plain = AESGCM(key.secret).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(key_id, purpose)
        )
    except InvalidTag:
        raise DecryptionError(
            purpose=purpose,
            key_id=key_id,
            reason="it does not authenticate (altered, or stored for another purpose)",
        ) from None
    return plain.decode("utf-8")


def needs_rotation(token: str, *, keyring: Keyring | None = None) -> bool:
    """True when ``token`` was sealed under an old key: decrypt and encrypt it again."""
    parts = token.split(":")
    return len(parts) == 3 and parts[1] != (keyring or field_keyring()).current.id


MASK: Final = "********"


@final
class Secret:
    """A decrypted value that does not show itself: ``str``, ``repr`` and formatting print a
    mask, so a log line, a traceback's locals or a template never leak it by accident.
    ``reveal()`` is the one, greppable, way to the plaintext."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Secret holds text, not {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Secret, (self._value,))
