"""What the portal says to shoppers, in plain words: statuses, the next step, the decision.

Staff read codes and the timeline's precise words; a shopper on a phone reads what is
happening to their parcel and what to do now (UI.md: "택배 기사님이 12월 2일(수)에 방문해요"
rather than status codes). English msgids; the Korean catalogue is the default reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banpum.policy import texts as policy_texts
from banpum.policy.types import Decision, FeePayer, Outcome, PolicyRules, Resolution
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S

STATUS_WORDS: dict[str, Promise] = {
    S.REQUESTED: gettext_lazy("Request received"),
    S.ON_HOLD: gettext_lazy("Being checked"),
    S.APPROVED: gettext_lazy("Accepted"),
    S.REJECTED: gettext_lazy("Not accepted"),
    S.PICKUP_REQUESTED: gettext_lazy("Pickup booked"),
    S.AWAITING_SHIPMENT: gettext_lazy("Waiting for your parcel"),
    S.IN_TRANSIT: gettext_lazy("On its way back"),
    S.ARRIVED: gettext_lazy("Arrived at the store"),
    S.RECEIVED: gettext_lazy("Received"),
    S.PARTIALLY_RECEIVED: gettext_lazy("Partly received"),
    S.INSPECTED: gettext_lazy("Checked"),
    S.ITEM_KEPT: gettext_lazy("Keep the item"),
    S.REFUND_PENDING: gettext_lazy("Refund on its way"),
    S.REFUNDED: gettext_lazy("Refunded"),
    S.SENT_BACK: gettext_lazy("Sent back to you"),
    S.EXCHANGE_PENDING: gettext_lazy("Replacement being prepared"),
    S.EXCHANGE_SHIPPED: gettext_lazy("Replacement shipped"),
    S.COMPLETED: gettext_lazy("Done"),
    S.CANCELLED: gettext_lazy("Cancelled"),
}
if set(STATUS_WORDS) != set(S):
    raise RuntimeError("every return status needs the shopper's words")


def status_words(status: str) -> str:
    return str(STATUS_WORDS.get(status, status))


def day(value: dt.date | None) -> str:
    """``2026.12.03 (목)``: a date as the portal writes it (UI.md, "Formatting")."""
    if value is None:
        return ""
    return formats.date_format(value, "Y.m.d (D)")


def next_step(
    return_request: ReturnRequest, *, pickup_date: dt.date | None, pickup_failed: bool
) -> str:
    """What happens next, or what the shopper should do now, in one sentence."""
    status = return_request.status
    if status == S.PICKUP_REQUESTED:
        if pickup_failed:
            return _("The courier could not collect the parcel. Choose below what to do.")
        if pickup_date is not None:
            return _(
                "A courier comes for the parcel on %(date)s. Pack the items in a box and "
                "leave it ready."
            ) % {"date": day(pickup_date)}
        return _(
            "A courier comes for the parcel in the next days. Pack the items in a box and "
            "leave it ready."
        )
    if status == S.REFUND_PENDING and return_request.refund_due_on:
        return _("Your refund of %(amount)s is on its way, by %(date)s at the latest.") % {
            "amount": policy_texts.money(return_request.refund_estimate),
            "date": day(return_request.refund_due_on),
        }
    return str(_NEXT.get(status, ""))


_NEXT: dict[str, Promise] = {
    S.REQUESTED: gettext_lazy("The store checks your request and lets you know."),
    S.ON_HOLD: gettext_lazy(
        "The store is checking your request; it contacts you if anything is missing."
    ),
    S.APPROVED: gettext_lazy("The store is arranging the pickup."),
    S.AWAITING_SHIPMENT: gettext_lazy(
        "Send the parcel to the store, then enter its waybill number below."
    ),
    S.IN_TRANSIT: gettext_lazy("Your parcel is on its way to the store."),
    S.ARRIVED: gettext_lazy("Your parcel has arrived; the store checks the items next."),
    S.RECEIVED: gettext_lazy("The store checks the items next."),
    S.PARTIALLY_RECEIVED: gettext_lazy("Part of the parcel has arrived; the rest is expected."),
    S.INSPECTED: gettext_lazy("The store is settling your return."),
    S.ITEM_KEPT: gettext_lazy("Keep the item: your refund is on its way."),
    S.REFUND_PENDING: gettext_lazy("Your refund is on its way."),
    S.REFUNDED: gettext_lazy("Your refund has been paid."),
    S.SENT_BACK: gettext_lazy("The items could not be accepted and are sent back to you."),
    S.EXCHANGE_PENDING: gettext_lazy("Your replacement is being prepared."),
    S.EXCHANGE_SHIPPED: gettext_lazy("Your replacement is on its way."),
    S.COMPLETED: gettext_lazy("Your return is complete."),
    S.REJECTED: gettext_lazy("The store could not accept this return."),
    S.CANCELLED: gettext_lazy("This return was cancelled."),
}


@dataclass(frozen=True)
class DecisionWords:
    """The policy's answer before the final tap: each line a sentence, money as 원."""

    eligible: bool
    problems: list[str]
    outcome: str
    fee: str
    refund: str
    refund_breakdown: list[str]
    deadline: str
    refund_timing: str


def decision_words(decision: Decision, *, resolution: Resolution) -> DecisionWords:
    problems = [policy_texts.problem_message(p) for p in decision.all_problems]
    if decision.outcome is Outcome.APPROVE:
        outcome = _("Accepted as soon as you send the request.")
    elif decision.outcome is Outcome.REJECT:
        outcome = _("This return cannot be accepted as it is.")
    else:
        outcome = _("The store checks your request first, then lets you know.")
    fee = decision.fee
    if fee.payer is FeePayer.BUYER and fee.amount > 0:
        fee_text = _("Return shipping %(amount)s, paid by you: %(how)s.") % {
            "amount": policy_texts.money(fee.amount),
            "how": policy_texts.label(policy_texts.FEE_COLLECTION_LABELS, fee.collection),
        }
    elif fee.payer is FeePayer.SELLER:
        fee_text = _("Return shipping is free for you: the store pays it.")
    else:
        fee_text = _("No return shipping fee.")
    refund = decision.refund
    breakdown: list[str] = []
    if resolution is Resolution.EXCHANGE:
        refund_text = _("No refund: the store sends you a replacement.")
    else:
        template = (
            _("Store credit estimate: %(amount)s")
            if resolution is Resolution.STORE_CREDIT
            else _("Refund estimate: %(amount)s")
        )
        refund_text = template % {"amount": policy_texts.money(refund.total)}
        breakdown.append(_("Items: %(amount)s") % {"amount": policy_texts.money(refund.items)})
        if refund.shipping:
            breakdown.append(
                _("Delivery fee paid back: %(amount)s")
                % {"amount": policy_texts.money(refund.shipping)}
            )
        if refund.deduction:
            breakdown.append(
                _("Return shipping deducted: −%(amount)s")
                % {"amount": policy_texts.money(refund.deduction)}
            )
    deadline = ""
    if decision.deadlines.request_until is not None:
        deadline = _("Return window for this reason: until %(date)s.") % {
            "date": day(decision.deadlines.request_until)
        }
    timing = _(
        "The money goes back within %(days)s business days after the store receives the items."
    ) % {"days": decision.deadlines.refund_business_days}
    return DecisionWords(
        eligible=decision.eligible,
        problems=problems,
        outcome=outcome,
        fee=fee_text,
        refund=refund_text,
        refund_breakdown=breakdown,
        deadline=deadline,
        refund_timing=timing,
    )


def reason_choices(rules: PolicyRules) -> list[tuple[str, str]]:
    return [(r.code, policy_texts.reason_label(r, r.code)) for r in rules.reasons]
