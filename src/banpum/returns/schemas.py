"""API input and output shapes for returns.

No ``from __future__ import annotations``: pydantic resolves the shared annotated types at runtime.
"""

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from banpum.core.errors import ValidationFailed
from banpum.core.schemas import InDateTime, InputSchema, OutDateTime
from banpum.policy.texts import decision_words
from banpum.policy.types import (
    Condition,
    FeeCollection,
    FeePayer,
    HoldReason,
    LineRequest,
    Method,
    Resolution,
    ReturnAsk,
    ReturnType,
)
from banpum.returns.errors import UNKNOWN_LINE_NUMBER
from banpum.returns.hooks import settlement_hooks


class ReturnLineIn(InputSchema):
    order_line_id: int | None = Field(default=None, strict=True, description="Order line id")
    line_number: int | None = Field(
        default=None, ge=1, le=32_767, strict=True, description="Or the line number in the order"
    )
    quantity: int = Field(ge=1, le=100_000, strict=True)
    reason_code: str | None = Field(
        default=None, description="Per-line reason; default: the request's"
    )
    condition: Condition = Condition.UNOPENED

    @model_validator(mode="after")
    def _one_line_reference(self) -> "ReturnLineIn":
        if self.order_line_id is None and self.line_number is None:
            raise PydanticCustomError("line_reference", "give order_line_id or line_number")
        return self


class FeeIn(InputSchema):
    payer: FeePayer
    amount: int = Field(ge=0, le=10_000_000, strict=True)
    collection: FeeCollection | None = None


class ReturnAskIn(InputSchema):
    order_id: int | None = Field(default=None, strict=True)
    order_number: str | None = Field(default=None, max_length=64)
    channel: str | None = Field(default=None, max_length=64, description="Channel code")
    type: ReturnType = ReturnType.RETURN
    reason_code: str = Field(min_length=1, max_length=40)
    resolution: Resolution = Resolution.REFUND
    method: Method = Method.CARRIER_PICKUP
    fee_collection: FeeCollection | None = None
    defect_noticed_at: InDateTime | None = None
    photo_count: int = Field(default=0, ge=0, le=50, strict=True)
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _order_reference(self) -> "ReturnAskIn":
        if self.order_id is None and not self.order_number:
            raise PydanticCustomError("order_reference", "give order_id or order_number")
        return self

    def to_ask(self, line_ids: dict[int, int]) -> ReturnAsk:
        """``line_ids`` maps the order's line numbers to line ids."""
        unknown = {
            f"lines.{index}.line_number": [UNKNOWN_LINE_NUMBER.render(number=line.line_number)]
            for index, line in enumerate(self.lines)
            if line.order_line_id is None and line.line_number not in line_ids
        }
        if unknown:
            raise ValidationFailed.for_fields(unknown)
        return ReturnAsk(
            type=self.type,
            reason_code=self.reason_code,
            resolution=self.resolution,
            method=self.method,
            fee_collection=self.fee_collection,
            defect_noticed_at=self.defect_noticed_at,
            photo_count=self.photo_count,
            lines=tuple(
                LineRequest(
                    order_line_id=line.order_line_id
                    if line.order_line_id is not None
                    else line_ids[line.line_number or 0],
                    quantity=line.quantity,
                    reason_code=line.reason_code,
                    condition=line.condition,
                )
                for line in self.lines
            ),
        )


class ReturnCreateIn(ReturnAskIn):
    origin: Literal["api", "cs", "channel"] = "api"
    reason_detail: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=5000, description="Consultation note (상담 내용)")
    fee: FeeIn | None = Field(default=None, description="Override the policy's return fee")
    allow_ineligible: bool = Field(
        default=False,
        strict=True,
        description="Keep a request the policy refuses, on hold for a person to decide",
    )


class ActionIn(InputSchema):
    note: str = Field(default="", max_length=5000)
    version: int | None = Field(
        default=None, strict=True, description="Fail with 409 if the return changed"
    )


class HoldIn(ActionIn):
    reason: HoldReason


class RejectIn(ActionIn):
    note: str = Field(min_length=1, max_length=5000)


class ReturnNoteIn(InputSchema):
    note: str = Field(min_length=1, max_length=5000)


class ProblemOut(Schema):
    code: str = Field(description="Stable: branch on it")
    message: str = Field(description="In the request's language (Accept-Language; Korean default)")
    field: str
    order_line_id: int | None
    params: dict[str, Any] = Field(default_factory=dict, description="What the message names")


class NoteOut(Schema):
    """One line of a decision's explanation, as its stable code and what it names."""

    code: str
    params: dict[str, Any]


class SignalOut(Schema):
    """A fraud signal the policy found (repeat returner, blocklist match): why it held."""

    code: str = Field(description="The hold reason it stands for: repeat_returner, blocklisted")
    params: dict[str, Any] = Field(description="Its facts, e.g. returns, orders, ratio, kind")
    message: str = Field(description="In the request's language")


class FeeOut(Schema):
    payer: str
    kind: str | None = None
    amount: int
    collection: str | None


class ReturnFeeOut(FeeOut):
    settlement: str | None = Field(
        default=None,
        description="How it was settled at inspection: deducted, enclosed, transferred, "
        "charged, outstanding (blocks completion), waived, not_owed",
    )


class RefundOut(Schema):
    items: int
    shipping: int
    deduction: int
    total: int
    fee_outstanding: int


class DeadlinesOut(Schema):
    law: str | None
    withdrawal_until: dt.date | None
    defect_until: dt.date | None
    request_until: dt.date | None
    refund_business_days: int


class LineDecisionOut(Schema):
    order_line_id: int
    quantity: int
    reason_code: str
    eligible: bool
    refund_amount: int
    problems: list[ProblemOut]


class DecisionOut(Schema):
    eligible: bool
    outcome: str
    policy_version: int
    fault: str | None
    hold_reason: str | None
    problems: list[ProblemOut]
    lines: list[LineDecisionOut]
    fee: FeeOut
    refund: RefundOut
    deadlines: DeadlinesOut
    explanation: list[str] = Field(description="In the request's language")
    notes: list[NoteOut] = Field(description="The explanation's codes, in the same order")
    signals: list[SignalOut] = Field(
        default_factory=list, description="Fraud signals found, whatever the outcome"
    )


class ReturnOrderOut(Schema):
    """The order a return belongs to, as the return shows it."""

    id: int
    number: str
    channel: str


class ReturnLineOut(Schema):
    id: int
    order_line_id: int
    line_number: int
    sku: str
    name: str
    quantity: int
    reason_code: str
    condition: str
    refund_estimate: int
    outcome: str

    @staticmethod
    def resolve_line_number(obj: Any) -> int:
        return int(obj.order_line.line_number)

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.order_line.sku)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.order_line.name)


class EventOut(Schema):
    id: int
    type: str
    from_status: str
    to_status: str
    actor_type: str
    actor: str
    text: str = Field(description="What happened, in the request's language")
    note: str = Field(description="What a person wrote (a CS note, a reject reason), as written")
    data: dict[str, Any]
    at: OutDateTime

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor_label)

    @staticmethod
    def resolve_text(obj: Any) -> str:
        from banpum.returns.timeline import event_text

        return event_text(obj)


class ReturnOut(Schema):
    number: str
    status: str
    hold_reason: str
    type: str
    reason_code: str
    reason_detail: str
    resolution: str
    method: str
    origin: str
    fee: ReturnFeeOut
    refund_estimate: int
    request_deadline: dt.date | None
    refund_business_days: int
    refund_due_on: dt.date | None
    arrived_at: OutDateTime | None = Field(description="The carrier delivered it to the warehouse")
    received_at: OutDateTime | None = Field(description="The warehouse scanned it in")
    policy_version: int
    order: ReturnOrderOut
    customer_name: str | None
    version: int
    allowed_actions: list[str]
    created_at: OutDateTime
    updated_at: OutDateTime

    @staticmethod
    def resolve_fee(obj: Any) -> dict[str, Any]:
        return {
            "payer": obj.fee_payer,
            "kind": (obj.decision.get("fee") or {}).get("kind"),
            "amount": obj.fee_amount,
            "collection": obj.fee_collection or None,
            "settlement": obj.fee_settlement or None,
        }

    @staticmethod
    def resolve_policy_version(obj: Any) -> int:
        return int(obj.decision.get("policy_version", 0))

    @staticmethod
    def resolve_order(obj: Any) -> dict[str, Any]:
        return {
            "id": obj.order_id,
            "number": obj.order.channel_order_number,
            "channel": obj.order.channel.code,
        }

    @staticmethod
    def resolve_customer_name(obj: Any) -> str | None:
        return obj.customer.name if obj.customer else None

    @staticmethod
    def resolve_allowed_actions(obj: Any) -> list[str]:
        from banpum.returns.transitions import allowed_actions

        return [action.value for action in allowed_actions(obj.status)]


class RefundSummaryOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(description="The kind in the reader's language")
    method: str
    method_label: str
    status: str
    status_label: str
    amount: int
    interest_owed: int
    due_on: dt.date | None
    paid_at: OutDateTime | None


class ReturnDetailOut(ReturnOut):
    lines: list[ReturnLineOut]
    events: list[EventOut]
    decision: DecisionOut | None
    refunds: list[RefundSummaryOut] = Field(
        description="Its refunds with status and amount (the breakdown: /returns/{number}/refunds)"
    )

    @staticmethod
    def resolve_refunds(obj: Any) -> list[Any]:
        return settlement_hooks().refunds_of(obj)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.events.all())

    @staticmethod
    def resolve_decision(obj: Any) -> dict[str, Any] | None:
        return decision_words(obj.decision) if obj.decision else None
