"""Finding the order: number + phone or email, or a signed link; then the order's page.

The lookup is limited per client address and per order number (django-ratelimit, counted in
the default cache), and a wrong number and a wrong phone get the same answer, so trying
numbers or phones tells nothing. Over the limit, a 429 page says so in words.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from banpum.commerce.models import Store
from banpum.commerce.selectors import order_find_for_shopper
from banpum.portal import session
from banpum.portal.forms import LookupForm
from banpum.portal.texts import status_words
from banpum.portal.views.common import found_order, store_of
from banpum.returns.links import link_read
from banpum.returns.selectors import return_requests_of_order

# Where a return link may lead after opening (``?next=``): names of portal pages, never a URL.
RETURN_LINK_NEXT = {"survey": "portal:survey", "label": "portal:label"}


def _limited(request: HttpRequest, store: Store) -> bool:
    """Counts this attempt; True when the address or the order number is over its limit."""

    def order_key(group: str, request: HttpRequest) -> str:
        number = "".join(str(request.POST.get("order_number", "")).split()).upper()
        return f"{store.pk}:{number}"

    by_address = is_ratelimited(
        request,
        group="portal-lookup-address",
        key="ip",
        rate=settings.BANPUM_PORTAL_LOOKUPS_PER_ADDRESS,
        method="POST",
        increment=True,
    )
    by_order = is_ratelimited(
        request,
        group="portal-lookup-order",
        key=order_key,
        rate=settings.BANPUM_PORTAL_LOOKUPS_PER_ORDER,
        method="POST",
        increment=True,
    )
    return by_address or by_order


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest, slug: str) -> HttpResponse:
    store = store_of(slug)
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        if _limited(request, store):
            return render(request, "portal/limited.html", {"store": store}, status=429)
        if form.is_valid():
            order = order_find_for_shopper(
                store=store,
                order_number=form.cleaned_data["order_number"],
                contact=form.cleaned_data["contact"],
            )
            if order is not None:
                session.order_open(request, store, order.pk, now=timezone.now())
                return redirect("portal:order", slug=store.slug)
            # One answer for a wrong number and a wrong phone: nothing to learn by trying.
            form.add_error(
                None,
                _(
                    "We could not find an order with this number and phone or email. "
                    "Check both and try again."
                ),
            )
    return render(request, "portal/lookup.html", {"store": store, "form": form})


@require_http_methods(["GET"])
def open_link(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    grant = link_read(token, store_id=store.pk, now=now)
    if grant is None:
        return render(request, "portal/link_invalid.html", {"store": store}, status=404)
    if grant.order_id is not None:
        session.order_open(request, store, grant.order_id, now=now)
        return redirect("portal:order", slug=store.slug)
    number = grant.return_number or ""
    session.return_grant(request, store, number, now=now)
    target = RETURN_LINK_NEXT.get(request.GET.get("next", ""), "portal:status")
    return redirect(target, slug=store.slug, number=number)


@require_http_methods(["GET"])
def order_page(request: HttpRequest, slug: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    view = found_order(request, store, now)
    if view is None:
        return redirect("portal:lookup", slug=store.slug)
    returns = [
        {"rr": rr, "status": status_words(rr.status)}
        for rr in return_requests_of_order(order=view.order, newest_first=True)
    ]
    return render(
        request,
        "portal/order.html",
        {
            "store": store,
            "order": view.order,
            "lines": view.lines,
            "returns": returns,
            "can_return": any(returnable > 0 for _, returnable in view.lines),
        },
    )


@require_http_methods(["POST"])
def sign_out(request: HttpRequest, slug: str) -> HttpResponse:
    store = store_of(slug)
    session.forget(request, store)
    return redirect("portal:lookup", slug=store.slug)
