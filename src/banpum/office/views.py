"""The office's pages: sign-in, the store picker, the home queues, the error pages.

The return list and page live in ``return_list`` and ``return_page``, their actions in
``return_actions``, ``bulk`` and ``reveal``.

Every page after sign-in runs in one store, the person's current membership
(``office.stores``); a return of any other store is a 404, never a 403, so that a number
says nothing about stores one does not work in.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from banpum.accounts.models import StoreMembership
from banpum.core import middleware as core_errors
from banpum.office.access import in_store
from banpum.office.queues import review_queues, work_queues
from banpum.office.stores import current_membership, memberships_of, store_pick


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
