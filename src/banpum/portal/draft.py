"""The return a shopper is asking for, one answer per screen, kept in the session.

The answers are plain JSON in the session (``portal.session``), so the back button shows each
screen as it was answered and a reload loses nothing. Which screens a return needs depends on
the answers so far: photos only for a reason that asks for them, the option only for an
exchange of a product that has options, the address only for a pickup at home, the bank account
only for a refund paid by transfer. ``ask`` turns the answers into the policy's ``ReturnAsk``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from banpum.policy.types import (
    Condition,
    LineRequest,
    Method,
    PolicyRules,
    Resolution,
    ReturnAsk,
    return_type_for,
)
from banpum.returns.pickup_wish import PickupWish

STEPS = ("items", "reason", "photos", "resolution", "option", "method", "pickup", "account")


@dataclass
class Draft:
    lines: dict[int, int] = field(default_factory=dict)  # order line id → units
    reason_code: str = ""
    condition: str = Condition.UNOPENED.value
    reason_detail: str = ""
    photo_ids: list[int] = field(default_factory=list)
    resolution: str = ""
    replacements: dict[int, int] = field(default_factory=dict)  # order line id → product id
    method: str = ""
    pickup: dict[str, Any] = field(default_factory=dict)  # PickupWish.as_json()
    account: dict[str, str] = field(default_factory=dict)  # bank_code, account_number, holder
    answered: list[str] = field(default_factory=list)

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> Draft:
        def ints(value: object) -> dict[int, int]:
            if not isinstance(value, dict):
                return {}
            out = {}
            for key, count in value.items():
                try:
                    out[int(key)] = int(count)
                except (TypeError, ValueError):
                    continue
            return out

        def text(name: str, default: str = "") -> str:
            value = data.get(name)
            return value if isinstance(value, str) else default

        photos = data.get("photo_ids")
        pickup, account, answered = data.get("pickup"), data.get("account"), data.get("answered")
        return cls(
            lines=ints(data.get("lines")),
            reason_code=text("reason_code"),
            condition=text("condition", Condition.UNOPENED.value),
            reason_detail=text("reason_detail"),
            photo_ids=[p for p in photos if isinstance(p, int)] if isinstance(photos, list) else [],
            resolution=text("resolution"),
            replacements=ints(data.get("replacements")),
            method=text("method"),
            pickup=pickup if isinstance(pickup, dict) else {},
            account={k: str(v) for k, v in account.items()} if isinstance(account, dict) else {},
            answered=[s for s in answered if s in STEPS] if isinstance(answered, list) else [],
        )

    def to_session(self) -> dict[str, Any]:
        return {
            "lines": {str(k): v for k, v in self.lines.items()},
            "reason_code": self.reason_code,
            "condition": self.condition,
            "reason_detail": self.reason_detail,
            "photo_ids": self.photo_ids,
            "resolution": self.resolution,
            "replacements": {str(k): v for k, v in self.replacements.items()},
            "method": self.method,
            "pickup": self.pickup,
            "account": self.account,
            "answered": self.answered,
        }

    def mark(self, step: str) -> None:
        if step not in self.answered:
            self.answered.append(step)

    @property
    def wish(self) -> PickupWish:
        return PickupWish.from_json(self.pickup)

    def ask(self) -> ReturnAsk:
        """The answers as the policy reads them."""
        resolution = Resolution(self.resolution or Resolution.REFUND.value)
        return ReturnAsk(
            type=return_type_for(resolution),
            reason_code=self.reason_code,
            resolution=resolution,
            method=Method(self.method or Method.CARRIER_PICKUP.value),
            lines=tuple(
                LineRequest(
                    order_line_id=line_id, quantity=count, condition=Condition(self.condition)
                )
                for line_id, count in sorted(self.lines.items())
                if count > 0
            ),
            photo_count=len(self.photo_ids),
        )

    def replacements_asked(self) -> dict[int, int]:
        """The options chosen for lines still in the return, only for an exchange."""
        if self.resolution != Resolution.EXCHANGE.value:
            return {}
        return {k: v for k, v in self.replacements.items() if self.lines.get(k, 0) > 0}


@dataclass(frozen=True)
class Needs:
    """What the order and the policy make a draft need, beyond its own answers."""

    rules: PolicyRules
    lines_with_options: frozenset[int]  # order line ids whose product has other variants
    bank_transfer: bool  # a refund of this order is paid by bank transfer


def steps_for(draft: Draft, needs: Needs) -> list[str]:
    """The screens this return needs, in order (the confirmation comes after them)."""
    steps = ["items", "reason"]
    reason = needs.rules.reason(draft.reason_code)
    if reason is not None and reason.photos_required:
        steps.append("photos")
    steps.append("resolution")
    chosen = {line_id for line_id, count in draft.lines.items() if count > 0}
    if draft.resolution == Resolution.EXCHANGE.value and chosen & needs.lines_with_options:
        steps.append("option")
    steps.append("method")
    if draft.method == Method.CARRIER_PICKUP.value:
        steps.append("pickup")
    if draft.resolution == Resolution.REFUND.value and needs.bank_transfer:
        steps.append("account")
    return steps


def first_unanswered(draft: Draft, steps: list[str]) -> str | None:
    return next((step for step in steps if step not in draft.answered), None)


def pickup_days(today: dt.date, *, count: int, is_open: Any) -> list[dt.date]:
    """The next ``count`` days a carrier visits (``is_open(day)``), from tomorrow."""
    days: list[dt.date] = []
    day = today
    while len(days) < count:
        day += dt.timedelta(days=1)
        if is_open(day):
            days.append(day)
    return days
