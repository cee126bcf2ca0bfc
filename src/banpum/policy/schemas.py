"""The stored shape of a policy's rules, validated on every write.

``ReturnPolicy.rules`` is this schema's JSON; ``to_rules`` turns it into the frozen
``PolicyRules`` the pure engine reads. Defaults are a Korean seller's usual policy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from banpum.core.schemas import InDate, InputSchema, OutDateTime
from banpum.policy.types import (
    AutoApproval,
    BlocklistKind,
    Condition,
    FaultSide,
    FeeCollection,
    Method,
    PolicyRules,
    Reason,
    ReasonKind,
    RefundShortcuts,
    RepeatReturner,
    Resolution,
)


class ReasonSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    label_ko: str = Field(min_length=1, max_length=100)
    label_en: str = Field(min_length=1, max_length=100)
    kind: ReasonKind
    fault: FaultSide
    photos_required: bool = False


class AutoApprovalSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    max_refund: int | None = Field(default=None, ge=0, strict=True)
    reason_kinds: list[ReasonKind] = Field(default_factory=list)
    methods: list[Method] = Field(default_factory=list)


class RepeatReturnerSchema(BaseModel):
    """Hold returns of customers who return more than ``max_ratio`` of their orders."""

    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(default=180, ge=1, le=3650, strict=True)
    min_orders: int = Field(default=3, ge=1, le=10_000, strict=True)
    # Returns per order: above 1 when customers split returns; 0 holds every return of theirs.
    max_ratio: float = Field(default=0.5, ge=0, le=10, allow_inf_nan=False)


class RefundShortcutsSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    early_refund_max: int | None = Field(default=None, ge=0, strict=True)
    keep_item_max: int | None = Field(default=None, ge=0, strict=True)
    keep_item_categories: list[str] = Field(default_factory=list)


DEFAULT_REASONS: list[dict[str, Any]] = [
    {"code": "change_of_mind", "label_ko": "단순 변심", "label_en": "Changed my mind",
     "kind": "change_of_mind", "fault": "buyer"},
    {"code": "wrong_option", "label_ko": "사이즈·색상 잘못 선택",
     "label_en": "Ordered the wrong size or colour",
     "kind": "change_of_mind", "fault": "buyer"},
    {"code": "defective", "label_ko": "상품 불량", "label_en": "Defective item",
     "kind": "defect", "fault": "seller", "photos_required": True},
    {"code": "missing_parts", "label_ko": "구성품 누락", "label_en": "Parts missing",
     "kind": "defect", "fault": "seller"},
    {"code": "wrong_item", "label_ko": "오배송", "label_en": "Wrong item delivered",
     "kind": "wrong_item", "fault": "seller"},
    {"code": "not_as_described", "label_ko": "상품 정보와 다름", "label_en": "Not as described",
     "kind": "not_as_described", "fault": "seller"},
    {"code": "damaged_in_transit", "label_ko": "배송 중 파손", "label_en": "Damaged in transit",
     "kind": "damaged_in_transit", "fault": "carrier", "photos_required": True},
]  # fmt: skip


class PolicyRulesSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    change_of_mind_days: int = Field(default=7, ge=0, le=365, strict=True)
    defect_months: int = Field(default=3, ge=0, le=36, strict=True)
    defect_known_days: int = Field(default=30, ge=0, le=365, strict=True)
    non_returnable_categories: list[str] = Field(default_factory=list)
    non_returnable_skus: list[str] = Field(default_factory=list)
    blocked_conditions: list[Condition] = Field(
        default_factory=lambda: [Condition.USED, Condition.DAMAGED]
    )
    return_shipping_fee: int = Field(default=3000, ge=0, strict=True)
    outbound_shipping_fee: int = Field(default=3000, ge=0, strict=True)
    exchange_fee: int | None = Field(default=None, ge=0, strict=True)
    free_shipping_threshold: int | None = Field(default=None, ge=0, strict=True)
    allowed_resolutions: list[Resolution] = Field(default_factory=lambda: list(Resolution))
    allowed_methods: list[Method] = Field(default_factory=lambda: list(Method))
    default_fee_collection: FeeCollection = FeeCollection.DEDUCT_FROM_REFUND
    refund_business_days: int = Field(default=3, ge=0, le=30, strict=True)
    auto_approval: AutoApprovalSchema = Field(default_factory=AutoApprovalSchema)
    repeat_returner: RepeatReturnerSchema | None = None  # None: off
    refund_shortcuts: RefundShortcutsSchema = Field(default_factory=RefundShortcutsSchema)
    reasons: list[ReasonSchema] = Field(
        default_factory=lambda: [ReasonSchema(**reason) for reason in DEFAULT_REASONS]
    )
    # Reasons a manager switched off: no longer offered or accepted (the engine never sees
    # them), kept so the settings page can switch them on again with their labels.
    inactive_reasons: list[ReasonSchema] = Field(default_factory=list)

    @field_validator("allowed_resolutions", "allowed_methods")
    @classmethod
    def _not_empty(cls, value: list[Any]) -> list[Any]:
        if not value:
            raise ValueError("allow at least one")
        return value

    @model_validator(mode="after")
    def _unique_reason_codes(self) -> PolicyRulesSchema:
        if not self.reasons:
            raise ValueError("reasons: the catalogue needs at least one reason")
        codes = [reason.code for reason in (*self.reasons, *self.inactive_reasons)]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"reasons: duplicate codes {', '.join(duplicates)}")
        return self

    def to_rules(self, version: int) -> PolicyRules:
        auto = self.auto_approval
        return PolicyRules(
            version=version,
            reasons=tuple(Reason(**reason.model_dump()) for reason in self.reasons),
            change_of_mind_days=self.change_of_mind_days,
            defect_months=self.defect_months,
            defect_known_days=self.defect_known_days,
            non_returnable_categories=frozenset(self.non_returnable_categories),
            non_returnable_skus=frozenset(self.non_returnable_skus),
            blocked_conditions=frozenset(self.blocked_conditions),
            return_shipping_fee=self.return_shipping_fee,
            outbound_shipping_fee=self.outbound_shipping_fee,
            exchange_fee=self.exchange_fee,
            free_shipping_threshold=self.free_shipping_threshold,
            allowed_resolutions=frozenset(self.allowed_resolutions),
            allowed_methods=frozenset(self.allowed_methods),
            default_fee_collection=self.default_fee_collection,
            refund_business_days=self.refund_business_days,
            auto_approval=AutoApproval(
                enabled=auto.enabled,
                max_refund=auto.max_refund,
                reason_kinds=frozenset(auto.reason_kinds),
                methods=frozenset(auto.methods),
            ),
            repeat_returner=RepeatReturner(**self.repeat_returner.model_dump())
            if self.repeat_returner is not None
            else None,
            refund_shortcuts=RefundShortcuts(
                early_refund_max=self.refund_shortcuts.early_refund_max,
                keep_item_max=self.refund_shortcuts.keep_item_max,
                keep_item_categories=frozenset(self.refund_shortcuts.keep_item_categories),
            ),
        )


def default_rules_document() -> dict[str, Any]:
    return PolicyRulesSchema().model_dump(mode="json")


# --- The API's read-only view of the active policy --------------------------------------------


class ReasonOut(Schema):
    code: str = Field(description="What clients send as reason_code")
    label_ko: str
    label_en: str
    kind: ReasonKind
    fault: FaultSide = Field(
        description="Whose fault: buyer → the buyer pays the return shipping; seller or carrier "
        "→ the seller does"
    )
    photos_required: bool


class AutoApprovalOut(Schema):
    enabled: bool
    max_refund: int | None
    reason_kinds: list[ReasonKind]
    methods: list[Method]


class RepeatReturnerOut(Schema):
    window_days: int = Field(description="Days counted back from the request")
    min_orders: int = Field(description="Orders in the window before the check applies")
    max_ratio: float = Field(
        description="Returns per order (this one included) above which a "
        "return is held as repeat_returner"
    )


class RefundShortcutsOut(Schema):
    early_refund_max: int | None = Field(
        description="Refund at pickup, before the parcel arrives, up to this amount; null: off"
    )
    keep_item_max: int | None = Field(
        description="Refund at approval without collecting, up to this amount; null: off"
    )
    keep_item_categories: list[str] = Field(
        description="Categories the keep-item refund applies to; empty: every category"
    )


class PolicyOut(Schema):
    """The store's active return policy version, as the engine applies it to new returns."""

    version: int
    created_at: OutDateTime
    currency: str = Field(description="Money is in this currency's minor units (KRW: won)")
    reasons: list[ReasonOut]
    change_of_mind_days: int = Field(description="Days after delivery to change one's mind")
    defect_months: int = Field(description="Months after delivery to return a defect")
    defect_known_days: int = Field(description="Days after the buyer noticed a defect")
    non_returnable_categories: list[str]
    non_returnable_skus: list[str]
    blocked_conditions: list[Condition]
    return_shipping_fee: int
    outbound_shipping_fee: int
    exchange_fee: int | None
    free_shipping_threshold: int | None
    allowed_resolutions: list[Resolution]
    allowed_methods: list[Method]
    default_fee_collection: FeeCollection
    refund_business_days: int = Field(description="Business days to refund after receipt")
    auto_approval: AutoApprovalOut
    refund_shortcuts: RefundShortcutsOut
    repeat_returner: RepeatReturnerOut | None = Field(
        default=None, description="Repeat-returner hold; null: off"
    )


# --- The store's blocklist and extra holidays ---------------------------------------------------


class BlocklistEntryIn(InputSchema):
    kind: BlocklistKind = Field(description="phone, email or address")
    value: str = Field(
        min_length=1,
        max_length=300,
        description="Stored normalised: a phone as digits only, an email in lower case, an "
        "address with single spaces",
    )
    reason: str = Field(default="", max_length=300, description="Why, for the CS team")


class BlocklistEntryOut(Schema):
    id: int
    kind: BlocklistKind
    value: str = Field(description="Normalised, as it is matched")
    reason: str
    created_at: OutDateTime
    created_by: str | None = Field(description="Username of who added it, if a person did")

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        user = getattr(obj, "created_by", None)
        return user.get_username() if user is not None else None


class ExtraHolidayIn(InputSchema):
    date: InDate = Field(description="A day the store does not work, 2000-01-01..2100-12-31")
    name: str = Field(min_length=1, max_length=100, description="e.g. 임시공휴일 (선거일)")


class ExtraHolidayOut(Schema):
    date: dt.date
    name: str
    created_at: OutDateTime
    created_by: str | None

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        user = getattr(obj, "created_by", None)
        return user.get_username() if user is not None else None
