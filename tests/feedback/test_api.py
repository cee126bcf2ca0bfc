"""GET /api/v1/returns/{number}/feedback: scoped to the caller's store, capability checked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.accounts import capabilities
from banpum.feedback.api import READ
from banpum.feedback.services import feedback_submit
from tests.factories import StoreFactory, make_order, make_policy
from tests.feedback.helpers import answer, finished_return
from tests.webhooks.helpers import manager_key

pytestmark = pytest.mark.django_db


def url(number: str) -> str:
    return f"/api/v1/returns/{number}/feedback"


def test_the_answer_reads_back_with_codes_and_words(store: Any, api_en: Client) -> None:
    return_request = finished_return(make_order(store=store))
    feedback_submit(return_request, **answer())
    response = api_en.get(url(return_request.number or ""))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == return_request.number
    assert body["rating"] == 4
    assert body["went_well"] == [
        {"code": "fast_pickup", "label": "Quick pickup"},
        {"code": "kind_support", "label": "Kind support"},
    ]
    assert body["went_badly"] == [{"code": "slow_refund", "label": "Slow refund"}]
    assert body["comment"] == "기사님이 친절했어요."
    assert body["submitted_at"].startswith("2026-12-01T12:00:00")  # the store's time zone


def test_no_answer_yet_is_a_404_in_the_error_shape(store: Any, api_en: Client) -> None:
    return_request = finished_return(make_order(store=store))
    response = api_en.get(url(return_request.number or ""))
    assert response.status_code == 404
    assert response.json()["code"] == "feedback_not_found"
    assert return_request.number in response.json()["message"]


def test_another_stores_return_is_a_404(store: Any, api: Client) -> None:
    other = StoreFactory(slug="other", code="OT1")
    make_policy(other)
    return_request = finished_return(make_order(store=other))
    feedback_submit(return_request, **answer())
    response = api.get(url(return_request.number or ""))
    assert response.status_code == 404
    assert response.json()["code"] == "return_not_found"
    assert api.get(url("NO-SUCH")).status_code == 404


def test_a_caller_without_the_capability_is_refused(
    store: Any, api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every role reads returns, so the refusal is shown with an integration key whose rights
    are taken away."""
    return_request = finished_return(make_order(store=store))
    feedback_submit(return_request, **answer())
    assert api.get(url(return_request.number or "")).status_code == 200
    monkeypatch.setattr(
        capabilities,
        "INTEGRATION_CAPABILITIES",
        capabilities.INTEGRATION_CAPABILITIES - {READ},
    )
    response = api.get(url(return_request.number or ""))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    _, manager_raw = manager_key(store)
    ok = Client(HTTP_AUTHORIZATION=f"Bearer {manager_raw}").get(url(return_request.number or ""))
    assert ok.status_code == 200


def test_the_openapi_declares_every_status() -> None:
    from banpum.server.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/returns/{number}/feedback"]["get"]
    assert {"200", "403", "404"} <= set(operation["responses"])
