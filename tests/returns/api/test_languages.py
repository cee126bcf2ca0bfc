"""Words follow the request's language (Accept-Language; Korean by default), codes stay stable.

The expected words are rendered with the same catalogue under the same language, so these
tests hold before and after the Korean catalogue is filled; the words themselves are checked
in ``tests/returns/test_words_in_both_languages.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from banpum.policy.texts import note_text, problem_text
from banpum.returns.models import ReturnEvent
from banpum.returns.timeline import event_text
from tests.factories import make_order
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


def _get(api: Client, path: str, language: str | None) -> Any:
    headers = {"Accept-Language": language} if language else {}
    response = api.get(path, headers=headers)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _post(api: Client, path: str, body: Any, language: str) -> tuple[int, Any]:
    response = api.post(
        path, body, content_type="application/json", headers={"Accept-Language": language}
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(("header", "language"), [("en", "en"), ("ko", "ko"), (None, "ko")])
def test_event_text_is_in_the_requests_language(
    api: Client, order: Any, header: str | None, language: str
) -> None:
    return_request = open_return(order, create_kwargs={"note": "고객 전화 상담"})
    body = _get(api, f"/api/v1/returns/{return_request.number}", header)
    events = list(ReturnEvent.objects.filter(return_request=return_request).order_by("at", "id"))
    with translation.override(language):
        expected = [event_text(event) for event in events]
    assert [event["text"] for event in body["events"]] == expected
    assert [event["note"] for event in body["events"]] == ["", "고객 전화 상담"]  # as written
    if language == "en":
        assert expected == ["Return requested (CS agent).", "Note added."]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_decision_explanation_and_problems_are_in_the_requests_language(
    api: Client, store: Any, language: str
) -> None:
    order = make_order(store=store, lines=[{"quantity": 1}], delivered_days_ago=30)
    status, body = _post(
        api,
        "/api/v1/returns/preview",
        {
            "order_id": order.pk,
            "reason_code": "change_of_mind",
            "lines": [{"line_number": 1, "quantity": 1, "condition": "used"}],
        },
        language,
    )
    assert status == 200, body
    assert [note["code"] for note in body["notes"]] == [
        "buyer_pays_shipping",
        "fee_charged",
        "not_eligible",
    ]
    until = body["deadlines"]["withdrawal_until"]
    problems = body["lines"][0]["problems"]
    assert [(p["code"], p["params"]) for p in problems] == [
        ("window_expired", {"until": until}),
        ("condition_not_accepted", {"condition": "used"}),
    ]
    with translation.override(language):
        assert body["explanation"] == [note_text(n["code"], n["params"]) for n in body["notes"]]
        assert [p["message"] for p in problems] == [
            problem_text(p["code"], p["params"]) for p in problems
        ]
    if language == "en":
        assert body["explanation"] == [
            "Reason “Changed my mind”: the buyer pays the return shipping.",
            "Return fee charged to the buyer: ₩3,000.",
            "Not eligible under the policy or the law.",
        ]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_refused_return_answers_in_the_requests_language(
    api: Client, store: Any, language: str
) -> None:
    order = make_order(store=store, lines=[{"quantity": 1}], delivered_days_ago=30)
    status, body = _post(
        api,
        "/api/v1/returns",
        {
            "order_id": order.pk,
            "reason_code": "change_of_mind",
            "lines": [{"line_number": 1, "quantity": 1}],
        },
        language,
    )
    assert (status, body["code"]) == (422, "not_eligible")
    [problem] = body["extra"]["problems"]
    assert problem["code"] == "window_expired"
    with translation.override(language):
        words = problem_text("window_expired", problem["params"])
    assert body["message"] == problem["message"] == words
    assert body["extra"]["fields"] == {"lines.0": [words]}


def test_a_stored_decision_is_worded_again_in_the_readers_language(api: Client, order: Any) -> None:
    return_request = open_return(order)
    stored = return_request.decision["explanation"]
    assert stored == [
        {
            "code": "buyer_pays_shipping",
            "params": {
                "reason_code": "change_of_mind",
                "reason_ko": "단순 변심",
                "reason_en": "Changed my mind",
            },
        },
        {"code": "fee_charged", "params": {"amount": 3000}},
        {"code": "waits_for_review", "params": {}},
    ]
    body = _get(api, f"/api/v1/returns/{return_request.number}", "en")
    assert body["decision"]["explanation"] == [
        "Reason “Changed my mind”: the buyer pays the return shipping.",
        "Return fee charged to the buyer: ₩3,000.",
        "Waits for a CS agent to approve.",
    ]
    assert body["decision"]["notes"] == stored
    korean = _get(api, f"/api/v1/returns/{return_request.number}", None)
    assert "단순 변심" in korean["decision"]["explanation"][0]  # the reason's own Korean label
