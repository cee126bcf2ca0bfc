"""The return page's actions: each a POST form that calls one service, then redirects.

Every form carries the ``version`` of the return the page showed; a return that changed in the
meantime is refused with the returns' own "changed meanwhile" message, the page redrawn as it
is now with what was typed kept. Refused input comes back next to its field (HTTP 422), a move
the return's status no longer allows as a message (409); success redirects to the page with a
message (post/redirect/get). The services check the person's rights again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError
from banpum.logistics.labels_service import labels_pdf
from banpum.logistics.models import Pickup
from banpum.logistics.services import pickups as pickup_services
from banpum.office.access import actor_of, in_store, needs
from banpum.office.forms import (
    ApproveForm,
    CancelForm,
    HoldForm,
    NoteForm,
    RejectForm,
    RerequestForm,
    SelfShipForm,
    WaybillForm,
    add_service_error,
)
from banpum.office.return_page import render_return_page, return_in_store
from banpum.policy.types import HoldReason
from banpum.returns import errors as return_errors
from banpum.returns import services as return_services
from banpum.returns.models import EventType, ReturnRequest

C = Capability
Perform = Callable[[ReturnRequest, dict[str, Any], Actor, dt.datetime], str]


def _stale(return_request: ReturnRequest, expected: int) -> ApplicationError:
    return return_errors.STALE_VERSION(
        number=return_request.number,
        version=return_request.version,
        expected=expected,
        extra={"version": return_request.version},
    )


def _refused(
    request: HttpRequest,
    membership: StoreMembership,
    number: str,
    slot: str,
    form: forms.Form,
    error: ApplicationError,
) -> HttpResponse:
    """The page as it is now, with the refused form: its fields' messages next to them, the
    rest as a message at the top; a stale version is replaced by the current one."""
    return_request = return_in_store(membership, number)
    data = request.POST.copy()
    if "version" in form.fields:
        data["version"] = str(return_request.version)
    again = type(form)(data, auto_id=form.auto_id)
    again.is_valid()
    fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
    if fields:
        add_service_error(again, error)
    else:
        messages.error(request, error.message)
    return render_return_page(
        request, membership, return_request, bound={slot: again}, status=error.status_code
    )


def _act(
    request: HttpRequest,
    membership: StoreMembership,
    number: str,
    *,
    slot: str,
    form_class: type[forms.Form],
    perform: Perform,
) -> HttpResponse:
    return_request = return_in_store(membership, number)
    form = form_class(request.POST, auto_id=f"id_{slot}_%s")
    if not form.is_valid():
        return render_return_page(
            request, membership, return_request, bound={slot: form}, status=422
        )
    data = form.cleaned_data
    try:
        if "version" in data and data["version"] != return_request.version:
            raise _stale(return_request, data["version"])
        message = perform(return_request, data, actor_of(request, membership), timezone.now())
    except ApplicationError as error:
        return _refused(request, membership, number, slot, form, error)
    messages.success(request, message)
    return redirect("office:return-detail", number=return_request.number)


# --- status moves ---------------------------------------------------------------------------


@needs(C.RETURN_APPROVE)
@require_POST
def approve(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
        done = return_services.return_request_approve(
            return_request=rr,
            actor=actor,
            note=data["note"],
            expected_version=data["version"],
            now=now,
        )
        return _("Approved. The return is now “%(status)s”.") % {
            "status": done.get_status_display()
        }

    return _act(
        request, membership, number, slot="approve", form_class=ApproveForm, perform=perform
    )


@needs(C.RETURN_HOLD)
@require_POST
def hold(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
        return_services.return_request_hold(
            return_request=rr,
            actor=actor,
            reason=HoldReason(data["hold_reason"]),
            note=data["note"],
            expected_version=data["version"],
            now=now,
        )
        return _("The return is on hold.")

    return _act(request, membership, number, slot="hold", form_class=HoldForm, perform=perform)


@needs(C.RETURN_REJECT)
@require_POST
def reject(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
        return_services.return_request_reject(
            return_request=rr,
            actor=actor,
            note=data["note"],
            expected_version=data["version"],
            now=now,
        )
        return _("The return is rejected.")

    return _act(request, membership, number, slot="reject", form_class=RejectForm, perform=perform)


@needs(C.RETURN_CANCEL)
@require_POST
def cancel(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
        return_services.return_request_cancel(
            return_request=rr,
            actor=actor,
            note=data["note"],
            expected_version=data["version"],
            now=now,
        )
        return _("The return is cancelled.")

    return _act(request, membership, number, slot="cancel", form_class=CancelForm, perform=perform)


# --- notes ----------------------------------------------------------------------------------


def _notes_fragment(
    request: HttpRequest, return_request: ReturnRequest, form: NoteForm, *, saved: bool
) -> HttpResponse:
    """The notes section alone, for htmx: the list as it is now and the form."""
    notes = return_request.events.filter(type=EventType.NOTE_ADDED).order_by("at", "id")
    return render(
        request,
        "office/_notes.html",
        {"rr": return_request, "notes": notes, "note_form": form, "can_note": True, "saved": saved},
    )


@needs(C.RETURN_NOTE)
@require_POST
def note_add(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    """A consultation note (상담 내용). With htmx only the notes section is swapped; a refused
    note comes back in its field, never lost."""
    if not request.htmx:  # type: ignore[attr-defined]

        def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
            return_services.return_note_add(
                return_request=rr, actor=actor, note=data["note"], now=now
            )
            return _("Note saved.")

        return _act(request, membership, number, slot="note", form_class=NoteForm, perform=perform)
    return_request = return_in_store(membership, number)
    form = NoteForm(request.POST, auto_id="id_note_%s")
    if form.is_valid():
        try:
            return_services.return_note_add(
                return_request=return_request,
                actor=actor_of(request, membership),
                note=form.cleaned_data["note"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return _notes_fragment(
                request, return_request, NoteForm(auto_id="id_note_%s"), saved=True
            )
    # htmx swaps only 2xx answers: the refused form comes back as one, with its errors.
    return _notes_fragment(request, return_request, form, saved=False)


# --- pickups --------------------------------------------------------------------------------


@needs(C.PICKUP_MANAGE)
@require_POST
def pickup_rerequest(
    request: HttpRequest, membership: StoreMembership, number: str
) -> HttpResponse:
    """Book a failed pickup again: a new date, a corrected address or contact."""
    try:
        pickup_id = int(request.POST.get("pickup", ""))
    except ValueError:
        raise Http404 from None
    return_request = return_in_store(membership, number)
    pickup = (
        Pickup.objects.select_related("return_request")
        .filter(pk=pickup_id, return_request=return_request)
        .first()
    )
    if pickup is None:
        raise Http404

    def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
        details = pickup_services.PickupDetails(
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            postcode=data["postcode"],
            address1=data["address1"],
            address2=data["address2"],
            preferred_date=data["preferred_date"],
            box_count=data["box_count"] or 0,
            memo=data["memo"],
        )
        pickup_services.pickup_rerequest(
            pickup=pickup, actor=actor, details=details, note=data["note"], now=now
        )
        return _("The pickup is requested again.")

    return _act(
        request,
        membership,
        number,
        slot=f"rerequest-{pickup.pk}",
        form_class=_rerequest_form(pickup.pk),
        perform=perform,
    )


def _rerequest_form(pickup_id: int) -> type[RerequestForm]:
    """The re-request form of one pickup, with that pickup's ids on the page."""

    class OnePickup(RerequestForm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["auto_id"] = f"id_rerequest{pickup_id}_%s"
            super().__init__(*args, **kwargs)

    return OnePickup


@needs(C.PICKUP_MANAGE)
@require_POST
def self_ship(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
        pickup_services.return_switch_to_self_ship(
            return_request=rr, actor=actor, note=data["note"], now=now
        )
        return _("Switched to self-ship: the customer sends the parcel.")

    return _act(
        request, membership, number, slot="self_ship", form_class=SelfShipForm, perform=perform
    )


@needs(C.PICKUP_MANAGE)
@require_POST
def waybill(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    def perform(rr: ReturnRequest, data: dict[str, Any], actor: Actor, now: dt.datetime) -> str:
        pickup = pickup_services.pickup_register_manual(
            return_request=rr,
            actor=actor,
            waybill_number=data["waybill_number"],
            carrier_code=data["carrier_code"],
            now=now,
        )
        return _("Waybill %(number)s saved; the return is in transit.") % {
            "number": pickup.waybill_number
        }

    return _act(
        request, membership, number, slot="waybill", form_class=WaybillForm, perform=perform
    )


@in_store
@require_http_methods(["GET"])
def label(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    """The return label as a PDF (A6 unless ``?layout=A4``), from the store's return only."""
    return_request = return_in_store(membership, number)
    layout = request.GET.get("layout", "A6")
    try:
        pdf = labels_pdf([return_request], layout=layout)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("office:return-detail", number=return_request.number)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{return_request.number}.pdf"'
    return response
