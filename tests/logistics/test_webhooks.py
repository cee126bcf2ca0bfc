"""``POST /hooks/carriers/<account id>/tracking``: signed batches in, everything else out.

Signatures are computed here with ``hmac`` directly, so these tests pin the wire contract
instead of trusting the helper the view shares with the simulator.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

import pytest
from django.test import Client, RequestFactory

from banpum.core.signing import webhook_signature
from banpum.logistics.models import CarrierAccount, TrackingEvent
from banpum.logistics.webhooks import carrier_tracking_webhook_view, webhook_request_verify
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import StoreFactory
from tests.logistics.helpers import approve, book, linked_account, pickup_of, reload

pytestmark = pytest.mark.django_db

NAIVE = "2025-07-01T09:00:00"
NOW = 1_751_328_000  # the fixed clock of the tests that depend on the time of the request


def url(account: CarrierAccount | int) -> str:
    return f"/hooks/carriers/{getattr(account, 'pk', account)}/tracking"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_BANPUM_TIMESTAMP": stamp, "HTTP_X_BANPUM_SIGNATURE": f"sha256={digest}"}


def batch(waybill: str, *statuses: str) -> bytes:
    events = [
        {
            "event_id": f"{waybill}-{index}",
            "waybill_number": waybill,
            "status": status,
            "raw_status": "집하완료" if status == "AT_PICKUP" else "",
            "occurred_at": f"2025-07-01T{9 + index:02d}:00:00+09:00",
        }
        for index, status in enumerate(statuses)
    ]
    return json.dumps({"events": events}, ensure_ascii=False).encode()


def post(account: CarrierAccount | int, body: bytes, **headers: Any) -> Any:
    return Client().post(url(account), body, content_type="application/json", **headers)


@pytest.fixture
def account(offline_account: CarrierAccount) -> CarrierAccount:
    return offline_account


@pytest.fixture
def booked(
    order: Any, account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> ReturnRequest:
    with django_capture_on_commit_callbacks():
        approved = approve(order)
        book(approved)
    return approved


def test_a_signed_batch_is_stored_applied_and_counted(
    booked: ReturnRequest, account: CarrierAccount
) -> None:
    waybill = pickup_of(booked).waybill_number
    body = batch(waybill, "INFORMATION_RECEIVED", "AT_PICKUP", "AT_PICKUP")
    events = json.loads(body)["events"]
    events[2]["event_id"] = events[1]["event_id"]  # the carrier repeats itself
    events.append({**events[0], "waybill_number": "999999999999", "event_id": "x"})
    body = json.dumps({"events": events}).encode()

    response = post(account, body, **sign(account.webhook_secret, body))

    assert response.status_code == 200
    assert response.json() == {"created": 2, "duplicates": 1, "unmatched": ["999999999999"]}
    assert TrackingEvent.objects.filter(tracking_number=waybill).count() == 2
    assert reload(booked).status == S.IN_TRANSIT

    again = post(account, body, **sign(account.webhook_secret, body))
    assert again.json() == {"created": 0, "duplicates": 3, "unmatched": ["999999999999"]}


def test_the_simulators_signature_is_accepted(
    booked: ReturnRequest, account: CarrierAccount
) -> None:
    body = batch(pickup_of(booked).waybill_number, "AT_PICKUP")
    stamp = str(int(time.time()))
    response = post(
        account,
        body,
        HTTP_X_BANPUM_TIMESTAMP=stamp,
        HTTP_X_BANPUM_SIGNATURE=webhook_signature(account.webhook_secret, stamp, body),
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        (lambda secret, body: {}, "missing signature headers"),
        (lambda secret, body: sign("not-the-secret", body, NOW), "signature mismatch"),
        (lambda secret, body: sign(secret, body + b" ", NOW), "signature mismatch"),
        (lambda secret, body: sign(secret, body, NOW - 301), "stale timestamp"),
        (lambda secret, body: sign(secret, body, NOW + 301), "stale timestamp"),
        (
            lambda secret, body: {**sign(secret, body, NOW), "HTTP_X_BANPUM_TIMESTAMP": "soon"},
            "malformed timestamp",
        ),
        (
            lambda secret, body: {**sign(secret, body, NOW), "HTTP_X_BANPUM_TIMESTAMP": "²"},
            "malformed timestamp",
        ),
        (
            lambda secret, body: {**sign(secret, body, NOW), "HTTP_X_BANPUM_TIMESTAMP": "١٢"},
            "malformed timestamp",
        ),
    ],
    ids=[
        "unsigned",
        "wrong-secret",
        "other-body",
        "stale",
        "future",
        "malformed-time",
        "superscript-digit",
        "arabic-digits",
    ],
)
def test_unauthentic_calls_are_refused_logged_and_store_nothing(
    booked: ReturnRequest,
    account: CarrierAccount,
    caplog: pytest.LogCaptureFixture,
    headers: Any,
    why: str,
) -> None:
    body = batch(pickup_of(booked).waybill_number, "AT_PICKUP")
    request = RequestFactory().post(
        url(account), body, content_type="application/json", **headers(account.webhook_secret, body)
    )
    view = carrier_tracking_webhook_view(clock=lambda: NOW)
    with caplog.at_level(logging.WARNING, logger="banpum.logistics.webhooks"):
        response = view(request, account.pk)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "bad_signature"
    [warning] = [r for r in caplog.records if r.name == "banpum.logistics.webhooks"]
    assert warning.levelno == logging.WARNING
    assert f"rejected carrier webhook account={account.pk}" in warning.getMessage()
    assert why in warning.getMessage()
    assert not TrackingEvent.objects.exists()
    assert reload(booked).status == S.PICKUP_REQUESTED


@pytest.mark.parametrize(
    ("offset", "authentic"), [(-300, True), (300, True), (-301, False), (301, False)]
)
def test_the_timestamp_may_be_five_minutes_off_either_way(offset: int, authentic: bool) -> None:
    body = b'{"events": []}'
    headers = sign("secret", body, NOW + offset)
    failure = webhook_request_verify(
        secret="secret",
        timestamp=headers["HTTP_X_BANPUM_TIMESTAMP"],
        signature=headers["HTTP_X_BANPUM_SIGNATURE"],
        body=body,
        now=NOW,
    )
    assert (failure is None) == authentic


def test_a_unicode_digit_timestamp_over_http_is_a_json_401(account: CarrierAccount) -> None:
    body = batch("1", "AT_PICKUP")
    response = post(
        account, body, **{**sign(account.webhook_secret, body), "HTTP_X_BANPUM_TIMESTAMP": "²"}
    )
    assert (response.status_code, response["Content-Type"]) == (401, "application/json")


def test_an_account_without_a_secret_accepts_nothing(booked: ReturnRequest, account: Any) -> None:
    CarrierAccount.objects.filter(pk=account.pk).update(webhook_secret="")
    body = batch(pickup_of(booked).waybill_number, "AT_PICKUP")
    response = post(account, body, **sign("", body))
    assert response.status_code == 401
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"events": []}, {"events"}),
        (
            {"events": [{"waybill_number": "1", "occurred_at": "2025-07-01T09:00:00+09:00"}]},
            {"events.0.status"},
        ),
        (
            {"events": [{"waybill_number": "1", "status": "AT_PICKUP", "occurred_at": "어제"}]},
            {"events.0.occurred_at"},
        ),
        (
            {"events": [{"waybill_number": "1", "status": "AT_PICKUP", "occurred_at": NAIVE}]},
            {"events.0.occurred_at"},  # no offset: ambiguous
        ),
        (
            {
                "events": [
                    {
                        "waybill_number": "1",
                        "status": "AT_PICKUP",
                        "occurred_at": "0001-01-01T00:00:00+14:00",
                    }
                ]
            },
            {"events.0.occurred_at"},
        ),
        ({"event": {}}, {"events", "event"}),
        ([], {"__all__"}),
    ],
    ids=["empty", "no-status", "bad-time", "naive-time", "year-1", "wrong-key", "not-an-object"],
)
def test_an_invalid_body_is_refused_naming_the_fields(
    account: CarrierAccount, payload: Any, fields: set[str]
) -> None:
    body = json.dumps(payload).encode()
    response = post(account, body, **sign(account.webhook_secret, body))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert set(response.json()["extra"]["fields"]) == fields
    assert not TrackingEvent.objects.exists()


def test_a_body_that_is_not_json_is_refused(account: CarrierAccount) -> None:
    body = b"events=1"
    response = post(account, body, HTTP_ACCEPT_LANGUAGE="en", **sign(account.webhook_secret, body))
    assert response.status_code == 422
    assert response.json()["extra"]["fields"] == {"__all__": ["The body is not JSON."]}


def test_an_unknown_account_answers_like_a_bad_signature(account: CarrierAccount) -> None:
    """Accounts cannot be enumerated: a missing id and a wrong signature look the same."""
    body = batch("1", "AT_PICKUP")
    missing = post(account.pk + 1000, body, **sign(account.webhook_secret, body))
    forged = post(account, body, **sign("not-the-secret", body))
    assert missing.status_code == forged.status_code == 401
    assert missing.json() == forged.json()
    assert missing["Content-Type"] == forged["Content-Type"] == "application/json"


def test_a_body_over_the_webhook_limit_is_a_json_413(account: CarrierAccount) -> None:
    body = b'{"events": [' + b" " * 3_000_000 + b"]}"
    response = post(account, body, **sign(account.webhook_secret, body))
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["code"] == "payload_too_large"
    assert answer["extra"] == {"limit_bytes": 1_000_000}
    assert "1000000" in answer["message"]


def test_a_body_over_djangos_limit_on_hooks_is_a_json_413(
    account: CarrierAccount, settings: Any
) -> None:
    """Django refuses it while reading the body; the answer stays JSON (was an HTML 400)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b'{"events": [' + b" " * 2000 + b"]}"
    response = post(account, body, **sign(account.webhook_secret, body))
    assert response.status_code == 413
    assert response.json()["extra"] == {"limit_bytes": 1000}


def test_get_is_not_allowed(account: CarrierAccount) -> None:
    response = Client().get(url(account))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["code"] == "method_not_allowed"


def test_one_stores_account_cannot_move_another_stores_parcels(booked: ReturnRequest) -> None:
    intruder = linked_account(StoreFactory(slug="intruder"), "http://127.0.0.1:9")
    waybill = pickup_of(booked).waybill_number
    body = batch(waybill, "AT_PICKUP")
    response = post(intruder, body, **sign(intruder.webhook_secret, body))
    assert response.status_code == 200
    assert response.json() == {"created": 0, "duplicates": 0, "unmatched": [waybill]}
    assert reload(booked).status == S.PICKUP_REQUESTED
