"""The payment simulator over real HTTP on 127.0.0.1, driven through the real Toss adapter.

The simulator's own counts (``/_sim/stats``) are the evidence for exactly-once: whatever the
client believes, ``payments[key].cancelled_amount`` is what the gateway refunded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banpum.integrations.payments.base import (
    CancelRequest,
    PaymentAlreadyCancelled,
    PaymentRejected,
    PaymentStatus,
    PaymentUnavailable,
    RefundAccount,
)
from banpum.integrations.payments.simulator_server import (
    DEFAULT_SECRET_KEY,
    SIGNATURE_HEADER,
    TRANSMISSION_TIME_HEADER,
    PaymentSimulator,
    PaymentSimulatorConfig,
)
from banpum.integrations.payments.toss import TossPayments, basic_authorization

ACCOUNT = RefundAccount(bank_code="88", account_number="11012345678", holder_name="홍길동")


@pytest.fixture
def simulator() -> Iterator[PaymentSimulator]:
    simulator = PaymentSimulator(port=0, config=PaymentSimulatorConfig(seed=7)).start()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def toss(simulator: PaymentSimulator) -> Iterator[TossPayments]:
    # Generous: a busy CI machine must not turn an ordinary call into a timeout. The timeout
    # tests use their own short-timeout client against a reply held far longer.
    with TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url, timeout=30) as client:
        yield client


def confirm(simulator: PaymentSimulator, amount: int = 30000, key: str = "", **extra: Any) -> str:
    """Seed a DONE payment through Toss's confirm endpoint; its payment key."""
    key = key or f"tgen_{uuid.uuid4().hex[:20]}"
    response = httpx.post(
        f"{simulator.base_url}/v1/payments/confirm",
        json={"paymentKey": key, "orderId": f"order-{key[-12:]}", "amount": amount, **extra},
        headers={"Authorization": basic_authorization(DEFAULT_SECRET_KEY)},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "DONE"
    return key


def cancel(key: str, amount: int | None, idem: str = "", **changes: Any) -> CancelRequest:
    return CancelRequest(
        payment_key=key,
        amount=amount,
        reason="반품 환불",
        idempotency_key=idem or uuid.uuid4().hex,
        **changes,
    )


def stats(simulator: PaymentSimulator) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{simulator.base_url}/_sim/stats").json()
    return body


def faults(simulator: PaymentSimulator, **changes: Any) -> None:
    response = httpx.post(f"{simulator.base_url}/_sim/faults", json=changes)
    assert response.status_code == 200, response.text


def _wait_until(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll for a condition; the bound only stops a broken test, it is never the margin."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


# --- Toss semantics ---------------------------------------------------------------------------


def test_partial_cancels_then_the_rest(simulator: PaymentSimulator, toss: TossPayments) -> None:
    key = confirm(simulator, 30000)

    first = toss.cancel(cancel(key, 10000))
    assert (first.status, first.balance_amount) == (PaymentStatus.PARTIAL_CANCELED, 20000)
    second = toss.cancel(cancel(key, 5000))
    assert (second.status, second.balance_amount) == (PaymentStatus.PARTIAL_CANCELED, 15000)
    last = toss.cancel(cancel(key, None))

    assert (last.status, last.balance_amount) == (PaymentStatus.CANCELED, 0)
    assert [c.amount for c in last.cancels] == [10000, 5000, 15000]
    assert len({c.transaction_key for c in last.cancels}) == 3
    assert all(c.canceled_at.tzinfo is not None for c in last.cancels)
    assert toss.payment(key) == last
    assert stats(simulator)["payments"][key] == {
        "status": "CANCELED",
        "total_amount": 30000,
        "balance_amount": 0,
        "cancels_applied": 3,
        "cancelled_amount": 30000,
    }


def test_more_than_the_balance_is_refused_and_changes_nothing(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    key = confirm(simulator, 30000)
    toss.cancel(cancel(key, 20000))

    with pytest.raises(PaymentRejected) as raised:
        toss.cancel(cancel(key, 10001))

    assert raised.value.code == "NOT_CANCELABLE_AMOUNT"
    assert toss.payment(key).balance_amount == 10000


def test_a_cancelled_payment_answers_already_cancelled(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    key = confirm(simulator, 30000)
    toss.cancel(cancel(key, None))

    for amount in (None, 1000):
        with pytest.raises(PaymentAlreadyCancelled) as raised:
            toss.cancel(cancel(key, amount))
        assert raised.value.code == "ALREADY_CANCELED_PAYMENT"
    assert stats(simulator)["payments"][key]["cancelled_amount"] == 30000


def test_unknown_payment(toss: TossPayments) -> None:
    with pytest.raises(PaymentRejected) as cancelled:
        toss.cancel(cancel("tgen_nobody", 1000))
    with pytest.raises(PaymentRejected) as read:
        toss.payment("tgen_nobody")
    assert cancelled.value.code == read.value.code == "NOT_FOUND_PAYMENT"


@pytest.mark.parametrize("secret", ["test_sk_wrong", "", DEFAULT_SECRET_KEY + "x"])
def test_wrong_secret_key_is_401(simulator: PaymentSimulator, secret: str) -> None:
    key = confirm(simulator)
    with TossPayments(secret, base_url=simulator.base_url) as wrong:
        with pytest.raises(PaymentRejected) as raised:
            wrong.cancel(cancel(key, 1000))
        assert raised.value.code == "UNAUTHORIZED_KEY"
    response = httpx.get(f"{simulator.base_url}/v1/payments/{key}")  # no header at all
    assert response.status_code == 401
    assert stats(simulator)["payments"][key]["cancels_applied"] == 0


def test_the_password_part_must_be_empty(simulator: PaymentSimulator) -> None:
    token = base64.b64encode(f"{DEFAULT_SECRET_KEY}:pw".encode()).decode()
    response = httpx.get(
        f"{simulator.base_url}/v1/payments/x", headers={"Authorization": f"Basic {token}"}
    )
    assert response.status_code == 401


def test_partial_refund_not_allowed(simulator: PaymentSimulator, toss: TossPayments) -> None:
    key = confirm(simulator, 30000, isPartialCancelable=False)

    with pytest.raises(PaymentRejected) as raised:
        toss.cancel(cancel(key, 1000))
    assert raised.value.code == "NOT_ALLOWED_PARTIAL_REFUND"
    assert toss.cancel(cancel(key, None)).status is PaymentStatus.CANCELED


@pytest.mark.parametrize(
    ("account", "code"),
    [
        (None, "INVALID_REFUND_ACCOUNT_INFO"),
        (RefundAccount("99", "11012345678", "홍길동"), "INVALID_BANK"),
        (RefundAccount("88", "110-123", "홍길동"), "INVALID_REFUND_ACCOUNT_NUMBER"),
        (RefundAccount("88", "11012345678", " "), "INVALID_REFUND_ACCOUNT_INFO"),
    ],
)
def test_virtual_account_needs_a_valid_refund_account(
    simulator: PaymentSimulator, toss: TossPayments, account: RefundAccount | None, code: str
) -> None:
    key = confirm(simulator, 30000, method="가상계좌")

    with pytest.raises(PaymentRejected) as raised:
        toss.cancel(cancel(key, 10000, refund_account=account))

    assert raised.value.code == code
    state = toss.cancel(cancel(key, 10000, refund_account=ACCOUNT))
    assert state.balance_amount == 20000


def test_tax_free_amount_above_the_cancel_is_refused(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    key = confirm(simulator, 30000)
    with pytest.raises(PaymentRejected) as raised:
        toss.cancel(cancel(key, 1000, tax_free_amount=1001))
    assert raised.value.code == "INVALID_REQUEST"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"cancelReason": ""},
        {"cancelReason": "x" * 201},
        {"cancelReason": "r", "cancelAmount": "1000"},
        {"cancelReason": "r", "cancelAmount": 0},
        {"cancelReason": "r", "cancelAmount": True},
        {"cancelReason": "r", "taxFreeAmount": -1},
        {"cancelReason": "r", "refundReceiveAccount": "88-110"},
    ],
)
def test_bad_cancel_bodies_are_400(simulator: PaymentSimulator, body: dict[str, Any]) -> None:
    key = confirm(simulator)
    response = httpx.post(
        f"{simulator.base_url}/v1/payments/{key}/cancel",
        json=body,
        headers={"Authorization": basic_authorization(DEFAULT_SECRET_KEY)},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message"}
    assert stats(simulator)["payments"][key]["cancels_applied"] == 0


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"{not json", 400, "INVALID_REQUEST"),
        (b"[1]", 400, "INVALID_REQUEST"),
        (b'{"paymentKey": "k", "orderId": "order-1", "amount": 0}', 400, "INVALID_REQUEST"),
        (b'{"paymentKey": "k", "orderId": "o", "amount": 100}', 400, "INVALID_REQUEST"),
        (b'{"paymentKey": "", "orderId": "order-1", "amount": 100}', 400, "INVALID_REQUEST"),
        (b'{"paymentKey": "k", "orderId": "order-1", "amount": 1, "method": "x"}', 400, None),
    ],
)
def test_bad_confirms(
    simulator: PaymentSimulator, content: bytes, status: int, code: str | None
) -> None:
    response = httpx.post(
        f"{simulator.base_url}/v1/payments/confirm",
        content=content,
        headers={"Authorization": basic_authorization(DEFAULT_SECRET_KEY)},
    )
    assert response.status_code == status
    assert response.json()["code"] == (code or "INVALID_REQUEST")


def test_a_second_confirm_of_one_payment_is_refused(simulator: PaymentSimulator) -> None:
    key = confirm(simulator)
    response = httpx.post(
        f"{simulator.base_url}/v1/payments/confirm",
        json={"paymentKey": key, "orderId": "order-again", "amount": 1},
        headers={"Authorization": basic_authorization(DEFAULT_SECRET_KEY)},
    )
    assert (response.status_code, response.json()["code"]) == (400, "ALREADY_PROCESSED_PAYMENT")


# --- idempotency ------------------------------------------------------------------------------


def test_same_key_replays_and_never_cancels_twice(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    key = confirm(simulator, 30000)
    request = cancel(key, 10000, idem="refund-1")

    first = toss.cancel(request)
    toss.cancel(cancel(key, 5000))  # something else happens in between
    again = toss.cancel(request)

    assert again == first  # Toss answers the first reply, as it was
    assert toss.payment(key).balance_amount == 15000
    counts = stats(simulator)
    assert (counts["cancels_applied"], counts["cancels_replayed"]) == (2, 1)
    assert counts["payments"][key]["cancelled_amount"] == 15000


def test_same_key_with_another_body_is_refused(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    key = confirm(simulator, 30000)
    toss.cancel(cancel(key, 10000, idem="refund-1"))

    with pytest.raises(PaymentRejected) as raised:
        toss.cancel(cancel(key, 20000, idem="refund-1"))

    assert raised.value.code == "IDEMPOTENCY_KEY_MISMATCH"
    assert toss.payment(key).balance_amount == 20000


def test_a_key_is_scoped_to_its_payment(simulator: PaymentSimulator, toss: TossPayments) -> None:
    one, two = confirm(simulator, 30000), confirm(simulator, 30000)

    toss.cancel(cancel(one, 10000, idem="refund-1"))
    toss.cancel(cancel(two, 10000, idem="refund-1"))

    assert toss.payment(one).balance_amount == toss.payment(two).balance_amount == 20000


def test_a_refusal_is_replayed_too(simulator: PaymentSimulator, toss: TossPayments) -> None:
    key = confirm(simulator, 30000)
    with pytest.raises(PaymentRejected):
        toss.cancel(cancel(key, 40000, idem="too-much"))
    with pytest.raises(PaymentRejected) as again:
        toss.cancel(cancel(key, 40000, idem="too-much"))
    assert again.value.code == "NOT_CANCELABLE_AMOUNT"
    assert stats(simulator)["cancels_replayed"] == 1


# --- faults -----------------------------------------------------------------------------------


def test_injected_error_applies_nothing(simulator: PaymentSimulator, toss: TossPayments) -> None:
    key = confirm(simulator, 30000)
    faults(simulator, error_rate=1.0)

    with pytest.raises(PaymentUnavailable) as raised:
        toss.cancel(cancel(key, 10000, idem="refund-1"))
    assert (raised.value.code, raised.value.maybe_applied) == ("PROVIDER_ERROR", False)

    faults(simulator, error_rate=0.0)
    assert toss.payment(key).balance_amount == 30000
    # The failure was not stored under the key: the retry does the cancel.
    assert toss.cancel(cancel(key, 10000, idem="refund-1")).balance_amount == 20000
    assert stats(simulator)["cancels_failed"] == 1


@pytest.mark.parametrize("mode", ["drop", "504"])
def test_lost_reply_is_applied_once_and_the_same_key_replays(
    simulator: PaymentSimulator, toss: TossPayments, mode: str
) -> None:
    key = confirm(simulator, 30000)
    faults(simulator, lost_reply_rate=1.0, lost_reply_mode=mode)

    with pytest.raises(PaymentUnavailable) as raised:
        toss.cancel(cancel(key, 10000, idem="refund-1"))
    assert raised.value.maybe_applied is True

    faults(simulator, lost_reply_rate=0.0)
    retried = toss.cancel(cancel(key, 10000, idem="refund-1"))

    assert retried.balance_amount == 20000
    assert [c.amount for c in retried.cancels] == [10000]
    counts = stats(simulator)
    assert (counts["replies_lost"], counts["cancels_replayed"]) == (1, 1)
    assert counts["payments"][key]["cancelled_amount"] == 10000


def test_lost_reply_retried_with_a_new_key_cancels_twice_unless_read_first(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    key = confirm(simulator, 30000)
    faults(simulator, lost_reply_rate=1.0)
    with pytest.raises(PaymentUnavailable):
        toss.cancel(cancel(key, 10000, idem="attempt-1"))
    faults(simulator, lost_reply_rate=0.0)

    # The status read reveals the cancel the lost reply did not report ...
    seen = toss.payment(key)
    assert (seen.balance_amount, seen.cancelled_total) == (20000, 10000)
    # ... and a caller that skips it and retries with a new key refunds twice.
    doubled = toss.cancel(cancel(key, 10000, idem="attempt-2"))
    assert doubled.cancelled_total == 20000
    assert stats(simulator)["payments"][key]["cancels_applied"] == 2


def test_injected_timeout_is_applied_and_may_have_applied(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    key = confirm(simulator, 30000)
    faults(simulator, timeout_rate=1.0, timeout_seconds=5.0)

    with (
        TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url, timeout=0.5) as impatient,
        pytest.raises(PaymentUnavailable) as raised,
    ):
        impatient.cancel(cancel(key, 10000, idem="refund-1"))
    assert (raised.value.code, raised.value.maybe_applied) == ("TIMEOUT", True)

    faults(simulator, timeout_rate=0.0)
    assert toss.cancel(cancel(key, 10000, idem="refund-1")).balance_amount == 20000
    assert stats(simulator)["payments"][key]["cancels_applied"] == 1


def _outcomes(seed: int, count: int) -> list[str]:
    config = PaymentSimulatorConfig(seed=seed, error_rate=0.3, lost_reply_rate=0.3)
    simulator = PaymentSimulator(port=0, config=config).start()
    outcomes = []
    try:
        key = confirm(simulator, 10**6)
        with TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url) as toss:
            for _ in range(count):
                try:
                    toss.cancel(cancel(key, 1))
                    outcomes.append("ok")
                except PaymentUnavailable as exc:
                    outcomes.append(exc.code)
    finally:
        simulator.stop()
    return outcomes


def test_faults_follow_the_seed() -> None:
    first = _outcomes(11, 30)
    assert first == _outcomes(11, 30)
    assert first != _outcomes(12, 30)
    assert {"ok", "PROVIDER_ERROR", "CONNECTION"} <= set(first)


def test_retrying_with_one_key_refunds_exactly_once_under_faults() -> None:
    """Like a settlement job: retry on PaymentUnavailable with the same key until an answer."""
    config = PaymentSimulatorConfig(seed=3, error_rate=0.3, lost_reply_rate=0.4)
    simulator = PaymentSimulator(port=0, config=config).start()
    try:
        keys = [confirm(simulator, 30000) for _ in range(15)]
        with TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url) as toss:
            for key in keys:
                request = cancel(key, 12000, idem=f"refund-{key}")
                for _attempt in range(50):
                    try:
                        toss.cancel(request)
                        break
                    except PaymentUnavailable:
                        continue
                else:
                    pytest.fail("never answered")
        counts = stats(simulator)
    finally:
        simulator.stop()
    assert counts["replies_lost"] > 0
    assert counts["cancels_failed"] > 0
    for key in keys:
        assert counts["payments"][key]["cancels_applied"] == 1
        assert counts["payments"][key]["cancelled_amount"] == 12000


def test_concurrency_limit_answers_429(simulator: PaymentSimulator) -> None:
    key = confirm(simulator, 30000)
    # The first cancel is held long after the second request is sent (sent as soon as the
    # first is seen in flight).
    faults(simulator, max_in_flight=1, latency_ms=8000)
    errors: list[BaseException] = []

    def slow_cancel() -> None:
        with TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url) as client:
            try:
                client.cancel(cancel(key, 1000))
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

    thread = threading.Thread(target=slow_cancel)
    thread.start()
    try:
        _wait_until(lambda: stats(simulator)["in_flight"] == 1)
        with (
            TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url) as client,
            pytest.raises(PaymentUnavailable) as raised,
        ):
            client.payment(key)
        assert (raised.value.code, raised.value.maybe_applied) == ("TOO_MANY_REQUESTS", False)
    finally:
        thread.join()
    assert errors == []
    counts = stats(simulator)
    assert (counts["rate_limited"], counts["peak_in_flight"]) == (1, 1)


# --- control API, webhooks, state -------------------------------------------------------------


def test_faults_endpoint_checks_its_input(simulator: PaymentSimulator) -> None:
    base = simulator.base_url
    response = httpx.post(
        f"{base}/_sim/faults",
        json={"error_rate": 2, "lost_reply_mode": "maybe", "nope": 1, "callback_url": "ftp://x"},
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "error_rate",
        "lost_reply_mode",
        "nope",
        "callback_url",
    }
    shown = httpx.get(f"{base}/_sim/faults").json()
    assert shown["error_rate"] == 0.0
    assert shown["secret_key"] == "***"
    assert httpx.post(f"{base}/_sim/faults", content=b"{").status_code == 400
    assert httpx.get(f"{base}/_sim/nothing").status_code == 404


class _Receiver:
    """The seller's webhook endpoint: records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/toss"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_status_changes_are_sent_as_signed_toss_webhooks_twice_on_demand(
    simulator: PaymentSimulator, toss: TossPayments
) -> None:
    receiver = _Receiver()
    try:
        faults(
            simulator,
            callback_url=receiver.url,
            callback_secret="whsec",
            duplicate_callback_rate=1.0,
        )
        key = confirm(simulator, 30000)
        toss.cancel(cancel(key, 10000))
        _wait_until(lambda: len(receiver.calls) == 3)  # confirm once; the cancel twice
    finally:
        receiver.close()

    events = [json.loads(body) for _, body in receiver.calls]
    assert [e["data"]["status"] for e in events] == ["DONE", "PARTIAL_CANCELED", "PARTIAL_CANCELED"]
    assert events[1] == events[2]
    for (headers, body), event in zip(receiver.calls, events, strict=True):
        assert event["eventType"] == "PAYMENT_STATUS_CHANGED"
        assert event["data"]["paymentKey"] == key
        sent_at = headers[TRANSMISSION_TIME_HEADER]
        digest = hmac.new(b"whsec", body + b":" + sent_at.encode(), hashlib.sha256).digest()
        assert headers[SIGNATURE_HEADER] == "v1:" + base64.b64encode(digest).decode()
    assert events[1]["data"]["balanceAmount"] == 20000
    deliveries = httpx.get(f"{simulator.base_url}/_sim/webhooks").json()["deliveries"]
    assert [d["outcome"] for d in deliveries] == ["HTTP 200"] * 3


def test_failed_webhooks_are_retried(simulator: PaymentSimulator) -> None:
    faults(
        simulator,
        callback_url="http://127.0.0.1:9/unreachable",
        webhook_retries=2,
        webhook_backoff_seconds=0.01,
    )
    confirm(simulator)
    deliveries = _wait_until(
        lambda: (
            (d := httpx.get(f"{simulator.base_url}/_sim/webhooks").json()["deliveries"])
            and len(d) == 3
            and d
        )
    )
    assert [d["attempt"] for d in deliveries] == [1, 2, 3]


def test_payments_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "payments.json"
    simulator = PaymentSimulator(port=0, state_path=state).start()
    try:
        key = confirm(simulator, 30000)
        with TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url) as toss:
            toss.cancel(cancel(key, 10000, idem="refund-1"))
    finally:
        simulator.stop()

    again = PaymentSimulator(port=0, state_path=state).start()
    try:
        with TossPayments(DEFAULT_SECRET_KEY, base_url=again.base_url) as toss:
            assert toss.payment(key).balance_amount == 20000
            assert toss.cancel(cancel(key, 10000, idem="refund-1")).balance_amount == 20000
    finally:
        again.stop()


# --- property: arithmetic under any sequence of partial cancels -------------------------------


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[PaymentSimulator, TossPayments]]:
    simulator = PaymentSimulator(port=0).start()
    client = TossPayments(DEFAULT_SECRET_KEY, base_url=simulator.base_url)
    try:
        yield simulator, client
    finally:
        client.close()
        simulator.stop()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    total=st.integers(min_value=100, max_value=1_000_000),
    amounts=st.lists(st.integers(min_value=1, max_value=1_200_000), max_size=8),
    finish=st.booleans(),
)
def test_partial_cancels_never_overdraw(
    shared: tuple[PaymentSimulator, TossPayments], total: int, amounts: list[int], finish: bool
) -> None:
    simulator, toss = shared
    key = confirm(simulator, total)
    balance = total
    for amount in amounts:
        try:
            state = toss.cancel(cancel(key, amount))
        except PaymentAlreadyCancelled:
            assert balance == 0
            continue
        except PaymentRejected as exc:
            refused = exc.code
        else:
            balance -= amount
            assert state.balance_amount == balance >= 0
            continue
        assert refused == "NOT_CANCELABLE_AMOUNT"
        assert amount > balance
    if finish and balance:
        toss.cancel(cancel(key, None))
        balance = 0

    state = toss.payment(key)
    assert state.balance_amount == balance >= 0
    assert state.cancelled_total == total - state.balance_amount
    expected = {
        total: PaymentStatus.DONE,
        0: PaymentStatus.CANCELED,
    }.get(state.balance_amount, PaymentStatus.PARTIAL_CANCELED)
    assert state.status is expected
    assert stats(simulator)["payments"][key]["cancelled_amount"] == total - balance
