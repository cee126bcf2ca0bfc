"""One error shape for the whole API: {"code", "message", "extra"}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.accounts.services import api_key_create, api_key_revoke
from banpum.returns.models import ReturnRequest
from tests.returns.api.conftest import JsonClient
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


def english_client(**defaults: Any) -> Client:
    """These tests read the messages' words: in English, not the Korean default."""
    return Client(HTTP_ACCEPT_LANGUAGE="en", **defaults)


UNAUTHORIZED = {
    "code": "unauthorized",
    "message": "Send a valid API key as 'Authorization: Bearer <key>'.",
    "extra": {},
}


def _assert_401(response: Any) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer bp_nope_0123456789abcdefghij"},
     {"HTTP_AUTHORIZATION": "Bearer not-a-key"}, {"HTTP_AUTHORIZATION": "Basic dXNlcjpwdw=="}],
    ids=["missing", "unknown", "malformed", "basic"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/returns"), ("post", "/api/v1/returns"), ("post", "/api/v1/returns/preview"),
     ("get", "/api/v1/returns/R2501-0000001"), ("post", "/api/v1/returns/R2501-0000001/approve")],
)  # fmt: skip
def test_401_without_a_valid_key(store: Any, headers: Any, method: str, path: str) -> None:
    client = english_client(**headers)
    _assert_401(getattr(client, method)(path, {}, content_type="application/json"))


def test_401_with_the_right_prefix_and_a_wrong_secret(store: Any, order: Any) -> None:
    _key, raw = api_key_create(store=store)
    forged = raw[:-4] + ("aaaa" if not raw.endswith("aaaa") else "bbbb")
    _assert_401(english_client(HTTP_AUTHORIZATION=f"Bearer {forged}").get("/api/v1/returns"))
    assert (
        english_client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/returns").status_code == 200
    )


def test_401_with_a_revoked_key(store: Any) -> None:
    key, raw = api_key_create(store=store)
    client = english_client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/returns").status_code == 200
    api_key_revoke(key=key)
    _assert_401(client.get("/api/v1/returns"))


def test_create_on_another_stores_order_is_404_and_writes_nothing(
    other_client: JsonClient, order: Any
) -> None:
    status, body = other_client.post(
        "/api/v1/returns",
        {
            "order_id": order.pk,
            "reason_code": "change_of_mind",
            "lines": [{"line_number": 1, "quantity": 1}],
        },
    )
    assert status == 404
    assert body == {
        "code": "order_not_found",
        "message": "No such order in this store.",
        "extra": {},
    }
    status, body = other_client.post(
        "/api/v1/returns",
        {"order_number": order.channel_order_number, "reason_code": "change_of_mind",
         "lines": [{"line_number": 1, "quantity": 1}]},
    )  # fmt: skip
    assert (status, body["code"]) == (404, "order_not_found")
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"order_id": 1, "reason_code": "x", "lines": [{"line_number": 1, "quantity": 0}]},
         {"lines.0.quantity": ["must be at least 1"]}),
        ({"order_id": 1, "reason_code": "x", "lines": [{"quantity": 1}]},
         {"lines.0": ["give order_line_id or line_number"]}),
        ({"reason_code": "x", "lines": [{"line_number": 1, "quantity": 1}]},
         {"__all__": ["give order_id or order_number"]}),
        ({"order_id": 1, "reason_code": "x", "lines": []},
         {"lines": ["must have at least one item"]}),
        ({"order_id": 1, "reason_code": "", "lines": [{"line_number": 1, "quantity": 1}],
          "method": "drone", "fee": {"payer": "buyer", "amount": -5}},
         {"reason_code": ["must not be empty"],
          "method": ["must be one of 'carrier_pickup', 'cvs_drop_off', 'self_ship' or 'in_store'"],
          "fee.amount": ["must be at least 0"]}),
    ],
    ids=["quantity", "line-reference", "order-reference", "no-lines", "several"],
)  # fmt: skip
def test_422_names_the_fields(client_json_en: JsonClient, body: Any, fields: Any) -> None:
    status, answer = client_json_en.post("/api/v1/returns", body)
    assert status == 422
    assert answer["code"] == "validation_error"
    assert answer["extra"] == {"fields": fields}
    path, messages = next(iter(fields.items()))
    assert answer["message"] == f"{path}: {messages[0]}"


def test_unparseable_body_is_400_json(api_en: Client) -> None:
    response = api_en.post("/api/v1/returns", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_json",
        "message": "The body is not valid JSON.",
        "extra": {},
    }


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/returns/R1/explode"])
def test_unknown_endpoint_is_404_json(client_json: JsonClient, path: str) -> None:
    status, body = client_json.get(path)
    assert status == 404
    assert body["code"] == "endpoint_not_found"


def test_unknown_endpoint_without_a_key_is_json_too(store: Any) -> None:
    response = english_client().post("/api/v1/no-such-thing", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {
        "code": "endpoint_not_found",
        "message": "No API endpoint at /no-such-thing.",
        "extra": {},
    }


def test_unexpected_errors_are_500_json_without_details(
    client_json_en: JsonClient, order: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from banpum.returns import selectors

    def broken(**kwargs: Any) -> Any:
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(selectors, "return_request_get", broken)
    number = open_return(order).number
    status, body = client_json_en.get(f"/api/v1/returns/{number}")
    assert status == 500
    assert body == {
        "code": "server_error",
        "message": "Something went wrong on our side.",
        "extra": {},
    }
