"""Words for the settlement's codes, in the reader's language (rendered, never stored)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from banpum.policy.texts import money
from banpum.settlement import breakdown
from banpum.warehouse.models import DeductionReason

PART_LABELS: dict[str, Any] = {
    breakdown.ITEMS: _("Items"),
    breakdown.SHIPPING: _("Original shipping refunded"),
    breakdown.RETURN_FEE: _("Return shipping fee deducted"),
    breakdown.REFUNDED_EARLY: _("Already refunded at pickup"),
    breakdown.CAPPED: _("Already refunded before"),
}
# Inspection's deduction codes: the warehouse's own labels, so the two never disagree.
DEDUCTION_LABELS: dict[str, Any] = {
    **{reason.value: reason.label for reason in DeductionReason},
    "other": _("Deduction"),
}
ERROR_LABELS: dict[str, Any] = {
    "no_payment_key": _("The order has no payment reference to refund."),
    "no_payment_account": _("No payment gateway is set up for this store."),
    "gave_up": _("No answer from the payment gateway after many attempts."),
}


def part_label(code: str) -> str:
    label = PART_LABELS.get(code) or DEDUCTION_LABELS.get(code)
    return str(label) if label is not None else code


def error_label(code: str, said: str) -> str:
    """A known code's words, else what the provider said (its own words, kept as-is)."""
    label = ERROR_LABELS.get(code)
    return str(label) if label is not None else said


def breakdown_words(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored breakdown's parts with their labels and amounts as money, for display."""
    return [
        {**part, "label": part_label(str(part.get("code", ""))), "text": money(int(part["amount"]))}
        for part in data.get("parts", [])
        if part.get("amount")
    ]
