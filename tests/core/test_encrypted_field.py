"""EncryptedCharField: ciphertext in the column, a masked Secret on the model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from django.core import serializers
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, models
from django.forms import modelform_factory

from banpum.core.crypto import DecryptionError, Secret, decrypt, encrypt
from banpum.core.fields import EncryptedCharField


class Vault(models.Model):
    """A throwaway model: its table exists only during these tests."""

    label = models.CharField(max_length=20, default="", blank=True)
    number = EncryptedCharField(purpose="refund_account", max_length=20)
    holder = EncryptedCharField(purpose="refund_holder", null=True, blank=True)

    objects: ClassVar[models.Manager[Vault]] = models.Manager()

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return f"vault {self.pk}"


@pytest.fixture
def vault_table(transactional_db: Any) -> Iterator[None]:
    with connection.schema_editor() as editor:
        editor.create_model(Vault)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(Vault)


def raw_column(pk: int, column: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM core_vault WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.usefixtures("vault_table")
def test_saved_values_are_ciphertext_and_load_as_secrets() -> None:
    vault = Vault.objects.create(number="11012345678", holder="홍길동")

    stored = raw_column(vault.pk, "number")
    assert stored.startswith("v1:")
    assert "11012345678" not in stored
    assert decrypt(stored, purpose="refund_account") == "11012345678"

    loaded = Vault.objects.get(pk=vault.pk)
    assert isinstance(loaded.number, Secret)
    assert loaded.number.reveal() == "11012345678"
    assert loaded.holder is not None
    assert loaded.holder.reveal() == "홍길동"
    assert "11012345678" not in repr(loaded.__dict__)


@pytest.mark.usefixtures("vault_table")
def test_null_stays_null_and_secrets_can_be_assigned() -> None:
    vault = Vault.objects.create(number=Secret("3333-01-1234567"), holder=None)

    assert raw_column(vault.pk, "holder") is None
    loaded = Vault.objects.get(pk=vault.pk)
    assert loaded.holder is None
    assert loaded.number == Secret("3333-01-1234567")


@pytest.mark.usefixtures("vault_table")
def test_a_ciphertext_copied_into_another_column_fails_on_load() -> None:
    vault = Vault.objects.create(number="11012345678", holder="홍길동")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_vault SET holder = number WHERE id = %s",
            [vault.pk],
        )

    with pytest.raises(DecryptionError, match="refund_holder"):
        Vault.objects.get(pk=vault.pk)


@pytest.mark.usefixtures("vault_table")
def test_only_isnull_lookups_are_allowed() -> None:
    Vault.objects.create(number="11012345678")

    assert Vault.objects.filter(holder__isnull=True).count() == 1
    with pytest.raises(FieldError):
        list(Vault.objects.filter(number="11012345678"))
    with pytest.raises(FieldError):
        list(Vault.objects.filter(number__startswith="110"))


def test_the_plaintext_length_is_validated_without_quoting_it() -> None:
    vault = Vault(number="1" * 21)

    with pytest.raises(ValidationError) as caught:
        vault.full_clean()

    assert "number" in caught.value.message_dict
    assert "1" * 21 not in str(caught.value)
    Vault(number="1" * 20).full_clean()


def test_the_field_stays_out_of_model_forms() -> None:
    form_class = modelform_factory(Vault, exclude=())

    assert set(form_class.base_fields) == {"label"}


@pytest.mark.usefixtures("vault_table")
def test_dumpdata_writes_ciphertext_only() -> None:
    Vault.objects.create(number="11012345678", holder="홍길동")

    dumped = serializers.serialize("json", Vault.objects.all())

    assert "11012345678" not in dumped
    assert "홍길동" not in dumped
    assert '"v1:' in dumped


def test_the_purpose_is_required_and_kept_by_migrations() -> None:
    with pytest.raises(ValueError, match="purpose"):
        EncryptedCharField(purpose="")
    field = Vault._meta.get_field("number")
    _, path, _, kwargs = field.deconstruct()

    assert path == "banpum.core.fields.EncryptedCharField"
    assert kwargs["purpose"] == "refund_account"
    assert kwargs["max_length"] == 20


def test_other_types_are_refused() -> None:
    field = Vault._meta.get_field("number")

    with pytest.raises(TypeError):
        field.get_prep_value(11012345678)
    assert field.get_prep_value(None) is None
    token = field.get_prep_value("x")
    assert token is not None
    assert decrypt(token, purpose="refund_account") == "x"
    assert encrypt("x", purpose="refund_account") != token
