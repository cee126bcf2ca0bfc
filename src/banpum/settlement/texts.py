"""Words for the settlement's codes, in the reader's language (rendered, never stored)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from banpum.policy.texts import money
from banpum.settlement import breakdown

PART_LABELS: dict[str, Any] = {
    breakdown.ITEMS: _("Items"),
    breakdown.SHIPPING: _("Original shipping refunded"),
    breakdown.RETURN_FEE: _("Return shipping fee deducted"),
    breakdown.REFUNDED_EARLY: _("Already refunded at pickup"),
    breakdown.CAPPED: _("Already refunded before"),
}
# Inspection's deduction codes (warehouse); unknown codes are shown as they are.
DEDUCTION_LABELS: dict[str, Any] = {
    "damaged": _("Deduction: damaged"),
    "used": _("Deduction: used"),
    "missing_parts": _("Deduction: parts missing"),
    "tags_removed": _("Deduction: tags removed"),
    "packaging": _("Deduction: packaging damaged"),
    "other": _("Deduction"),
}
ERROR_LABELS: dict[str, Any] = {
    "no_payment_key": _("The order has no payment reference to refund."),
    "no_payment_account": _("No payment gateway is set up for this store."),
    "gave_up": _("No answer from the payment gateway after many attempts."),
    "transfer_failed": _("The bank did not pay the transfer."),
}
# Codes whose own words (the bank's reason) say more than the label, when there are any.
SAID_FIRST = frozenset({"transfer_failed"})


def part_label(code: str) -> str:
    label = PART_LABELS.get(code) or DEDUCTION_LABELS.get(code)
    return str(label) if label is not None else code


def error_label(code: str, said: str) -> str:
    """A known code's words, else what the provider said (its own words, kept as-is)."""
    if code in SAID_FIRST and said:
        return said
    label = ERROR_LABELS.get(code)
    return str(label) if label is not None else said


def breakdown_words(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored breakdown's parts with their labels and amounts as money, for display."""
    return [
        {**part, "label": part_label(str(part.get("code", ""))), "text": money(int(part["amount"]))}
        for part in data.get("parts", [])
        if part.get("amount")
    ]
