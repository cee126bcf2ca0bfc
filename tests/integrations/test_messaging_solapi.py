"""The Solapi adapter against fixtures, replayed with httpx.MockTransport.

Each exchange in ``fixtures/solapi`` is asserted on the way out (method, path, the signed
Authorization header, the body) before its answer is replayed; ``fixtures/solapi/README.md``
says which shapes are Solapi's own and which are reconstructed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from banpum.integrations.messaging.base import (
    Channel,
    DeliveryReceipt,
    DeliveryStatus,
    MessageGateway,
    MessagingError,
    OutgoingMessage,
    SendResult,
    SendStatus,
    mask_phone,
    redact_phones,
)
from banpum.integrations.messaging.solapi import (
    SolapiMessaging,
    send_body,
    solapi_authorization,
    solapi_date,
    solapi_signature,
)
from tests.integrations.fakes.replay import Replay, load

# Solapi's documented sample values; the secret is ours (Solapi does not publish its own).
API_KEY = "NCSAYU7YDBXYORXC"
SECRET = "banpum-docs-example-secret"
PF_ID = "KA01PF190227072057634pRBhbpAw1w1"
SIGNED_AT = dt.datetime(2019, 7, 1, 0, 41, 48, tzinfo=dt.UTC)
SALT = "jqsba2jxjnrjor"
#: openssl dgst -sha256 -hmac 'banpum-docs-example-secret' of "2019-07-01T00:41:48Zjqsba2jxjnrjor"
SIGNATURE = "85e76a847bdd0efefa7100987673f1bc211f7d76cc4b9f76cddc6f34f6cec7a0"
#: The header exactly as Solapi's authentication page shows it (authentication/api-key.md).
DOCUMENTED_HEADER = (
    "HMAC-SHA256 apiKey=NCSAYU7YDBXYORXC, date=2019-07-01T00:41:48Z, salt=jqsba2jxjnrjor, "
    "signature=1779eac71a24cbeeadfa7263cb84b7ea0af1714f5c0270aa30ffd34600e363b4"
)
HEADER_SHAPE = re.compile(
    r"HMAC-SHA256 apiKey=(?P<key>[^,]+), date=(?P<date>[^,]+), salt=(?P<salt>[^,]+), "
    r"signature=(?P<signature>[0-9a-f]{64})"
)


class Harness:
    def __init__(self) -> None:
        self.replay = Replay()
        self.solapi = SolapiMessaging(
            API_KEY,
            SECRET,
            PF_ID,
            transport=self.replay.transport,
            clock=lambda: SIGNED_AT,
            salt=lambda: SALT,
        )

    def expect(self, *exchanges: str | dict[str, Any]) -> None:
        for exchange in exchanges:
            self.replay.pending.append(
                load(f"solapi/{exchange}") if isinstance(exchange, str) else exchange
            )

    def answer(self, response: dict[str, Any], path: str = "/messages/v4/send") -> None:
        method = "POST" if path.endswith("send") else "GET"
        self.expect({"request": {"method": method, "path": path}, "response": response})

    def sent_body(self, index: int = -1) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.replay.sent[index].content)
        return body


@pytest.fixture
def solapi() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.solapi.close()
    harness.replay.assert_done()


def sms(**changes: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "idempotency_key": "msg-42",
        "to": "010-0000-0001",
        "sender": "02-930-2266",
        "channel": Channel.SMS,
        "text": "내용",
    }
    return OutgoingMessage(**(values | changes))


def alimtalk(**changes: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "idempotency_key": "msg-44",
        "to": "01000000001",
        "sender": "029302266",
        "channel": Channel.ALIMTALK,
        "text": "홍길동님, 반품 R-2024-0001 접수되었습니다.",
        "template_code": "test_2019030716320324334488000",
        "variables": {"name": "홍길동", "number": "R-2024-0001"},
        "fallback_text": (
            "[반품 접수] 홍길동님, 반품 R-2024-0001 접수되었습니다. 진행 상황: https://r.example/s/abc"
        ),
        "fallback_subject": "[반품 접수]",
    }
    return OutgoingMessage(**(values | changes))


# --- the signature ----------------------------------------------------------------------------


def test_the_adapter_is_a_message_gateway() -> None:
    gateway: MessageGateway = SolapiMessaging(API_KEY, SECRET, PF_ID)
    assert isinstance(gateway, SolapiMessaging)


def test_the_signature_is_hmac_sha256_of_date_and_salt_in_hex() -> None:
    date = solapi_date(SIGNED_AT)

    assert date == "2019-07-01T00:41:48Z"  # the documented example's form
    assert solapi_signature(SECRET, date, SALT) == SIGNATURE
    assert solapi_signature(SECRET + "x", date, SALT) != SIGNATURE
    assert solapi_signature(SECRET, date, SALT + "x") != SIGNATURE


def test_the_header_has_the_documented_shape() -> None:
    ours = solapi_authorization(API_KEY, SECRET, date="2019-07-01T00:41:48Z", salt=SALT)
    documented = HEADER_SHAPE.fullmatch(DOCUMENTED_HEADER)
    mine = HEADER_SHAPE.fullmatch(ours)

    assert documented is not None
    assert mine is not None
    # Everything but the signature (Solapi's secret is not published) is the documented one.
    assert ours.rsplit("signature=", 1)[0] == DOCUMENTED_HEADER.rsplit("signature=", 1)[0]
    assert mine.group("signature") == SIGNATURE


def test_a_local_time_is_signed_in_utc_and_a_naive_one_refused() -> None:
    seoul = dt.timezone(dt.timedelta(hours=9))
    assert solapi_date(dt.datetime(2019, 7, 1, 9, 41, 48, tzinfo=seoul)) == "2019-07-01T00:41:48Z"
    with pytest.raises(ValueError, match="aware"):
        solapi_date(dt.datetime(2019, 7, 1, 0, 41, 48))  # noqa: DTZ001 - the case refused


def test_every_request_is_signed_with_a_fresh_salt() -> None:
    replay = Replay(load("solapi/send_sms"), load("solapi/send_sms"))
    salts = iter(["a" * 32, "b" * 32])
    client = SolapiMessaging(
        API_KEY,
        SECRET,
        PF_ID,
        transport=replay.transport,
        clock=lambda: SIGNED_AT,
        salt=lambda: next(salts),
    )
    # The fixture pins the documented salt; these requests carry others.
    for exchange in replay.pending:
        exchange["request"]["headers"].pop("Authorization")
    with client:
        client.send(sms())
        client.send(sms())

    headers = [request.headers["Authorization"] for request in replay.sent]
    assert len(set(headers)) == 2
    for header, salt in zip(headers, ["a" * 32, "b" * 32], strict=True):
        found = HEADER_SHAPE.fullmatch(header)
        assert found is not None
        assert found.group("salt") == salt
        assert found.group("signature") == solapi_signature(SECRET, found.group("date"), salt)


def test_credentials_are_required_and_never_shown() -> None:
    with pytest.raises(MessagingError) as raised:
        SolapiMessaging(API_KEY, "")
    assert (raised.value.code, raised.value.retryable) == ("config", False)
    assert SECRET not in repr(SolapiMessaging(API_KEY, SECRET, PF_ID))


# --- send -------------------------------------------------------------------------------------


def test_sms_is_sent_as_documented(solapi: Harness) -> None:
    solapi.expect("send_sms")

    result = solapi.solapi.send(sms())

    assert result == SendResult(
        "M4V20211116140944ZD7XAL8ZZJHXELL", SendStatus.ACCEPTED, status_code="2000"
    )
    message = solapi.sent_body()["message"]
    assert message["to"] == "01000000001"  # hyphens stripped, as Solapi wants
    assert "subject" not in message  # an SMS with a subject is refused (1013)
    assert "kakaoOptions" not in message


def test_lms_carries_its_subject(solapi: Harness) -> None:
    solapi.expect("send_lms")

    result = solapi.solapi.send(
        sms(idempotency_key="msg-43", channel=Channel.LMS, subject="별 헤는 밤", text="봄이 " * 60)
    )

    assert result.status is SendStatus.ACCEPTED
    assert solapi.sent_body()["message"]["text"] == "봄이 " * 60


def test_alimtalk_carries_template_variables_and_its_fallback(solapi: Harness) -> None:
    solapi.expect("send_alimtalk")

    result = solapi.solapi.send(alimtalk())

    assert result.provider_id == "M4V20211116140944PFJKEOHPDEYMFRE"
    assert result.status is SendStatus.ACCEPTED


def test_alimtalk_without_a_fallback_disables_sms(solapi: Harness) -> None:
    solapi.answer(load("solapi/send_alimtalk")["response"])

    solapi.solapi.send(alimtalk(fallback_text="", fallback_subject=""))

    message = solapi.sent_body()["message"]
    assert message["kakaoOptions"]["disableSms"] is True
    assert "replacementText" not in message
    assert "subject" not in message


def test_a_fallback_equal_to_the_alimtalk_is_not_sent_twice() -> None:
    message = alimtalk(fallback_text=alimtalk().text)
    body = send_body(message, pf_id=PF_ID)["message"]
    assert body["kakaoOptions"]["disableSms"] is False
    assert "replacementText" not in body


def test_a_variable_already_written_as_solapi_does_is_kept() -> None:
    body = send_body(alimtalk(variables={"#{name}": "홍길동", "n": "1"}), pf_id=PF_ID)
    assert body["message"]["kakaoOptions"]["variables"] == {"#{name}": "홍길동", "#{n}": "1"}


def test_a_refused_message_is_a_failed_result(solapi: Harness) -> None:
    solapi.expect("send_refused")

    result = solapi.solapi.send(sms(sender="0299999999"))

    assert result == SendResult(
        "M4V20211116140944DY60GNXJWKICXUY", SendStatus.FAILED, "발신번호 미등록", "1062"
    )


@pytest.mark.parametrize(
    "case", load("solapi/send_errors")["refusals"], ids=lambda case: case["name"]
)
def test_refusals_name_the_message_and_its_code(solapi: Harness, case: dict[str, Any]) -> None:
    solapi.answer(case["response"])

    result = solapi.solapi.send(sms())

    expect = case["expect"]
    assert result.status is SendStatus.FAILED
    assert (result.provider_id, result.status_code, result.reason) == (
        expect["provider_id"],
        expect["status_code"],
        expect["reason"],
    )


@pytest.mark.parametrize("case", load("solapi/send_errors")["cases"], ids=lambda case: case["name"])
def test_failed_calls_say_whether_to_retry(solapi: Harness, case: dict[str, Any]) -> None:
    solapi.answer(case["response"])

    with pytest.raises(MessagingError) as raised:
        solapi.solapi.send(sms())

    expect = case["expect"]
    assert raised.value.code == expect["error"]
    assert raised.value.retryable is expect["retryable"]
    assert raised.value.maybe_sent is expect["maybe_sent"]
    if "hidden" in expect:
        assert expect["hidden"] not in str(raised.value)
        assert mask_phone(expect["hidden"]) in str(raised.value)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (sms(idempotency_key=""), "idempotency key"),
        (sms(idempotency_key="k" * 101), "idempotency key"),
        (sms(to="010-12"), "recipient"),
        (sms(to="01012345678 ext 2"), "recipient"),
        (sms(sender="발신번호"), "sender"),
        (sms(text=""), "needs a text"),
        (alimtalk(template_code=""), "template code"),
    ],
)
def test_what_solapi_would_refuse_is_refused_before_sending(
    message: OutgoingMessage, words: str
) -> None:
    replay = Replay()  # no exchange: nothing may be sent
    with (
        SolapiMessaging(API_KEY, SECRET, PF_ID, transport=replay.transport) as client,
        pytest.raises(MessagingError, match=words) as raised,
    ):
        client.send(message)
    assert (raised.value.code, raised.value.retryable) == ("invalid_request", False)
    assert replay.sent == []


def test_alimtalk_needs_the_channel() -> None:
    with pytest.raises(MessagingError, match="pfId"):
        send_body(alimtalk(), pf_id="")


def test_an_unusable_url_is_a_config_error() -> None:
    with (
        SolapiMessaging(API_KEY, SECRET, PF_ID, base_url="api.solapi.com") as client,
        pytest.raises(MessagingError) as raised,
    ):
        client.send(sms())
    assert (raised.value.code, raised.value.retryable) == ("config", False)


# --- delivery receipts ------------------------------------------------------------------------


def _listing(case: dict[str, Any]) -> dict[str, Any]:
    fixture = load("solapi/message_list")
    if case["entry"] == "documented":
        return dict(fixture["documented"])
    return {"startKey": None, "limit": 20, "messageList": {case["id"]: case["entry"]}}


@pytest.mark.parametrize(
    "case", load("solapi/message_list")["cases"], ids=lambda case: case["name"]
)
def test_delivery_receipts(solapi: Harness, case: dict[str, Any]) -> None:
    solapi.answer({"status": 200, "body": _listing(case)}, path="/messages/v4/list")

    receipt = solapi.solapi.status(case["id"])

    expect = case["expect"]
    reported = expect["reported_at"]
    assert receipt == DeliveryReceipt(
        provider_id=case["id"],
        status=DeliveryStatus(expect["status"]),
        channel=Channel(expect["channel"]),
        fallback=expect["fallback"],
        status_code=expect["status_code"],
        reason=expect["reason"],
        reported_at=dt.datetime.fromisoformat(reported) if reported else None,
    )
    sent = solapi.replay.sent[-1]
    assert sent.method == "GET"
    assert dict(sent.url.params) == {"criteria": "messageId", "cond": "eq", "value": case["id"]}
    assert HEADER_SHAPE.fullmatch(sent.headers["Authorization"])


@pytest.mark.parametrize(
    ("response", "code", "retryable"),
    [
        (
            {"status": 200, "body": {"startKey": None, "limit": 20, "messageList": {}}},
            "not_found",
            False,
        ),
        ({"status": 200, "body": {"limit": 20}}, "bad_response", True),
        ({"status": 200, "body": {"messageList": {"M4V9": {"type": "SMS"}}}}, "bad_response", True),
        (
            {"status": 500, "body": {"errorCode": "InternalError", "errorMessage": "x"}},
            "InternalError",
            True,
        ),
        ({"error": "timeout"}, "timeout", True),
    ],
)
def test_receipts_that_cannot_be_read(
    solapi: Harness, response: dict[str, Any], code: str, retryable: bool
) -> None:
    solapi.answer(response, path="/messages/v4/list")

    with pytest.raises(MessagingError) as raised:
        solapi.solapi.status("M4V9")

    assert (raised.value.code, raised.value.retryable) == (code, retryable)
    assert raised.value.maybe_sent is False  # a read sends nothing


def test_a_receipt_needs_a_message_id() -> None:
    with (
        SolapiMessaging(API_KEY, SECRET, PF_ID, transport=Replay().transport) as client,
        pytest.raises(MessagingError, match="message id"),
    ):
        client.status("")


# --- what is logged ---------------------------------------------------------------------------


def test_logs_hold_neither_the_secret_nor_the_phone_number(
    solapi: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    solapi.expect("send_sms")
    with caplog.at_level(logging.DEBUG):
        solapi.solapi.send(sms())

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "msg-42" in logged
    assert "010****0001" in logged
    assert "01000000001" not in logged
    assert SECRET not in logged
    assert SIGNATURE not in logged


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("01012345678", "010****5678"),
        ("010-1234-5678", "010****5678"),
        ("0212345678", "021***5678"),
        ("029302266", "029**2266"),
        ("12345", "*****"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_redact_phones_masks_every_number_in_words() -> None:
    words = "01012345678 및 010-9876-5432 번호는 차단됨 (주문 20240101)"
    redacted = redact_phones(words)
    assert redacted == "010****5678 및 010****5432 번호는 차단됨 (주문 20240101)"
