"""The office's message template pages: who sees them, the overview of every template, the
editor (an unknown variable is a form error and nothing is saved; a 알림톡 edit needs
re-approval), the live preview on one of the store's returns, approval and reset."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.notify.catalogue import Channel, Language, NotifyEvent
from banpum.notify.defaults import default_template
from banpum.notify.models import MessageTemplate
from banpum.notify.services.templates import template_effective
from banpum.returns.models import ReturnRequest
from tests.office.settings_helpers import client_for, form_fields, page_text

pytestmark = pytest.mark.django_db

LIST = "/office/settings/messages/"
EDIT = "/office/settings/messages/edit/"
PREVIEW = "/office/settings/messages/preview/"
APPROVED_KO = "?event=return.approved&channel=alimtalk&language=ko"
SMS_KO = "?event=return.approved&channel=sms&language=ko"
EMAIL_EN = "?event=return.requested&channel=email&language=en"


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    client = client_for(django_user_model, "manager", store, "manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def effective(store: Any, event: str, channel: str, language: str) -> Any:
    return template_effective(store, NotifyEvent(event), Channel(channel), Language(language))


def test_a_cs_agent_is_refused_and_sees_no_link(django_user_model: Any, store: Any) -> None:
    agent = client_for(django_user_model, "cs", store, "cs_agent")
    for url in (LIST, EDIT + SMS_KO):
        assert agent.get(url).status_code == 403
    assert agent.post(PREVIEW + SMS_KO, {"text": "x"}).status_code == 403
    assert LIST not in agent.get("/office/").content.decode()
    warehouse = client_for(django_user_model, "wh", store, "warehouse")
    assert warehouse.get(LIST).status_code == 403


def test_managers_and_admins_see_the_link(
    django_user_model: Any, store: Any, manager: Client
) -> None:
    assert LIST in page_text(manager.get("/office/settings/"))
    admin = client_for(django_user_model, "admin", store, "admin")
    assert LIST in page_text(admin.get("/office/settings/"))


def test_the_overview_lists_every_event_channel_and_language(
    manager: Client, store: Any, return1: ReturnRequest
) -> None:
    manager.post(
        EDIT + APPROVED_KO,
        {"text": "[{store_name}] 승인 {return_number}", "sample": return1.number},
    )
    page = page_text(manager.get(LIST))
    # 12 shopper events × 3 channels + 5 staff events × email, each in two languages.
    assert page.count('class="template-cell"') == (12 * 3 + 5) * 2
    assert "The return was approved." in page
    assert "Staff: refunds due tomorrow." in page
    assert "BP_RETURN_REQUESTED_KO" in page
    assert page.count("badge-edited") == 1
    assert page.count("Needs re-approval — sent as SMS until approved") == 1
    assert f"{EDIT}?event=return.approved&amp;channel=alimtalk&amp;language=ko" in page


def test_the_editor_shows_the_default_the_variables_and_a_preview(
    manager: Client, return1: ReturnRequest
) -> None:
    page = page_text(manager.get(EDIT + APPROVED_KO))
    default = default_template(NotifyEvent.RETURN_APPROVED, "alimtalk", "ko")
    fields = form_fields(page)
    assert fields["text"] == [default.text]
    assert fields["alimtalk_code"] == ["BP_RETURN_APPROVED_KO"]
    assert fields["sample"] == [return1.number]
    assert 'data-variable="label_link"' in page
    assert "{label_link}" in page  # copyable without JavaScript
    assert "Approved at the provider" in page
    assert f"반품번호: {return1.number}" in page  # the preview, rendered on the return
    assert "goes as LMS" in page or "fits one SMS" in page


@pytest.mark.parametrize(
    ("query", "data"),
    [
        (SMS_KO, {"text": "승인 {return_number} {waybill}"}),
        (EMAIL_EN, {"subject": "Hi {nobody}", "text": "Return {return_number}"}),
        (SMS_KO, {"text": "승인 {return_number!r}"}),
        (SMS_KO, {"text": "   "}),
        (EMAIL_EN, {"subject": "", "text": "Return {return_number}"}),
        (APPROVED_KO, {"text": "승인 {return_number}", "alimtalk_code": "two words"}),
    ],
)
def test_a_refused_draft_is_a_form_error_and_nothing_is_saved(
    manager: Client, return1: ReturnRequest, query: str, data: dict[str, str]
) -> None:
    response = manager.post(EDIT + query, {**data, "sample": return1.number})
    page = page_text(response, 422)
    assert 'class="error"' in page
    assert not MessageTemplate.objects.exists()
    if "{waybill}" in data.get("text", ""):
        assert "waybill is not a variable of this message" in page
    # What was typed stays in the form.
    assert form_fields(page)["text"] == [data["text"]]


def test_saving_changes_what_the_store_sends(
    manager: Client, store: Any, return1: ReturnRequest
) -> None:
    text = "[{store_name}] {customer_name}님 승인: {return_number}"
    response = manager.post(EDIT + SMS_KO, {"text": text, "sample": return1.number})
    assert response.status_code == 302
    assert response["Location"] == EDIT + SMS_KO
    saved = effective(store, "return.approved", "sms", "ko")
    assert (saved.text, saved.edited, saved.needs_approval) == (text, True, False)
    page = page_text(manager.get(EDIT + SMS_KO))
    assert "Saved: messages from now on use this text." in page
    assert "Reset to default" in page


def test_an_alimtalk_edit_needs_reapproval_until_marked_approved(
    manager: Client, store: Any, return1: ReturnRequest
) -> None:
    default = default_template(NotifyEvent.RETURN_APPROVED, "alimtalk", "ko")
    text = "[{store_name}] 반품 승인 {return_number}"
    response = manager.post(
        EDIT + APPROVED_KO,
        {"text": text, "alimtalk_code": "SHOP_APPROVED_2", "sample": return1.number},
    )
    assert response.status_code == 302
    waiting = effective(store, "return.approved", "alimtalk", "ko")
    assert waiting.needs_approval
    assert (waiting.approved_code, waiting.approved_text) == (default.alimtalk_code, default.text)
    page = page_text(manager.get(EDIT + APPROVED_KO))
    assert "Needs re-approval — sent as SMS until approved" in page
    assert default.text.split("\n")[0] in page  # the approved text beside the draft
    row = MessageTemplate.objects.get(store=store)
    approve = f"/office/settings/messages/{row.pk}/approve/"
    assert approve in page

    # Approving a text other than the one on the page is refused.
    assert manager.post(approve, {"seen": "stale"}).status_code == 302
    assert effective(store, "return.approved", "alimtalk", "ko").needs_approval
    seen = form_fields(page)["seen"][0]
    assert manager.post(approve, {"seen": seen}).status_code == 302
    approved = effective(store, "return.approved", "alimtalk", "ko")
    assert not approved.needs_approval
    assert (approved.approved_code, approved.approved_text) == ("SHOP_APPROVED_2", text)
    page = page_text(manager.get(EDIT + APPROVED_KO))
    assert "Approved as SHOP_APPROVED_2" in page
    assert approve not in page


def test_reset_brings_back_the_default(manager: Client, store: Any, return1: ReturnRequest) -> None:
    manager.post(EDIT + SMS_KO, {"text": "승인 {return_number}", "sample": return1.number})
    row = MessageTemplate.objects.get(store=store)
    response = manager.post(f"/office/settings/messages/{row.pk}/reset/")
    assert response.status_code == 302
    assert not MessageTemplate.objects.exists()
    assert not effective(store, "return.approved", "sms", "ko").edited


def test_the_preview_renders_the_draft_on_a_return(manager: Client, return1: ReturnRequest) -> None:
    response = manager.post(
        PREVIEW + EMAIL_EN,
        {
            "subject": "Got {return_number}",
            "text": "Hello {customer_name}",
            "sample": return1.number,
        },
        HTTP_HX_REQUEST="true",
    )
    page = page_text(response)
    assert f"Got {return1.number}" in page
    assert "Hello 김철수" in page
    sms = manager.post(
        PREVIEW + SMS_KO, {"text": "가" * 46, "sample": return1.number}, HTTP_HX_REQUEST="true"
    )
    text = page_text(sms)
    assert "92 bytes" in text
    assert "goes as LMS" in text
    short = page_text(manager.post(PREVIEW + SMS_KO, {"text": "가" * 45, "sample": return1.number}))
    assert "90 bytes" in short
    assert "fits one SMS" in short
    assert not MessageTemplate.objects.exists()  # a preview saves nothing


def test_a_preview_on_another_stores_return_is_not_found(
    manager: Client, return2: ReturnRequest
) -> None:
    response = manager.post(PREVIEW + SMS_KO, {"text": "{return_number}", "sample": return2.number})
    assert response.status_code == 404
    page = manager.post(
        EDIT + SMS_KO, {"text": "{return_number}", "sample": return2.number, "action": "preview"}
    )
    assert page.status_code == 404


@pytest.mark.parametrize(
    ("query", "data", "words"),
    [
        (SMS_KO, {"text": "{nobody}"}, "nobody is not a variable of this message"),
        (SMS_KO, {"text": "{"}, "write a variable as its bare name in curly brackets"),
        (SMS_KO, {"text": ""}, "the text must not be empty"),
        (SMS_KO, {"text": "x", "sample": ""}, "Choose a return of this store"),
        ("?event=nope&channel=sms&language=ko", {"text": "x"}, "nope is not an event"),
        ("?event=return.approved&channel=fax&language=ko", {"text": "x"}, "choose one of"),
        ("?event=staff.stalled&channel=sms&language=ko", {"text": "x"}, "is not sent by"),
        ("", {"text": "x"}, "is not an event"),
    ],
)
def test_a_preview_with_bad_input_says_why(
    manager: Client, return1: ReturnRequest, query: str, data: dict[str, str], words: str
) -> None:
    posted = {"sample": return1.number, **data}
    htmx = manager.post(PREVIEW + query, posted, HTTP_HX_REQUEST="true")
    assert words in page_text(htmx)  # htmx swaps only a 200
    plain = manager.post(PREVIEW + query, posted)
    assert words in page_text(plain, 422)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?event=nope&channel=sms&language=ko",
        "?event=staff.stalled&channel=alimtalk&language=ko",
        "?event=return.approved&channel=sms&language=fr",
    ],
)
def test_an_editor_for_no_template_is_not_found(manager: Client, query: str) -> None:
    assert manager.get(EDIT + query).status_code == 404


def test_approve_and_reset_of_nothing_or_of_a_template_that_waits_for_nothing(
    manager: Client, store: Any, return1: ReturnRequest
) -> None:
    assert manager.post("/office/settings/messages/999999/approve/").status_code == 404
    assert manager.post("/office/settings/messages/999999/reset/").status_code == 404
    assert manager.get(f"{LIST}").status_code == 200
    manager.post(EDIT + SMS_KO, {"text": "승인 {return_number}", "sample": return1.number})
    row = MessageTemplate.objects.get(store=store)
    response = manager.post(f"/office/settings/messages/{row.pk}/approve/", follow=True)
    assert "This template waits for no approval." in page_text(response)
    assert manager.get(f"/office/settings/messages/{row.pk}/approve/").status_code == 405
