"""A store's message settings: the defaults without a row, the one reader the sending code
uses, and the save's validation (a Korean sender number, an email, a language; every channel
may be off)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from banpum.core.errors import PermissionDenied, ValidationFailed
from banpum.notify.catalogue import Language
from banpum.notify.models import NotifySettings
from banpum.notify.selectors import PhoneReach, notify_settings_get
from banpum.notify.services.notify_settings import notify_settings_save, sender_phone_digits
from tests.factories import StoreFactory, make_policy
from tests.notify.helpers import NOW, staff

pytestmark = pytest.mark.django_db


def save(store: Any, actor: Any = None, **changes: Any) -> NotifySettings:
    values: dict[str, Any] = {
        "email_enabled": True,
        "sms_enabled": True,
        "alimtalk_enabled": True,
        "sender_email": "",
        "sender_phone": "",
        "language": "ko",
        **changes,
    }
    return notify_settings_save(
        store=store, actor=actor or staff(store, username="manager"), now=NOW, **values
    )


def field_errors(raised: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    fields = raised.value.extra["fields"]
    assert isinstance(fields, dict)
    return fields


def test_a_store_without_a_row_sends_everything_from_the_defaults(
    store: Any, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "noreply@banpum.example"
    settings.BANPUM_NOTIFY_SENDER_PHONE = "0215880000"
    choices = notify_settings_get(store=store)
    assert (choices.email, choices.sms, choices.alimtalk) == (True, True, True)
    assert (choices.sender_email, choices.sender_phone) == ("noreply@banpum.example", "0215880000")
    assert choices.language == Language.KO
    assert not choices.saved
    assert (choices.own_sender_email, choices.own_sender_phone) == ("", "")
    assert choices.phone_reach is PhoneReach.ALIMTALK_THEN_SMS
    assert not choices.silent
    assert not NotifySettings.objects.exists()


def test_saving_replaces_the_settings_and_records_who(store: Any, settings: Any) -> None:
    settings.BANPUM_NOTIFY_SENDER_PHONE = "0215880000"
    row = save(
        store,
        sms_enabled=False,
        sender_email="  help@shop.example ",
        sender_phone="02-1234-5678",
        language="en",
    )
    assert (row.sender_email, row.sender_phone) == ("help@shop.example", "0212345678")
    assert (row.updated_by, row.updated_at) == ("manager", NOW)
    choices = notify_settings_get(store=store)
    assert choices.saved
    assert (choices.sender_email, choices.sender_phone) == ("help@shop.example", "0212345678")
    assert choices.language == Language.EN
    assert choices.phone_reach is PhoneReach.ALIMTALK_ONLY

    later = NOW + dt.timedelta(hours=1)
    notify_settings_save(
        store=store, email_enabled=True, sms_enabled=True, alimtalk_enabled=False,
        sender_email="", sender_phone="", language="ko",
        actor=staff(store, username="admin", role="admin"), now=later,
    )  # fmt: skip
    assert NotifySettings.objects.filter(store=store).count() == 1
    choices = notify_settings_get(store=store)
    # Empty senders: the defaults, which a later change of the default moves too.
    assert (choices.own_sender_email, choices.own_sender_phone) == ("", "")
    assert choices.sender_phone == "0215880000"
    settings.BANPUM_NOTIFY_SENDER_PHONE = "0317770000"
    assert notify_settings_get(store=store).sender_phone == "0317770000"
    assert (choices.updated_by, choices.updated_at) == ("admin", later)
    assert choices.phone_reach is PhoneReach.SMS_ONLY


def test_every_channel_may_be_off(store: Any) -> None:
    save(store, email_enabled=False, sms_enabled=False, alimtalk_enabled=False)
    choices = notify_settings_get(store=store)
    assert choices.silent
    assert choices.phone_reach is PhoneReach.NOTHING


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("010-1234-5678", "01012345678"),
        ("01012345678", "01012345678"),
        ("011-123-4567", "0111234567"),
        ("02-123-4567", "021234567"),
        ("(02) 1588 0000", "0215880000"),
        ("031-123-4567", "0311234567"),
        ("064-712-3456", "0647123456"),
        ("070-1234-5678", "07012345678"),
        ("0505-123-4567", "05051234567"),
        ("080-123-4567", "0801234567"),
        ("1588-0000", "15880000"),
        ("1600.1234", "16001234"),
        ("+82 10-1234-5678", "01012345678"),
        ("+82-2-1588-0000", "0215880000"),
        ("+82 (0)2 1588 0000", None),  # brackets around the zero: not a way Koreans write it
    ],
)
def test_sender_numbers_korean_businesses_send_from(typed: str, stored: str | None) -> None:
    assert sender_phone_digits(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "1234",
        "010-123",
        "010-1234-56789",
        "020-123-4567",  # no such area code
        "035-123-4567",
        "1999-0000",  # not a 15xx/16xx/18xx number
        "1588-00000",
        "+1 415 555 0100",
        "010-1234-567a",
        "010/1234/5678",
        "전화번호",
    ],
)
def test_a_number_that_cannot_send_is_a_field_error_and_nothing_is_saved(
    store: Any, typed: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        save(store, sender_phone=typed)
    assert list(field_errors(raised)) == ["sender_phone"]
    assert not NotifySettings.objects.exists()


@pytest.mark.parametrize(
    "typed",
    ["help", "help@", "@shop.example", "help@shop", "a b@shop.example", "x" * 250 + "@a.kr"],
)
def test_a_bad_sender_email_is_a_field_error(store: Any, typed: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        save(store, sender_email=typed)
    assert list(field_errors(raised)) == ["sender_email"]
    assert not NotifySettings.objects.exists()


def test_every_bad_field_is_named_at_once_in_english(store: Any, english: None) -> None:
    with pytest.raises(ValidationFailed) as raised:
        save(store, sender_email="nope", sender_phone="123", language="fr")
    fields = field_errors(raised)
    assert set(fields) == {"sender_email", "sender_phone", "language"}
    assert "010-1234-5678" in fields["sender_phone"][0]
    assert fields["language"] == ["choose one of: ko, en"]


def test_only_managers_and_admins_of_the_store_may_save(store: Any) -> None:
    for role in ("cs_agent", "warehouse"):
        with pytest.raises(PermissionDenied):
            save(store, staff(store, username=role, role=role), email_enabled=False)
    other = StoreFactory(slug="other", code="OT1")
    make_policy(other)
    with pytest.raises(PermissionDenied):
        save(store, staff(other, username="other-manager"), email_enabled=False)
    assert not NotifySettings.objects.exists()
