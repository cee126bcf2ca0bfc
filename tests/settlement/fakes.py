"""An in-memory payment gateway speaking the protocol, with Toss's habits and injected faults.

Like Toss it replays a request whose idempotency key it has seen (same answer, nothing applied
twice), refuses a cancel above the balance, and answers ALREADY_CANCELED_PAYMENT on a fully
cancelled payment. Faults are queued per call: an error before applying, a timeout before
applying, or a reply lost after applying (the cancel happened; the caller hears a timeout).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from banpum.integrations.payments.base import (
    CancelRecord,
    CancelRequest,
    PaymentAlreadyCancelled,
    PaymentRejected,
    PaymentState,
    PaymentStatus,
    PaymentUnavailable,
)

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@dataclass
class _Payment:
    total: int
    cancels: list[CancelRecord] = field(default_factory=list)

    @property
    def balance(self) -> int:
        return self.total - sum(c.amount for c in self.cancels)


# Faults: "unavailable" (nothing applied), "timeout" (nothing applied, maybe_applied=True),
# "lost" (applied, then the reply is lost), "rejected" (permanent refusal).
FAULTS = ("unavailable", "timeout", "lost", "rejected")


@dataclass
class FakeGateway:
    payments: dict[str, _Payment] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    read_faults: list[str] = field(default_factory=list)
    replies: dict[str, PaymentState] = field(default_factory=dict)
    calls: int = 0

    def add_payment(self, key: str, total: int) -> None:
        self.payments[key] = _Payment(total)

    def applied(self, key: str) -> list[int]:
        """The amounts actually cancelled on the payment, in order."""
        return [c.amount for c in self.payments[key].cancels]

    def _state(self, key: str) -> PaymentState:
        payment = self.payments[key]
        status = (
            PaymentStatus.CANCELED
            if payment.balance == 0
            else PaymentStatus.PARTIAL_CANCELED
            if payment.cancels
            else PaymentStatus.DONE
        )
        return PaymentState(key, status, payment.total, payment.balance, tuple(payment.cancels))

    def cancel(self, request: CancelRequest) -> PaymentState:
        self.calls += 1
        fault = self.faults.pop(0) if self.faults else ""
        if fault == "unavailable":
            raise PaymentUnavailable("PROVIDER_ERROR", "try again", maybe_applied=False)
        if fault == "timeout":
            raise PaymentUnavailable("timeout", "no answer", maybe_applied=True)
        if fault == "rejected":
            raise PaymentRejected("NOT_CANCELABLE_PAYMENT", "취소할 수 없는 결제입니다.")
        if request.idempotency_key in self.replies:
            reply = self.replies[request.idempotency_key]
        else:
            payment = self.payments.get(request.payment_key)
            if payment is None:
                raise PaymentRejected("NOT_FOUND_PAYMENT", "존재하지 않는 결제입니다.")
            if payment.balance == 0:
                raise PaymentAlreadyCancelled("ALREADY_CANCELED_PAYMENT", "이미 취소된 결제")
            amount = payment.balance if request.amount is None else request.amount
            if amount > payment.balance:
                raise PaymentRejected("NOT_CANCELABLE_AMOUNT", "취소 가능 금액 초과")
            payment.cancels.append(
                CancelRecord(f"tx-{len(payment.cancels) + 1}", amount, NOW, request.reason)
            )
            reply = self._state(request.payment_key)
            self.replies[request.idempotency_key] = reply
        if fault == "lost":
            raise PaymentUnavailable("timeout", "reply lost", maybe_applied=True)
        return reply

    def payment(self, payment_key: str) -> PaymentState:
        fault = self.read_faults.pop(0) if self.read_faults else ""
        if fault:
            raise PaymentUnavailable("PROVIDER_ERROR", "try again", maybe_applied=False)
        return self._state(payment_key)
