"""Reads of a store's people and API keys, for the office's settings pages."""

from __future__ import annotations

from django.db.models import QuerySet

from banpum.accounts import errors
from banpum.accounts.models import ApiKey, StoreMembership
from banpum.commerce.models import Store


def store_member_list(*, store: Store) -> QuerySet[StoreMembership]:
    return (
        StoreMembership.objects.filter(store=store)
        .select_related("user")
        .order_by("user__username")
    )


def store_member_get(*, store: Store, membership_id: int) -> StoreMembership:
    membership = (
        StoreMembership.objects.filter(store=store, pk=membership_id).select_related("user").first()
    )
    if membership is None:
        raise errors.MEMBER_NOT_FOUND()
    return membership


def api_key_list(*, store: Store) -> QuerySet[ApiKey]:
    """The store's keys, newest first: prefixes and names only (the digest stays here)."""
    return (
        ApiKey.objects.filter(store=store)
        .select_related("acts_for__user")
        .order_by("-created_at", "-pk")
    )
