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
    "not_applied": _("The payment shows no cancel for this refund yet; it will be sent again."),
    "unmatched_reply": _("The gateway's answer did not show this refund; checking the payment."),
    "unexpected": _("An unexpected error in the payment job; checking the payment."),
    "reconcile": _("Checking the payment for this refund."),
    "TIMEOUT": _("The payment gateway did not answer in time; checking the payment."),
    "CONNECTION": _("The payment gateway could not be reached; it will be tried again."),
    "INVALID_RESPONSE": _("The payment gateway's answer could not be read; checking the payment."),
    "CONFIG": _("The payment account is not set up correctly (secret key or address)."),
    "PROVIDER_ERROR": _("The payment gateway had an error; it will be tried again."),
    "TOO_MANY_REQUESTS": _("The payment gateway asked to slow down; it will be tried again."),
    "FORBIDDEN_CONSECUTIVE_REQUEST": _("Cancels came too fast; it will be tried again."),
    "IDEMPOTENT_REQUEST_PROCESSING": _("The gateway is still working on this cancel."),
    "transfer_failed": _("The bank did not pay the transfer."),
}
# Codes a gateway names after the HTTP status (HTTP_502 …): one set of words.
_HTTP_ERROR = _("The payment gateway answered with an error (%(code)s); it will be tried again.")
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
    if label is not None:
        return str(label)
    if code.startswith("HTTP_"):
        return str(_HTTP_ERROR) % {"code": code}
    return said


def breakdown_words(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored breakdown's parts with their labels and amounts as money, for display."""
    return [
        {**part, "label": part_label(str(part.get("code", ""))), "text": money(int(part["amount"]))}
        for part in data.get("parts", [])
        if part.get("amount")
    ]
