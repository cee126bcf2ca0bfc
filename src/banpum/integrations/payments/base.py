"""The contract every payment adapter fulfils, in plain dataclasses and typed errors.

The settlement app refunds money to the original payment through ``PaymentGateway`` and
never sees HTTP. Unlike ``carriers.base`` (result-or-``GatewayError``), payment calls raise:
a refund has exactly three outcomes the caller must handle differently, and a class per
outcome keeps a forgotten branch from passing silently as a "result":

- ``PaymentUnavailable``: retry later with the **same** ``idempotency_key``. When
  ``maybe_applied`` is True the provider may have cancelled already (the reply was lost), so
  a caller that gives up or changes the key must first read ``payment()`` and reconcile:
  a new key on a cancel that landed cancels twice.
- ``PaymentRejected``: permanent; retrying changes nothing, a person must act.
- ``PaymentAlreadyCancelled`` (a ``PaymentRejected``): the payment has nothing left to
  cancel. Usually our own earlier attempt landed; the caller treats it as converged and reads
  ``payment()`` to learn what was cancelled.

Money is int KRW (no minor units); times are aware.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class PaymentStatus(StrEnum):
    """Toss Payments' ``Payment.status`` values, used as Banpum's vocabulary for any provider."""

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
    """Where a virtual-account (가상계좌) payment is refunded: Toss's ``refundReceiveAccount``."""

    bank_code: str  # Toss's bank code, e.g. "88" (신한)
    account_number: str
    holder_name: str


@dataclass(frozen=True)
class CancelRequest:
    """One cancel: ``amount=None`` cancels whatever is left; otherwise a partial cancel.

    ``idempotency_key`` must be the same on every retry of this cancel and unique per
    payment (Toss scopes a key to key + API key + URL, and the URL names the payment).
    """

    payment_key: str
    amount: int | None
    reason: str
    idempotency_key: str
    refund_account: RefundAccount | None = None
    tax_free_amount: int = 0


@dataclass(frozen=True)
class CancelRecord:
    """One cancel the provider applied, as listed in the payment's ``cancels``."""

    transaction_key: str
    amount: int
    canceled_at: dt.datetime  # aware
    reason: str


@dataclass(frozen=True)
class PaymentState:
    """The payment as the provider holds it now: the truth to reconcile against."""

    payment_key: str
    status: PaymentStatus
    total_amount: int
    balance_amount: int
    cancels: tuple[CancelRecord, ...]

    @property
    def cancelled_total(self) -> int:
        return sum(cancel.amount for cancel in self.cancels)


class PaymentError(Exception):
    """Any failed payment call; ``code`` is the provider's code (or ours for transport)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class PaymentUnavailable(PaymentError):
    """Retry later, with the same idempotency key (timeout, connection, 5xx, 429, …).

    ``maybe_applied``: the request may have reached the provider and been applied (a timeout
    or broken reply after sending, a gateway's 502/504, an unreadable 200). False only when
    the provider itself answered that it failed, or the request never left.
    """

    def __init__(self, code: str, message: str, *, maybe_applied: bool) -> None:
        super().__init__(code, message)
        self.maybe_applied = maybe_applied


class PaymentRejected(PaymentError):
    """Permanent: the provider refused (amount, state, account, auth, unknown payment)."""


class PaymentAlreadyCancelled(PaymentRejected):
    """Nothing is left to cancel (Toss ``ALREADY_CANCELED_PAYMENT``): converged; read it."""


class PaymentGateway(Protocol):
    def cancel(self, request: CancelRequest) -> PaymentState:
        """Cancel all (``amount=None``) or part of a payment; the payment after the cancel."""
        ...

    def payment(self, payment_key: str) -> PaymentState:
        """Read the payment: how a caller learns what a lost reply did."""
        ...
