"""The return list's bulk bar: approve the ticked returns, or print their labels as one PDF.

Bulk approve calls the approval service once per return, each in its own transaction, so one
refused return (moved on meanwhile, or not awaiting a decision) never undoes the others; the
list then shows what happened to each. Labels come from the batch-label service the API's
``POST /labels`` uses, one PDF for the lot.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError
from banpum.logistics.labels_service import return_labels_pdf
from banpum.office.access import actor_of, in_store, needs
from banpum.office.forms import BulkAction
from banpum.office.return_list import BULK_REPORT_KEY
from banpum.returns.models import ReturnRequest
from banpum.returns.services import return_request_approve


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """To the list as it was (its query string), never anywhere else."""
    query = request.POST.get("next", "")
    if not query.startswith("?") or any(c in query for c in "\r\n\\"):
        query = ""
    return HttpResponseRedirect(reverse("office:return-list") + query)


def _picked(request: HttpRequest) -> list[tuple[str, int | None]] | None:
    form = BulkAction(request.POST)
    if form.is_valid():
        picked: list[tuple[str, int | None]] = form.cleaned_data["selected"]
        return picked
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return None


@needs(Capability.RETURN_APPROVE)
@require_POST
def bulk_approve(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    picked = _picked(request)
    if picked is None:
        return _back(request)
    found = {
        rr.number: rr
        for rr in ReturnRequest.objects.filter(
            store=membership.store, number__in=[number for number, _v in picked]
        )
    }
    actor = actor_of(request, membership)
    report: list[dict[str, Any]] = []
    for number, version in picked:
        return_request = found.get(number)
        if return_request is None:
            report.append({"number": number, "ok": False, "text": _("Not found in this store.")})
            continue
        try:
            done = return_request_approve(
                return_request=return_request,
                actor=actor,
                expected_version=version,
                now=timezone.now(),
            )
        except ApplicationError as error:
            report.append({"number": number, "ok": False, "text": error.message})
        else:
            report.append(
                {
                    "number": number,
                    "ok": True,
                    "text": _("Approved: now “%(status)s”.")
                    % {"status": done.get_status_display()},
                }
            )
    approved = sum(1 for item in report if item["ok"])
    skipped = len(report) - approved
    summary = _("%(approved)d approved, %(skipped)d skipped.") % {
        "approved": approved,
        "skipped": skipped,
    }
    (messages.success if not skipped else messages.warning)(request, summary)
    request.session[BULK_REPORT_KEY] = report
    return _back(request)


@in_store
@require_POST
def bulk_labels(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    picked = _picked(request)
    if picked is None:
        return _back(request)
    layout = request.POST.get("layout") or "A4"
    try:
        pdf = return_labels_pdf(
            store=membership.store, numbers=[number for number, _v in picked], layout=layout
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="labels.pdf"'
    return response
