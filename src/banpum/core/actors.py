"""Who did something: recorded on every event, whatever edge the action came through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    type: str  # one of returns.models.ActorType
    label: str
    user: Any = None  # a django.contrib.auth user for staff

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls("system", label)

    @classmethod
    def staff(cls, user: Any) -> Actor:
        return cls("staff", user.get_username(), user)

    @classmethod
    def api(cls, label: str) -> Actor:
        return cls("api", label)

    @classmethod
    def customer(cls, label: str) -> Actor:
        return cls("customer", label)
