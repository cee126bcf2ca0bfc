"""Small builders for the pure policy engine's inputs: plain data, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from banpum.policy.schemas import PolicyRulesSchema
from banpum.policy.types import (
    AutoApproval,
    Condition,
    LineFacts,
    LineRequest,
    Method,
    OrderFacts,
    PolicyRules,
    Resolution,
    ReturnAsk,
    ReturnType,
)

SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.UTC


def d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def kst(iso: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    day = d(iso)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SEOUL)


def utc(iso: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    day = d(iso)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def rules(**overrides: Any) -> PolicyRules:
    """The default Korean policy (the one every new store gets), with overrides."""
    base = PolicyRulesSchema().to_rules(version=1)
    return dataclasses.replace(base, **overrides)


def auto(**kwargs: Any) -> AutoApproval:
    return AutoApproval(enabled=True, **kwargs)


def line(line_id: int, **overrides: Any) -> LineFacts:
    values: dict[str, Any] = {
        "order_line_id": line_id,
        "sku": f"SKU-{line_id}",
        "category": "apparel",
        "returnable": True,
        "quantity": 1,
        "delivered_quantity": None,
        "claimed_quantity": 0,
        "paid_amount": 20000,
    }
    values.update(overrides)
    if values["delivered_quantity"] is None:
        values["delivered_quantity"] = values["quantity"]
    return LineFacts(**values)


def lines(*facts: LineFacts) -> dict[int, LineFacts]:
    return {fact.order_line_id: fact for fact in facts}


def order(facts: dict[int, LineFacts] | None = None, **overrides: Any) -> OrderFacts:
    """A delivered Korean order; ``paid_total`` is its lines plus the shipping fee."""
    shipping_fee = overrides.pop("shipping_fee", 3000)
    items = sum(f.paid_amount for f in (facts or {}).values())
    values: dict[str, Any] = {
        "paid_total": items + shipping_fee,
        "shipping_fee": shipping_fee,
        "free_shipping": False,
        "already_refunded": 0,
        "delivered_at": kst("2026-09-21", 14, 30),
        "customer_flagged": False,
        "country": "KR",
        "timezone": "Asia/Seoul",
    }
    values.update(overrides)
    return OrderFacts(**values)


def ask(
    *requested: LineRequest | tuple[int, int] | tuple[int, int, str],
    reason: str = "change_of_mind",
    type: ReturnType = ReturnType.RETURN,
    resolution: Resolution | None = None,
    method: Method = Method.CARRIER_PICKUP,
    **overrides: Any,
) -> ReturnAsk:
    if resolution is None:
        resolution = Resolution.EXCHANGE if type is ReturnType.EXCHANGE else Resolution.REFUND
    return ReturnAsk(
        type=type,
        reason_code=reason,
        resolution=resolution,
        method=method,
        lines=tuple(r if isinstance(r, LineRequest) else LineRequest(*r) for r in requested),
        **overrides,
    )


def req(
    line_id: int,
    quantity: int = 1,
    reason: str | None = None,
    condition: Condition = Condition.UNOPENED,
) -> LineRequest:
    return LineRequest(line_id, quantity, reason, condition)
