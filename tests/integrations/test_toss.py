"""Toss Payments cancel and read against fixtures, replayed with httpx.MockTransport.

Each exchange in ``fixtures/toss`` is asserted on the way out (method, path, the Basic auth
and Idempotency-Key headers, the body) before its answer is replayed; see
``fakes/replay.py`` and ``fixtures/toss/README.md`` for which shapes are Toss's own.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from banpum.integrations.payments import base
from banpum.integrations.payments.base import (
    CancelRecord,
    CancelRequest,
    PaymentAlreadyCancelled,
    PaymentError,
    PaymentGateway,
    PaymentRejected,
    PaymentState,
    PaymentStatus,
    PaymentUnavailable,
    RefundAccount,
)
from banpum.integrations.payments.toss import TossPayments, basic_authorization
from tests.integrations.fakes.replay import Replay, load

SECRET = "test_sk_docs_OaPz8L5KdmQXkzRz3y47BMw6"
PAYMENT_KEY = "tgen_20241204105634GVXK9"
KST = dt.timezone(dt.timedelta(hours=9))


class Harness:
    def __init__(self) -> None:
        self.replay = Replay()
        self.toss = TossPayments(SECRET, transport=self.replay.transport)

    def expect(self, *exchanges: str | dict[str, Any]) -> None:
        for exchange in exchanges:
            self.replay.pending.append(
                load(f"toss/{exchange}") if isinstance(exchange, str) else exchange
            )

    def sent_body(self, index: int = -1) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.replay.sent[index].content)
        return body


@pytest.fixture
def toss() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.toss.close()
    harness.replay.assert_done()


def _partial(**changes: Any) -> CancelRequest:
    values: dict[str, Any] = {
        "payment_key": PAYMENT_KEY,
        "amount": 10000,
        "reason": "반품 환불",
        "idempotency_key": "refund-42-1",
    }
    return CancelRequest(**(values | changes))


def test_the_adapter_is_a_payment_gateway() -> None:
    gateway: PaymentGateway = TossPayments(SECRET)
    assert isinstance(gateway, TossPayments)


def test_basic_authorization_is_the_secret_key_and_a_colon() -> None:
    header = basic_authorization(SECRET)
    assert header.startswith("Basic ")
    assert base64.b64decode(header.removeprefix("Basic ")) == f"{SECRET}:".encode()


def test_partial_cancel_sends_toss_request_and_reads_the_payment(toss: Harness) -> None:
    toss.expect("cancel_partial")

    state = toss.toss.cancel(_partial())

    assert toss.replay.sent[0].url.host == "api.tosspayments.com"
    assert toss.replay.sent[0].url.scheme == "https"
    assert set(toss.sent_body()) == {"cancelReason", "cancelAmount", "taxFreeAmount"}
    assert state == PaymentState(
        payment_key=PAYMENT_KEY,
        status=PaymentStatus.PARTIAL_CANCELED,
        total_amount=30000,
        balance_amount=20000,
        cancels=(
            CancelRecord(
                transaction_key="A899E0E5E1A2A3F1C4D0F6E2B7C8D9E0",
                amount=10000,
                canceled_at=dt.datetime(2024, 12, 4, 11, 1, 16, tzinfo=KST),
                reason="반품 환불",
            ),
        ),
    )
    assert state.cancelled_total == 10000
    assert state.cancels[0].canceled_at.utcoffset() == dt.timedelta(hours=9)


def test_full_cancel_omits_the_amount(toss: Harness) -> None:
    toss.expect("cancel_full")

    state = toss.toss.cancel(
        _partial(amount=None, reason="반품 환불 (전액)", idempotency_key="refund-42-2")
    )

    assert "cancelAmount" not in toss.sent_body()
    assert "refundReceiveAccount" not in toss.sent_body()
    assert state.status is PaymentStatus.CANCELED
    assert state.balance_amount == 0
    assert [c.amount for c in state.cancels] == [10000, 20000]
    assert state.cancelled_total == state.total_amount - state.balance_amount


def test_virtual_account_cancel_sends_the_refund_account(toss: Harness) -> None:
    toss.expect("cancel_virtual_account")

    state = toss.toss.cancel(
        _partial(
            payment_key="tvivarepublica4DGrLyJWuPz3CTVz",
            idempotency_key="refund-43-1",
            refund_account=RefundAccount("88", "11012345678", "홍길동"),
        )
    )

    assert set(toss.sent_body()["refundReceiveAccount"]) == {"bank", "accountNumber", "holderName"}
    assert state.status is PaymentStatus.PARTIAL_CANCELED


def test_tax_free_amount_is_sent(toss: Harness) -> None:
    exchange = load("toss/cancel_partial")
    exchange["request"]["body"]["taxFreeAmount"] = 3000
    toss.expect(exchange)

    toss.toss.cancel(_partial(tax_free_amount=3000))

    assert toss.sent_body()["taxFreeAmount"] == 3000


def test_payment_read(toss: Harness) -> None:
    toss.expect("payment_get")

    state = toss.toss.payment(PAYMENT_KEY)

    assert toss.replay.sent[0].content == b""
    assert state.status is PaymentStatus.DONE
    assert (state.total_amount, state.balance_amount, state.cancels) == (30000, 30000, ())


def test_a_payment_key_is_one_path_segment(toss: Harness) -> None:
    toss.expect(
        {
            "request": {"method": "GET", "path": "/v1/payments/a/../b"},
            "response": {"status": 404, "body": {"code": "NOT_FOUND_PAYMENT", "message": "x"}},
        }
    )
    with pytest.raises(PaymentRejected):
        toss.toss.payment("a/../b")
    assert toss.replay.sent[0].url.raw_path == b"/v1/payments/a%2F..%2Fb"


CASES = load("toss/cancel_errors")["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_cancel_errors_map_to_typed_errors(toss: Harness, case: dict[str, Any]) -> None:
    exchange = load("toss/cancel_partial")
    toss.expect({"request": exchange["request"], "response": case["response"]})
    expect = case["expect"]

    with pytest.raises(PaymentError) as raised:
        toss.toss.cancel(_partial())

    assert type(raised.value) is getattr(base, expect["error"])
    assert raised.value.code == expect["code"]
    assert raised.value.message
    if isinstance(raised.value, PaymentUnavailable):
        assert raised.value.maybe_applied is expect["maybe_applied"]
    else:
        assert "maybe_applied" not in expect


def test_already_cancelled_is_a_rejection_the_caller_can_single_out() -> None:
    assert issubclass(PaymentAlreadyCancelled, PaymentRejected)
    assert not issubclass(PaymentRejected, PaymentUnavailable)


@pytest.mark.parametrize(
    ("response", "code"),
    [({"error": "timeout"}, "TIMEOUT"), ({"status": 504, "body": ""}, "HTTP_504")],
)
def test_a_failed_read_never_says_it_may_have_applied(
    toss: Harness, response: dict[str, Any], code: str
) -> None:
    request = load("toss/payment_get")["request"]
    toss.expect({"request": request, "response": response})

    with pytest.raises(PaymentUnavailable) as raised:
        toss.toss.payment(PAYMENT_KEY)

    assert raised.value.code == code
    assert raised.value.maybe_applied is False


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"idempotency_key": ""}, "INVALID_IDEMPOTENCY_KEY"),
        ({"idempotency_key": "k" * 301}, "INVALID_IDEMPOTENCY_KEY"),
        ({"amount": 0}, "INVALID_REQUEST"),
        ({"amount": -100}, "INVALID_REQUEST"),
        ({"payment_key": ""}, "INVALID_REQUEST"),
    ],
)
def test_bad_requests_are_refused_before_sending(
    toss: Harness, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(PaymentRejected) as raised:
        toss.toss.cancel(_partial(**changes))
    assert raised.value.code == code
    assert toss.replay.sent == []


def test_an_unusable_url_is_a_configuration_error() -> None:
    with (
        TossPayments(SECRET, base_url="api.tosspayments.com") as toss,
        pytest.raises(PaymentRejected) as raised,
    ):
        toss.payment(PAYMENT_KEY)
    assert raised.value.code == "CONFIG"


def test_a_broken_connection_after_sending_may_have_applied() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    with (
        TossPayments(SECRET, transport=httpx.MockTransport(handler)) as toss,
        pytest.raises(PaymentUnavailable) as raised,
    ):
        toss.cancel(_partial())
    assert (raised.value.code, raised.value.maybe_applied) == ("CONNECTION", True)
