"""The simulated gateway's books: payments, their cancels, and idempotent replays.

Toss's semantics with no HTTP in them, so the rules read in one place: a confirm makes a
DONE payment; a cancel takes ``cancelAmount`` (or everything left) off ``balanceAmount``,
PARTIAL_CANCELED until nothing is left, then CANCELED; an ``Idempotency-Key`` seen before
answers the stored reply and changes nothing. The server holds one ``Ledger`` under its lock.

Error codes and words are Toss's (``reference/integration-apis.md`` §2.1 and Toss's error
table) except ``IDEMPOTENCY_KEY_MISMATCH`` (422, the same key with another body): Toss does
not document that case, so the simulator answers as Stripe does. ``NOT_CANCELABLE_AMOUNT`` is
a 400 here as in the brief; Toss's error table may list it as a 403 — the adapter keys on the
code, not the status, so either reads the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

KST = dt.timezone(dt.timedelta(hours=9), "KST")
VIRTUAL_ACCOUNT = "가상계좌"
METHODS = ("카드", VIRTUAL_ACCOUNT, "간편결제", "계좌이체", "휴대폰")
#: Toss's two-digit bank codes (은행 코드), for refundReceiveAccount.bank.
BANK_CODES = frozenset(
    {
        "02", "03", "06", "07", "11", "12", "20", "23", "27", "31", "32", "34", "35", "37",
        "39", "45", "48", "50", "54", "64", "71", "81", "88", "89", "90", "92",
    }
)  # fmt: skip
CANCELABLE = ("DONE", "PARTIAL_CANCELED")

Reply = tuple[int, dict[str, Any]]


def toss_error(status: int, code: str, message: str) -> Reply:
    return status, {"code": code, "message": message}


NOT_FOUND = (404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")
ALREADY_CANCELED = (400, "ALREADY_CANCELED_PAYMENT", "이미 취소된 결제 입니다.")


@dataclass
class Payment:
    payment_key: str
    order_id: str
    method: str
    total_amount: int
    approved_at: dt.datetime
    partial_cancelable: bool = True
    balance_amount: int = 0
    status: str = "DONE"
    cancels: list[dict[str, Any]] = field(default_factory=list)
    last_transaction_key: str = ""

    def as_json(self) -> dict[str, Any]:
        """Toss's Payment object, with the fields a client of cancel/read uses."""
        return {
            "mId": "tvivarepublica",
            "version": "2022-11-16",
            "paymentKey": self.payment_key,
            "lastTransactionKey": self.last_transaction_key,
            "orderId": self.order_id,
            "orderName": f"주문 {self.order_id}",
            "status": self.status,
            "method": self.method,
            "type": "NORMAL",
            "country": "KR",
            "currency": "KRW",
            "requestedAt": self.approved_at.isoformat(timespec="seconds"),
            "approvedAt": self.approved_at.isoformat(timespec="seconds"),
            "totalAmount": self.total_amount,
            "balanceAmount": self.balance_amount,
            "suppliedAmount": self.balance_amount - self.balance_amount // 11,
            "vat": self.balance_amount // 11,
            "taxFreeAmount": 0,
            "taxExemptionAmount": 0,
            "isPartialCancelable": self.partial_cancelable,
            "useEscrow": False,
            "cancels": [dict(cancel) for cancel in self.cancels] or None,
            "failure": None,
        }

    def as_state(self) -> dict[str, Any]:
        return {
            "payment_key": self.payment_key,
            "order_id": self.order_id,
            "method": self.method,
            "total_amount": self.total_amount,
            "approved_at": self.approved_at.isoformat(),
            "partial_cancelable": self.partial_cancelable,
            "balance_amount": self.balance_amount,
            "status": self.status,
            "cancels": self.cancels,
            "last_transaction_key": self.last_transaction_key,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Payment:
        return cls(**{**data, "approved_at": dt.datetime.fromisoformat(data["approved_at"])})


@dataclass
class Stored:
    """A reply kept for its idempotency key, with the body it answered."""

    fingerprint: str
    status: int
    body: dict[str, Any]


@dataclass
class Ledger:
    salt: int = 0
    payments: dict[str, Payment] = field(default_factory=dict)
    replies: dict[str, Stored] = field(default_factory=dict)  # by scope (method URL key)
    counter: int = 0

    # -- confirm ------------------------------------------------------------------------------

    def confirm(self, payload: dict[str, Any], now: dt.datetime) -> Reply:
        """``POST /v1/payments/confirm``: a DONE payment (a virtual account as deposited)."""
        key, order_id, amount = (payload.get(n) for n in ("paymentKey", "orderId", "amount"))
        method = payload.get("method", "카드")
        partial = payload.get("isPartialCancelable", True)
        if not isinstance(key, str) or not 1 <= len(key) <= 200:
            return toss_error(400, "INVALID_REQUEST", "paymentKey는 1~200자입니다.")
        if not isinstance(order_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{6,64}", order_id):
            return toss_error(400, "INVALID_REQUEST", "orderId는 영문, 숫자, -, _ 6~64자입니다.")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            return toss_error(400, "INVALID_REQUEST", "amount는 1 이상의 정수입니다.")
        if method not in METHODS or not isinstance(partial, bool):
            return toss_error(400, "INVALID_REQUEST", "지원하지 않는 결제수단입니다.")
        if key in self.payments:
            return toss_error(400, "ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다.")
        payment = Payment(
            payment_key=key,
            order_id=order_id,
            method=method,
            total_amount=amount,
            balance_amount=amount,
            approved_at=now,
            partial_cancelable=partial,
            last_transaction_key=self._transaction_key(),
        )
        self.payments[key] = payment
        return 200, payment.as_json()

    # -- read ---------------------------------------------------------------------------------

    def read(self, payment_key: str) -> Reply:
        payment = self.payments.get(payment_key)
        if payment is None:
            return toss_error(*NOT_FOUND)
        return 200, payment.as_json()

    # -- cancel -------------------------------------------------------------------------------

    def replay(self, scope: str, payload: dict[str, Any]) -> Reply | None:
        """The stored reply for this key, a 422 for the same key with another body, or None."""
        stored = self.replies.get(scope)
        if stored is None:
            return None
        if stored.fingerprint != fingerprint(payload):
            return toss_error(
                422,
                "IDEMPOTENCY_KEY_MISMATCH",
                "같은 멱등키로 다른 요청을 보낼 수 없습니다.",
            )
        return stored.status, stored.body

    def cancel(
        self, payment_key: str, payload: dict[str, Any], now: dt.datetime, scope: str = ""
    ) -> tuple[Reply, int]:
        """Cancel as Toss does; the reply and the amount cancelled (0 when refused).

        With a ``scope`` (the idempotency key's), the reply is stored for replays.
        """
        reply, amount = self._cancel(payment_key, payload, now)
        if scope:
            self.replies[scope] = Stored(fingerprint(payload), *reply)
        return reply, amount

    def _cancel(
        self, payment_key: str, payload: dict[str, Any], now: dt.datetime
    ) -> tuple[Reply, int]:
        payment = self.payments.get(payment_key)
        if payment is None:
            return toss_error(*NOT_FOUND), 0
        problem = _cancel_problem(payload, payment)
        if problem is not None:
            return problem, 0
        if payment.status == "CANCELED":
            return toss_error(*ALREADY_CANCELED), 0
        if payment.status not in CANCELABLE:
            return toss_error(403, "NOT_CANCELABLE_PAYMENT", "취소 할 수 없는 결제 입니다."), 0
        amount = payload.get("cancelAmount")
        amount = payment.balance_amount if amount is None else amount
        if amount > payment.balance_amount:
            return toss_error(400, "NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다."), 0
        if amount < payment.balance_amount and not payment.partial_cancelable:
            return toss_error(
                403, "NOT_ALLOWED_PARTIAL_REFUND", "부분 환불이 허용되지 않은 결제입니다."
            ), 0
        tax_free = payload.get("taxFreeAmount", 0)
        if tax_free > amount:
            return toss_error(400, "INVALID_REQUEST", "면세 금액이 취소 금액보다 큽니다."), 0

        payment.balance_amount -= amount
        payment.status = "CANCELED" if payment.balance_amount == 0 else "PARTIAL_CANCELED"
        payment.last_transaction_key = self._transaction_key()
        payment.cancels.append(
            {
                "transactionKey": payment.last_transaction_key,
                "cancelReason": payload["cancelReason"],
                "cancelAmount": amount,
                "taxFreeAmount": tax_free,
                "taxExemptionAmount": 0,
                "refundableAmount": payment.balance_amount,
                "easyPayDiscountAmount": 0,
                "canceledAt": now.isoformat(timespec="seconds"),
                "receiptKey": None,
                "cancelStatus": "DONE",
                "cancelRequestId": None,
            }
        )
        return (200, payment.as_json()), amount

    def _transaction_key(self) -> str:
        self.counter += 1
        digest = hashlib.sha256(f"{self.salt}:{self.counter}".encode()).hexdigest()
        return digest[:32].upper()

    # -- persistence --------------------------------------------------------------------------

    def as_state(self) -> dict[str, Any]:
        return {
            "version": 1,
            "salt": self.salt,
            "counter": self.counter,
            "payments": [p.as_state() for p in self.payments.values()],
            "replies": {
                scope: {"fingerprint": s.fingerprint, "status": s.status, "body": s.body}
                for scope, s in self.replies.items()
            },
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Ledger:
        payments = [Payment.from_state(p) for p in data["payments"]]
        return cls(
            salt=data["salt"],
            counter=data["counter"],
            payments={p.payment_key: p for p in payments},
            replies={scope: Stored(**s) for scope, s in data["replies"].items()},
        )


def fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cancel_problem(payload: dict[str, Any], payment: Payment) -> Reply | None:
    """Toss's answer to a cancel body it cannot take, or None."""
    reason = payload.get("cancelReason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 200:
        return toss_error(400, "INVALID_REQUEST", "cancelReason은 1~200자의 필수 값입니다.")
    amount = payload.get("cancelAmount")
    if amount is not None and (not _is_int(amount) or amount <= 0):
        return toss_error(400, "INVALID_REQUEST", "cancelAmount는 1 이상의 정수입니다.")
    tax_free = payload.get("taxFreeAmount", 0)
    if not _is_int(tax_free) or tax_free < 0:
        return toss_error(400, "INVALID_REQUEST", "taxFreeAmount는 0 이상의 정수입니다.")
    account = payload.get("refundReceiveAccount")
    if account is None:
        if payment.method == VIRTUAL_ACCOUNT and payment.status in CANCELABLE:
            return toss_error(400, "INVALID_REFUND_ACCOUNT_INFO", "환불 계좌 정보가 필요합니다.")
        return None
    if not isinstance(account, dict) or not all(
        isinstance(account.get(name), str) and account[name].strip()
        for name in ("bank", "accountNumber", "holderName")
    ):
        return toss_error(400, "INVALID_REFUND_ACCOUNT_INFO", "환불 계좌 정보가 유효하지 않습니다.")
    if account["bank"] not in BANK_CODES:
        return toss_error(400, "INVALID_BANK", "유효하지 않은 은행입니다.")
    if not re.fullmatch(r"\d{6,20}", account["accountNumber"]):
        return toss_error(400, "INVALID_REFUND_ACCOUNT_NUMBER", "잘못된 환불 계좌번호입니다.")
    return None
