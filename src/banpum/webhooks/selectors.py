"""Reads of a store's webhook subscriptions and their delivery log, each scoped to the store."""

from __future__ import annotations

from django.db.models import QuerySet

from banpum.commerce.models import Store
from banpum.webhooks import errors
from banpum.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def webhook_subscription_list(*, store: Store) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(store=store).order_by("-id")


def webhook_subscription_get(*, store: Store, subscription_id: int) -> WebhookSubscription:
    """The store's subscription, or 404 (another store's is as unknown as a missing one)."""
    subscription = WebhookSubscription.objects.filter(store=store, pk=subscription_id).first()
    if subscription is None:
        raise errors.SUBSCRIPTION_NOT_FOUND()
    return subscription


def webhook_delivery_list(
    *, subscription: WebhookSubscription, status: str | None = None, event: str | None = None
) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    if status:
        deliveries = deliveries.filter(status=status)
    if event:
        deliveries = deliveries.filter(event_type=event)
    return deliveries.order_by("-id")


def webhook_delivery_get(*, subscription: WebhookSubscription, delivery_id: int) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.filter(subscription=subscription, pk=delivery_id).first()
    if delivery is None:
        raise errors.DELIVERY_NOT_FOUND()
    return delivery


def webhook_attempts(*, delivery: WebhookDelivery) -> list[WebhookAttempt]:
    return list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number", "id"))
