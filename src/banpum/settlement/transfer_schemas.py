"""Shapes of the refund-account and transfer-batch API: account numbers only ever masked,
bank names in the reader's language."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from banpum.core.schemas import InputSchema, OutDateTime
from banpum.integrations.banks.codes import bank_get
from banpum.settlement.models import RefundAccount, TransferBatch, TransferBatchItem


def bank_name(code: str) -> str:
    bank = bank_get(code)
    return bank.name() if bank is not None else code


class RefundAccountIn(InputSchema):
    bank_code: str = Field(max_length=10, description="금융결제원 three-digit code, e.g. 088")
    account_number: str = Field(
        max_length=40, description="Digits; hyphens and spaces are allowed and dropped"
    )
    holder_name: str = Field(max_length=60, description="예금주")


class RefundAccountOut(Schema):
    bank_code: str
    bank_name: str
    account_number_masked: str = Field(description="Only the last four digits: *******5678")
    holder_name: str
    created_by: str
    created_at: OutDateTime

    @staticmethod
    def resolve_bank_name(obj: RefundAccount) -> str:
        return bank_name(obj.bank_code)

    @staticmethod
    def resolve_account_number_masked(obj: RefundAccount) -> str:
        return obj.account_masked


class TransferBatchOut(Schema):
    id: int
    status: str
    status_label: str
    count: int
    total: int = Field(description="Won")
    file_name: str = Field(description="Without extension: add .xlsx or .csv to download")
    paid_count: int
    failed_count: int
    pending_count: int
    created_by: str
    created_at: OutDateTime
    confirmed_by: str
    confirmed_at: OutDateTime | None

    @staticmethod
    def resolve_status_label(obj: TransferBatch) -> str:
        return str(obj.get_status_display())


class TransferItemOut(Schema):
    id: int
    refund_id: int
    return_number: str | None
    amount: int
    bank_code: str
    bank_name: str
    account_number_masked: str
    holder_name: str
    reference: str = Field(description="내통장표시: what the seller's statement shows")
    outcome: str
    outcome_label: str
    failure_reason: str
    decided_at: OutDateTime | None

    @staticmethod
    def resolve_return_number(obj: TransferBatchItem) -> str | None:
        return obj.refund.return_request.number if obj.refund.return_request else None

    @staticmethod
    def resolve_bank_name(obj: TransferBatchItem) -> str:
        return bank_name(obj.bank_code)

    @staticmethod
    def resolve_account_number_masked(obj: TransferBatchItem) -> str:
        return obj.account.account_masked

    @staticmethod
    def resolve_holder_name(obj: TransferBatchItem) -> str:
        return obj.account.holder_name

    @staticmethod
    def resolve_outcome_label(obj: TransferBatchItem) -> str:
        return str(obj.get_outcome_display())


class TransferBatchDetailOut(TransferBatchOut):
    items: list[TransferItemOut]

    @staticmethod
    def resolve_items(obj: TransferBatch) -> list[TransferBatchItem]:
        return list(obj.items.all())


class TransferBatchIn(InputSchema):
    refund_ids: list[int] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="Only these refunds (default: every one ready for a transfer)",
    )


class FailedTransferIn(InputSchema):
    refund_id: int
    reason: str = Field(default="", max_length=500, description="The bank's reason")


class TransferConfirmIn(InputSchema):
    paid: list[int] | Literal["all"] = Field(
        default_factory=list,
        max_length=1000,
        description='Refund ids the bank paid, or "all" (every item not listed as failed)',
    )
    failed: list[FailedTransferIn] = Field(default_factory=list, max_length=1000)


class UnexpectedRowOut(Schema):
    row: int = Field(description="Line number in the result file")
    account_number_masked: str
    amount: int
    succeeded: bool


class TransferConfirmOut(Schema):
    batch: TransferBatchDetailOut
    paid: list[int] = Field(description="Refund ids marked paid by this call")
    failed: list[int] = Field(description="Refund ids marked failed by this call")
    unchanged: list[int] = Field(description="Already recorded so: nothing changed")
    missing: list[int] = Field(description="In the batch, not in the result file: still pending")
    unexpected: list[UnexpectedRowOut] = Field(description="Result rows matching no transfer")
