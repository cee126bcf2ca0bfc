"""The send job: one hand-over to a channel outside any transaction, its outcome logged and
applied; the sweep that finds what a crash lost; the poll of delivery receipts.

As ``webhooks.services.sending``: the message is claimed (``sending``, the attempt counted,
committed) before the call, so a worker killed mid-call leaves a row the sweep takes over
after its lease. A retryable failure goes back to ``queued`` after 1 min, 5 min, 30 min, 2 h
and 6 h, then fails; a refusal fails at once with the provider's words. Every attempt carries
the same idempotency key (the message's id), so a send that timed out after it may have
reached the provider is not sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q

from banpum.notify.catalogue import Channel
from banpum.notify.channels.base import SendOutcome
from banpum.notify.channels.registry import notifier_for
from banpum.notify.jobs import jobs
from banpum.notify.models import Message, MessageAttempt, MessageStatus
from banpum.notify.selectors import notify_settings_get
from banpum.notify.transitions import MessageAction, message_transition

logger = logging.getLogger(__name__)

RETRY_DELAYS_SECONDS = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1
LEASE = dt.timedelta(minutes=5)
EARLY_TOLERANCE = dt.timedelta(seconds=2)
# Receipts are asked for this long after a send; later, the message stays "sent".
RECEIPT_WINDOW = dt.timedelta(days=3)


def retry_delay_seconds(failed_attempts: int) -> int:
    index = min(max(failed_attempts, 1), len(RETRY_DELAYS_SECONDS)) - 1
    return RETRY_DELAYS_SECONDS[index]


def _claim(message_id: int, now: dt.datetime) -> Message | None:
    """The message marked ``sending`` with its attempt counted, or None: nothing to send now."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        if message.status == MessageStatus.QUEUED:
            due = max(filter(None, (message.next_attempt_at, message.not_before)), default=None)
            if due is not None and due > now + EARLY_TOLERANCE:
                return None
        elif message.status == MessageStatus.SENDING:
            if message.claimed_at is not None and message.claimed_at > now - LEASE:
                return None
        else:
            return None
        return message_transition(
            message=message,
            action=MessageAction.CLAIM,
            now=now,
            changes={"attempts": message.attempts + 1, "claimed_at": now, "next_attempt_at": None},
        )


def _sender(message: Message) -> str:
    choices = notify_settings_get(store=message.store)
    return choices.sender_email if message.channel == Channel.EMAIL else choices.sender_phone


def _apply(message: Message, outcome: SendOutcome, now: dt.datetime) -> Message:
    with transaction.atomic():
        locked = Message.objects.select_for_update().filter(pk=message.pk).first()
        if locked is None:
            return message
        superseded = locked.status != MessageStatus.SENDING or locked.attempts != message.attempts
        if outcome.sent:
            action, label = MessageAction.SEND, "sent"
        elif outcome.retryable and locked.attempts < MAX_ATTEMPTS:
            action, label = MessageAction.RETRY, "retry"
        else:
            action, label = MessageAction.FAIL, "failed"
        MessageAttempt.objects.create(
            message=locked,
            number=message.attempts,
            started_at=now,
            channel=outcome.channel[:10],
            error_code=outcome.error_code[:64],
            error=outcome.reason[:500],
            outcome="superseded" if superseded else label,
        )
        if superseded:
            return locked
        changes: dict[str, object] = {"claimed_at": None, "provider_reason": outcome.reason[:500]}
        if outcome.maybe_sent:
            changes["maybe_sent"] = True
        if action == MessageAction.SEND:
            changes |= {"provider_id": outcome.provider_id[:100], "sent_at": now}
        delay = 0
        if action == MessageAction.RETRY:
            delay = retry_delay_seconds(locked.attempts)
            changes["next_attempt_at"] = now + dt.timedelta(seconds=delay)
        applied = message_transition(message=locked, action=action, now=now, changes=changes)
        if action == MessageAction.RETRY:
            message_id = applied.pk
            transaction.on_commit(lambda: jobs().message_send(message_id, delay=delay))
    return applied


def message_send(*, message_id: int, now: dt.datetime) -> Message | None:
    """Make the message's next attempt, if it is due; the job's one service."""
    message = _claim(message_id, now)
    if message is None:
        return None
    notifier = notifier_for(message.channel, sender=_sender(message))
    outcome = notifier.send(message)
    applied = _apply(message, outcome, now)
    log = logger.info if outcome.sent else logger.warning
    log(
        "notify message id=%s %s to %s attempt=%s error=%s -> %s",
        message.pk,
        outcome.channel,
        message.recipient_masked,
        message.attempts,
        outcome.error_code,
        applied.status,
    )
    return applied


def messages_sweep(*, now: dt.datetime, grace_seconds: int = 120) -> dict[str, int]:
    """Wake the messages that waited out the quiet hours, and re-enqueue what a crash may have
    lost (queued past due by the grace period, or ``sending`` past the lease); periodic."""
    woken = 0
    waiting = Message.objects.filter(status=MessageStatus.WAITING, not_before__lte=now)
    for message in waiting.order_by("id")[:500]:
        message_transition(
            message=message, action=MessageAction.WAKE, now=now, changes={"next_attempt_at": now}
        )
        message_id = message.pk
        transaction.on_commit(lambda message_id=message_id: jobs().message_send(message_id))  # type: ignore[misc]
        woken += 1
    overdue = Q(
        status=MessageStatus.QUEUED,
        next_attempt_at__lt=now - dt.timedelta(seconds=grace_seconds),
    ) | Q(status=MessageStatus.SENDING, claimed_at__lt=now - LEASE)
    due = list(Message.objects.filter(overdue).order_by("id").values_list("pk", flat=True)[:500])
    for message_id in due:
        jobs().message_send(message_id)
    if woken or due:
        logger.info("notify sweep woke=%s resent=%s", woken, len(due))
    return {"woken": woken, "resent": len(due)}


def message_receipts_poll(*, now: dt.datetime, limit: int = 200) -> dict[str, int]:
    """Ask the provider how the recent SMS and 알림톡 went: delivered, or failed with its
    reason (a 알림톡 that fell back to SMS says so in the reason); periodic."""
    sent = Message.objects.filter(
        status=MessageStatus.SENT,
        sent_at__gte=now - RECEIPT_WINDOW,
        channel__in=[Channel.SMS, Channel.ALIMTALK],
    ).exclude(provider_id="")
    counts = {"delivered": 0, "failed": 0}
    for message in sent.select_related("store").order_by("id")[:limit]:
        receipt = notifier_for(message.channel, sender=_sender(message)).status(message)
        if receipt is None:
            continue
        if receipt.delivered:
            message_transition(
                message=message,
                action=MessageAction.DELIVER,
                now=now,
                changes={"delivered_at": now, "provider_reason": receipt.reason},
            )
            counts["delivered"] += 1
        else:
            message_transition(
                message=message,
                action=MessageAction.FAIL,
                now=now,
                changes={"provider_reason": receipt.reason or "failed"},
            )
            counts["failed"] += 1
    return counts
