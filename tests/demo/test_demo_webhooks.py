"""The demo subscribes a receiver on this machine, and `banpum serve`'s receiver checks what the
webhooks send it: every delivery of a demo return arrives signed and valid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from banpum.accounts.models import StoreMembership
from banpum.demo.webhooks import demo_webhook_subscribe, secret_path, secret_save
from banpum.server import runtime
from banpum.webhooks.models import WebhookDelivery, WebhookSubscription
from banpum.webhooks.services.dispatch import webhook_events_dispatch
from banpum.webhooks.services.sending import webhook_delivery_send
from tests.factories import make_order
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(store: Any) -> Any:
    user = get_user_model().objects.create_user("admin", password="x")
    StoreMembership.objects.create(user=user, store=store, role="admin")
    return user


def test_without_private_addresses_allowed_the_demo_subscribes_nothing(
    store: Any, admin: Any, settings: Any
) -> None:
    settings.BANPUM_WEBHOOKS_ALLOW_PRIVATE = False
    assert demo_webhook_subscribe(store, admin=admin, now=timezone.now()) == ""
    assert not WebhookSubscription.objects.exists()


def test_serve_receives_the_demo_returns_webhooks_signed(
    store: Any, admin: Any, settings: Any, tmp_path: Path, free_tcp_port: int
) -> None:
    settings.VAR_DIR = tmp_path
    settings.BANPUM_WEBHOOKS_ALLOW_PRIVATE = True
    settings.BANPUM_WEBHOOK_RECEIVER_PORT = free_tcp_port
    assert runtime.webhook_receiver_start() is None  # nothing subscribed: no receiver

    now = timezone.now()
    secret = demo_webhook_subscribe(store, admin=admin, now=now)
    assert secret.startswith("whsec_")
    assert secret_save(secret) == secret_path()
    assert secret_path().stat().st_mode & 0o077 == 0  # the owner's only

    receiver = runtime.webhook_receiver_start()
    assert receiver is not None
    try:
        returned = open_return(make_order(store=store))
        webhook_events_dispatch(now=now + dt.timedelta(seconds=1))
        deliveries = list(WebhookDelivery.objects.order_by("id"))
        assert deliveries
        for delivery in deliveries:
            sent = webhook_delivery_send(delivery_id=delivery.pk, now=now + dt.timedelta(seconds=2))
            assert sent is not None
            assert sent.status == "delivered"
    finally:
        receiver.stop()

    lines = receiver.log_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(deliveries)
    assert all(line.endswith("[valid]") for line in lines)
    assert any(f"return.requested {returned.number}" in line for line in lines)
