"""The demo store's merchant webhooks, delivered to a receiver on this machine.

With ``BANPUM_WEBHOOKS_ALLOW_PRIVATE`` on (``make run`` sets it: the receiver is on loopback,
which the SSRF check refuses otherwise), the demo subscribes ``http://127.0.0.1:<port>/`` to
every event and leaves the subscription's secret in the var directory, where ``banpum serve``
finds it and starts the receiver that checks each signature (``runtime.webhook_receiver_start``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from banpum.accounts.models import StoreMembership
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.webhooks import catalogue
from banpum.webhooks.services.subscriptions import webhook_subscription_create

SECRET_FILE = "demo-webhook-secret"  # noqa: S105 - the name of the file that holds it


def receiver_url() -> str:
    return f"http://127.0.0.1:{settings.BANPUM_WEBHOOK_RECEIVER_PORT}/"


def secret_path() -> Path:
    return Path(settings.VAR_DIR) / SECRET_FILE


def demo_webhook_subscribe(store: Store, *, admin: User, now: dt.datetime) -> str:
    """Subscribe the local receiver to every event of ``store``; its secret, or "" when
    private addresses are not allowed here (then the demo has no subscription)."""
    if not settings.BANPUM_WEBHOOKS_ALLOW_PRIVATE:
        return ""
    membership = StoreMembership.objects.get(user=admin, store=store)
    created = webhook_subscription_create(
        store=store,
        url=receiver_url(),
        events=(catalogue.ALL,),
        description="데모: 이 컴퓨터의 웹훅 수신기 (banpum serve)",
        actor=Actor.staff(admin, membership),
        now=now,
    )
    return created.secret


def secret_save(secret: str) -> Path:
    """Keep the secret for the receiver, readable by this user only."""
    path = secret_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return path
