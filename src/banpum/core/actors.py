"""Who did something: recorded on every event, whatever edge the action came through.

An actor also says what it may do: a person acts with the role of their membership in one
store (``store_id`` and ``role``), an API key without a person acts as an integration of its
store, and the system and customers have fixed rights. ``banpum.accounts.capabilities`` holds
the table and the one check the services make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Membership(Protocol):
    """What an actor needs of a store membership (``accounts.StoreMembership``)."""

    store_id: int
    role: str


@dataclass(frozen=True)
class Actor:
    type: str  # one of returns.models.ActorType
    label: str
    user: Any = None  # a django.contrib.auth user for staff, and for an API key acting for one
    store_id: int | None = None  # the store this actor acts in; None: trusted code, any store
    role: str = ""  # the role of ``user`` in ``store_id`` (accounts.capabilities.Role)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls("system", label)

    @classmethod
    def staff(cls, user: Any, membership: Membership | None = None) -> Actor:
        """A person; without a membership only a superuser may act (the Django admin)."""
        if membership is None:
            return cls("staff", user.get_username(), user)
        return cls(
            "staff", user.get_username(), user, store_id=membership.store_id, role=membership.role
        )

    @classmethod
    def api(cls, label: str, *, store_id: int | None = None) -> Actor:
        """An API client with no person behind it: an integration with its store's API rights."""
        return cls("api", label, store_id=store_id)

    @classmethod
    def api_for(cls, label: str, *, user: Any, membership: Membership) -> Actor:
        """An API key acting for a staff member: recorded as that person, limited by their role."""
        return cls("api", label, user, store_id=membership.store_id, role=membership.role)

    @classmethod
    def customer(cls, label: str, *, store_id: int | None = None) -> Actor:
        """A shopper; with ``store_id`` (the portal's), only in that store."""
        return cls("customer", label, store_id=store_id)
