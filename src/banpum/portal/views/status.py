"""A return's status page and what the shopper can do there.

Reachable only by the session that found the return's order or opened the return (after
submitting it, or by its signed link), or with the return's signed token in the address (the
label link works from a message): anything else, and any other store, is a 404. Actions are
plain POST forms calling the same services as CS, as the customer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError, Conflict
from banpum.feedback.selectors import feedback_of_return
from banpum.feedback.services import feedback_open
from banpum.logistics.addresses import address_line, return_address
from banpum.logistics.labels_service import LABEL_RETURN_STATUSES, labels_pdf
from banpum.logistics.models import Pickup, PickupStatus
from banpum.logistics.selectors import LABEL_PICKUP_STATUSES, carrier_choices, pickups_for_return
from banpum.logistics.services.pickups import (
    PickupDetails,
    pickup_register_manual,
    pickup_rerequest,
    return_switch_to_self_ship,
)
from banpum.policy import texts as policy_texts
from banpum.policy.texts import reads_korean
from banpum.portal import session
from banpum.portal.forms import RebookForm, WaybillForm
from banpum.portal.texts import day, next_step, status_words
from banpum.portal.timeline import shopper_timeline
from banpum.portal.views.common import store_of
from banpum.portal.views.wizard import pickup_day_choices
from banpum.returns.links import link_read, link_token
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.photos import return_photo_storage
from banpum.returns.selectors import return_photo_get, return_request_get
from banpum.returns.services import return_request_cancel
from banpum.returns.transitions import Action, return_transition_allowed

FAILED = (PickupStatus.EXCEPTION, PickupStatus.FAILED)


def _token_grants(request: HttpRequest, store: Store, number: str, now: dt.datetime) -> bool:
    token = request.GET.get("t", "")
    grant = link_read(token, store_id=store.pk, now=now) if token else None
    return grant is not None and grant.return_number == number


def return_of(request: HttpRequest, store: Store, number: str, now: dt.datetime) -> ReturnRequest:
    """The store's return ``number`` if this visitor may see it, else 404."""
    try:
        return_request = return_request_get(store=store, number=number)
    except ApplicationError:
        raise Http404 from None
    canonical = return_request.number or ""
    if (
        session.return_granted(request, store, canonical, now=now)
        or session.order_found(request, store, now=now) == return_request.order_id
        or _token_grants(request, store, canonical, now)
    ):
        return return_request
    raise Http404


def _actor(return_request: ReturnRequest) -> Actor:
    customer = return_request.customer
    label = customer.name if customer is not None and customer.name else "customer"
    return Actor.customer(label, store_id=return_request.store_id)


def _current_pickup(pickups: list[Pickup]) -> Pickup | None:
    live = (*LABEL_PICKUP_STATUSES, PickupStatus.FAILED)
    return next((p for p in pickups if p.status in live), None)


def _page(
    request: HttpRequest,
    store: Store,
    return_request: ReturnRequest,
    now: dt.datetime,
    *,
    waybill_form: WaybillForm | None = None,
    rebook_form: RebookForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pickups = list(pickups_for_return(return_request=return_request))
    pickup = _current_pickup(pickups)
    failed = (
        return_request.status == ReturnStatus.PICKUP_REQUESTED
        and pickup is not None
        and pickup.status in FAILED
    )
    awaiting = return_request.status == ReturnStatus.AWAITING_SHIPMENT
    if awaiting and waybill_form is None:
        waybill_form = WaybillForm(carriers=carrier_choices())
    if failed and rebook_form is None and pickup is not None:
        rebook_form = RebookForm(
            days=pickup_day_choices(store, now),
            initial={
                "contact_name": pickup.contact_name,
                "contact_phone": pickup.contact_phone,
                "postcode": pickup.postcode,
                "address1": pickup.address1,
                "address2": pickup.address2,
                "memo": pickup.memo,
            },
        )
    number = return_request.number or ""
    label_url = ""
    if return_request.status in LABEL_RETURN_STATUSES and pickup is not None and not failed:
        token = link_token(store_id=store.pk, return_number=number, now=now)
        label_url = reverse("portal:label", kwargs={"slug": store.slug, "number": number})
        label_url += f"?t={token}"
    survey_url = ""
    if feedback_open(return_request) and feedback_of_return(return_request) is None:
        survey_url = reverse("portal:survey", kwargs={"slug": store.slug, "number": number})
        granted_by = request.GET.get("t", "")  # a signed link opened the page: keep it
        if granted_by:
            survey_url += "?" + urlencode({"t": granted_by})
    account = pickup.account if pickup is not None else None
    send_to = return_address(store=store, account=account)
    context: dict[str, Any] = {
        "store": store,
        "rr": return_request,
        "status_words": status_words(return_request.status),
        "next_step": next_step(
            return_request,
            pickup_date=pickup.preferred_date if pickup is not None else None,
            pickup_failed=failed,
        ),
        "lines": list(return_request.lines.all()),
        "fee": policy_texts.money(return_request.fee_amount),
        "buyer_pays": return_request.fee_payer == "buyer" and return_request.fee_amount > 0,
        "refund": policy_texts.money(return_request.refund_estimate),
        "refund_due": day(return_request.refund_due_on),
        "pickup": pickup,
        "pickup_day": day(pickup.preferred_date) if pickup is not None else "",
        "carrier": (
            (pickup.carrier.name_ko if reads_korean() else pickup.carrier.name_en)
            if pickup is not None
            else ""
        ),
        "pickup_failed": failed,
        "timeline": shopper_timeline(return_request.events.all(), pickups),
        "can_cancel": return_transition_allowed(return_request.status, Action.CANCEL),
        "awaiting": awaiting,
        "send_to": address_line(send_to),
        "send_to_name": f"{send_to.name} {send_to.phone}".strip(),
        "waybill_form": waybill_form,
        "rebook_form": rebook_form,
        "label_url": label_url,
        "photos": list(return_request.photos.all()),
        "survey_url": survey_url,
    }
    return render(request, "portal/status.html", context, status=status)


@require_http_methods(["GET"])
def status_page(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    return _page(request, store, return_of(request, store, number, now), now)


def _done(request: HttpRequest, store: Store, number: str, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("portal:status", slug=store.slug, number=number)


@require_http_methods(["POST"])
def cancel(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    return_request = return_of(request, store, number, now)
    try:
        return_request_cancel(return_request=return_request, actor=_actor(return_request), now=now)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:status", slug=store.slug, number=return_request.number)
    return _done(request, store, return_request.number or "", _("Your return is cancelled."))


@require_http_methods(["POST"])
def waybill(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    return_request = return_of(request, store, number, now)
    form = WaybillForm(request.POST, carriers=carrier_choices())
    if form.is_valid():
        try:
            pickup_register_manual(
                return_request=return_request,
                actor=_actor(return_request),
                waybill_number=form.cleaned_data["waybill_number"],
                carrier_code=form.cleaned_data["carrier_code"],
                now=now,
            )
        except ApplicationError as error:
            _add(form, error)
        else:
            return _done(
                request,
                store,
                return_request.number or "",
                _("Thank you: we follow your parcel from here."),
            )
    return _page(request, store, return_request, now, waybill_form=form, status=422)


def _add(form: Any, error: ApplicationError) -> None:
    fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
    if isinstance(fields, dict) and fields:
        for path, texts in fields.items():
            name = str(path).split(".")[-1]
            for text in texts:
                form.add_error(name if name in form.fields else None, text)
    else:
        form.add_error(None, error.message)


def _failed_pickup(return_request: ReturnRequest) -> Pickup:
    pickup = _current_pickup(list(pickups_for_return(return_request=return_request)))
    if (
        pickup is None
        or pickup.status not in FAILED
        or return_request.status != ReturnStatus.PICKUP_REQUESTED
    ):
        raise Conflict(_("There is no failed pickup to answer."), code="pickup_not_failed")
    return pickup


@require_http_methods(["POST"])
def rebook(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    """A failed pickup booked again, on a new day or at the corrected address."""
    store = store_of(slug)
    now = timezone.now()
    return_request = return_of(request, store, number, now)
    form = RebookForm(request.POST, days=pickup_day_choices(store, now))
    if form.is_valid():
        data = form.cleaned_data
        try:
            pickup_rerequest(
                pickup=_failed_pickup(return_request),
                actor=_actor(return_request),
                details=PickupDetails(
                    contact_name=data["contact_name"].strip(),
                    contact_phone=data["contact_phone"].strip(),
                    postcode=data["postcode"].strip(),
                    address1=data["address1"].strip(),
                    address2=data["address2"].strip(),
                    preferred_date=data["preferred_date"],
                    memo=data["memo"].strip(),
                ),
                now=now,
            )
        except ApplicationError as error:
            _add(form, error)
        else:
            return _done(
                request,
                store,
                return_request.number or "",
                _("The courier comes on %(date)s.") % {"date": day(data["preferred_date"])},
            )
    return _page(request, store, return_request, now, rebook_form=form, status=422)


@require_http_methods(["POST"])
def self_ship(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    """A failed pickup answered with "I send it myself"."""
    store = store_of(slug)
    now = timezone.now()
    return_request = return_of(request, store, number, now)
    try:
        _failed_pickup(return_request)
        return_switch_to_self_ship(
            return_request=return_request, actor=_actor(return_request), now=now
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:status", slug=store.slug, number=return_request.number)
    return _done(
        request,
        store,
        return_request.number or "",
        _("Send the parcel to the store, then enter its waybill number here."),
    )


@require_http_methods(["GET"])
def label(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    store = store_of(slug)
    return_request = return_of(request, store, number, timezone.now())
    try:
        pdf = labels_pdf([return_request])
    except Conflict:
        # A message's label link outlived the label (the pickup was cancelled or is over): the
        # status page says what to do now instead of a dead end.
        messages.info(request, _("This return has no label to print now."))
        return redirect("portal:status", slug=store.slug, number=number)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{return_request.number}.pdf"'
    return response


@require_http_methods(["GET"])
def photo(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    """A photo the shopper sent for the order the session found (theirs only)."""
    store = store_of(slug)
    order_id = session.order_found(request, store, now=timezone.now())
    if order_id is None:
        raise Http404
    found = return_photo_get(store=store, order_id=order_id, photo_id=photo_id)
    if found is None:
        raise Http404
    with return_photo_storage().open(found.name, "rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
