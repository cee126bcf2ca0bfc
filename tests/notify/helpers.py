"""Building blocks of the notify tests: a fixed clock, staff of a store, a shopper's return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from banpum.accounts.models import StoreMembership
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.notify.models import Message

# 10:00 in Seoul: daytime, no quiet hours.
NOW = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


def staff(store: Store, *, username: str, role: str = "manager", email: str = "") -> Actor:
    user = get_user_model().objects.create_user(username, password="x", email=email)
    membership = StoreMembership.objects.create(user=user, store=store, role=role)
    return Actor.staff(user, membership)


def messages(**filters: Any) -> list[Message]:
    return list(Message.objects.filter(**filters).order_by("id"))
