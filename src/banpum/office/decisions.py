"""A policy decision (as JSON) in the few lines a CS agent reads before pressing submit:
eligible or why not, the fee and who pays it, the refund estimate, the deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from banpum.office.formatting import money
from banpum.policy import texts


def _day(value: object) -> dt.date | None:
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def decision_summary(decision: Mapping[str, Any]) -> dict[str, Any]:
    words = texts.decision_words(decision)
    fee = words.get("fee") or {}
    refund = words.get("refund") or {}
    deadlines = words.get("deadlines") or {}
    problems = [p["message"] for p in words["problems"]]
    problems += [p["message"] for line in words["lines"] for p in line["problems"]]
    reason = words.get("reason") or {}
    outcome = str(words.get("outcome") or "")
    headline = texts.label(texts.OUTCOME_LABELS, outcome)
    if outcome == "hold" and words.get("hold_reason"):
        headline = f"{headline}: {texts.label(texts.HOLD_REASON_LABELS, words['hold_reason'])}"
    fee_amount = int(fee.get("amount") or 0)
    if fee_amount:
        fee_words = _("%(amount)s, paid by %(payer)s (%(collection)s)") % {
            "amount": money(fee_amount),
            "payer": texts.label(texts.FEE_PAYER_LABELS, fee.get("payer")),
            "collection": texts.label(texts.FEE_COLLECTION_LABELS, fee.get("collection")),
        }
    else:
        fee_words = _("None for the buyer (the seller pays the shipping)")
    return {
        "eligible": bool(words.get("eligible")),
        "outcome": outcome,
        "headline": headline,
        "reason": (reason.get("label_ko") if texts.reads_korean() else reason.get("label_en"))
        or "",
        "problems": problems,
        "signals": [s["message"] for s in words["signals"]],
        "explanation": words["explanation"],
        "fee": fee_words,
        "refund": money(int(refund.get("total") or 0)),
        "deduction": money(int(refund.get("deduction") or 0)) if refund.get("deduction") else "",
        "request_until": _day(deadlines.get("request_until")),
        "refund_business_days": deadlines.get("refund_business_days"),
    }
