"""The policy's decisions in words, in the reader's language (Korean unless asked otherwise).

The engine (``policy.rules``, pure) says *what* with codes and params (``Problem``, ``Note``);
this module, on the Django side, says it in the active language with gettext. A stored decision
(JSON) is worded again each time it is shown, so the API, the admin and the error replies all
follow the request's language, and old rows keep working: the English sentences that decisions
stored before codes existed are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from banpum.policy.types import (
    NOTE_PARAMS,
    PROBLEM_PARAMS,
    SIGNAL_PARAMS,
    Note,
    Problem,
    Reason,
    as_json,
)

# Labels of the policy's enums (``policy.types``); the models' choices use them too.
RETURN_TYPE_LABELS: dict[str, Promise] = {
    "return": gettext_lazy("Return"),
    "exchange": gettext_lazy("Exchange"),
}
RESOLUTION_LABELS: dict[str, Promise] = {
    "refund": gettext_lazy("Refund"),
    "exchange": gettext_lazy("Exchange"),
    "store_credit": gettext_lazy("Store credit"),
}
METHOD_LABELS: dict[str, Promise] = {
    "carrier_pickup": gettext_lazy("Carrier pickup"),
    "cvs_drop_off": gettext_lazy("Convenience-store drop-off"),
    "self_ship": gettext_lazy("Self-ship"),
    "in_store": gettext_lazy("In store"),
}
FEE_PAYER_LABELS: dict[str, Promise] = {
    "buyer": gettext_lazy("Buyer"),
    "seller": gettext_lazy("Seller"),
}
FEE_COLLECTION_LABELS: dict[str, Promise] = {
    "deduct_from_refund": gettext_lazy("Deducted from the refund"),
    "enclose_in_box": gettext_lazy("Cash enclosed in the box"),
    "bank_transfer": gettext_lazy("Bank transfer"),
    "charge_separately": gettext_lazy("Charged separately"),
}
HOLD_REASON_LABELS: dict[str, Promise] = {
    "return_fee_unpaid": gettext_lazy("Return fee unpaid"),
    "item_not_arrived": gettext_lazy("Item not yet arrived"),
    "buyer_confirmation_needed": gettext_lazy("Buyer confirmation needed"),
    "photos_missing": gettext_lazy("Photos missing"),
    "policy_exception": gettext_lazy("Outside the policy: needs a decision"),
    "repeat_returner": gettext_lazy("Returns often: needs a check"),
    "blocklisted": gettext_lazy("On the store's blocklist"),
    "inspection_mismatch": gettext_lazy("Box empty or another item than sold"),
    "other": gettext_lazy("Other"),
}
BLOCKLIST_KIND_LABELS: dict[str, Promise] = {
    "phone": gettext_lazy("phone number"),
    "email": gettext_lazy("email address"),
    "address": gettext_lazy("shipping address"),
}
CONDITION_LABELS: dict[str, Promise] = {
    "unopened": gettext_lazy("Unopened"),
    "opened": gettext_lazy("Opened"),
    "used": gettext_lazy("Used"),
    "tags_removed": gettext_lazy("Tags removed"),
    "damaged": gettext_lazy("Damaged"),
}
FAULT_LABELS: dict[str, Promise] = {
    "buyer": gettext_lazy("the buyer"),
    "seller": gettext_lazy("the seller"),
    "carrier": gettext_lazy("the carrier"),
}
OUTCOME_LABELS: dict[str, Promise] = {
    "approve": gettext_lazy("Approved automatically"),
    "review": gettext_lazy("Waits for review"),
    "hold": gettext_lazy("On hold"),
    "reject": gettext_lazy("Not eligible"),
}


def reads_korean() -> bool:
    """Whether the active language (the request's, else the install's) is Korean."""
    return (get_language() or settings.LANGUAGE_CODE).lower().startswith("ko")


def label(labels: Mapping[str, Promise], value: object) -> str:
    """The label of an enum value in the active language; the value itself when unknown."""
    found = labels.get(str(value)) if value is not None else None
    return str(found) if found is not None else str(value or "")


def reason_label(reason: Reason | None, code: str = "") -> str:
    """A reason's own label in the reader's language (the policy document has both)."""
    if reason is None:
        return code
    return reason.label_ko if reads_korean() else reason.label_en


def money(amount: object) -> str:
    """Won as a reader writes them: 3,500원 in Korean, ₩3,500 in English."""
    if not isinstance(amount, int):
        return str(amount)
    return _("₩%(amount)s") % {"amount": f"{amount:,}"}


class _Params(dict[str, Any]):
    """Params of a stored row; one a row older than its text lacks shows as ``?``, not a 500."""

    def __missing__(self, key: str) -> str:
        return "?"


def _reason_named(params: Mapping[str, Any]) -> str:
    korean, english = params.get("reason_ko"), params.get("reason_en")
    chosen = (korean or english) if reads_korean() else (english or korean)
    return str(chosen or params.get("reason_code") or "?")


_PROBLEMS: dict[str, Callable[[_Params], str]] = {
    "unknown_reason": lambda p: _("Unknown reason code “%(reason_code)s”.") % p,
    "resolution_not_allowed": lambda p: (
        _("This store does not offer %(resolution)s for returns.")
        % {"resolution": label(RESOLUTION_LABELS, p["resolution"])}
    ),
    "method_not_allowed": lambda p: (
        _("This store does not accept returns by %(method)s.")
        % {"method": label(METHOD_LABELS, p["method"])}
    ),
    "type_resolution_mismatch": lambda p: _(
        "An exchange is resolved by a replacement, and only an exchange is."
    ),
    "no_lines": lambda p: _("Choose at least one order line to return."),
    "duplicate_line": lambda p: (
        _("Order line %(order_line_id)s appears twice; combine the quantities.") % p
    ),
    "not_delivered": lambda p: _(
        "The order has not been delivered yet; cancel it instead of returning it."
    ),
    "unknown_line": lambda p: _("Order line %(order_line_id)s is not part of this order.") % p,
    "invalid_quantity": lambda p: _("Quantity must be at least 1."),
    "quantity_exceeds_available": lambda p: (
        _(
            "Only %(available)s of %(delivered)s delivered unit(s) can still be returned; "
            "%(claimed)s are in other returns."
        )
        % p
    ),
    "window_expired": lambda p: _("Returns for this reason had to be requested by %(until)s.") % p,
    "non_returnable": lambda p: _("This item cannot be returned for a change of mind."),
    "condition_not_accepted": lambda p: (
        _("Items in “%(condition)s” condition cannot be returned for a change of mind.")
        % {"condition": label(CONDITION_LABELS, p["condition"])}
    ),
}


def _ratio_percent(params: Mapping[str, Any]) -> str:
    ratio = params.get("ratio")
    return f"{round(ratio * 100)}" if isinstance(ratio, int | float) else "?"


def _repeat_returner(p: _Params) -> str:
    return _(
        "The customer returned %(returns)s of %(orders)s orders (%(percent)s%%) in the last "
        "%(window_days)s days, this request included."
    ) % _Params({**p, "percent": _ratio_percent(p)})


def _blocklisted(p: _Params) -> str:
    return _("The customer's %(kind)s is on the store's blocklist.") % {
        "kind": label(BLOCKLIST_KIND_LABELS, p["kind"])
    }


_SIGNALS: dict[str, Callable[[_Params], str]] = {
    "repeat_returner": _repeat_returner,
    "blocklisted": _blocklisted,
}

_NOTES: dict[str, Callable[[_Params], str]] = {
    "buyer_pays_shipping": lambda p: (
        _("Reason “%(reason)s”: the buyer pays the return shipping.") % {"reason": _reason_named(p)}
    ),
    "seller_pays_shipping": lambda p: (
        _("Reason “%(reason)s”: at fault is %(fault)s, so the seller pays the return shipping.")
        % {"reason": _reason_named(p), "fault": label(FAULT_LABELS, p["fault"])}
    ),
    "fee_charged": lambda p: (
        _("Return fee charged to the buyer: %(amount)s.") % {"amount": money(p["amount"])}
    ),
    "auto_approved": lambda p: _("Approved automatically under the store's auto-approval rule."),
    "waits_for_review": lambda p: _("Waits for a CS agent to approve."),
    "held": lambda p: (
        _("Held: %(reason)s.")
        % {"reason": label(HOLD_REASON_LABELS, p.get("hold_reason") or "other")}
    ),
    "not_eligible": lambda p: _("Not eligible under the policy or the law."),
    **_SIGNALS,
    "fee_set_by_cs": lambda p: (
        _("Return fee set by CS: %(payer)s pays %(amount)s.")
        % {"payer": label(FAULT_LABELS, p["payer"]), "amount": money(p["amount"])}
    ),
}
if set(_PROBLEMS) != set(PROBLEM_PARAMS):
    raise RuntimeError("every problem code needs its words")
if set(_NOTES) != set(NOTE_PARAMS):
    raise RuntimeError("every explanation code needs its words")
if set(_SIGNALS) != {str(code) for code in SIGNAL_PARAMS}:
    raise RuntimeError("every fraud signal needs its words")


def problem_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    words = _PROBLEMS.get(code)
    if words is None:
        return _("The return is not eligible (%(code)s).") % {"code": code}
    return words(_Params(params or {}))


def note_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    words = _NOTES.get(code)
    return words(_Params(params or {})) if words is not None else code


def signal_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """A fraud signal (``Decision.signals``, a hold event's ``signals``) in words."""
    words = _SIGNALS.get(code)
    if words is None:
        return label(HOLD_REASON_LABELS, code)
    return words(_Params(params or {}))


def problem_message(problem: Problem) -> str:
    return problem_text(problem.code, problem.params)


def problem_out(problem: Problem | Mapping[str, Any]) -> dict[str, Any]:
    """A problem as the API shows it: code, field, line, params and the words."""
    data = as_json(problem) if isinstance(problem, Problem) else dict(problem)
    if not isinstance(data, dict):
        raise TypeError("a problem is a dataclass, so its JSON is an object")
    if "params" not in data and data.get("message"):
        # Stored before problems carried params: its English sentence is all there is.
        return {**data, "params": {}}
    params = data.get("params") or {}
    return {**data, "params": params, "message": problem_text(str(data.get("code")), params)}


def _explanation_item(item: object) -> tuple[str, dict[str, Any] | None]:
    if isinstance(item, Note):
        return note_text(item.code, item.params), {"code": item.code, "params": item.params}
    if isinstance(item, Mapping):
        code, params = str(item.get("code", "")), dict(item.get("params") or {})
        return note_text(code, params), {"code": code, "params": params}
    return str(item), None  # a sentence stored before explanations carried codes


def explanation_texts(explanation: object) -> list[str]:
    items = explanation if isinstance(explanation, list | tuple) else []
    return [_explanation_item(item)[0] for item in items]


def decision_words(decision: Mapping[str, Any]) -> dict[str, Any]:
    """A stored (or fresh, as JSON) decision with its problems and explanation in words.

    ``explanation`` becomes the sentences; ``notes`` keeps the codes and params of each, for
    clients that branch on them.
    """
    data = dict(decision)
    items = data.get("explanation") or []
    rendered = [_explanation_item(item) for item in items]
    data["explanation"] = [text for text, _coded in rendered]
    data["notes"] = [coded for _text, coded in rendered if coded is not None]
    data["problems"] = [problem_out(p) for p in data.get("problems") or []]
    data["signals"] = [
        {**signal, "message": signal_text(str(signal.get("code")), signal.get("params"))}
        for signal in data.get("signals") or []
        if isinstance(signal, Mapping)
    ]
    data["lines"] = [
        {**line, "problems": [problem_out(p) for p in line.get("problems") or []]}
        for line in data.get("lines") or []
    ]
    return data
