"""회수 요청: a CS agent opens a return for an order, with the policy's answer shown live.

The form posts to itself (plain POST, works without JavaScript); htmx also posts it, as the
agent types, to the preview, which answers a fragment with the policy's decision in words.
The submit calls ``returns.services.return_request_create`` as the agent: the policy approves,
holds or leaves it for review, and on approval logistics books the pickup with a linked carrier
(or the customer gets instructions for an unlinked one). A token in the form makes a double
submit answer the return the first one opened.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.commerce.models import Order
from banpum.core.errors import ApplicationError
from banpum.logistics.selectors import pickups_for_return
from banpum.office.access import actor_of, needs
from banpum.office.decisions import decision_summary
from banpum.office.orders import carrier_words, line_rows, store_order
from banpum.office.return_forms import ReturnCreateForm
from banpum.policy import texts
from banpum.policy.deadlines import local_date
from banpum.policy.selectors import policy_current, policy_rules
from banpum.policy.types import Resolution, as_json
from banpum.returns.models import Origin, ReturnRequest, ReturnStatus
from banpum.returns.selectors import return_request_by_idempotency_key
from banpum.returns.services import return_request_create, return_request_preview
from banpum.settlement.exchanges.selectors import VariantStock, product_variants

# Errors of a form still being filled in, which the live answer does not repeat.
QUIET_ERRORS = frozenset({"required", "no_lines"})


def _form(request: HttpRequest, order: Order, data: Any = None) -> ReturnCreateForm:
    rules = policy_rules(policy_current(store=order.store))
    lines = line_rows(order)
    variants: dict[int, list[VariantStock]] = {}
    if Resolution.EXCHANGE in rules.allowed_resolutions:
        # What an exchange can send instead: the ordered products' options, with their stock.
        for row in lines:
            product = row.line.product
            if row.returnable > 0 and product is not None and product.pk not in variants:
                variants[product.pk] = product_variants(product)
    return ReturnCreateForm(
        data,
        order=order,
        lines=lines,
        rules=rules,
        today=local_date(timezone.now(), order.store.timezone),
        variants=variants,
    )


def _page(
    request: HttpRequest,
    membership: StoreMembership,
    order: Order,
    form: ReturnCreateForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "office/return_create.html",
        {"membership": membership, "order": order, "form": form},
        status=status,
    )


@needs(Capability.RETURN_CREATE)
@require_http_methods(["GET", "POST"])
def return_create(request: HttpRequest, membership: StoreMembership, order_id: int) -> HttpResponse:
    order = store_order(membership, order_id)
    earlier = return_request_by_idempotency_key(
        store=membership.store, key=request.POST.get("token", "")[:64]
    )
    if earlier is not None and earlier.order_id == order.pk:
        # The same form again (a double click, a resend): its return is open already, and its
        # units may no longer be on offer, so the form would only show an error.
        messages.add_message(request, *outcome_message(earlier))
        return redirect("office:return-detail", number=earlier.number)
    try:
        form = _form(request, order, request.POST if request.method == "POST" else None)
    except ApplicationError as error:  # e.g. the store has no return policy yet
        messages.error(request, error.message)
        return redirect("office:order-detail", order_id=order.pk)
    if request.method != "POST":
        return _page(request, membership, order, form)
    if not form.is_valid():
        return _page(request, membership, order, form, status=422)
    try:
        created = return_request_create(
            order=order,
            ask=form.ask(),
            origin=Origin.CS,
            actor=actor_of(request, membership),
            note=form.cleaned_data.get("note", ""),
            fee=form.fee(),
            allow_ineligible=bool(form.cleaned_data.get("allow_ineligible")),
            pickup=form.pickup(),
            replacements=form.replacements(),
            idempotency_key=form.cleaned_data["token"],
            now=timezone.now(),
        )
    except ApplicationError as error:
        form.add_service_error(error)
        return _page(request, membership, order, form, status=422)
    messages.add_message(request, *outcome_message(created))
    return redirect("office:return-detail", number=created.number)


@needs(Capability.RETURN_CREATE)
@require_http_methods(["POST"])
def return_preview(
    request: HttpRequest, membership: StoreMembership, order_id: int
) -> HttpResponse:
    """The policy's answer to the form as typed so far: a fragment for htmx."""
    order = store_order(membership, order_id)
    try:
        form = _form(request, order, request.POST)
    except ApplicationError as error:
        return render(request, "office/_return_preview.html", {"error": error.message})
    context: dict[str, Any] = {"form": form, "summary": None, "error": "", "errors": []}
    if not form.is_valid():
        # Only what is wrong, not what is still to be filled in.
        context["errors"] = [
            error.message % (error.params or {})
            for errors in form.errors.as_data().values()
            for error in errors
            if error.code not in QUIET_ERRORS
        ]
    else:
        try:
            decision = return_request_preview(
                order=order, ask=form.ask(), fee=form.fee(), now=timezone.now()
            )
        except ApplicationError as error:
            context["error"] = error.message
        else:
            data = as_json(decision)
            context["summary"] = decision_summary(data if isinstance(data, dict) else {})
            context["exchange"] = form.ask().resolution is Resolution.EXCHANGE
    return render(request, "office/_return_preview.html", context)


def outcome_message(created: ReturnRequest) -> tuple[int, str]:
    """What happened, in one sentence for the return page: the pickup booked, instructions to
    give, or why it waits."""
    number = created.number or ""
    status = created.status
    if status == ReturnStatus.PICKUP_REQUESTED:
        pickup = pickups_for_return(return_request=created).first()
        carrier = carrier_words(pickup.carrier, "") if pickup is not None else ""
        return messages.SUCCESS, _(
            "Return %(number)s approved; pickup requested from %(carrier)s."
        ) % {"number": number, "carrier": carrier}
    if status == ReturnStatus.AWAITING_SHIPMENT:
        return messages.SUCCESS, _(
            "Return %(number)s approved; the customer sends the parcel. Give them the "
            "instructions shown on the timeline."
        ) % {"number": number}
    if status == ReturnStatus.ITEM_KEPT:
        return messages.SUCCESS, _(
            "Return %(number)s approved; the customer keeps the item and is refunded."
        ) % {"number": number}
    if status == ReturnStatus.APPROVED:
        return messages.WARNING, _(
            "Return %(number)s approved, but no carrier account is set up: the pickup waits."
        ) % {"number": number}
    if status == ReturnStatus.ON_HOLD:
        return messages.WARNING, _("Return %(number)s is on hold: %(reason)s.") % {
            "number": number,
            "reason": texts.label(texts.HOLD_REASON_LABELS, created.hold_reason),
        }
    return messages.INFO, _("Return %(number)s opened; it waits for approval.") % {"number": number}
