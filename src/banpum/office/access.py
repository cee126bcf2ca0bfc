"""Who may open an office page: signed in, working in one of their stores, with the capability.

Every office view is wrapped in ``in_store`` (or ``needs``, which adds a capability check), so
the view receives the person's current ``StoreMembership`` and never has to look up a store
itself. A page the role may not use is a 403 page that says so; another store's objects are
404s (the views look them up within ``membership.store``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from banpum.accounts.capabilities import Capability, actor_can
from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.office.stores import current_membership, memberships_of

OfficeView = Callable[..., HttpResponse]


def actor_of(request: HttpRequest, membership: StoreMembership) -> Actor:
    """The person as services see them: their role in the store they work in now."""
    return Actor.staff(request.user, membership)


def can(request: HttpRequest, membership: StoreMembership, capability: Capability) -> bool:
    return actor_can(actor_of(request, membership), membership.store_id, capability)


def in_store(view: Callable[..., HttpResponse]) -> OfficeView:
    """Signed in, and working in one of the person's stores (picked, or the only one)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = current_membership(request)
        if membership is None:
            if not memberships_of(request):
                return render(request, "office/no_store.html", status=403)
            return redirect("office:store-pick")
        return view(request, membership, *args, **kwargs)

    return wrapper


def needs(*capabilities: Capability) -> Callable[[Callable[..., HttpResponse]], OfficeView]:
    """``in_store``, and the person's role has every one of ``capabilities`` (else a 403 page)."""

    def decorate(view: Callable[..., HttpResponse]) -> OfficeView:
        @in_store
        @wraps(view)
        def wrapper(
            request: HttpRequest, membership: StoreMembership, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not all(can(request, membership, c) for c in capabilities):
                return render(
                    request, "office/forbidden.html", {"membership": membership}, status=403
                )
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorate
