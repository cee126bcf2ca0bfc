"""The API answers in the request's language: Korean by default, English on
``Accept-Language: en``; the code stays the same in both.

Each case asks the same bad request twice. The English half passes today; the Korean half
(``translations`` marker) fails until the ``ko`` catalogue translates the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[\uac00-\ud7a3]")

Ask = Callable[[Client, dict[str, str]], Any]


def _service_error(client: Client, headers: dict[str, str]) -> Any:
    return client.get("/api/v1/returns/NOPE-1", headers=headers)


def _validation_error(client: Client, headers: dict[str, str]) -> Any:
    return client.get("/api/v1/returns?page_size=0", headers=headers)


def _body_validation_error(client: Client, headers: dict[str, str]) -> Any:
    return client.post(
        "/api/v1/returns",
        {"order_number": "X-1", "reason_code": "defective", "lines": [], "versoin": 2},
        content_type="application/json",
        headers=headers,
    )


def _unknown_path(client: Client, headers: dict[str, str]) -> Any:
    return client.get("/api/v1/no-such-thing", headers=headers)


def _wrong_method(client: Client, headers: dict[str, str]) -> Any:
    return client.delete("/api/v1/returns", headers=headers)


CASES: dict[str, tuple[Ask, int, str, str]] = {
    # name: (request, status, code, English message)
    "service": (_service_error, 404, "return_not_found", "No return NOPE-1 in this store."),
    "query": (_validation_error, 422, "validation_error", "page_size: must be at least 1"),
    "body": (_body_validation_error, 422, "validation_error", "lines: must have at least one item"),
    "path": (_unknown_path, 404, "endpoint_not_found", "No API endpoint at /no-such-thing."),
    "method": (_wrong_method, 405, "method_not_allowed", "This method is not allowed here."),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_accept_language_en_answers_english(api: Client, case: str) -> None:
    ask, status, code, english = CASES[case]
    response = ask(api, {"Accept-Language": "en"})
    assert response.status_code == status
    body = response.json()
    assert (body["code"], body["message"]) == (code, english)
    assert response["Content-Language"] == "en"


def test_english_fields_name_each_problem(api: Client) -> None:
    body = _body_validation_error(api, {"Accept-Language": "en"}).json()
    assert body["extra"]["fields"] == {
        "lines": ["must have at least one item"],
        "versoin": ["is not a field of this request"],
    }


@pytest.mark.translations
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "ko-KR,ko;q=0.9"}], ids=["none", "ko"])
def test_korean_is_the_default_and_follows_the_header(
    api: Client, case: str, headers: dict[str, str]
) -> None:
    ask, status, code, english = CASES[case]
    response = ask(api, headers)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert HANGUL.search(body["message"]), body["message"]
    assert body["message"] != english


def test_401_answers_english_on_request(client: Client) -> None:
    response = client.get("/api/v1/returns", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthorized",
        "message": "Send a valid API key as 'Authorization: Bearer <key>'.",
        "extra": {},
    }


@pytest.mark.translations
def test_401_answers_korean_by_default(client: Client) -> None:
    body = client.get("/api/v1/returns").json()
    assert body["code"] == "unauthorized"
    assert HANGUL.search(body["message"]), body["message"]


def test_errors_before_any_view_follow_the_request_language() -> None:
    """A bad Host is refused by Django's handler400, before the API runs."""
    client = Client(HTTP_HOST="evil.example")
    english = client.get("/api/v1/returns", headers={"Accept-Language": "en"})
    assert english.status_code == 400
    assert english.json()["message"] == "The request is malformed or its Host is not served."


@pytest.mark.translations
def test_errors_before_any_view_are_korean_by_default() -> None:
    body = Client(HTTP_HOST="evil.example").get("/api/v1/returns").json()
    assert body["code"] == "bad_request"
    assert HANGUL.search(body["message"]), body["message"]


def test_webhook_refusals_follow_the_request_language(client: Client) -> None:
    english = client.post(
        "/hooks/carriers/999999/tracking",
        b"{}",
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 401
    assert english.json()["message"] == "Webhook refused: the signature does not verify."
