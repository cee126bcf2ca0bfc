"""Toss Payments cancel (refund to the original payment) behind ``PaymentGateway``.

Shaped after Toss's published API (``reference/integration-apis.md`` §2.1, tagged [V]):

- ``POST {base}/v1/payments/{paymentKey}/cancel`` with ``Authorization: Basic
  base64("{secretKey}:")`` (the trailing colon: no password), ``Idempotency-Key`` (≤300
  characters, 15 days; scoped per key + API key + URL + method), and a JSON body of
  ``cancelReason`` (required), ``cancelAmount`` (omitted for a full cancel),
  ``refundReceiveAccount{bank, accountNumber, holderName}`` (only when given: a deposited
  virtual account) and ``taxFreeAmount``. The answer is the Payment object.
- ``GET {base}/v1/payments/{paymentKey}``: the Payment object, to reconcile a lost reply.
- Errors are ``{code, message}``. The mapping keys on Toss's ``code`` first, the HTTP status
  second, because Toss answers some retryable errors with a 4xx (``PROVIDER_ERROR`` is a 400
  in its error table).

Banpum's payment simulator speaks this same API, so ``TossPayments(secret_key,
base_url=simulator.base_url)`` is its client too: there is no second adapter to drift.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any
from urllib.parse import quote

import httpx

from banpum.integrations.payments.base import (
    CancelRecord,
    CancelRequest,
    PaymentAlreadyCancelled,
    PaymentError,
    PaymentRejected,
    PaymentState,
    PaymentStatus,
    PaymentUnavailable,
)

TOSS_BASE_URL = "https://api.tosspayments.com"
IDEMPOTENCY_KEY_MAX = 300

#: Toss codes that mean "not now" rather than "never", whatever the HTTP status.
#: PROVIDER_ERROR (400: the card company or bank failed for a moment),
#: FORBIDDEN_CONSECUTIVE_REQUEST (a second cancel of one payment within a second),
#: IDEMPOTENT_REQUEST_PROCESSING (the first request with this key is still running: it may
#: well land), and Toss's 5xx family.
RETRYABLE_CODES: frozenset[str] = frozenset(
    {
        "PROVIDER_ERROR",
        "FORBIDDEN_CONSECUTIVE_REQUEST",
        "IDEMPOTENT_REQUEST_PROCESSING",
        "FAILED_INTERNAL_SYSTEM_PROCESSING",
        "FAILED_METHOD_HANDLING_CANCEL",
        "FAILED_REFUND_PROCESS",
        "FAILED_PARTIAL_REFUND",
        "COMMON_ERROR",
    }
)
#: Of those, the ones after which the cancel may still happen: the first attempt is running.
MAYBE_APPLIED_CODES: frozenset[str] = frozenset({"IDEMPOTENT_REQUEST_PROCESSING"})
ALREADY_CANCELLED_CODES: frozenset[str] = frozenset({"ALREADY_CANCELED_PAYMENT"})


def basic_authorization(secret_key: str) -> str:
    """``Basic base64("{secretKey}:")``: Toss uses the secret key as user and no password."""
    token = base64.b64encode(f"{secret_key}:".encode()).decode("ascii")
    return f"Basic {token}"


class TossPayments:
    """``PaymentGateway`` for one Toss merchant (its secret key ``test_sk_…``/``live_sk_…``).

    ``transport`` is for tests (``httpx.MockTransport``). Thread-safe as httpx's client is.
    """

    def __init__(
        self,
        secret_key: str,
        base_url: str = TOSS_BASE_URL,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={
                "Authorization": basic_authorization(secret_key),
                "Accept": "application/json",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TossPayments:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- PaymentGateway -----------------------------------------------------------------------

    def cancel(self, request: CancelRequest) -> PaymentState:
        """Cancel all or part of the payment; a retry with the same key cancels once."""
        if not request.idempotency_key or len(request.idempotency_key) > IDEMPOTENCY_KEY_MAX:
            raise PaymentRejected(
                "INVALID_IDEMPOTENCY_KEY",
                f"the idempotency key must be 1–{IDEMPOTENCY_KEY_MAX} characters",
            )
        if request.amount is not None and request.amount <= 0:
            raise PaymentRejected("INVALID_REQUEST", "a partial cancel amount must be positive")
        response = self._send(
            "POST",
            f"/v1/payments/{_segment(request.payment_key)}/cancel",
            json=cancel_body(request),
            headers={"Idempotency-Key": request.idempotency_key},
            writes=True,
        )
        return self._payment_from(response, writes=True)

    def payment(self, payment_key: str) -> PaymentState:
        response = self._send("GET", f"/v1/payments/{_segment(payment_key)}", writes=False)
        return self._payment_from(response, writes=False)

    # -- transport ----------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, writes: bool, **kwargs: Any) -> httpx.Response:
        url = f"{self.base_url}{path}"
        try:
            return self._http.request(method, url, **kwargs)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise PaymentRejected(
                "CONFIG", f"Toss URL {url!r} is not usable ({type(exc).__name__})"
            ) from exc
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left: nothing can have been applied.
            raise PaymentUnavailable(
                "CONNECTION",
                f"Toss unreachable ({type(exc).__name__}: {exc})",
                maybe_applied=False,
            ) from exc
        except httpx.TimeoutException as exc:
            raise PaymentUnavailable(
                "TIMEOUT",
                f"Toss did not answer in time ({type(exc).__name__})",
                maybe_applied=writes,
            ) from exc
        except httpx.HTTPError as exc:
            # Sent, then the connection broke: the cancel may have been applied.
            raise PaymentUnavailable(
                "CONNECTION",
                f"Toss connection failed after sending ({type(exc).__name__}: {exc})",
                maybe_applied=writes,
            ) from exc

    def _payment_from(self, response: httpx.Response, *, writes: bool) -> PaymentState:
        body = _json(response)
        if response.is_success:
            state = payment_state(body) if isinstance(body, dict) else None
            if state is None:
                # Toss said yes, but we cannot read what it did.
                raise PaymentUnavailable(
                    "INVALID_RESPONSE",
                    f"Toss answered {response.status_code} without a readable Payment: "
                    f"{response.text[:200]!r}",
                    maybe_applied=writes,
                )
            return state
        raise toss_error(response.status_code, body, response.text, writes=writes)


def cancel_body(request: CancelRequest) -> dict[str, Any]:
    """The JSON body of ``POST /v1/payments/{paymentKey}/cancel``."""
    body: dict[str, Any] = {"cancelReason": request.reason}
    if request.amount is not None:
        body["cancelAmount"] = request.amount
    if request.refund_account is not None:
        body["refundReceiveAccount"] = {
            "bank": request.refund_account.bank_code,
            "accountNumber": request.refund_account.account_number,
            "holderName": request.refund_account.holder_name,
        }
    body["taxFreeAmount"] = request.tax_free_amount
    return body


def toss_error(status: int, body: Any, text: str, *, writes: bool) -> PaymentError:
    """The typed error of a non-2xx answer (``body`` is the parsed JSON, or None)."""
    has_body = isinstance(body, dict) and isinstance(body.get("code"), str)
    code = str(body["code"]) if has_body else f"HTTP_{status}"
    words = str(body.get("message") or "") if has_body else text[:200]
    message = f"Toss answered {status} {code}: {words}"[:1000]
    if code in ALREADY_CANCELLED_CODES:
        return PaymentAlreadyCancelled(code, message)
    if code in RETRYABLE_CODES or status == 429:
        return PaymentUnavailable(
            code, message, maybe_applied=writes and code in MAYBE_APPLIED_CODES
        )
    if status >= 500:
        # Toss's own error body means Toss decided it failed. A bare 502/504 (or any 5xx
        # without one) comes from something in front of Toss that gave up waiting.
        decided = has_body and status not in (502, 504)
        return PaymentUnavailable(code, message, maybe_applied=writes and not decided)
    if status == 408:
        return PaymentUnavailable(code, message, maybe_applied=writes)
    return PaymentRejected(code, message)


def payment_state(body: dict[str, Any]) -> PaymentState | None:
    """A Toss Payment object → ``PaymentState``, or None when it is not one."""
    try:
        status = PaymentStatus(body["status"])
        total = _amount(body["totalAmount"])
        balance = _amount(body["balanceAmount"])
        cancels = tuple(_cancel(raw) for raw in body.get("cancels") or ())
        payment_key = body["paymentKey"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(payment_key, str) or not payment_key:
        return None
    return PaymentState(
        payment_key=payment_key,
        status=status,
        total_amount=total,
        balance_amount=balance,
        cancels=cancels,
    )


def _cancel(raw: Any) -> CancelRecord:
    if not isinstance(raw, dict):
        raise TypeError("a cancel is an object")
    canceled_at = dt.datetime.fromisoformat(str(raw["canceledAt"]))
    if canceled_at.tzinfo is None:
        raise ValueError("canceledAt has no offset")
    return CancelRecord(
        transaction_key=str(raw["transactionKey"]),
        amount=_amount(raw["cancelAmount"]),
        canceled_at=canceled_at,
        reason=str(raw.get("cancelReason") or ""),
    )


def _amount(value: Any) -> int:
    """Toss sends amounts as JSON numbers; KRW has no minor units, so only whole numbers."""
    if isinstance(value, bool):
        raise TypeError("an amount is a number")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int):
        raise TypeError("an amount is a whole number")
    return value


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _segment(payment_key: str) -> str:
    """The payment key as one path segment: a ``/`` in it must not reach another URL."""
    if not payment_key:
        raise PaymentRejected("INVALID_REQUEST", "a payment key is required")
    return quote(payment_key, safe="")
