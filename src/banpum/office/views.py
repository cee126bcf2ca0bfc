"""The office's pages: sign-in, the store picker, the home queues, the return list and page.

Every page after sign-in runs in one store, the person's current membership
(``office.stores``); a return of any other store is a 404, never a 403, so that a number
says nothing about stores one does not work in.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from banpum.accounts.models import StoreMembership
from banpum.core import middleware as core_errors
from banpum.core.errors import ApplicationError
from banpum.logistics.selectors import pickups_for_return
from banpum.office.access import in_store
from banpum.office.filters import ReturnFilterSet
from banpum.office.formatting import money, phone_masked
from banpum.office.queues import review_queues, work_queues
from banpum.office.stores import current_membership, memberships_of, store_pick
from banpum.office.tables import ReturnTable, SafeTableExport
from banpum.policy import texts as policy_texts
from banpum.policy.selectors import policy_rules
from banpum.returns.models import ReturnRequest
from banpum.returns.selectors import return_request_get
from banpum.returns.timeline import event_text
from banpum.settlement.selectors import refunds_for_return

PER_PAGE = 50
EXPORT_FORMATS = ("csv", "xlsx")


class LoginView(auth_views.LoginView):
    template_name = "office/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "office:login"


@login_required
@require_http_methods(["GET", "POST"])
def store_pick_view(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of(request)
    if not memberships:
        return render(request, "office/no_store.html", status=403)
    if request.method == "POST":
        try:
            store_id = int(request.POST.get("store", ""))
        except ValueError:
            store_id = 0
        if store_pick(request, store_id) is not None:
            return redirect("office:home")
    return render(
        request,
        "office/store_pick.html",
        {"memberships": memberships, "current": current_membership(request)},
    )


@in_store
@require_http_methods(["GET"])
def home(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    return render(
        request,
        "office/home.html",
        {
            "membership": membership,
            "review_queues": review_queues(store),
            "work_queues": work_queues(store, timezone.now()),
        },
    )


@in_store
@require_http_methods(["GET"])
def return_list(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    # The policy by prefetch: one row per version rather than its rules parsed on every row.
    queryset = (
        ReturnRequest.objects.filter(store=store)
        .select_related("order", "customer")
        .prefetch_related("policy")
    )
    filterset = ReturnFilterSet(
        request.GET or None, queryset=queryset, store=store, now=timezone.now()
    )
    table = ReturnTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        exporter = SafeTableExport(export_format, table)
        return exporter.response(filename=f"returns-{store.slug}.{export_format}")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("_export", None)
    return render(
        request,
        "office/return_list.html",
        {
            "membership": membership,
            "filter": filterset,
            "table": table,
            "query": query.urlencode(),
        },
    )


@in_store
@require_http_methods(["GET"])
def return_detail(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    try:
        return_request = return_request_get(store=membership.store, number=number)
    except ApplicationError:
        raise Http404 from None
    rules = policy_rules(return_request.policy)
    lines = [
        {
            "line": line,
            "reason": policy_texts.reason_label(rules.reason(line.reason_code), line.reason_code),
            "refund": money(line.refund_estimate),
        }
        for line in return_request.lines.all()
    ]
    events = [{"event": event, "text": event_text(event)} for event in return_request.events.all()]
    refunds = [
        {"refund": refund, "amount": money(refund.amount)}
        for refund in refunds_for_return(return_request=return_request)
    ]
    return render(
        request,
        "office/return_detail.html",
        {
            "membership": membership,
            "rr": return_request,
            "reason": policy_texts.reason_label(
                rules.reason(return_request.reason_code), return_request.reason_code
            ),
            "decision": policy_texts.decision_words(return_request.decision or {}),
            "fee": money(return_request.fee_amount),
            "refund_estimate": money(return_request.refund_estimate),
            "phone": phone_masked(return_request.customer.phone if return_request.customer else ""),
            "lines": lines,
            "events": events,
            "refunds": refunds,
            "pickups": list(pickups_for_return(return_request=return_request)),
        },
    )


def root(request: HttpRequest) -> HttpResponse:
    return redirect("office:home")


OFFICE_PREFIX = "/office/"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The office's own 404 page; elsewhere the project's (JSON on the API)."""
    if request.path.startswith(OFFICE_PREFIX):
        return render(request, "office/404.html", status=404)
    return core_errors.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """A calm 500 page for the office, without a trace or the request's data."""
    if request.path.startswith(OFFICE_PREFIX):
        # Rendered without a request context: the failure may be in what builds one.
        from django.template import loader

        return HttpResponse(loader.render_to_string("office/500.html"), status=500)
    return core_errors.server_error(request)
