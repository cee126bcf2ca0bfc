"""Settings › Messages › Sending: a manager turns channels on and off and sets the senders;
bad input is shown on its field and nothing is saved; every channel off is allowed and said
loudly; CS and warehouse are refused; another store's settings never show."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.notify.models import NotifySettings
from banpum.notify.selectors import notify_settings_get
from tests.office.settings_helpers import client_for, form_fields, page_text

pytestmark = pytest.mark.django_db

PAGE = "/office/settings/messages/sending/"
REACH = "/office/settings/messages/sending/reach/"
LIST = "/office/settings/messages/"
SILENT = "Every channel is off: shoppers get no message about their returns."


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    client = client_for(django_user_model, "manager", store, "manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def posted(**changes: Any) -> dict[str, Any]:
    """The form as a browser posts it: unticked boxes are absent."""
    data: dict[str, Any] = {
        "email_enabled": "on",
        "alimtalk_enabled": "on",
        "sms_enabled": "on",
        "sender_email": "",
        "sender_phone": "",
        "language": "ko",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def field(page: str, name: str) -> str:
    return page.split(f'id="field-{name}"', 1)[1].split("</div>", 1)[0]


def test_the_page_shows_the_defaults_of_a_store_that_never_chose(
    manager: Client, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "noreply@banpum.example"
    settings.BANPUM_NOTIFY_SENDER_PHONE = "0215880000"
    page = page_text(manager.get(PAGE))
    assert "<h1>Message sending</h1>" in page
    assert "Never changed: every channel is on" in page
    fields = form_fields(page)
    assert fields["email_enabled"] == fields["alimtalk_enabled"] == fields["sms_enabled"] == ["on"]
    # Empty: the default, named beside the field rather than frozen into it.
    assert fields["sender_email"] == fields["sender_phone"] == [""]
    assert "Empty: noreply@banpum.example" in field(page, "sender_email")
    assert "Empty: 02-1588-0000" in field(page, "sender_phone")
    assert "an SMS with the same news when the 알림톡 cannot be delivered" in page
    assert 'hx-post="/office/settings/messages/sending/reach/"' in page
    assert SILENT not in page


def test_a_manager_saves_and_the_sending_code_reads_it(manager: Client, store: Any) -> None:
    response = manager.post(
        PAGE,
        posted(
            sms_enabled=None,
            sender_email="help@shop.example",
            sender_phone="031-777-1234",
            language="en",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE
    choices = notify_settings_get(store=store)
    assert (choices.email, choices.alimtalk, choices.sms) == (True, True, False)
    assert (choices.sender_email, choices.sender_phone) == ("help@shop.example", "0317771234")
    assert choices.updated_by == "manager"
    page = page_text(manager.get(PAGE))
    assert "Saved: messages from now on follow these settings." in page
    assert "Last changed by manager" in page
    fields = form_fields(page)
    assert "sms_enabled" not in fields
    assert fields["sender_phone"] == ["031-777-1234"]
    assert fields["language"] == ["en"]
    assert "KakaoTalk 알림톡 only" in page
    overview = page_text(manager.get(LIST))
    assert "help@shop.example" in overview
    assert "031-777-1234" in overview
    assert "Shoppers read English" in overview
    assert f'href="{PAGE}"' in overview


@pytest.mark.parametrize(
    ("changes", "name", "words"),
    [
        ({"sender_phone": "010-1234"}, "sender_phone", "Korean phone number"),
        ({"sender_phone": "+1 415 555 0100"}, "sender_phone", "Korean phone number"),
        ({"sender_email": "help@"}, "sender_email", "enter an email address"),
        ({"sender_phone": "0" * 31}, "sender_phone", "at most 30 characters"),
        ({"language": "fr"}, "language", "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_on_its_field_and_kept(
    manager: Client, changes: dict[str, str], name: str, words: str
) -> None:
    page = page_text(manager.post(PAGE, posted(email_enabled=None, **changes)), 422)
    assert words in field(page, name)
    assert 'class="field has-error' in page
    assert not NotifySettings.objects.exists()
    # What was typed stays, boxes included.
    fields = form_fields(page)
    assert "email_enabled" not in fields
    if name != "language":
        assert fields[name] == [changes[name]]


def test_every_channel_off_is_saved_and_said_loudly(manager: Client, store: Any) -> None:
    off = posted(email_enabled=None, alimtalk_enabled=None, sms_enabled=None)
    response = manager.post(PAGE, off, follow=True)
    page = page_text(response)
    assert "Saved. Every channel is off" in page
    assert 'role="alert" id="reach-silent"' in page
    assert SILENT in page
    assert notify_settings_get(store=store).silent
    assert SILENT in page_text(manager.get(LIST))


def test_the_summary_follows_the_boxes_without_saving(manager: Client) -> None:
    fragment = page_text(manager.post(REACH, posted(alimtalk_enabled=None), HTTP_HX_REQUEST="true"))
    assert "Phone: SMS (LMS when long), no 알림톡." in fragment
    assert "<h1>" not in fragment
    fragment = page_text(
        manager.post(REACH, posted(email_enabled=None, alimtalk_enabled=None, sms_enabled=None))
    )
    assert SILENT in fragment
    assert not NotifySettings.objects.exists()
    assert manager.get(REACH).status_code == 405


@pytest.mark.parametrize("role", ["cs_agent", "warehouse"])
def test_cs_and_warehouse_are_refused(django_user_model: Any, store: Any, role: str) -> None:
    client = client_for(django_user_model, "someone", store, role)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, posted(email_enabled=None)).status_code == 403
    assert client.post(REACH, posted()).status_code == 403
    assert not NotifySettings.objects.exists()


def test_an_admin_may(django_user_model: Any, store: Any) -> None:
    admin = client_for(django_user_model, "admin", store, "admin")
    assert admin.post(PAGE, posted(sms_enabled=None)).status_code == 302
    assert not notify_settings_get(store=store).sms


def test_another_stores_settings_never_show_nor_change(
    manager: Client, store: Any, store2: Any, django_user_model: Any
) -> None:
    other = client_for(django_user_model, "manager2", store2, "manager")
    other.post(
        PAGE,
        posted(
            email_enabled=None,
            alimtalk_enabled=None,
            sms_enabled=None,
            sender_email="secret@two.example",
            sender_phone="070-9999-1111",
        ),
    )
    assert notify_settings_get(store=store2).silent
    page = page_text(manager.get(PAGE))
    assert "secret@two.example" not in page
    assert "070-9999-1111" not in page
    assert SILENT not in page
    assert form_fields(page)["email_enabled"] == ["on"]
    manager.post(PAGE, posted(sender_phone="02-123-4567"))
    assert notify_settings_get(store=store2).sender_phone == "07099991111"
    assert NotifySettings.objects.get(store=store).sender_phone == "021234567"
