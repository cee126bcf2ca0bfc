"""The outbox dispatcher: new return events become messages, once each, whatever crashes.

Modelled on ``webhooks.services.dispatch``: a periodic job reads the events after its cursor
and, in one small transaction, writes the messages each event makes (one per event, channel
and recipient: a unique key, so a rerun creates nothing), marks each event handled and moves
the cursor. The sends are enqueued after commit; a crash between commit and enqueue leaves
queued messages that ``messages_sweep`` re-enqueues. The cursor passes an event only ``SETTLE``
after it was handled, so a slow transaction's lower id is still found (see webhooks').

Only transactional news of the shopper's own return is sent (``catalogue.SHOPPER_BY_NAME``),
plus the staff's alerts for a return to review and a pickup exception.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction

from banpum.logistics.models import Pickup
from banpum.notify import catalogue
from banpum.notify.jobs import jobs
from banpum.notify.models import Message, NotifyDispatchCursor, NotifyDispatchedEvent
from banpum.notify.selectors import StoreChoices, notify_settings_get
from banpum.notify.services.messages import (
    Source,
    messages_created,
    shopper_addresses,
    shopper_messages,
    staff_emails,
    staff_messages,
)
from banpum.notify.variables import return_values
from banpum.returns.models import ReturnEvent
from banpum.returns.outbox import outbox_advance, outbox_cursor_ensure, outbox_mark, outbox_unread
from banpum.webhooks.catalogue import event_name

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
MAX_BATCHES_PER_RUN = 20
SETTLE = dt.timedelta(minutes=10)
# A pickup booked or changed: its date may lift the quiet hours.
_PICKUP_EVENTS = (catalogue.NotifyEvent.RETURN_PICKUP_BOOKED,)


@dataclass(frozen=True)
class DispatchResult:
    events: int = 0
    messages: int = 0


def _pickup_date(event: ReturnEvent) -> dt.date | None:
    pickup_id = (event.data or {}).get("pickup_id")
    if not isinstance(pickup_id, int):
        return None
    return (
        Pickup.objects.filter(pk=pickup_id, return_request_id=event.return_request_id)
        .values_list("preferred_date", flat=True)
        .first()
    )


def event_messages(
    event: ReturnEvent, *, now: dt.datetime, choices: StoreChoices | None = None
) -> list[Message]:
    """The (unsaved) messages one return event makes: none, a shopper's, staff alerts."""
    name = event_name(event.type, event.data)
    if name is None:
        return []
    return_request = event.return_request
    store = return_request.store
    choices = choices or notify_settings_get(store=store)
    source = Source(f"event:{event.pk}", store, return_request, event)
    made: list[Message] = []
    shopper_event = catalogue.SHOPPER_BY_NAME.get(name)
    if shopper_event is not None:
        email, phone = shopper_addresses(return_request)
        if email or phone:
            values = return_values(
                shopper_event, return_request, language=choices.language, now=now, source=event
            )
            pickup_date = _pickup_date(event) if shopper_event in _PICKUP_EVENTS else None
            made += shopper_messages(
                source, shopper_event, values,
                choices=choices, email=email, phone=phone, now=now, pickup_date=pickup_date,
            )  # fmt: skip
    staff_event = catalogue.STAFF_BY_NAME.get(name)
    if staff_event is not None and choices.email:
        recipients = staff_emails(store)
        if recipients:
            values = return_values(
                staff_event, return_request, language=choices.language, now=now, source=event
            )
            made += staff_messages(
                source, staff_event, values,
                recipients=recipients, language=choices.language, now=now,
            )  # fmt: skip
    return made


def dispatch_cursor_get(*, now: dt.datetime) -> NotifyDispatchCursor:
    """The cursor, created at the newest event on the first run: history before notify was
    set up is never sent."""
    outbox_cursor_ensure(NotifyDispatchCursor, now=now)
    return NotifyDispatchCursor.objects.get(pk=1)


@transaction.atomic
def _dispatch_batch(*, now: dt.datetime, size: int) -> tuple[int, int, bool]:
    cursor = NotifyDispatchCursor.objects.select_for_update().get(pk=1)
    events = list(
        outbox_unread(cursor, NotifyDispatchedEvent).select_related(
            "return_request__store", "return_request__order", "return_request__customer"
        )[:size]
    )
    choices: dict[int, StoreChoices] = {}
    made: list[Message] = []
    for event in events:
        store = event.return_request.store
        if store.pk not in choices:
            choices[store.pk] = notify_settings_get(store=store)
        made += event_messages(event, now=now, choices=choices[store.pk])
    queued = messages_created(made, now=now)
    outbox_mark(NotifyDispatchedEvent, events, now)
    full = len(events) == size
    if not full:
        outbox_advance(cursor, NotifyDispatchedEvent, now=now, settle=SETTLE)
    if queued:

        def enqueue() -> None:
            for message_id in queued:
                jobs().message_send(message_id)

        transaction.on_commit(enqueue)
    return len(events), len(made), full


def notify_events_dispatch(*, now: dt.datetime, batch_size: int = BATCH_SIZE) -> DispatchResult:
    """Turn the events written since the last run into messages; periodic and safe to run any
    number of times, concurrently too (the cursor's row lock takes turns)."""
    dispatch_cursor_get(now=now)
    events = messages = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        read, made, full = _dispatch_batch(now=now, size=batch_size)
        events, messages = events + read, messages + made
        if not full:
            break
    if messages:
        logger.info("notify dispatched events=%s messages=%s", events, messages)
    return DispatchResult(events=events, messages=messages)
