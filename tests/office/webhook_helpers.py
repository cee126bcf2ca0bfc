"""A store's webhook subscription with deliveries, made through the webhooks services only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model as django_user_model
from django.test import override_settings
from django.utils import timezone

from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.webhooks.models import WebhookDelivery
from banpum.webhooks.services.dispatch import webhook_events_dispatch
from banpum.webhooks.services.subscriptions import SubscriptionSecret, webhook_subscription_create
from tests.factories import make_order
from tests.returns.helpers import open_return

# Nothing listens there: an attempt fails at once (connection refused).
DEAD_URL = "http://127.0.0.1:9/hooks"


def subscription_with_deliveries(
    store: Any, *, url: str = DEAD_URL, returns: int = 1, now: dt.datetime | None = None
) -> tuple[SubscriptionSecret, list[WebhookDelivery]]:
    """A subscription to every event, then ``returns`` new returns: one delivery each (their
    ``return.requested`` event), queued by the dispatcher as the periodic job would."""
    now = now or timezone.now()
    user = django_user_model().objects.create_user(f"hooks-{store.slug}", password="x")
    admin = Actor.staff(user, StoreMembership.objects.create(user=user, store=store, role="admin"))
    with override_settings(BANPUM_WEBHOOKS_ALLOW_PRIVATE=True):
        created = webhook_subscription_create(store=store, url=url, actor=admin, now=now)
    for _ in range(returns):
        open_return(make_order(store=store))
    webhook_events_dispatch(now=timezone.now())
    deliveries = list(
        WebhookDelivery.objects.filter(subscription=created.subscription).order_by("id")
    )
    assert len(deliveries) == returns, len(deliveries)
    return created, deliveries
