"""GET /api/v1/returns/{number}/messages: the return's delivery log as the office shows it
(recipient masked, the event in the reader's words), paged, scoped to the caller's store."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from banpum.accounts import capabilities
from banpum.notify.api import READ
from banpum.notify.catalogue import DESCRIPTIONS, NotifyEvent
from banpum.notify.models import Message, mask_recipient
from banpum.notify.services.dispatch import notify_events_dispatch
from banpum.notify.services.sending import message_send
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import StoreFactory, make_order, make_policy
from tests.notify.helpers import NOW, messages
from tests.returns.helpers import open_return, walk_to
from tests.webhooks.helpers import manager_key

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[\uac00-\ud7a3]")
FIELDS = {
    "id", "channel", "channel_label", "recipient", "event", "event_description", "status",
    "status_label", "attempts", "provider_reason", "created_at", "sent_at", "delivered_at",
}  # fmt: skip


def url(number: str | None) -> str:
    return f"/api/v1/returns/{number}/messages"


def requested(store: Any) -> ReturnRequest:
    """A return whose request made an email and a 알림톡 (the dispatcher's cursor placed first)."""
    notify_events_dispatch(now=NOW)
    return_request = open_return(make_order(store=store))
    notify_events_dispatch(now=NOW)
    return return_request


def test_the_log_reads_like_the_office_in_english(
    store: Any, api_en: Client, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return_request = requested(store)
    email, kakao = messages(return_request=return_request)
    message_send(message_id=email.pk, now=NOW + dt.timedelta(minutes=1))
    customer = return_request.customer
    assert customer is not None

    response = api_en.get(url(return_request.number))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["previous"] is None
    assert body["next"] is None
    first, second = body["results"]
    assert set(first) == FIELDS
    assert first == {
        "id": email.pk,
        "channel": "email",
        "channel_label": "Email",
        "recipient": mask_recipient(customer.email),
        "event": "return.requested",
        "event_description": "The shopper's return was received.",
        "status": "sent",
        "status_label": "Sent",
        "attempts": 1,
        "provider_reason": "",
        # The store's time zone: 01:00 UTC is 10:00 in Seoul.
        "created_at": "2026-12-01T10:00:00+09:00",
        "sent_at": "2026-12-01T10:01:00+09:00",
        "delivered_at": None,
    }
    assert first["recipient"] != customer.email
    assert (second["id"], second["channel"], second["status"]) == (kakao.pk, "alimtalk", "queued")
    assert second["recipient"] == kakao.recipient_masked == mask_recipient(customer.phone)
    assert customer.phone not in response.content.decode()
    assert (second["attempts"], second["sent_at"]) == (0, None)


def test_korean_by_default_in_the_office_words(store: Any, api: Client) -> None:
    return_request = requested(store)
    first = api.get(url(return_request.number)).json()["results"][0]
    with translation.override("ko"):
        assert first["event_description"] == str(DESCRIPTIONS[NotifyEvent.RETURN_REQUESTED])
    assert HANGUL.search(first["event_description"])
    assert first["event_description"] != "The shopper's return was received."


def test_pages_oldest_first_and_a_bad_cursor_is_refused(store: Any, api: Client) -> None:
    return_request = requested(store)
    walk_to(return_request, S.APPROVED)
    notify_events_dispatch(now=NOW + dt.timedelta(minutes=5))
    expected = [m.pk for m in messages(return_request=return_request)]
    assert len(expected) == 4

    seen: list[int] = []
    link: str | None = url(return_request.number) + "?page_size=3"
    while link:
        page = api.get(link)
        assert page.status_code == 200
        seen += [m["id"] for m in page.json()["results"]]
        link = page.json()["next"]
    assert seen == expected
    for bad in ("page_size=0", "page_size=201", "cursor=cD1hYmM%3D", "cursor=%25%25"):
        answer = api.get(f"{url(return_request.number)}?{bad}")
        assert answer.status_code == 422, bad
        assert answer.json()["code"] == "validation_error"


def test_only_this_returns_messages_and_no_query_per_message(store: Any, api: Client) -> None:
    return_request = requested(store)
    for _ in range(3):
        open_return(make_order(store=store))
    notify_events_dispatch(now=NOW + dt.timedelta(minutes=1))
    assert Message.objects.count() == 8
    api.get(url(return_request.number))  # the key's last-use touch happens here

    def listed() -> tuple[set[int], int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url(return_request.number))
        assert response.status_code == 200
        return {m["id"] for m in response.json()["results"]}, len(queries)

    ids, few = listed()
    assert ids == {m.pk for m in messages(return_request=return_request)}
    assert len(ids) == 2
    walk_to(return_request, S.APPROVED)
    notify_events_dispatch(now=NOW + dt.timedelta(minutes=2))
    ids, more = listed()
    assert len(ids) == 4
    assert more == few


def test_a_return_without_messages_is_an_empty_page(store: Any, api: Client) -> None:
    return_request = open_return(make_order(store=store))
    response = api.get(url(return_request.number))
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_an_unknown_or_another_stores_return_is_a_404(store: Any, api_en: Client) -> None:
    other = StoreFactory(slug="other", code="OT1")
    make_policy(other)
    theirs = requested(other)
    assert messages(return_request=theirs)
    for number in (theirs.number, "NO-SUCH"):
        response = api_en.get(url(number))
        assert response.status_code == 404
        assert response.json()["code"] == "return_not_found"
        assert response.json()["message"]


def test_without_a_valid_key_is_a_401(store: Any) -> None:
    return_request = requested(store)
    for client in (Client(), Client(HTTP_AUTHORIZATION="Bearer bp_nope")):
        response = client.get(url(return_request.number))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_a_caller_without_the_capability_is_refused(
    store: Any, api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every role reads returns, so the refusal is shown with an integration key whose rights
    are taken away."""
    return_request = requested(store)
    assert api.get(url(return_request.number)).status_code == 200
    monkeypatch.setattr(
        capabilities,
        "INTEGRATION_CAPABILITIES",
        capabilities.INTEGRATION_CAPABILITIES - {READ},
    )
    response = api.get(url(return_request.number))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    _, manager_raw = manager_key(store)
    ok = Client(HTTP_AUTHORIZATION=f"Bearer {manager_raw}").get(url(return_request.number))
    assert ok.status_code == 200


def test_the_openapi_declares_every_status() -> None:
    from banpum.server.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/returns/{number}/messages"]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    listed = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["$ref"].endswith("PagedMessageOut")
