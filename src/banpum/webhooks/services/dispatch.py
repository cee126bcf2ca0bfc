"""The outbox dispatcher: new return events become deliveries, once each, whatever crashes.

``returns.ReturnEvent`` is the outbox: every lifecycle, pickup and money step already writes
one in its own transaction, which stays as it is. This periodic job reads the events after
its cursor and, in one transaction, creates one ``WebhookDelivery`` per (event, subscription)
that wants it (a unique key: a second run creates nothing), marks each event handled and
moves the cursor. The sends are enqueued after commit; a crash between commit and enqueue
leaves pending deliveries that ``webhook_deliveries_sweep`` re-enqueues.

Ids and commits: an event's id is taken when its transaction writes it, so a slow
transaction can commit id 10 after id 11 is visible. The dispatcher therefore marks every
event it handles (``WebhookDispatchedEvent``) and reads "after the cursor, not marked"; the
cursor only passes events marked ``SETTLE`` ago, when every transaction that could still
hold a lower id has long finished (Banpum's transactions take milliseconds). Events of stores
without an active subscription are never read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from banpum.returns.models import ReturnEvent
from banpum.returns.outbox import (
    outbox_advance,
    outbox_cursor_ensure,
    outbox_latest_event_id,
    outbox_mark,
    outbox_unread,
)
from banpum.webhooks import catalogue, payloads
from banpum.webhooks.jobs import jobs
from banpum.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookDispatchCursor,
    WebhookDispatchedEvent,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BATCHES_PER_RUN = 20
# How long before the cursor passes a handled event (see the module's docstring).
SETTLE = dt.timedelta(minutes=10)
# A delivery is retried for this long after it was queued (or resent), then it fails.
RETRY_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class DispatchResult:
    events: int = 0
    deliveries: int = 0


def message_id_new() -> str:
    """A ``webhook-id``: opaque, unique, without a full stop (it is part of what is signed)."""
    return "msg_" + secrets.token_hex(12)


def body_json(payload: dict[str, object]) -> str:
    """The exact text sent and signed: compact JSON, UTF-8 as it is (Korean stays readable)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def delivery_new(
    *,
    subscription: WebhookSubscription,
    store_id: int,
    event: ReturnEvent | None,
    event_type: str,
    body: str,
    now: dt.datetime,
) -> WebhookDelivery:
    """A delivery as every one starts (unsaved): pending, due now, retried for a day, with its
    own ``webhook-id``. ``event`` is None for a test event, which is about no return."""
    return WebhookDelivery(
        subscription=subscription,
        store_id=store_id,
        event=event,
        event_type=event_type,
        message_id=message_id_new(),
        body=body,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        retry_until=now + RETRY_WINDOW,
        created_at=now,
        updated_at=now,
    )


def dispatch_cursor_lock(*, now: dt.datetime) -> WebhookDispatchCursor:
    """The cursor under its row lock, created at the newest event (history before webhooks is
    never sent). Changes to who listens take it too, so the dispatcher never skips ahead
    past events a subscription created or enabled meanwhile should get."""
    outbox_cursor_ensure(WebhookDispatchCursor, now=now)
    return WebhookDispatchCursor.objects.select_for_update().get(pk=1)


def _deliveries_for(
    events: list[ReturnEvent],
    subscriptions: dict[int, list[WebhookSubscription]],
    now: dt.datetime,
) -> list[WebhookDelivery]:
    made: list[WebhookDelivery] = []
    for event in events:
        name = catalogue.event_name(event.type, event.data)
        if name is None:
            continue
        store_id = event.return_request.store_id
        wanted = [
            subscription
            for subscription in subscriptions.get(store_id, [])
            if subscription.after_event_id < event.pk
            and catalogue.subscribed(subscription.events, name)
        ]
        bodies: dict[str, str] = {}
        for subscription in wanted:
            if subscription.version not in bodies:
                payload = payloads.payload_build(event, version=subscription.version)
                if payload is None:
                    break
                bodies[subscription.version] = body_json(payload)
            made.append(
                delivery_new(
                    subscription=subscription,
                    store_id=store_id,
                    event=event,
                    event_type=name.value,
                    body=bodies[subscription.version],
                    now=now,
                )
            )
    return made


@transaction.atomic
def _dispatch_batch(*, now: dt.datetime, size: int) -> tuple[int, int, bool]:
    """One batch under the cursor's lock: (events read, deliveries made, batch was full)."""
    cursor = WebhookDispatchCursor.objects.select_for_update().filter(pk=1).first()
    if cursor is None:
        return 0, 0, False  # no subscription was ever created
    subscriptions: dict[int, list[WebhookSubscription]] = defaultdict(list)
    for subscription in WebhookSubscription.objects.filter(is_active=True).order_by("id"):
        subscriptions[subscription.store_id].append(subscription)
    events = list(
        outbox_unread(cursor, WebhookDispatchedEvent)
        .filter(return_request__store_id__in=list(subscriptions))
        .select_related("return_request__store", "return_request__order")[:size]
    )
    deliveries = _deliveries_for(events, subscriptions, now)
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    outbox_mark(WebhookDispatchedEvent, events, now)
    full = len(events) == size
    if not subscriptions:
        # Nobody listens: skip to the newest event (a new subscription starts after it).
        cursor.safe_event_id = max(cursor.safe_event_id, outbox_latest_event_id())
        WebhookDispatchedEvent.objects.all().delete()
        cursor.updated_at = now
        cursor.save(update_fields=["safe_event_id", "updated_at"])
    elif not full:
        outbox_advance(cursor, WebhookDispatchedEvent, now=now, settle=SETTLE)
    if deliveries:
        # The rows this run made (``ignore_conflicts`` leaves their ids unset on some
        # databases): queued after commit, once.
        queued = list(
            WebhookDelivery.objects.filter(
                event_id__in=[event.pk for event in events],
                status=DeliveryStatus.PENDING,
                attempts=0,
                created_at=now,
            ).values_list("pk", flat=True)
        )

        def enqueue() -> None:
            for delivery_id in queued:
                jobs().delivery_send(delivery_id)

        transaction.on_commit(enqueue)
    return len(events), len(deliveries), full


def webhook_events_dispatch(*, now: dt.datetime, batch_size: int = BATCH_SIZE) -> DispatchResult:
    """Turn the events written since the last run into deliveries; periodic and safe to run
    any number of times, concurrently too (the cursor's row lock takes turns)."""
    events = deliveries = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        read, made, full = _dispatch_batch(now=now, size=batch_size)
        events, deliveries = events + read, deliveries + made
        if not full:
            break
    if deliveries:
        logger.info("webhooks dispatched events=%s deliveries=%s", events, deliveries)
    return DispatchResult(events=events, deliveries=deliveries)
