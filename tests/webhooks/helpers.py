"""Building blocks of the webhook tests: a manager, a subscription, a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model

from banpum.accounts.models import StoreMembership
from banpum.accounts.services import api_key_create
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.webhooks.models import WebhookDelivery
from banpum.webhooks.services.subscriptions import SubscriptionSecret, webhook_subscription_create

NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)


class RecordingJobs:
    """``webhooks.jobs.WebhookJobs`` that remembers what was enqueued, and runs nothing."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, float]] = []

    def delivery_send(self, delivery_id: int, *, delay: float = 0) -> None:
        self.sent.append((delivery_id, delay))


def manager_key(store: Store, *, username: str = "manager") -> tuple[Actor, str]:
    """A manager of ``store`` (who may manage webhooks) and an API key acting for them."""
    user = get_user_model().objects.create_user(username, password="x")
    membership = StoreMembership.objects.create(user=user, store=store, role="manager")
    _, raw = api_key_create(store=store, name=username, acts_for=membership)
    return Actor.staff(user, membership), raw


def subscribe(
    store: Store,
    url: str,
    actor: Actor,
    *,
    events: Sequence[str] = ("*",),
    now: dt.datetime = NOW,
) -> SubscriptionSecret:
    return webhook_subscription_create(store=store, url=url, events=events, actor=actor, now=now)


def deliveries(**filters: Any) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(**filters).order_by("event_id", "id"))
