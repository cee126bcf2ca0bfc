"""Deliveries to a real HTTP receiver on 127.0.0.1: signed per Standard Webhooks, retried,
given up after a day, disabled by 410, resent by hand. Each test runs the job's service with
its own clock (``now``): nothing waits."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest

from banpum.core.actors import Actor
from banpum.returns.models import ReturnStatus as S
from banpum.webhooks import signing
from banpum.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from banpum.webhooks.sender import SendResult, webhook_post
from banpum.webhooks.services import sending
from banpum.webhooks.services.dispatch import RETRY_WINDOW, webhook_events_dispatch
from banpum.webhooks.services.sending import (
    RETRY_DELAYS_SECONDS,
    webhook_delivery_resend,
    webhook_delivery_send,
)
from banpum.webhooks.services.subscriptions import (
    webhook_secret_rotate,
    webhook_subscription_delete,
)
from tests.factories import make_order
from tests.returns.helpers import open_return, walk_to
from tests.webhooks.helpers import NOW, RecordingJobs, deliveries, subscribe
from tests.webhooks.receiver import Answer, Receiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]


def _one_delivery(store: Any, receiver: Receiver, manager: Actor, **subscribe_kwargs: Any) -> Any:
    created = subscribe(store, receiver.url, manager, **subscribe_kwargs)
    open_return(make_order(store=store))  # return.requested
    webhook_events_dispatch(now=NOW)
    [delivery] = deliveries(subscription=created.subscription)
    return created, delivery


def test_a_delivery_is_signed_as_standard_webhooks_says(
    store: Any, receiver: Receiver, manager: Actor, queue: RecordingJobs
) -> None:
    created, delivery = _one_delivery(store, receiver, manager)
    assert delivery.event_type == "return.requested"
    assert queue.sent == []  # enqueued after commit only (the test's transaction never ends)

    sent = webhook_delivery_send(delivery_id=delivery.pk, now=NOW)

    assert sent is not None
    assert sent.status == DeliveryStatus.DELIVERED
    assert sent.delivered_at == NOW
    [request] = receiver.requests
    assert request.path == "/hooks/banpum"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == delivery.message_id
    assert request.headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.body == delivery.body.encode()
    assert signing.webhook_verify(
        created.secret, headers=request.headers, body=request.body, now=NOW.timestamp()
    )
    assert not signing.webhook_verify(
        signing.secret_generate(), headers=request.headers, body=request.body, now=NOW.timestamp()
    )
    body = json.loads(request.body)
    assert body["type"] == "return.requested"
    assert body["data"]["event_id"] == delivery.event_id
    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.outcome) == (1, 200, "delivered")
    assert attempt.address == "127.0.0.1"
    assert attempt.response_body == "ok"
    assert attempt.duration_ms >= 0
    # Done: another job for it sends nothing.
    assert webhook_delivery_send(delivery_id=delivery.pk, now=NOW) is None
    assert len(receiver.requests) == 1


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    store: Any,
    receiver: Receiver,
    manager: Actor,
    queue: RecordingJobs,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, delivery = _one_delivery(store, receiver, manager)
    receiver.answer(Answer(500, body=b"database down"), 503)

    with django_capture_on_commit_callbacks(execute=True):
        first = webhook_delivery_send(delivery_id=delivery.pk, now=NOW, rng=random.Random(1))

    assert first is not None
    assert first.status == DeliveryStatus.PENDING
    assert first.last_status_code == 500
    assert first.next_attempt_at is not None
    wait = (first.next_attempt_at - NOW).total_seconds()
    assert 0.9 * RETRY_DELAYS_SECONDS[0] <= wait <= 1.1 * RETRY_DELAYS_SECONDS[0]
    # Not due yet: a duplicate job sends nothing.
    assert webhook_delivery_send(delivery_id=delivery.pk, now=NOW) is None
    with django_capture_on_commit_callbacks(execute=True):
        second = webhook_delivery_send(delivery_id=delivery.pk, now=first.next_attempt_at)
    assert second is not None
    assert second.status == DeliveryStatus.PENDING
    assert second.next_attempt_at is not None
    wait = (second.next_attempt_at - first.next_attempt_at).total_seconds()
    assert 0.9 * RETRY_DELAYS_SECONDS[1] <= wait <= 1.1 * RETRY_DELAYS_SECONDS[1]
    third = webhook_delivery_send(delivery_id=delivery.pk, now=second.next_attempt_at)

    assert third is not None
    assert third.status == DeliveryStatus.DELIVERED
    assert third.attempts == 3
    assert len(receiver.requests) == 3
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # one id throughout
    assert len({r.body for r in receiver.requests}) == 1
    assert len({r.headers["webhook-timestamp"] for r in receiver.requests}) == 3
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.status_code, a.error_code, a.outcome) for a in log] == [
        (500, "http_500", "retry"),
        (503, "http_503", "retry"),
        (200, "", "delivered"),
    ]
    assert log[0].response_body == "database down"
    # Each retry was scheduled with its delay (Huey's schedule, here recorded).
    assert queue.sent == [
        (delivery.pk, (first.next_attempt_at - NOW).total_seconds()),
        (delivery.pk, (second.next_attempt_at - first.next_attempt_at).total_seconds()),
    ]


def test_retries_stop_after_a_day_and_the_delivery_fails(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    _, delivery = _one_delivery(store, receiver, manager)
    receiver.answer(*[500] * 20)
    now, times = NOW, []
    while True:
        sent = webhook_delivery_send(delivery_id=delivery.pk, now=now, rng=random.Random(7))
        assert sent is not None
        times.append(now)
        if sent.status == DeliveryStatus.FAILED:
            break
        assert sent.next_attempt_at is not None
        now = sent.next_attempt_at

    assert times[-1] == NOW + RETRY_WINDOW  # the day's last attempt, at its end
    assert len(times) == len(RETRY_DELAYS_SECONDS) + 2  # the first, one per delay, the last
    assert sent.next_attempt_at is None
    assert WebhookAttempt.objects.filter(delivery=delivery).last().outcome == "failed"  # type: ignore[union-attr]


def test_410_gone_disables_the_subscription(store: Any, receiver: Receiver, manager: Actor) -> None:
    created, delivery = _one_delivery(store, receiver, manager)
    open_return(make_order(store=store))
    webhook_events_dispatch(now=NOW + dt.timedelta(seconds=1))
    later = deliveries(subscription=created.subscription)[1]
    receiver.answer(410)

    sent = webhook_delivery_send(delivery_id=delivery.pk, now=NOW)

    assert sent is not None
    assert sent.status == DeliveryStatus.FAILED
    subscription = WebhookSubscription.objects.get(pk=created.subscription.pk)
    assert not subscription.is_active
    assert subscription.disabled_reason == "gone"
    assert WebhookAttempt.objects.get(delivery=delivery).outcome == "disabled"
    # The other queued delivery fails without a call; new events are not queued for it.
    assert webhook_delivery_send(delivery_id=later.pk, now=NOW) is None
    later.refresh_from_db()
    assert later.status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 1
    open_return(make_order(store=store))
    assert webhook_events_dispatch(now=NOW + dt.timedelta(seconds=2)).deliveries == 0


def test_a_manager_resends_a_delivery_with_the_same_id(
    store: Any,
    receiver: Receiver,
    manager: Actor,
    queue: RecordingJobs,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, delivery = _one_delivery(store, receiver, manager)
    webhook_delivery_send(delivery_id=delivery.pk, now=NOW)
    later = NOW + dt.timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        resent = webhook_delivery_resend(delivery=delivery, actor=manager, now=later)

    assert resent.status == DeliveryStatus.PENDING
    assert resent.retry_until == later + RETRY_WINDOW
    assert queue.sent == [(delivery.pk, 0)]
    sent = webhook_delivery_send(delivery_id=delivery.pk, now=later)
    assert sent is not None
    assert sent.status == DeliveryStatus.DELIVERED
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_a_receiver_that_never_answers_times_out_and_is_retried(
    store: Any, receiver: Receiver, manager: Actor, settings: Any
) -> None:
    settings.BANPUM_WEBHOOKS_TIMEOUT_SECONDS = 0.2
    _, delivery = _one_delivery(store, receiver, manager)
    receiver.answer(Answer(hang=True))

    sent = webhook_delivery_send(delivery_id=delivery.pk, now=NOW)

    assert sent is not None
    assert sent.status == DeliveryStatus.PENDING
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.status_code, attempt.error_code, attempt.outcome) == (None, "timeout", "retry")


def test_redirects_are_not_followed_and_retry_after_is_respected(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    _, delivery = _one_delivery(store, receiver, manager)
    receiver.answer(
        Answer(302, headers={"Location": "http://169.254.169.254/"}),
        Answer(429, headers={"Retry-After": "600"}),
    )

    first = webhook_delivery_send(delivery_id=delivery.pk, now=NOW)
    assert first is not None
    assert first.next_attempt_at is not None
    second = webhook_delivery_send(delivery_id=delivery.pk, now=first.next_attempt_at)

    assert len(receiver.requests) == 2  # nothing went to the Location
    assert first.last_status_code == 302
    assert second is not None
    assert second.next_attempt_at is not None
    assert second.next_attempt_at - first.next_attempt_at >= dt.timedelta(seconds=600)


def test_the_address_is_checked_again_at_each_attempt(
    store: Any, receiver: Receiver, manager: Actor, settings: Any
) -> None:
    _, delivery = _one_delivery(store, receiver, manager)
    settings.BANPUM_WEBHOOKS_ALLOW_PRIVATE = False  # the URL now points inside (DNS rebinding)

    sent = webhook_delivery_send(delivery_id=delivery.pk, now=NOW)

    assert sent is not None
    assert sent.status == DeliveryStatus.PENDING  # retried: the name may point out again
    assert receiver.requests == []
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.error_code == "address_refused"
    assert "127.0.0.1" in attempt.error


def test_a_rotated_secret_signs_beside_the_old_one_until_it_expires(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    created, delivery = _one_delivery(store, receiver, manager)
    rotated = webhook_secret_rotate(
        subscription=created.subscription, actor=manager, now=NOW, previous_valid_hours=1
    )
    receiver.answer(500)
    webhook_delivery_send(delivery_id=delivery.pk, now=NOW)
    webhook_delivery_send(delivery_id=delivery.pk, now=NOW + dt.timedelta(hours=2))

    during, after = receiver.requests
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    for secret in (created.secret, rotated.secret):
        assert signing.webhook_verify(
            secret, headers=during.headers, body=during.body, now=NOW.timestamp()
        )
    later = (NOW + dt.timedelta(hours=2)).timestamp()
    assert signing.webhook_verify(rotated.secret, headers=after.headers, body=after.body, now=later)
    assert not signing.webhook_verify(
        created.secret, headers=after.headers, body=after.body, now=later
    )


def test_a_whole_return_reaches_the_receiver_in_order(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    created = subscribe(store, receiver.url, manager)
    walk_to(open_return(make_order(store=store)), S.COMPLETED)
    webhook_events_dispatch(now=NOW)

    for delivery in deliveries(subscription=created.subscription):
        webhook_delivery_send(delivery_id=delivery.pk, now=NOW)

    assert [json.loads(r.body)["type"] for r in receiver.requests] == [
        "return.requested",
        "return.approved",
        "return.pickup_requested",
        "return.in_transit",
        "return.received",
        "return.inspected",
        "refund.started",
        "refund.paid",
        "return.completed",
    ]
    for request in receiver.requests:
        assert signing.webhook_verify(
            created.secret, headers=request.headers, body=request.body, now=NOW.timestamp()
        )


def test_a_subscription_deleted_during_the_call_leaves_nothing_behind(
    store: Any, receiver: Receiver, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    created, delivery = _one_delivery(store, receiver, manager)
    post = webhook_post

    def post_then_delete(*args: Any, **kwargs: Any) -> Any:
        answer = post(*args, **kwargs)
        webhook_subscription_delete(subscription=created.subscription, actor=manager)
        return answer

    monkeypatch.setattr(sending, "webhook_post", post_then_delete)

    assert webhook_delivery_send(delivery_id=delivery.pk, now=NOW) is not None
    assert not WebhookDelivery.objects.exists()
    assert not WebhookAttempt.objects.exists()
    assert len(receiver.requests) == 1


def test_a_slow_attempt_taken_over_is_logged_as_superseded(
    store: Any, receiver: Receiver, manager: Actor
) -> None:
    _, delivery = _one_delivery(store, receiver, manager)
    slow = sending._claim(delivery.pk, NOW)  # a worker that hangs on its call …
    assert slow is not None
    later = NOW + sending.LEASE + dt.timedelta(seconds=1)
    taken_over = webhook_delivery_send(delivery_id=delivery.pk, now=later)  # … is taken over
    assert taken_over is not None
    assert taken_over.status == DeliveryStatus.DELIVERED

    # The slow one's answer arrives at last: logged, and nothing else changes.
    sending._apply(slow, SendResult(500, 1), "127.0.0.1", later, None)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("id"))
    assert [(a.number, a.outcome) for a in log] == [(2, "delivered"), (1, "superseded")]
