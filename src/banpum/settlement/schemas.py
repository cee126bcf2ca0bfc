"""The settlement API's input and output shapes. Words are rendered in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from banpum.core.schemas import InputSchema, OutDateTime
from banpum.policy.deadlines import local_date
from banpum.settlement import texts
from banpum.settlement.interest import days_late
from banpum.settlement.models import (
    PaymentProvider,
    Refund,
    RefundMethod,
    RefundReason,
    RefundStatus,
)


class BreakdownPartOut(Schema):
    code: str = Field(description="items, original_shipping, return_fee_deduction, …")
    amount: int = Field(description="Won; deductions are negative")
    label: str = Field(description="The part in the reader's language")
    text: str = Field(description="The amount as money in the reader's language")


class RefundDetailOut(Schema):
    id: int
    return_number: str | None
    order_number: str
    kind: str
    method: str
    status: str
    status_label: str
    amount: int
    breakdown: list[BreakdownPartOut]
    due_on: dt.date | None
    days_late: int = Field(description="Days past the due date, until paid (or today)")
    paid_at: OutDateTime | None
    interest_owed: int
    attempts: int
    last_error_code: str
    last_error: str = Field(description="What went wrong, in words (never a secret)")
    provider_reference: str
    reason_code: str
    note: str
    account_needed: bool = Field(
        description="A bank transfer waiting for the customer's account (PUT refund-account)"
    )
    created_at: OutDateTime

    @staticmethod
    def resolve_account_needed(obj: Refund) -> bool:
        return (
            obj.method == RefundMethod.BANK_TRANSFER
            and obj.status == RefundStatus.AWAITING_TRANSFER
            and not getattr(obj, "has_account", True)
        )

    @staticmethod
    def resolve_return_number(obj: Refund) -> str | None:
        return obj.return_request.number if obj.return_request else None

    @staticmethod
    def resolve_order_number(obj: Refund) -> str:
        return obj.order.channel_order_number

    @staticmethod
    def resolve_status_label(obj: Refund) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_breakdown(obj: Refund) -> list[dict[str, Any]]:
        return texts.breakdown_words(obj.breakdown or {})

    @staticmethod
    def resolve_days_late(obj: Refund) -> int:
        zone = obj.store.timezone
        done_on = local_date(obj.paid_at or timezone.now(), zone)
        return days_late(obj.due_on, done_on)

    @staticmethod
    def resolve_last_error(obj: Refund) -> str:
        if not obj.last_error_code:
            return ""
        return texts.error_label(obj.last_error_code, obj.last_error)


class ReturnRefundsOut(Schema):
    number: str
    breakdown: list[BreakdownPartOut] = Field(description="What the return refunds, now")
    total: int
    refunds: list[RefundDetailOut]


class GoodwillIn(InputSchema):
    amount: int = Field(gt=0, le=10**12, description="Won")
    reason: RefundReason
    note: str = Field(default="", max_length=2000)


class FeeWaiveIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class FeeSettleIn(InputSchema):
    how: Literal["enclosed", "transferred", "charged"]
    note: str = Field(default="", max_length=2000)


class FeeSettlementOut(Schema):
    number: str
    status: str
    fee_settlement: str
    fee_amount: int


class StoreCreditEntryOut(Schema):
    id: int
    amount: int
    balance_after: int
    kind: str
    reference: str
    at: OutDateTime


class StoreCreditOut(Schema):
    customer_id: int
    balance: int


class RedeemIn(InputSchema):
    amount: int = Field(gt=0, le=10**12)
    reference: str = Field(min_length=1, max_length=200)


class PaymentAccountIn(InputSchema):
    provider: PaymentProvider
    base_url: str = Field(default="", max_length=200, pattern=r"^(https?://\S+)?$")
    secret_key: str = Field(min_length=1, max_length=300, description="Write-only")


class PaymentAccountOut(Schema):
    provider: str
    base_url: str
    is_active: bool
    secret_key_set: bool = Field(description="The key itself is never shown")
