"""Model fields shared by the apps.

``EncryptedCharField`` keeps a short secret (a refund account number) encrypted at rest with
``core.crypto``: it encrypts when saved, decrypts when loaded, and hands the app a ``Secret``
that prints as a mask. Its column holds only ciphertext, so:

- it cannot be filtered, ordered or made unique on (each value has a fresh nonce): only
  ``isnull`` lookups are allowed, the rest raise at once instead of silently matching nothing;
  keep a separate, non-secret column (a masked number, a keyed hash) to search by;
- it stays out of model forms and the admin's edit forms (a form would show the mask and save
  it back): write through a service, show ``mask_account_number`` or the like;
- ``dumpdata`` writes the ciphertext, never the plaintext.
"""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from banpum.core.crypto import Secret, decrypt, encrypt


class EncryptedCharField(models.Field[Secret | str | None, Secret | None]):
    """Text encrypted at rest; ``purpose`` is bound into every value (see ``core.crypto``) and
    must never change once rows exist. ``max_length`` limits the plaintext, in characters."""

    description = "Text encrypted at rest (AES-GCM)"

    def __init__(self, *args: Any, purpose: str, **kwargs: Any) -> None:
        if not purpose:
            raise ValueError("EncryptedCharField needs a purpose, e.g. 'refund_account'")
        self.purpose = purpose
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> Secret | None:
        if value is None:
            return None
        return Secret(decrypt(value, purpose=self.purpose))

    def to_python(self, value: Any) -> Secret | None:
        if value is None or isinstance(value, Secret):
            return value
        if isinstance(value, str):
            return Secret(value)
        raise TypeError(f"{self.name} takes text or a Secret, not {type(value).__name__}")

    def get_prep_value(self, value: Any) -> str | None:
        secret = self.to_python(value)
        if secret is None:
            return None
        return encrypt(secret.reveal(), purpose=self.purpose)

    def run_validators(self, value: Any) -> None:
        # Validators see the plaintext; Django's length messages quote only the length.
        super().run_validators(value.reveal() if isinstance(value, Secret) else value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def formfield(self, **kwargs: Any) -> Any:
        return None

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""
