"""A store's webhook subscriptions: create (the secret shown once), change, delete, rotate.

The URL is checked against SSRF (``webhooks.addresses``) before any transaction: resolving the
host is a network call. A subscription receives only events written after it was created.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.returns.models import ReturnEvent
from banpum.webhooks import addresses, catalogue, errors, signing
from banpum.webhooks.models import DisabledReason, WebhookSubscription
from banpum.webhooks.services.dispatch import dispatch_cursor_lock

MAX_SUBSCRIPTIONS_PER_STORE = 20
# How long the secret before a rotation still signs, unless the merchant says otherwise.
PREVIOUS_SECRET_HOURS = 24
MAX_PREVIOUS_SECRET_HOURS = 72


@dataclass(frozen=True)
class SubscriptionSecret:
    """A subscription with its signing secret in clear text: shown once, never again."""

    subscription: WebhookSubscription
    secret: str


def _url_checked(url: str) -> str:
    url = url.strip()
    target = addresses.url_target(url)
    if isinstance(target, addresses.Refusal):
        raise target.error.field("url", **target.params)
    return url


def _events_checked(events: Sequence[str]) -> list[str]:
    patterns = list(dict.fromkeys(event.strip() for event in events))
    if not patterns:
        raise errors.EVENTS_EMPTY.field("events")
    fields = {
        f"events.{index}": [errors.EVENT_UNKNOWN.render(name=pattern)]
        for index, pattern in enumerate(patterns)
        if not catalogue.pattern_valid(pattern)
    }
    if fields:
        raise ValidationFailed.for_fields(fields)
    return [catalogue.ALL] if catalogue.ALL in patterns else patterns


def webhook_subscription_create(
    *,
    store: Store,
    url: str,
    events: Sequence[str] = (catalogue.ALL,),
    description: str = "",
    version: str = catalogue.VERSION,
    actor: Actor,
    now: dt.datetime,
) -> SubscriptionSecret:
    """Subscribe ``url`` to ``events`` of ``store``; the answer holds the secret, once."""
    actor_require(actor, store.pk, Capability.WEBHOOKS_MANAGE)
    if version not in catalogue.VERSIONS:
        raise errors.VERSION_UNKNOWN.field("version", versions=", ".join(catalogue.VERSIONS))
    patterns = _events_checked(events)
    url = _url_checked(url)
    secret = signing.secret_generate()
    with transaction.atomic():
        Store.objects.select_for_update().get(pk=store.pk)  # one count at a time per store
        count = WebhookSubscription.objects.filter(store=store).count()
        if count >= MAX_SUBSCRIPTIONS_PER_STORE:
            raise errors.TOO_MANY_SUBSCRIPTIONS(limit=MAX_SUBSCRIPTIONS_PER_STORE)
        dispatch_cursor_lock(now=now)
        latest = ReturnEvent.objects.aggregate(latest=Max("id"))["latest"] or 0
        subscription = WebhookSubscription.objects.create(
            store=store,
            url=url,
            description=description.strip(),
            events=patterns,
            version=version,
            secret=secret,
            after_event_id=latest,
            created_by=actor.label[:150],
            created_at=now,
            updated_at=now,
        )
    return SubscriptionSecret(subscription, secret)


def webhook_subscription_update(
    *,
    subscription: WebhookSubscription,
    actor: Actor,
    now: dt.datetime,
    url: str | None = None,
    events: Sequence[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookSubscription:
    """Change what is given; enabling clears why it was disabled (a 410, a manager).

    Events that happen while a subscription is disabled are not queued for it.
    """
    actor_require(actor, subscription.store_id, Capability.WEBHOOKS_MANAGE)
    changes: dict[str, object] = {}
    if events is not None:
        changes["events"] = _events_checked(events)
    if description is not None:
        changes["description"] = description.strip()
    if url is not None:
        changes["url"] = _url_checked(url)
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if is_active is True and not locked.is_active:
            dispatch_cursor_lock(now=now)
            changes |= {"is_active": True, "disabled_reason": "", "disabled_at": None}
        elif is_active is False and locked.is_active:
            changes |= {
                "is_active": False,
                "disabled_reason": DisabledReason.MANUAL,
                "disabled_at": now,
            }
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.updated_at = now
        locked.save(update_fields=[*changes, "updated_at"])
    return locked


def webhook_subscription_delete(*, subscription: WebhookSubscription, actor: Actor) -> None:
    """Delete it with its deliveries and their log; a queued attempt then finds nothing."""
    actor_require(actor, subscription.store_id, Capability.WEBHOOKS_MANAGE)
    WebhookSubscription.objects.filter(pk=subscription.pk).delete()


def webhook_secret_rotate(
    *,
    subscription: WebhookSubscription,
    actor: Actor,
    now: dt.datetime,
    previous_valid_hours: int = PREVIOUS_SECRET_HOURS,
) -> SubscriptionSecret:
    """A new secret, shown once. The old one keeps signing (a second signature in the header)
    for ``previous_valid_hours``, so the receiver can switch without losing a delivery; 0
    stops it at once (a leaked secret)."""
    actor_require(actor, subscription.store_id, Capability.WEBHOOKS_MANAGE)
    if not 0 <= previous_valid_hours <= MAX_PREVIOUS_SECRET_HOURS:
        raise errors.PREVIOUS_HOURS_RANGE.field(
            "previous_valid_hours", most=MAX_PREVIOUS_SECRET_HOURS
        )
    secret = signing.secret_generate()
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        keep = previous_valid_hours > 0
        locked.previous_secret = locked.secret if keep else None
        locked.previous_secret_valid_until = (
            now + dt.timedelta(hours=previous_valid_hours) if keep else None
        )
        locked.secret = secret
        locked.updated_at = now
        locked.save(
            update_fields=["secret", "previous_secret", "previous_secret_valid_until", "updated_at"]
        )
    return SubscriptionSecret(locked, secret)


def live_secrets(subscription: WebhookSubscription, *, now: dt.datetime) -> list[str]:
    """The secrets that sign an attempt at ``now``: the current one, then the previous one
    while it has not expired."""
    secrets = [subscription.secret.reveal()] if subscription.secret else []
    expires = subscription.previous_secret_valid_until
    if subscription.previous_secret and expires is not None and now < expires:
        secrets.append(subscription.previous_secret.reveal())
    return secrets
