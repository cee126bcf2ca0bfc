"""Showing a customer's personal data on need: a logged reveal on the return page.

The page shows phones, the email, addresses and the refund account masked. A person whose
role may (``PERSONAL_DATA_REVEAL``; refund accounts also ``REFUND_MANAGE``) ticks what they
need and says why; ``office.services.personal_data_reveal`` writes the access-log row first,
and the answer to that POST is the page with those values in full. Deliberately not a
redirect: the values would have to wait in the session for the next GET. The answer is marked
``no-store``, and reloading it asks to send the form again, which is logged again.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError
from banpum.logistics.selectors import pickups_for_return
from banpum.office.access import actor_of, needs
from banpum.office.forms import RevealForm, add_service_error
from banpum.office.return_page import allowed_for, render_return_page, return_in_store
from banpum.office.selectors import personal_data_of
from banpum.office.services import personal_data_reveal


@needs(Capability.PERSONAL_DATA_REVEAL)
@require_POST
def reveal(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    return_request = return_in_store(membership, number)
    pickups = list(pickups_for_return(return_request=return_request))
    personal = personal_data_of(return_request=return_request, pickups=pickups)
    allowed = allowed_for(request, membership, return_request, pickups, personal)
    form = RevealForm(request.POST, kinds=list(allowed.reveal_kinds), auto_id="id_reveal_%s")
    status = 422
    if form.is_valid():
        try:
            entry = personal_data_reveal(
                return_request=return_request,
                actor=actor_of(request, membership),
                kinds=form.cleaned_data["kinds"],
                reason=form.cleaned_data["reason"],
                reason_detail=form.cleaned_data["reason_detail"],
                ip_address=request.META.get("REMOTE_ADDR"),
                now=timezone.now(),
            )
        except ApplicationError as error:
            add_service_error(form, error)
            status = error.status_code
        else:
            personal = personal_data_of(
                return_request=return_request, kinds=entry.kinds, pickups=pickups
            )
            form = RevealForm(kinds=list(allowed.reveal_kinds), auto_id="id_reveal_%s")
            status = 200
    if request.htmx:  # type: ignore[attr-defined]
        # Only the personal-data card is swapped; htmx swaps 2xx answers only.
        response = render(
            request,
            "office/_personal.html",
            {"rr": return_request, "personal": personal, "allowed": allowed, "reveal_form": form},
        )
    elif status == 200:
        response = render_return_page(request, membership, return_request, revealed=personal)
    else:
        return render_return_page(
            request, membership, return_request, bound={"reveal": form}, status=status
        )
    response["Cache-Control"] = "no-store"
    return response
