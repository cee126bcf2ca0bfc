"""Dispatchers and send jobs racing on PostgreSQL's row locks: one delivery per (event,
subscription), one POST per attempt.

Each thread has its own connection and transaction; a barrier releases them together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from banpum.core.actors import Actor
from banpum.webhooks.models import DeliveryStatus, WebhookDelivery
from banpum.webhooks.services.dispatch import webhook_events_dispatch
from banpum.webhooks.services.sending import webhook_delivery_send
from tests.factories import make_order
from tests.returns.helpers import open_return
from tests.webhooks.helpers import NOW, subscribe
from tests.webhooks.receiver import Receiver

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_private"),
]


def race(*actions: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except BaseException as error:  # noqa: BLE001 - the test thread reports it below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results


def test_racing_dispatchers_and_senders_deliver_each_event_once(
    store: Any, manager: Actor, receiver: Receiver
) -> None:
    subscribe(store, receiver.url, manager)
    for _ in range(3):
        open_return(make_order(store=store))

    race(*[lambda: webhook_events_dispatch(now=NOW)] * 4)

    delivered = list(WebhookDelivery.objects.order_by("id"))
    assert len(delivered) == 3
    assert len({d.event_id for d in delivered}) == 3
    for delivery in delivered:
        race(*[lambda d=delivery: webhook_delivery_send(delivery_id=d.pk, now=NOW)] * 3)
    assert len(receiver.requests) == 3
    assert sorted(r.headers["webhook-id"] for r in receiver.requests) == sorted(
        d.message_id for d in delivered
    )
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED
    }
