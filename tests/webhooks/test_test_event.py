"""``webhook.test``: a manager's test event is a delivery like the others (one row, the send
job, the signature, retries, the attempt log, resend), about no return, refused while the
subscription is paused and limited per hour. Each test runs the job's service with its own
clock: nothing waits."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError, PermissionDenied
from banpum.webhooks import signing
from banpum.webhooks.catalogue import TEST_EVENT, VERSION
from banpum.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from banpum.webhooks.payloads import TEST_MESSAGE, envelope_model
from banpum.webhooks.services import sending
from banpum.webhooks.services.dispatch import RETRY_WINDOW, webhook_events_dispatch
from banpum.webhooks.services.sending import (
    webhook_delivery_resend,
    webhook_delivery_send,
    webhook_subscription_send_test,
)
from banpum.webhooks.services.subscriptions import webhook_subscription_update
from tests.factories import make_order
from tests.returns.helpers import open_return
from tests.webhooks.helpers import NOW, RecordingJobs, deliveries, subscribe
from tests.webhooks.receiver import Answer, Receiver
from tests.webhooks.test_docs import _recipe, _section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]


def test_a_test_event_is_one_pending_delivery_queued_after_commit(
    store: Any,
    receiver: Receiver,
    manager: Actor,
    queue: RecordingJobs,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscription = subscribe(store, receiver.url, manager, events=["refund.paid"]).subscription

    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhook_subscription_send_test(subscription=subscription, actor=manager, now=NOW)

    assert list(WebhookDelivery.objects.all()) == [delivery]
    assert delivery.subscription_id == subscription.pk
    assert delivery.store_id == store.pk
    assert delivery.event_id is None  # about no return
    assert delivery.event_type == "webhook.test"
    assert delivery.status == DeliveryStatus.PENDING
    assert (delivery.attempts, delivery.next_attempt_at) == (0, NOW)
    assert delivery.retry_until == NOW + RETRY_WINDOW
    assert delivery.message_id.startswith("msg_")
    # Sent by the job, enqueued once the transaction committed; nothing sent meanwhile.
    assert queue.sent == [(delivery.pk, 0)]
    assert receiver.requests == []
    body = json.loads(delivery.body)
    assert body == {
        "type": "webhook.test",
        "timestamp": "2026-11-30T10:00:00+09:00",  # NOW, in the store's time zone
        "version": VERSION,
        "data": {
            "test": True,
            "store": store.slug,
            "subscription_id": subscription.pk,
            "message": TEST_MESSAGE,
        },
    }
    assert envelope_model(TEST_EVENT).model_validate(body)


def test_the_job_sends_it_signed_to_a_real_receiver(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    created = subscribe(store, receiver.url, manager)
    delivery = webhook_subscription_send_test(
        subscription=created.subscription, actor=manager, now=NOW
    )
    later = NOW + dt.timedelta(seconds=3)

    sent = webhook_delivery_send(delivery_id=delivery.pk, now=later)

    assert sent is not None
    assert sent.status == DeliveryStatus.DELIVERED
    assert sent.delivered_at == later
    [request] = receiver.requests
    assert request.path == "/hooks/banpum"
    assert request.headers["webhook-id"] == delivery.message_id
    assert request.headers["webhook-timestamp"] == str(int(later.timestamp()))
    assert request.body == delivery.body.encode()
    # The documented recipe (docs/WEBHOOKS.md) and Banpum's own verifier both accept it.
    verify = _recipe()
    assert verify(created.secret, request.headers, request.body, now=later.timestamp())
    assert not verify(
        signing.secret_generate(), request.headers, request.body, now=later.timestamp()
    )
    assert signing.webhook_verify(
        created.secret, headers=request.headers, body=request.body, now=later.timestamp()
    )
    assert json.loads(request.body)["type"] == "webhook.test"
    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.outcome) == (1, 200, "delivered")


def test_a_failing_endpoint_is_retried_and_can_be_resent(
    store: Any,
    receiver: Receiver,
    manager: Actor,
    queue: RecordingJobs,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscription = subscribe(store, receiver.url, manager).subscription
    delivery = webhook_subscription_send_test(subscription=subscription, actor=manager, now=NOW)
    receiver.answer(Answer(401, body=b"bad signature"), 200, 200)

    with django_capture_on_commit_callbacks(execute=True):
        failed = webhook_delivery_send(delivery_id=delivery.pk, now=NOW)
    assert failed is not None
    assert failed.status == DeliveryStatus.PENDING  # retried as any delivery is
    assert failed.next_attempt_at is not None
    assert queue.sent[-1][0] == delivery.pk
    retried = webhook_delivery_send(delivery_id=delivery.pk, now=failed.next_attempt_at)
    assert retried is not None
    assert retried.status == DeliveryStatus.DELIVERED
    resent = webhook_delivery_resend(
        delivery=retried, actor=manager, now=failed.next_attempt_at + dt.timedelta(minutes=1)
    )
    assert resent.status == DeliveryStatus.PENDING
    again = webhook_delivery_send(
        delivery_id=delivery.pk, now=failed.next_attempt_at + dt.timedelta(minutes=1)
    )
    assert again is not None
    assert again.status == DeliveryStatus.DELIVERED
    log = WebhookAttempt.objects.filter(delivery=delivery).order_by("number")
    assert [(a.status_code, a.outcome) for a in log] == [
        (401, "retry"),
        (200, "delivered"),
        (200, "delivered"),
    ]
    assert log[0].response_body == "bad signature"
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1


def test_each_test_is_a_new_delivery_beside_the_real_ones(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    subscription = subscribe(store, receiver.url, manager).subscription
    first = webhook_subscription_send_test(subscription=subscription, actor=manager, now=NOW)
    open_return(make_order(store=store))
    webhook_events_dispatch(now=NOW)
    second = webhook_subscription_send_test(subscription=subscription, actor=manager, now=NOW)

    made = deliveries(subscription=subscription)
    assert sorted(d.event_type for d in made) == [
        "return.requested",
        "webhook.test",
        "webhook.test",
    ]
    assert first.message_id != second.message_id
    # The dispatcher never makes one: a subscription to every event gets tests only on request.
    webhook_events_dispatch(now=NOW + dt.timedelta(minutes=1))
    assert WebhookDelivery.objects.filter(event_type="webhook.test").count() == 2


@pytest.mark.parametrize("paused_by", ["manager", "gone"])
def test_a_paused_subscription_is_refused(
    store: Any, receiver: Receiver, manager: Actor, queue: RecordingJobs, paused_by: str
) -> None:
    subscription = subscribe(store, receiver.url, manager).subscription
    if paused_by == "manager":
        subscription = webhook_subscription_update(
            subscription=subscription, actor=manager, now=NOW, is_active=False
        )
    else:  # the receiver answered 410 Gone to an earlier delivery
        receiver.answer(410)
        gone = webhook_subscription_send_test(subscription=subscription, actor=manager, now=NOW)
        webhook_delivery_send(delivery_id=gone.pk, now=NOW)
        subscription.refresh_from_db()
        assert subscription.disabled_reason == "gone"
    before = WebhookDelivery.objects.count()

    with pytest.raises(ApplicationError) as refused:
        webhook_subscription_send_test(subscription=subscription, actor=manager, now=NOW)

    assert refused.value.code == "webhook_inactive"
    assert refused.value.status_code == 409
    assert WebhookDelivery.objects.count() == before
    assert queue.sent == []
    # Resumed, it can be tested again.
    resumed = webhook_subscription_update(
        subscription=subscription, actor=manager, now=NOW, is_active=True
    )
    assert webhook_subscription_send_test(subscription=resumed, actor=manager, now=NOW)


def test_tests_are_limited_per_subscription_and_hour(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    subscription = subscribe(store, receiver.url, manager).subscription
    other = subscribe(store, receiver.url + "/2", manager).subscription
    for minute in range(sending.TESTS_PER_HOUR):
        webhook_subscription_send_test(
            subscription=subscription, actor=manager, now=NOW + dt.timedelta(minutes=minute)
        )
    last = NOW + dt.timedelta(minutes=sending.TESTS_PER_HOUR - 1)

    with pytest.raises(ApplicationError) as refused:
        webhook_subscription_send_test(subscription=subscription, actor=manager, now=last)

    assert refused.value.code == "webhook_test_limit"
    assert refused.value.status_code == 429
    assert str(sending.TESTS_PER_HOUR) in refused.value.message
    # Another subscription has its own count; an hour after the first, one more is allowed.
    assert webhook_subscription_send_test(subscription=other, actor=manager, now=last)
    assert webhook_subscription_send_test(
        subscription=subscription, actor=manager, now=NOW + dt.timedelta(hours=1)
    )
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == (
        sending.TESTS_PER_HOUR + 1
    )


@pytest.mark.parametrize("role", ["cs_agent", "warehouse"])
def test_only_those_who_manage_webhooks_may_send_one(
    store: Any, receiver: Receiver, manager: Actor, role: str
) -> None:
    subscription = subscribe(store, receiver.url, manager).subscription
    user = get_user_model().objects.create_user(role, password="x")
    membership = StoreMembership.objects.create(user=user, store=store, role=role)

    with pytest.raises(PermissionDenied):
        webhook_subscription_send_test(
            subscription=subscription, actor=Actor.staff(user, membership), now=NOW
        )

    assert not WebhookDelivery.objects.exists()


def test_the_documentation_shows_the_body_sent() -> None:
    section = _section("### `webhook.test`")
    example = json.loads(section[section.index("```json\n") + 8 : section.rindex("```")])
    assert example["data"]["message"] == TEST_MESSAGE
    assert set(example["data"]) == {"test", "store", "subscription_id", "message"}
