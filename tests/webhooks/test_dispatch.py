"""The outbox dispatcher: one delivery per (event, subscription), whatever crashes and
whenever transactions commit; the sweep finds what a crash left behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from banpum.core.actors import Actor
from banpum.returns.models import ReturnEvent
from banpum.returns.models import ReturnStatus as S
from banpum.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookDispatchCursor,
    WebhookDispatchedEvent,
)
from banpum.webhooks.services import dispatch
from banpum.webhooks.services.dispatch import SETTLE, webhook_events_dispatch
from banpum.webhooks.services.sending import (
    LEASE,
    _claim,
    webhook_deliveries_sweep,
    webhook_delivery_send,
)
from banpum.webhooks.services.subscriptions import webhook_subscription_update
from tests.factories import StoreFactory, make_order, make_policy
from tests.returns.helpers import open_return, walk_to
from tests.webhooks.helpers import NOW, RecordingJobs, deliveries, manager_key, subscribe
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]


def test_nothing_is_dispatched_before_anyone_subscribes(store: Any) -> None:
    open_return(make_order(store=store))
    assert webhook_events_dispatch(now=NOW).events == 0
    assert not WebhookDispatchCursor.objects.exists()


def test_history_before_a_subscription_is_never_sent(store: Any, manager: Actor) -> None:
    open_return(make_order(store=store))
    created = subscribe(store, "http://127.0.0.1:9/h", manager)
    assert webhook_events_dispatch(now=NOW).deliveries == 0
    open_return(make_order(store=store))
    assert webhook_events_dispatch(now=NOW).deliveries == 1
    assert [d.event_type for d in deliveries(subscription=created.subscription)] == [
        "return.requested"
    ]


def test_each_subscription_gets_what_it_asked_for_of_its_own_store(
    store: Any, manager: Actor
) -> None:
    everything = subscribe(store, "http://127.0.0.1:9/all", manager).subscription
    refunds = subscribe(store, "http://127.0.0.1:9/money", manager, events=["refund.*"])
    approvals = subscribe(store, "http://127.0.0.1:9/ok", manager, events=["return.approved"])
    paused = subscribe(store, "http://127.0.0.1:9/paused", manager).subscription
    webhook_subscription_update(subscription=paused, actor=manager, now=NOW, is_active=False)
    other = StoreFactory(code="OT")
    make_policy(other)
    other_actor, _ = manager_key(other, username="other-manager")
    elsewhere = subscribe(other, "http://127.0.0.1:9/other", other_actor).subscription

    walk_to(open_return(make_order(store=store)), S.REFUNDED)
    note_and_event_count = ReturnEvent.objects.count()
    webhook_events_dispatch(now=NOW)

    assert len(deliveries(subscription=everything)) == note_and_event_count == 8
    assert [d.event_type for d in deliveries(subscription=refunds.subscription)] == [
        "refund.started",
        "refund.paid",
    ]
    assert [d.event_type for d in deliveries(subscription=approvals.subscription)] == [
        "return.approved"
    ]
    assert deliveries(subscription=paused) == []
    assert deliveries(subscription=elsewhere) == []
    # Every subscription of an event sends the same body, each with its own webhook-id.
    same_event = WebhookDelivery.objects.filter(event_type="refund.paid")
    assert len({d.body for d in same_event}) == 1
    assert len({d.message_id for d in same_event}) == 2


def test_running_again_creates_nothing(store: Any, manager: Actor) -> None:
    subscribe(store, "http://127.0.0.1:9/h", manager)
    walk_to(open_return(make_order(store=store)), S.APPROVED)
    assert webhook_events_dispatch(now=NOW).deliveries == 2
    for minutes in (0, 1, 11, 30):
        assert webhook_events_dispatch(now=NOW + dt.timedelta(minutes=minutes)).deliveries == 0
    assert WebhookDelivery.objects.count() == 2


def test_a_crash_inside_the_dispatch_leaves_nothing_and_the_next_run_does_it_all(
    store: Any, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(store, "http://127.0.0.1:9/h", manager)
    open_return(make_order(store=store))

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(dispatch, "outbox_advance", crash)
        with pytest.raises(RuntimeError), transaction.atomic():
            webhook_events_dispatch(now=NOW)
    assert not WebhookDelivery.objects.exists()
    assert not WebhookDispatchedEvent.objects.exists()

    assert webhook_events_dispatch(now=NOW).deliveries == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_crash_between_dispatch_and_send_loses_nothing_and_sends_once(
    store: Any, manager: Actor, receiver: Receiver, queue: RecordingJobs
) -> None:
    """The dispatch committed its deliveries, and the process died before enqueueing them
    (here: the on-commit callbacks never run). The next dispatch creates nothing; the sweep
    enqueues each delivery once; the receiver gets every event exactly once."""
    subscribe(store, receiver.url, manager)
    walk_to(open_return(make_order(store=store)), S.APPROVED)
    webhook_events_dispatch(now=NOW)
    assert queue.sent == []
    webhook_events_dispatch(now=NOW + dt.timedelta(minutes=1))  # a restarted dispatcher

    # Within the grace period the jobs may still be on their way: the sweep waits.
    assert webhook_deliveries_sweep(now=NOW + dt.timedelta(seconds=60)) == {"resent": 0}
    assert webhook_deliveries_sweep(now=NOW + dt.timedelta(minutes=3)) == {"resent": 2}
    for delivery_id, _ in queue.sent:
        webhook_delivery_send(delivery_id=delivery_id, now=NOW + dt.timedelta(minutes=3))
    # A second sweep and a duplicate job find nothing left to send.
    assert webhook_deliveries_sweep(now=NOW + dt.timedelta(minutes=10)) == {"resent": 0}
    for delivery_id, _ in queue.sent:
        assert webhook_delivery_send(delivery_id=delivery_id, now=NOW) is None

    assert sorted(r.headers["webhook-id"] for r in receiver.requests) == sorted(
        d.message_id for d in WebhookDelivery.objects.all()
    )
    assert len(receiver.requests) == 2
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_an_attempt_whose_worker_died_is_taken_over_after_its_lease(
    store: Any, manager: Actor, receiver: Receiver, queue: RecordingJobs
) -> None:
    subscribe(store, receiver.url, manager)
    open_return(make_order(store=store))
    webhook_events_dispatch(now=NOW)
    [delivery] = deliveries()
    assert _claim(delivery.pk, NOW) is not None  # ... and the worker died mid-call

    assert webhook_delivery_send(delivery_id=delivery.pk, now=NOW + LEASE / 2) is None
    assert webhook_deliveries_sweep(now=NOW + LEASE / 2) == {"resent": 0}
    later = NOW + LEASE + dt.timedelta(seconds=1)
    assert webhook_deliveries_sweep(now=later) == {"resent": 1}
    sent = webhook_delivery_send(delivery_id=delivery.pk, now=later)

    assert sent is not None
    assert sent.status == DeliveryStatus.DELIVERED
    assert sent.attempts == 2
    assert len(receiver.requests) == 1


def test_an_event_committed_late_with_a_lower_id_is_still_sent(store: Any, manager: Actor) -> None:
    """Ids are taken at insert, not at commit: event A (lower id) may become visible after
    event B was dispatched. A cursor alone would skip A; marks do not."""
    created = subscribe(store, "http://127.0.0.1:9/h", manager)
    first = open_return(make_order(store=store))
    second = open_return(make_order(store=store))
    late = ReturnEvent.objects.get(return_request=first)
    row = {f.attname: getattr(late, f.attname) for f in ReturnEvent._meta.concrete_fields}
    ReturnEvent.objects.filter(pk=late.pk).delete()  # not yet committed, as far as anyone sees

    assert webhook_events_dispatch(now=NOW).deliveries == 1  # the second return's event
    ReturnEvent.objects.create(**row)  # the slow transaction commits
    assert webhook_events_dispatch(now=NOW + dt.timedelta(minutes=1)).deliveries == 1

    made = deliveries(subscription=created.subscription)
    assert sorted(d.event.return_request_id for d in made if d.event is not None) == sorted(
        [first.pk, second.pk]
    )
    assert len(made) == 2


def test_the_cursor_moves_past_settled_events_and_forgets_their_marks(
    store: Any, manager: Actor
) -> None:
    subscribe(store, "http://127.0.0.1:9/h", manager)
    open_return(make_order(store=store))
    webhook_events_dispatch(now=NOW)
    newest = ReturnEvent.objects.latest("id").pk
    start = WebhookDispatchCursor.objects.get().safe_event_id
    assert start < newest
    assert WebhookDispatchedEvent.objects.count() == 1

    webhook_events_dispatch(now=NOW + SETTLE - dt.timedelta(seconds=1))
    assert WebhookDispatchCursor.objects.get().safe_event_id == start
    webhook_events_dispatch(now=NOW + SETTLE)
    assert WebhookDispatchCursor.objects.get().safe_event_id == newest
    assert not WebhookDispatchedEvent.objects.exists()
    assert WebhookDelivery.objects.count() == 1


def test_a_backlog_is_read_in_batches(store: Any, manager: Actor) -> None:
    subscribe(store, "http://127.0.0.1:9/h", manager)
    for _ in range(5):
        open_return(make_order(store=store))
    result = webhook_events_dispatch(now=NOW, batch_size=2)
    assert (result.events, result.deliveries) == (5, 5)


def test_nobody_listening_moves_the_cursor_to_the_newest_event(store: Any, manager: Actor) -> None:
    created = subscribe(store, "http://127.0.0.1:9/h", manager)
    webhook_subscription_update(
        subscription=created.subscription, actor=manager, now=NOW, is_active=False
    )
    open_return(make_order(store=store))
    webhook_events_dispatch(now=NOW)
    assert WebhookDispatchCursor.objects.get().safe_event_id == ReturnEvent.objects.latest("id").pk
    # Enabled again: only what happens from now on.
    webhook_subscription_update(
        subscription=created.subscription, actor=manager, now=NOW, is_active=True
    )
    assert webhook_events_dispatch(now=NOW).deliveries == 0
    open_return(make_order(store=store))
    assert webhook_events_dispatch(now=NOW).deliveries == 1


def test_the_jobs_are_registered_and_periodic() -> None:
    from huey.contrib.djhuey import HUEY

    periodic = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert {"webhook_events_dispatch_task", "webhook_deliveries_sweep_task"} <= periodic
