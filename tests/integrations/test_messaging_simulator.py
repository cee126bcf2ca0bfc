"""The messaging simulator over real HTTP on 127.0.0.1, driven through the real Solapi adapter.

The simulator and the adapter share a clock the tests move, so delivery reports turn without
waiting; ``/_sim/messages`` is the evidence of what was sent, whatever the client believes.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from banpum.integrations.messaging.base import (
    Channel,
    DeliveryStatus,
    MessagingError,
    OutgoingMessage,
    SendStatus,
)
from banpum.integrations.messaging.simulator_server import (
    CARRIER_FAILURES,
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    DEFAULT_PF_ID,
    MessageSimulator,
    MessageSimulatorConfig,
)
from banpum.integrations.messaging.solapi import SolapiMessaging, solapi_authorization, solapi_date

START = dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC)
SENDER = "0215880000"
SHOPPER = "01012345678"
NO_KAKAOTALK = "01055550000"  # ends in 0000: no KakaoTalk by default
TEMPLATE_ID = "KA01TP_RETURN_RECEIVED"
TEMPLATE = "#{name}님, 반품 #{number} 접수되었습니다."
FILLED = "홍길동님, 반품 R-1 접수되었습니다."
VARIABLES = {"name": "홍길동", "number": "R-1"}
SHORT_FALLBACK = "[반품] 홍길동님 반품 R-1 접수"
LONG_FALLBACK = "[반품 접수] 홍길동님, 반품 R-1 이 접수되었습니다. " * 4


class Clock:
    """The simulator's and the adapter's time; a test moves it."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def running(clock: Clock, **config: Any) -> MessageSimulator:
    settings: dict[str, Any] = {"seed": 7, "report_delay_seconds": 0.0} | config
    return MessageSimulator(
        port=0,
        config=MessageSimulatorConfig(**settings),
        templates={TEMPLATE_ID: TEMPLATE},
        clock=clock,
    ).start()


@pytest.fixture
def simulator(clock: Clock) -> Iterator[MessageSimulator]:
    simulator = running(clock)
    try:
        yield simulator
    finally:
        simulator.stop()


def client(simulator: MessageSimulator, clock: Clock, **options: Any) -> SolapiMessaging:
    # Generous: a busy CI machine must not turn an ordinary call into a timeout. The timeout
    # tests use their own short-timeout client against a reply held far longer.
    settings: dict[str, Any] = {"base_url": simulator.base_url, "timeout": 30.0, "clock": clock}
    return SolapiMessaging(
        DEFAULT_API_KEY, DEFAULT_API_SECRET, DEFAULT_PF_ID, **(settings | options)
    )


@pytest.fixture
def solapi(simulator: MessageSimulator, clock: Clock) -> Iterator[SolapiMessaging]:
    with client(simulator, clock) as gateway:
        yield gateway


_keys = iter(range(10**6))


def sms(**changes: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "idempotency_key": f"msg-{next(_keys)}",
        "to": SHOPPER,
        "sender": SENDER,
        "channel": Channel.SMS,
        "text": "반품 R-1 이 접수되었습니다.",
    }
    return OutgoingMessage(**(values | changes))


def alimtalk(**changes: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "channel": Channel.ALIMTALK,
        "text": FILLED,
        "template_code": TEMPLATE_ID,
        "variables": VARIABLES,
        "fallback_text": SHORT_FALLBACK,
    }
    return sms(**(values | changes))


def sent(simulator: MessageSimulator, **query: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = httpx.get(
        f"{simulator.base_url}/_sim/messages", params=query
    ).json()["messages"]
    return messages


def stats(simulator: MessageSimulator) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{simulator.base_url}/_sim/stats").json()
    return body


def faults(simulator: MessageSimulator, **changes: Any) -> None:
    response = httpx.post(f"{simulator.base_url}/_sim/faults", json=changes)
    assert response.status_code == 200, response.text


def post_send(
    simulator: MessageSimulator, clock: Clock, body: Any, **headers: str
) -> httpx.Response:
    """A raw send, signed like the adapter signs (a fresh salt each time)."""
    salt = f"salt{next(_keys):012d}"
    auth = solapi_authorization(
        DEFAULT_API_KEY, DEFAULT_API_SECRET, date=solapi_date(clock()), salt=salt
    )
    return httpx.post(
        f"{simulator.base_url}/messages/v4/send",
        **({"content": body} if isinstance(body, bytes) else {"json": body}),
        headers={"Authorization": auth, **headers},
    )


def _wait_until(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll for a condition; the bound only stops a broken test, it is never the margin."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


# --- SMS and LMS ------------------------------------------------------------------------------


def test_an_sms_is_accepted_then_delivered(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    result = solapi.send(sms(to="010-1234-5678"))

    assert result.status is SendStatus.ACCEPTED
    assert result.status_code == "2000"
    assert result.provider_id.startswith("M4V")
    receipt = solapi.status(result.provider_id)
    assert (receipt.status, receipt.channel, receipt.fallback) == (
        DeliveryStatus.DELIVERED,
        Channel.SMS,
        False,
    )
    assert receipt.status_code == "4000"
    assert receipt.reported_at == START
    [message] = sent(simulator)
    assert (message["to"], message["from"], message["type"]) == (SHOPPER, SENDER, "SMS")
    assert message["text"] == "반품 R-1 이 접수되었습니다."
    assert message["message_id"] == result.provider_id


def test_a_report_arrives_after_the_delay(simulator: MessageSimulator, clock: Clock) -> None:
    faults(simulator, report_delay_seconds=60)
    with client(simulator, clock) as solapi:
        message_id = solapi.send(sms()).provider_id

        first = solapi.status(message_id)
        clock.advance(59)
        still = solapi.status(message_id)
        clock.advance(1)
        final = solapi.status(message_id)

    assert (first.status, first.status_code, first.reported_at) == (
        DeliveryStatus.PENDING,
        "3000",
        None,
    )
    assert still.status is DeliveryStatus.PENDING
    assert (final.status, final.status_code) == (DeliveryStatus.DELIVERED, "4000")
    assert final.reported_at == START + dt.timedelta(seconds=60)


def test_an_lms_keeps_its_subject(simulator: MessageSimulator, solapi: SolapiMessaging) -> None:
    text = "반품이 접수되었습니다. " * 20
    result = solapi.send(sms(channel=Channel.LMS, subject="[반품 접수]", text=text))

    assert result.status is SendStatus.ACCEPTED
    assert solapi.status(result.provider_id).channel is Channel.LMS
    [message] = sent(simulator)
    assert (message["type"], message["subject"], message["text"]) == ("LMS", "[반품 접수]", text)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (sms(text="가" * 46), "1031"),  # 92 bytes in EUC-KR: too long for an SMS
        (sms(channel=Channel.LMS, text="가" * 1001), "1031"),
        (sms(text="반품 접수 🙂"), "1029"),  # no EUC-KR for an emoji
        (sms(channel=Channel.LMS, text="본문", subject="제" * 21), "1014"),
    ],
)
def test_what_a_type_cannot_carry_is_refused_as_a_message(
    simulator: MessageSimulator, solapi: SolapiMessaging, message: OutgoingMessage, code: str
) -> None:
    result = solapi.send(message)

    assert (result.status, result.status_code) == (SendStatus.FAILED, code)
    assert result.reason  # the documented words
    assert solapi.status(result.provider_id).status is DeliveryStatus.FAILED
    assert stats(simulator)["sends_refused"] == 1


def test_an_unregistered_sender_is_refused(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    faults(simulator, senders=[SENDER])

    assert solapi.send(sms()).status is SendStatus.ACCEPTED
    refused = solapi.send(sms(sender="0299999999"))

    assert (refused.status, refused.status_code, refused.reason) == (
        SendStatus.FAILED,
        "1062",
        "발신번호 미등록",
    )


# --- 알림톡 -----------------------------------------------------------------------------------


def test_an_alimtalk_with_an_approved_template_is_delivered_as_alimtalk(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    result = solapi.send(alimtalk())

    receipt = solapi.status(result.provider_id)
    assert (receipt.status, receipt.channel, receipt.fallback) == (
        DeliveryStatus.DELIVERED,
        Channel.ALIMTALK,
        False,
    )
    [message] = sent(simulator)
    assert (message["type"], message["text"], message["template_id"]) == (
        "ATA",
        FILLED,
        TEMPLATE_ID,
    )
    assert message["variables"] == {"#{name}": "홍길동", "#{number}": "R-1"}


def test_variables_alone_fill_the_template(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    result = solapi.send(alimtalk(text=""))

    assert solapi.status(result.provider_id).channel is Channel.ALIMTALK
    assert sent(simulator)[0]["text"] == FILLED


@pytest.mark.parametrize(
    ("changes", "kakao_code"),
    [
        ({"template_code": "KA01TP_NEVER_APPROVED"}, "3105"),  # not registered
        ({"to": NO_KAKAOTALK}, "3104"),  # no KakaoTalk on that phone
        ({"text": "홍길동님, 반품 R-1 이 접수되었어요."}, "3103"),  # edited, not re-approved
        ({"variables": {"name": "홍길동"}, "text": ""}, "3103"),  # a variable missing
    ],
)
def test_an_alimtalk_kakao_refuses_falls_back_to_sms(
    simulator: MessageSimulator,
    solapi: SolapiMessaging,
    changes: dict[str, Any],
    kakao_code: str,
) -> None:
    result = solapi.send(alimtalk(**changes))

    assert result.status is SendStatus.ACCEPTED  # Kakao refuses later, not on receipt
    receipt = solapi.status(result.provider_id)
    assert (receipt.status, receipt.channel, receipt.fallback) == (
        DeliveryStatus.DELIVERED,
        Channel.SMS,
        True,
    )
    assert kakao_code in receipt.reason
    [message] = sent(simulator)
    assert (message["type"], message["text"], message["kakao_code"]) == (
        "SMS",
        SHORT_FALLBACK,
        kakao_code,
    )
    assert stats(simulator)["fallbacks"] == 1


def test_a_long_fallback_goes_as_lms_with_its_subject(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    message = alimtalk(to=NO_KAKAOTALK, fallback_text=LONG_FALLBACK, fallback_subject="[반품]")

    receipt = solapi.status(solapi.send(message).provider_id)

    assert (receipt.channel, receipt.fallback) == (Channel.LMS, True)
    [shown] = sent(simulator)
    assert (shown["type"], shown["subject"], shown["text"]) == ("LMS", "[반품]", LONG_FALLBACK)


def test_without_a_fallback_the_alimtalk_fails(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    no_kakao = solapi.send(alimtalk(to=NO_KAKAOTALK, fallback_text=""))
    unregistered = solapi.send(alimtalk(template_code="KA01TP_OTHER", fallback_text=""))

    for result, code, words in (
        (no_kakao, "3104", "카카오톡 미사용자"),
        (unregistered, "3105", "미등록 템플릿"),
    ):
        receipt = solapi.status(result.provider_id)
        assert (receipt.status, receipt.channel, receipt.fallback) == (
            DeliveryStatus.FAILED,
            Channel.ALIMTALK,
            False,
        )
        assert (receipt.status_code, receipt.reason) == (code, words)
    assert stats(simulator)["fallbacks"] == 0


def test_numbers_without_kakaotalk_are_configurable(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    faults(simulator, no_kakaotalk=[SHOPPER], no_kakaotalk_suffix="")

    listed = solapi.status(solapi.send(alimtalk()).provider_id)
    by_suffix = solapi.status(solapi.send(alimtalk(to=NO_KAKAOTALK)).provider_id)

    assert listed.fallback is True
    assert by_suffix.fallback is False


def test_an_alimtalk_from_another_channel_is_refused(
    simulator: MessageSimulator, clock: Clock
) -> None:
    with client(simulator, clock) as solapi:
        solapi.pf_id = "KA01PF_SOMEONE_ELSE"
        result = solapi.send(alimtalk())
    assert (result.status, result.status_code) == (SendStatus.FAILED, "1041")


def test_templates_are_registered_and_removed_at_runtime(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    base = f"{simulator.base_url}/_sim/templates"
    registered = httpx.post(base, json={"templates": {"KA01TP_NEW": "#{name}님 안녕하세요"}})
    assert registered.status_code == 200
    assert registered.json()["templates"]["KA01TP_NEW"] == "#{name}님 안녕하세요"

    delivered = solapi.send(
        alimtalk(
            template_code="KA01TP_NEW", text="홍길동님 안녕하세요", variables={"name": "홍길동"}
        )
    )
    assert solapi.status(delivered.provider_id).channel is Channel.ALIMTALK

    assert httpx.delete(f"{base}/KA01TP_NEW").status_code == 200
    assert "KA01TP_NEW" not in httpx.get(base).json()["templates"]
    assert httpx.delete(f"{base}/KA01TP_NEW").status_code == 404
    again = solapi.send(
        alimtalk(
            template_code="KA01TP_NEW", text="홍길동님 안녕하세요", variables={"name": "홍길동"}
        )
    )
    assert solapi.status(again.provider_id).fallback is True


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"templates": {}},
        {"templates": {"has space": "text"}},
        {"templates": {"KA01TP_X": ""}},
        {"templates": {"KA01TP_X": 5}},
        {"templates": {"KA01TP_X": "가" * 1001}},
    ],
)
def test_bad_templates_are_refused(simulator: MessageSimulator, body: dict[str, Any]) -> None:
    response = httpx.post(f"{simulator.base_url}/_sim/templates", json=body)

    assert response.status_code == 400
    assert response.json()["errorCode"] == "ValidationError"
    assert set(simulator.templates()) == {TEMPLATE_ID}


# --- idempotency ------------------------------------------------------------------------------


def test_the_same_key_replays_and_sends_once(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    message = alimtalk(to=NO_KAKAOTALK)

    first = solapi.send(message)
    solapi.send(sms())  # something else in between
    again = solapi.send(message)

    assert again == first
    assert len(sent(simulator, to=NO_KAKAOTALK)) == 1
    counts = stats(simulator)
    assert (counts["sends_accepted"], counts["sends_replayed"]) == (2, 1)


def test_the_same_key_with_another_message_is_refused(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    solapi.send(sms(idempotency_key="msg-x"))

    with pytest.raises(MessagingError) as raised:
        solapi.send(sms(idempotency_key="msg-x", text="다른 내용"))

    assert (raised.value.code, raised.value.retryable) == ("IdempotencyKeyMismatch", False)
    assert len(sent(simulator)) == 1


def test_a_refusal_is_replayed_too(simulator: MessageSimulator, solapi: SolapiMessaging) -> None:
    message = sms(text="가" * 46)
    assert solapi.send(message) == solapi.send(message)
    assert stats(simulator)["sends_replayed"] == 1


# --- faults -----------------------------------------------------------------------------------


def test_an_injected_error_sends_nothing_and_is_retryable(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    faults(simulator, error_rate=1.0)
    message = sms()

    with pytest.raises(MessagingError) as raised:
        solapi.send(message)
    assert (raised.value.code, raised.value.retryable, raised.value.maybe_sent) == (
        "InternalError",
        True,
        False,
    )
    assert sent(simulator) == []

    faults(simulator, error_rate=0.0)
    assert solapi.send(message).status is SendStatus.ACCEPTED
    assert len(sent(simulator)) == 1
    assert stats(simulator)["calls_failed"] == 1


def test_a_timeout_may_have_sent_and_the_retry_sends_once(
    simulator: MessageSimulator, clock: Clock
) -> None:
    faults(simulator, timeout_rate=1.0, timeout_seconds=5.0)
    message = sms()

    with (
        client(simulator, clock, timeout=0.5) as impatient,
        pytest.raises(MessagingError) as raised,
    ):
        impatient.send(message)
    assert (raised.value.code, raised.value.retryable, raised.value.maybe_sent) == (
        "timeout",
        True,
        True,
    )

    faults(simulator, timeout_rate=0.0)
    with client(simulator, clock) as solapi:
        retried = solapi.send(message)
    assert retried.status is SendStatus.ACCEPTED
    assert len(sent(simulator)) == 1  # the first attempt had sent it
    assert stats(simulator)["replies_delayed"] == 1


def test_reported_failures_carry_a_carrier_code(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    faults(simulator, failure_rate=1.0)

    sms_receipt = solapi.status(solapi.send(sms()).provider_id)
    fallback = solapi.status(solapi.send(alimtalk(to=NO_KAKAOTALK)).provider_id)

    assert sms_receipt.status is DeliveryStatus.FAILED
    assert sms_receipt.status_code in CARRIER_FAILURES
    assert sms_receipt.reason
    # The 알림톡 fell back, and the SMS that went instead was not delivered either.
    assert (fallback.status, fallback.fallback) == (DeliveryStatus.FAILED, True)
    assert stats(simulator)["failed"] == 2


def _outcomes(seed: int, count: int) -> list[str]:
    clock = Clock()
    simulator = running(clock, seed=seed, failure_rate=0.4, error_rate=0.2)
    outcomes = []
    try:
        with client(simulator, clock) as solapi:
            for _ in range(count):
                try:
                    result = solapi.send(sms())
                    outcomes.append(solapi.status(result.provider_id).status_code)
                except MessagingError as exc:  # the send's or the lookup's
                    outcomes.append(exc.code)
    finally:
        simulator.stop()
    return outcomes


def test_outcomes_follow_the_seed() -> None:
    first = _outcomes(11, 30)
    assert first == _outcomes(11, 30)
    assert first != _outcomes(12, 30)
    assert {"4000", "InternalError"} <= set(first)
    assert set(first) & set(CARRIER_FAILURES)


def test_retrying_with_one_key_sends_each_message_once_under_faults(clock: Clock) -> None:
    """Like a notify job: retry retryable errors with the same key until an answer."""
    simulator = running(clock, seed=3, error_rate=0.4)
    try:
        messages = [sms() for _ in range(15)]
        failures: list[bool] = []
        with client(simulator, clock) as solapi:
            for message in messages:
                for _attempt in range(50):
                    try:
                        solapi.send(message)
                        break
                    except MessagingError as exc:
                        failures.append(exc.retryable)
                else:
                    pytest.fail("never answered")
        keys = [m["idempotency_key"] for m in sent(simulator)]
        counts = stats(simulator)
    finally:
        simulator.stop()
    assert counts["calls_failed"] == len(failures) > 0
    assert all(failures)  # every failure was a retryable one
    assert sorted(keys) == sorted(m.idempotency_key for m in messages)


def test_slow_replies_and_the_concurrency_limit(simulator: MessageSimulator, clock: Clock) -> None:
    # The first send is held (latency) until the simulator stops; the second is sent as soon
    # as the first is seen in flight and is turned away.
    faults(simulator, max_in_flight=1, latency_ms=60_000)
    errors: list[BaseException] = []
    results: list[SendStatus] = []

    def slow_send() -> None:
        with client(simulator, clock, timeout=90.0) as solapi:
            try:
                results.append(solapi.send(sms()).status)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

    thread = threading.Thread(target=slow_send)
    thread.start()
    try:
        _wait_until(lambda: stats(simulator)["in_flight"] == 1)
        with client(simulator, clock) as solapi, pytest.raises(MessagingError) as raised:
            solapi.send(sms())
        assert (raised.value.code, raised.value.retryable, raised.value.maybe_sent) == (
            "TooManyRequests",
            True,
            False,
        )
        counts = stats(simulator)
    finally:
        simulator.stop()  # wakes the held request, which then answers
        thread.join()
    assert errors == []
    assert results == [SendStatus.ACCEPTED]
    assert (counts["rate_limited"], counts["peak_in_flight"]) == (1, 1)


# --- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "secret", "code"),
    [
        ("NCSWRONGKEY", DEFAULT_API_SECRET, "InvalidAPIKey"),
        (DEFAULT_API_KEY, DEFAULT_API_SECRET + "x", "SignatureDoesNotMatch"),
    ],
)
def test_wrong_credentials_are_refused(
    simulator: MessageSimulator, clock: Clock, key: str, secret: str, code: str
) -> None:
    with (
        SolapiMessaging(
            key, secret, DEFAULT_PF_ID, base_url=simulator.base_url, clock=clock
        ) as bad,
        pytest.raises(MessagingError) as raised,
    ):
        bad.send(sms())
    assert (raised.value.code, raised.value.retryable) == (code, False)
    assert sent(simulator) == []
    assert stats(simulator)["auth_refused"] == 1


@pytest.mark.parametrize("minutes", [-16, 16])
def test_a_clock_15_minutes_off_is_refused(
    simulator: MessageSimulator, clock: Clock, minutes: int
) -> None:
    off = Clock(START + dt.timedelta(minutes=minutes))
    with client(simulator, off) as skewed, pytest.raises(MessagingError) as raised:
        skewed.send(sms())
    assert (raised.value.code, raised.value.retryable) == ("RequestTimeTooSkewed", False)
    with client(simulator, Clock(START + dt.timedelta(minutes=14))) as close:
        assert close.send(sms()).status is SendStatus.ACCEPTED


def test_a_signature_is_used_once(simulator: MessageSimulator, clock: Clock) -> None:
    auth = solapi_authorization(
        DEFAULT_API_KEY, DEFAULT_API_SECRET, date=solapi_date(START), salt="one-salt-only-once"
    )
    url = f"{simulator.base_url}/messages/v4/list"
    params = {"criteria": "messageId", "cond": "eq", "value": "M4V0"}

    first = httpx.get(url, params=params, headers={"Authorization": auth})
    again = httpx.get(url, params=params, headers={"Authorization": auth})

    assert first.status_code == 200
    assert (again.status_code, again.json()["errorCode"]) == (403, "DuplicatedSignature")
    # Fifteen minutes later it is forgotten (and the date is too old anyway).
    clock.advance(16 * 60)
    assert httpx.get(url, params=params, headers={"Authorization": auth}).json()["errorCode"] == (
        "RequestTimeTooSkewed"
    )


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer abc",
        "HMAC-SHA256 apiKey=NCSBANPUMSIMULATOR",
        "HMAC-SHA1 apiKey=a, date=b, salt=cccccccccccc, signature=d",
        "HMAC-SHA256 apiKey=NCSBANPUMSIMULATOR, date=2026-03-02T00:30:00Z, salt=short, signature=0",
    ],
)
def test_a_missing_or_malformed_header_is_401(simulator: MessageSimulator, header: str) -> None:
    response = httpx.post(
        f"{simulator.base_url}/messages/v4/send", json={}, headers={"Authorization": header}
    )
    assert (response.status_code, response.json()["errorCode"]) == (401, "Unauthorized")


def test_md5_and_the_python_sdks_capitalised_names_are_accepted(
    simulator: MessageSimulator,
) -> None:
    import hashlib
    import hmac

    date, salt = "2026-03-02T09:30:00+09:00", "abcdefghijklmnop"
    md5 = hmac.new(DEFAULT_API_SECRET.encode(), (date + salt).encode(), hashlib.md5).hexdigest()
    sha = hmac.new(DEFAULT_API_SECRET.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()
    url = f"{simulator.base_url}/messages/v4/list?messageId=M4V0"
    for header in (
        f"HMAC-MD5 apiKey={DEFAULT_API_KEY}, date={date}, salt={salt}, signature={md5}",
        f"HMAC-SHA256 ApiKey={DEFAULT_API_KEY}, Date={date}, salt={salt}, signature={sha}",
    ):
        response = httpx.get(url, headers={"Authorization": header})
        assert response.status_code == 200, response.text


# --- the send body ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1]",
        {},
        {"message": "hi"},
        {"message": {"to": "010", "from": SENDER, "text": "x"}},
        {"message": {"to": SHOPPER, "from": "abc", "text": "x"}},
        {"message": {"to": SHOPPER, "from": SENDER, "text": 5}},
        {"message": {"to": SHOPPER, "from": SENDER, "text": "x", "type": "FAX"}},
        {"message": {"to": SHOPPER, "from": SENDER, "type": "SMS"}},
        {"message": {"to": SHOPPER, "from": SENDER, "text": "x", "kakaoOptions": {"pfId": "p"}}},
        {"message": {"to": SHOPPER, "from": SENDER, "type": "ATA", "kakaoOptions": "pf"}},
        {
            "message": {
                "to": SHOPPER,
                "from": SENDER,
                "type": "ATA",
                "kakaoOptions": {"templateId": "t", "variables": {"name": "x"}},
            }
        },
        {
            "message": {
                "to": SHOPPER,
                "from": SENDER,
                "type": "ATA",
                "kakaoOptions": {"templateId": "t", "variables": {"#{n}": 1}},
            }
        },
        {
            "message": {
                "to": SHOPPER,
                "from": SENDER,
                "type": "ATA",
                "kakaoOptions": {"templateId": "t", "disableSms": "yes"},
            }
        },
        {"message": {"to": SHOPPER, "from": SENDER, "text": "x", "customFields": {"k": "v" * 101}}},
        {"message": {"to": SHOPPER, "from": SENDER, "text": "x", "customFields": ["k"]}},
    ],
)
def test_bad_send_bodies_are_400_and_send_nothing(
    simulator: MessageSimulator, clock: Clock, body: Any
) -> None:
    response = post_send(simulator, clock, body)

    assert response.status_code == 400, response.text
    assert set(response.json()) == {"errorCode", "errorMessage"}
    assert response.json()["errorCode"] == "ValidationError"
    assert sent(simulator) == []


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"to": SHOPPER, "from": SENDER, "text": "x", "type": "SMS", "subject": "제목"}, "1013"),
        (
            {"to": SHOPPER, "from": SENDER, "type": "ATA", "kakaoOptions": {"pfId": DEFAULT_PF_ID}},
            "1042",
        ),
        (
            {
                "to": SHOPPER,
                "from": SENDER,
                "type": "ATA",
                "text": "가" * 1001,
                "kakaoOptions": {"pfId": DEFAULT_PF_ID, "templateId": TEMPLATE_ID},
            },
            "1031",
        ),
    ],
)
def test_refusals_on_receipt_come_back_in_a_200(
    simulator: MessageSimulator, clock: Clock, message: dict[str, Any], code: str
) -> None:
    response = post_send(simulator, clock, {"message": message})

    assert response.status_code == 200
    assert response.json()["statusCode"] == code


def test_the_type_is_detected_when_not_given(simulator: MessageSimulator, clock: Clock) -> None:
    short = post_send(
        simulator, clock, {"message": {"to": SHOPPER, "from": SENDER, "text": "짧은 글"}}
    )
    long = post_send(
        simulator, clock, {"message": {"to": SHOPPER, "from": SENDER, "text": "긴 글 " * 40}}
    )
    kakao = post_send(
        simulator,
        clock,
        {
            "message": {
                "to": SHOPPER,
                "from": SENDER,
                "kakaoOptions": {
                    "pfId": DEFAULT_PF_ID,
                    "templateId": TEMPLATE_ID,
                    "variables": {"#{name}": "홍길동", "#{number}": "R-1"},
                },
            }
        },
    )
    assert [r.json()["type"] for r in (short, long, kakao)] == ["SMS", "LMS", "ATA"]


# --- receipts ---------------------------------------------------------------------------------


def test_an_unknown_message_is_not_found(solapi: SolapiMessaging) -> None:
    with pytest.raises(MessagingError) as raised:
        solapi.status("M4V_NOBODY")
    assert (raised.value.code, raised.value.retryable) == ("not_found", False)


def test_the_list_answers_by_message_id_only(simulator: MessageSimulator, clock: Clock) -> None:
    salt = "list-salt-000001"
    auth = solapi_authorization(
        DEFAULT_API_KEY, DEFAULT_API_SECRET, date=solapi_date(START), salt=salt
    )
    response = httpx.get(
        f"{simulator.base_url}/messages/v4/list",
        params={"criteria": "to", "cond": "eq", "value": SHOPPER},
        headers={"Authorization": auth},
    )
    assert (response.status_code, response.json()["errorCode"]) == (400, "ValidationError")


# --- control API, state, configuration --------------------------------------------------------


def test_faults_endpoint_checks_its_input(simulator: MessageSimulator) -> None:
    base = simulator.base_url
    response = httpx.post(
        f"{base}/_sim/faults",
        json={
            "failure_rate": 2,
            "report_delay_seconds": -1,
            "senders": ["02-123"],
            "no_kakaotalk_suffix": "abc",
            "api_key": "has space",
            "api_secret": "",
            "pf_id": "",
            "nope": 1,
        },
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "failure_rate",
        "report_delay_seconds",
        "senders",
        "no_kakaotalk_suffix",
        "api_key",
        "api_secret",
        "pf_id",
        "nope",
    }
    shown = httpx.get(f"{base}/_sim/faults").json()
    assert shown["failure_rate"] == 0.0
    assert shown["api_secret"] == "***"
    assert DEFAULT_API_SECRET not in httpx.get(f"{base}/_sim/faults").text
    assert httpx.post(f"{base}/_sim/faults", content=b"{").status_code == 400
    assert httpx.get(f"{base}/_sim/nothing").status_code == 404


def test_sent_messages_are_listed_per_recipient(
    simulator: MessageSimulator, solapi: SolapiMessaging
) -> None:
    solapi.send(sms())
    solapi.send(alimtalk(to=NO_KAKAOTALK))

    assert [m["to"] for m in sent(simulator)] == [SHOPPER, NO_KAKAOTALK]
    assert [m["requested_type"] for m in sent(simulator, to=NO_KAKAOTALK)] == ["ATA"]
    counts = stats(simulator)
    assert (counts["messages"], counts["delivered"], counts["pending"]) == (2, 2, 0)


def test_messages_templates_and_keys_survive_a_restart(tmp_path: Path, clock: Clock) -> None:
    state = tmp_path / "messages.json"
    config = MessageSimulatorConfig(report_delay_seconds=0)
    simulator = MessageSimulator(port=0, config=config, state_path=state, clock=clock).start()
    message = alimtalk(template_code="KA01TP_SAVED")
    try:
        simulator.templates_update({"KA01TP_SAVED": TEMPLATE})
        with client(simulator, clock) as solapi:
            first = solapi.send(message)
    finally:
        simulator.stop()

    again = MessageSimulator(port=0, config=config, state_path=state, clock=clock).start()
    try:
        assert again.templates() == {"KA01TP_SAVED": TEMPLATE}
        with client(again, clock) as solapi:
            assert solapi.send(message) == first  # the key is remembered: not sent twice
            assert solapi.status(first.provider_id).channel is Channel.ALIMTALK
        assert len(again.messages()) == 1
    finally:
        again.stop()


def test_the_simulator_listens_on_loopback_only() -> None:
    for host in ("0.0.0.0", "192.168.0.10", "example.com"):  # noqa: S104 - the refused cases
        with pytest.raises(ValueError, match="loopback"):
            MessageSimulator(host=host, port=0)


def test_bad_templates_at_start_are_refused() -> None:
    with pytest.raises(ValueError, match="template"):
        MessageSimulator(port=0, templates={"KA01TP_X": ""})
