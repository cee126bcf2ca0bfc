"""Which store a signed-in person works in now: one of their memberships, kept in the session."""

from __future__ import annotations

from django.http import HttpRequest

from banpum.accounts.models import StoreMembership

SESSION_KEY = "office_store_id"


def memberships_of(request: HttpRequest) -> list[StoreMembership]:
    if not request.user.is_authenticated:
        return []
    return list(
        StoreMembership.objects.filter(user_id=request.user.pk)
        .select_related("store")
        .order_by("store__name", "store_id")
    )


def current_membership(request: HttpRequest) -> StoreMembership | None:
    """The membership of the store picked in this session; the only one when there is one.

    ``None`` when the person has none, or several and has not picked (or picked a store they
    no longer belong to).
    """
    memberships = memberships_of(request)
    if len(memberships) == 1:
        return memberships[0]
    picked = request.session.get(SESSION_KEY)
    return next((m for m in memberships if m.store_id == picked), None)


def store_pick(request: HttpRequest, store_id: int) -> StoreMembership | None:
    """Work in ``store_id`` from now on, if the person belongs to it."""
    membership = next((m for m in memberships_of(request) if m.store_id == store_id), None)
    if membership is not None:
        request.session[SESSION_KEY] = membership.store_id
    return membership
