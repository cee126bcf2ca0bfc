"""The admin's return page speaks words, not codes: reason label, statuses, decision, timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from banpum.core.actors import Actor
from banpum.policy.texts import decision_words
from banpum.returns import events
from banpum.returns.events import LogisticsKind
from banpum.returns.models import ReturnRequest
from banpum.returns.timeline import event_text
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss() -> Client:
    user = User.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-only")
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, return_request: ReturnRequest, language: str) -> str:
    url = reverse("admin:returns_returnrequest_change", args=[return_request.pk])
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("language", "label"), [("ko", "단순 변심"), ("en", "Changed my mind")])
def test_the_return_page_shows_the_reason_label(
    boss: Client, order: Any, language: str, label: str
) -> None:
    return_request = open_return(order, create_kwargs={"note": "상담 메모"})
    page = _page(boss, return_request, language)
    assert label in page
    assert "change_of_mind" not in page


def test_the_return_page_shows_the_decision_in_words_not_json(boss: Client, order: Any) -> None:
    return_request = open_return(order)
    page = _page(boss, return_request, "en")
    assert '"outcome"' not in page
    assert "&quot;outcome&quot;" not in page
    with translation.override("en"):
        words = decision_words(return_request.decision)
    for sentence in words["explanation"]:
        assert sentence.replace("'", "&#x27;") in page
    assert "Waits for review" in page  # the outcome
    assert "Eligible" in page  # the line
    assert "3,000" in page  # the fee
    assert "7,000" in page  # the refund estimate
    until = dt.date.fromisoformat(return_request.decision["deadlines"]["request_until"])
    with translation.override("en"):
        assert formats.date_format(until) in page


def test_what_happened_escapes_the_carriers_and_the_stores_words(boss: Client, order: Any) -> None:
    return_request = open_return(order)
    events.event_logistics(
        return_request,
        Actor.system("carrier:kr.cjlogistics"),
        kind=LogisticsKind.PICKUP_EXCEPTION,
        data={"exception_code": "other", "said": "<script>alert(1)</script>"},
        now=timezone.now(),
    )
    page = _page(boss, return_request, "en")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_return_page_shows_statuses_and_what_happened(boss: Client, order: Any) -> None:
    return_request = open_return(order, create_kwargs={"note": "상담 메모"})
    page = _page(boss, return_request, "en")
    assert "Requested" in page
    assert "상담 메모" in page  # the person's note, as written
    with translation.override("en"):
        for event in return_request.events.all():
            assert event_text(event) in page
