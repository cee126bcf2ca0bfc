"""One page per return: the decision in words, lines, pickups with their tracking, notes,
events and money, with only the actions the status and the person's role allow.

The page is drawn by ``render_return_page`` for the GET and for every action that fails, so a
refused form comes back next to its fields with what was typed, on the page as it is now.
Which actions show is read off the returns' transition table and the capability table; the
services check both again when the form is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banpum.accounts.capabilities import Capability, actor_capabilities
from banpum.accounts.models import StoreMembership
from banpum.commerce.options import options_label
from banpum.core.errors import ApplicationError
from banpum.logistics.labels_service import LABEL_RETURN_STATUSES
from banpum.logistics.models import Pickup, PickupStatus
from banpum.logistics.selectors import (
    LABEL_PICKUP_STATUSES,
    WAITING_FOR_PICKUP,
    pickup_tracking_events,
    pickups_for_return,
)
from banpum.logistics.services.pickups import waybill_entry_allowed
from banpum.notify.selectors import messages_of_return
from banpum.office.access import actor_of, in_store
from banpum.office.feedback_section import feedback_section
from banpum.office.formatting import address_masked, money, phone_masked
from banpum.office.forms import (
    ApproveForm,
    CancelForm,
    HoldForm,
    NoteForm,
    RejectForm,
    RerequestForm,
    RevealForm,
    SelfShipForm,
    WaybillForm,
)
from banpum.office.selectors import PersonalData, personal_data_of
from banpum.policy import texts as policy_texts
from banpum.policy.selectors import policy_rules
from banpum.policy.types import ReturnType
from banpum.returns.models import EventType, ReturnLine, ReturnRequest
from banpum.returns.selectors import return_request_get
from banpum.returns.timeline import event_text
from banpum.returns.transitions import Action, return_transition_allowed
from banpum.settlement.selectors import refunds_for_return

C = Capability
# The status moves the page offers, with the capability each needs.
MOVES: dict[str, tuple[Action, Capability]] = {
    "approve": (Action.APPROVE, C.RETURN_APPROVE),
    "hold": (Action.HOLD, C.RETURN_HOLD),
    "reject": (Action.REJECT, C.RETURN_REJECT),
    "cancel": (Action.CANCEL, C.RETURN_CANCEL),
    "self_ship": (Action.SWITCH_TO_SELF_SHIP, C.PICKUP_MANAGE),
}
VERSIONED_FORMS: dict[str, type[forms.Form]] = {
    "approve": ApproveForm,
    "hold": HoldForm,
    "reject": RejectForm,
    "cancel": CancelForm,
    "self_ship": SelfShipForm,
    "waybill": WaybillForm,
}
FAILED_PICKUP = (PickupStatus.EXCEPTION, PickupStatus.FAILED)


def return_in_store(membership: StoreMembership, number: str) -> ReturnRequest:
    """The return ``number`` of the person's store; any other store's is a 404."""
    try:
        return return_request_get(store=membership.store, number=number)
    except ApplicationError:
        raise Http404 from None


@dataclass(frozen=True)
class Allowed:
    """What this person may do to this return now: the buttons the page draws."""

    moves: frozenset[str]
    note: bool
    waybill: bool
    rerequest: frozenset[int]  # pickups that may be booked again
    label: bool
    reveal: bool
    reveal_kinds: tuple[str, ...]
    inspect: bool = False  # the warehouse's inspection page (office.warehouse_views)
    money: bool = False  # the return's money page: breakdown, refunds, goodwill, fees

    @property
    def any_status_action(self) -> bool:
        return bool(self.moves) or self.waybill or self.inspect


def allowed_for(
    request: HttpRequest,
    membership: StoreMembership,
    return_request: ReturnRequest,
    pickups: list[Pickup],
    personal: PersonalData,
) -> Allowed:
    capabilities = actor_capabilities(actor_of(request, membership), membership.store_id)
    status = return_request.status
    moves = frozenset(
        name
        for name, (action, capability) in MOVES.items()
        if capability in capabilities and return_transition_allowed(status, action)
    )
    manage = C.PICKUP_MANAGE in capabilities
    rerequest = frozenset(
        p.pk
        for p in pickups
        if manage and p.status in FAILED_PICKUP and status in WAITING_FOR_PICKUP
    )
    kinds = sorted(personal.kinds_present)
    if C.REFUND_MANAGE not in capabilities:
        kinds = [kind for kind in kinds if kind != "refund_account"]
    return Allowed(
        moves=moves,
        note=C.RETURN_NOTE in capabilities,
        waybill=manage and waybill_entry_allowed(status),
        rerequest=rerequest,
        label=status in LABEL_RETURN_STATUSES
        and any(p.status in LABEL_PICKUP_STATUSES for p in pickups),
        reveal=C.PERSONAL_DATA_REVEAL in capabilities and bool(kinds),
        reveal_kinds=tuple(kinds),
        inspect=C.RETURN_INSPECT in capabilities
        and return_transition_allowed(status, Action.INSPECT),
        money=C.REFUND_MANAGE in capabilities,
    )


def _decision_words(return_request: ReturnRequest, reason: str) -> list[str]:
    """The decision as one line of words (UI.md): reason · eligible · fee · refund · deadline."""
    decision = return_request.decision or {}
    words = [reason]
    if "eligible" in decision:
        words.append(_("Eligible") if decision["eligible"] else _("Not eligible"))
    if return_request.fee_amount:
        words.append(
            _("Return fee %(amount)s, paid by %(payer)s")
            % {
                "amount": money(return_request.fee_amount),
                "payer": return_request.get_fee_payer_display(),
            }
        )
    else:
        words.append(_("No return fee"))
    words.append(
        _("Refund estimate %(amount)s") % {"amount": money(return_request.refund_estimate)}
    )
    if return_request.refund_due_on:
        words.append(
            _("Refund due %(date)s") % {"date": return_request.refund_due_on.strftime("%Y.%m.%d")}
        )
    return words


def _replacement_words(line: ReturnLine) -> str:
    """What an exchange sends for the line: the variant asked for, else the item ordered."""
    product = line.replacement
    if product is None:
        return f"{line.order_line.name} ({line.order_line.sku})"
    options = options_label(product.options)
    return " ".join(part for part in (product.name, options, f"({product.sku})") if part)


def _pickup_rows(
    pickups: list[Pickup], allowed: Allowed, forms_: dict[str, Any], version: int
) -> list[dict[str, Any]]:
    rows = []
    for pickup in pickups:
        rerequest = None
        if pickup.pk in allowed.rerequest:
            rerequest = forms_.get(f"rerequest-{pickup.pk}") or RerequestForm(
                initial={"pickup": pickup.pk, "version": version},
                auto_id=f"id_rerequest{pickup.pk}_%s",
            )
        rows.append(
            {
                "pickup": pickup,
                "carrier": pickup.carrier.name_ko if pickup.carrier_id else "",
                "contact_phone": phone_masked(pickup.contact_phone),
                "address": address_masked(pickup.address1),
                "tracking": pickup_tracking_events(pickup),
                "rerequest_form": rerequest,
                "form_id": f"rerequest-form-{pickup.pk}",
            }
        )
    return rows


def render_return_page(
    request: HttpRequest,
    membership: StoreMembership,
    return_request: ReturnRequest,
    *,
    bound: dict[str, Any] | None = None,
    revealed: PersonalData | None = None,
    status: int = 200,
) -> HttpResponse:
    """The return page; ``bound`` holds a refused form by its slot, ``revealed`` the data a
    logged reveal showed."""
    bound = bound or {}
    rules = policy_rules(return_request.policy)
    reason = policy_texts.reason_label(
        rules.reason(return_request.reason_code), return_request.reason_code
    )
    pickups = list(pickups_for_return(return_request=return_request))
    personal = revealed or personal_data_of(return_request=return_request, pickups=pickups)
    allowed = allowed_for(request, membership, return_request, pickups, personal)
    version = return_request.version
    forms_ = {
        name: bound.get(name) or form_class(initial={"version": version}, auto_id=f"id_{name}_%s")
        for name, form_class in VERSIONED_FORMS.items()
    }
    forms_["note"] = bound.get("note") or NoteForm(auto_id="id_note_%s")
    forms_["reveal"] = bound.get("reveal") or RevealForm(
        kinds=list(allowed.reveal_kinds), auto_id="id_reveal_%s"
    )
    events = list(return_request.events.all())
    context = {
        "membership": membership,
        "rr": return_request,
        "reason": reason,
        "decision": policy_texts.decision_words(return_request.decision or {}),
        "decision_line": _decision_words(return_request, reason),
        "fee": money(return_request.fee_amount),
        "refund_estimate": money(return_request.refund_estimate),
        "personal": personal,
        "lines": [
            {
                "line": line,
                "reason": policy_texts.reason_label(
                    rules.reason(line.reason_code), line.reason_code
                ),
                "refund": money(line.refund_estimate),
                "replacement": _replacement_words(line)
                if return_request.type == ReturnType.EXCHANGE
                else "",
            }
            for line in return_request.lines.all()
        ],
        "events": [{"event": event, "text": event_text(event)} for event in events],
        "notes": [event for event in events if event.type == EventType.NOTE_ADDED],
        "refunds": [
            {"refund": refund, "amount": money(refund.amount)}
            for refund in refunds_for_return(return_request=return_request)
        ],
        "pickups": _pickup_rows(pickups, allowed, bound, version),
        "delivery_log": messages_of_return(return_request),
        "allowed": allowed,
        "forms": forms_,
        "survey": feedback_section(return_request),
    }
    response = render(request, "office/return_detail.html", context, status=status)
    if revealed is not None and revealed.revealed:
        # Full personal data: not kept by the browser or any cache between.
        response["Cache-Control"] = "no-store"
    return response


@in_store
@require_http_methods(["GET"])
def return_detail(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    return render_return_page(request, membership, return_in_store(membership, number))
