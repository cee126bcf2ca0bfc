"""The payment gateway protocol: cancel (refund) a payment, read a payment's state.

Minimal copy of the payments engineer's module, for settlement to code against; the lead keeps
theirs at merge. Adapters return these dataclasses or raise these typed errors, never a bare
exception of their HTTP library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class PaymentStatus(StrEnum):
    READY = "READY"
    IN_PROGRESS = "IN_PROGRESS"
    WAITING_FOR_DEPOSIT = "WAITING_FOR_DEPOSIT"
    DONE = "DONE"
    CANCELED = "CANCELED"
    PARTIAL_CANCELED = "PARTIAL_CANCELED"
    ABORTED = "ABORTED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class RefundAccount:
    bank_code: str
    account_number: str
    holder_name: str


@dataclass(frozen=True)
class CancelRequest:
    payment_key: str
    amount: int | None  # None: cancel the whole balance
    reason: str
    idempotency_key: str
    refund_account: RefundAccount | None = None
    tax_free_amount: int = 0


@dataclass(frozen=True)
class CancelRecord:
    transaction_key: str
    amount: int
    canceled_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class PaymentState:
    payment_key: str
    status: PaymentStatus
    total_amount: int
    balance_amount: int
    cancels: tuple[CancelRecord, ...]


class PaymentError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class PaymentUnavailable(PaymentError):
    """Retry later. ``maybe_applied``: the request may have reached the provider (a timeout)."""

    def __init__(self, code: str, message: str, *, maybe_applied: bool = False) -> None:
        super().__init__(code, message)
        self.maybe_applied = maybe_applied


class PaymentRejected(PaymentError):
    """Permanent: the provider refused; retrying the same request cannot succeed."""


class PaymentAlreadyCancelled(PaymentRejected):
    """The payment is cancelled already: converged, read the payment to know what happened."""


class PaymentGateway(Protocol):
    def cancel(self, request: CancelRequest) -> PaymentState: ...

    def payment(self, payment_key: str) -> PaymentState: ...
