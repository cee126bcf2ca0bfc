"""The store's return policy page and FAQ, open to anyone (no order needed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from banpum.policy.selectors import policy_current, policy_rules
from banpum.portal.policy_page import policy_page
from banpum.portal.views.common import store_of


@require_http_methods(["GET"])
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    store = store_of(slug)
    page = policy_page(store, policy_rules(policy_current(store=store)))
    return render(request, "portal/policy.html", {"store": store, "page": page})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The portal's own calm 404: no store, order or return is named."""
    return render(request, "portal/404.html", status=404)
