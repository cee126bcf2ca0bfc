"""The delivery job: one signed POST outside any transaction, its outcome logged and applied.

``webhook_delivery_send`` claims the delivery (``sending``, the attempt counted, committed)
before the call, so a worker killed mid-call leaves a row the sweep takes over once its lease
has run out. The call itself holds no transaction and no lock. Its outcome is applied in a
second, short transaction: every attempt is logged (status, duration, error, the start of the
answer); a 2xx delivers; 410 Gone disables the subscription (the receiver asked to stop);
anything else (another status, a timeout, a refused or unresolvable address) is retried on
Standard Webhooks' schedule, with jitter, until a day has passed, then the delivery fails.
A merchant may resend any delivery that is not in flight, and ask for a test event
(``webhook_subscription_send_test``): a delivery like the others, sent by the same job.

Delivery is at least once: a worker that dies after the receiver answered, before the outcome
was saved, sends again. Every attempt of a delivery carries the same ``webhook-id``, so the
receiver processes it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.webhooks import addresses, catalogue, errors, payloads, signing
from banpum.webhooks.jobs import jobs
from banpum.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from banpum.webhooks.sender import SendResult, webhook_post
from banpum.webhooks.services.dispatch import RETRY_WINDOW, body_json, delivery_new
from banpum.webhooks.services.subscriptions import live_secrets
from banpum.webhooks.transitions import DeliveryAction, delivery_transition

logger = logging.getLogger(__name__)

# Standard Webhooks' example schedule, cut to a day: after the 1st failure 5 s, then 5 min,
# 30 min, 2 h, 5 h, 10 h (the 7th attempt comes about 17.5 h in); the next would fall past the
# day, so the last attempt is at the window's end (``retry_until``), 8 attempts in all.
RETRY_DELAYS_SECONDS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600)
JITTER = 0.1
# An attempt still ``sending`` after this is taken over (its worker died): longer than any
# call can last (the timeout, twice over, while the answer is read).
LEASE = dt.timedelta(minutes=5)
# A job may run a little before the time it was scheduled for (clocks of two machines).
EARLY_TOLERANCE = dt.timedelta(seconds=2)
# Test events a subscription may be sent per hour: enough to fix an endpoint by trial and
# error, too few to turn Banpum into a way of flooding a URL.
TESTS_PER_HOUR = 10
# Refusals no retry can fix: the URL itself is wrong.
_FINAL_REFUSALS = frozenset({"url_invalid", "url_credentials"})


def timeout_seconds() -> float:
    return float(getattr(settings, "BANPUM_WEBHOOKS_TIMEOUT_SECONDS", 15))


def retry_delay_seconds(failed_attempts: int, *, rng: random.Random | None = None) -> float:
    """How long after the ``failed_attempts``-th failure the next attempt goes, ±10 %."""
    index = min(max(failed_attempts, 1), len(RETRY_DELAYS_SECONDS)) - 1
    base = RETRY_DELAYS_SECONDS[index]
    return base * (1 - JITTER + 2 * JITTER * (rng or random).random())


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    """The delivery marked ``sending`` with its attempt counted, or None: nothing to send now
    (gone, done, in flight elsewhere, not due, or its subscription disabled)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        if delivery.status == DeliveryStatus.PENDING:
            due = delivery.next_attempt_at
            if due is not None and due > now + EARLY_TOLERANCE:
                return None  # a second job for a later attempt; that one comes at its time
        elif delivery.status == DeliveryStatus.SENDING:
            if delivery.claimed_at is not None and delivery.claimed_at > now - LEASE:
                return None  # another worker is on it
        else:
            return None
        if not delivery.subscription.is_active:
            delivery_transition(
                delivery=delivery,
                action=DeliveryAction.FAIL,
                now=now,
                changes={"next_attempt_at": None, "last_error": "subscription_disabled"},
            )
            return None
        claimed = delivery_transition(
            delivery=delivery,
            action=DeliveryAction.CLAIM,
            now=now,
            changes={"attempts": delivery.attempts + 1, "claimed_at": now, "next_attempt_at": None},
        )
        claimed.subscription = delivery.subscription
        return claimed


def _attempt(
    delivery: WebhookDelivery, subscription: WebhookSubscription, now: dt.datetime
) -> tuple[SendResult, str]:
    """The network part, outside any transaction: (what happened, the address used)."""
    target = addresses.url_target(subscription.url)
    if isinstance(target, addresses.Refusal):
        detail = " → ".join(str(value) for value in target.params.values())
        return SendResult(None, 0, target.reason, detail[:500]), ""
    body = delivery.body.encode("utf-8")
    headers = signing.headers(
        live_secrets(subscription, now=now),
        message_id=delivery.message_id,
        timestamp=int(now.timestamp()),
        body=body,
    )
    result = webhook_post(target, headers=headers, body=body, timeout=timeout_seconds())
    return result, target.address


def _outcome(
    delivery: WebhookDelivery, result: SendResult, now: dt.datetime, rng: random.Random | None
) -> tuple[DeliveryAction, dt.datetime | None]:
    if result.delivered:
        return DeliveryAction.DELIVER, None
    if result.status_code == 410 or result.error_code in _FINAL_REFUSALS:
        return DeliveryAction.FAIL, None
    if now >= delivery.retry_until:
        return DeliveryAction.FAIL, None
    delay = retry_delay_seconds(delivery.attempts, rng=rng)
    if result.retry_after_seconds is not None:
        delay = max(delay, float(result.retry_after_seconds))
    return DeliveryAction.RETRY, min(now + dt.timedelta(seconds=delay), delivery.retry_until)


def _apply(
    delivery: WebhookDelivery,
    result: SendResult,
    address: str,
    now: dt.datetime,
    rng: random.Random | None,
) -> WebhookDelivery:
    error_code = result.error_code or ("" if result.delivered else f"http_{result.status_code}")
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if locked is None:
            return delivery  # its subscription was deleted during the call: nothing to log
        superseded = locked.status != DeliveryStatus.SENDING or locked.attempts != delivery.attempts
        action, next_at = _outcome(locked, result, now, rng)
        gone = result.status_code == 410
        outcome = {
            DeliveryAction.DELIVER: "delivered",
            DeliveryAction.RETRY: "retry",
            DeliveryAction.FAIL: "disabled" if gone else "failed",
        }[action]
        WebhookAttempt.objects.create(
            delivery=locked,
            number=delivery.attempts,
            started_at=now,
            address=address[:64],
            status_code=result.status_code,
            duration_ms=max(result.duration_ms, 0),
            error_code=error_code[:32],
            error=result.error[:500],
            response_body=result.response_body,
            outcome="superseded" if superseded else outcome,
        )
        if superseded:
            return locked
        if gone:
            WebhookSubscription.objects.filter(pk=locked.subscription_id, is_active=True).update(
                is_active=False,
                disabled_reason=DisabledReason.GONE,
                disabled_at=now,
                updated_at=now,
            )
        changes: dict[str, object] = {
            "claimed_at": None,
            "next_attempt_at": next_at,
            "last_status_code": result.status_code,
            "last_error": (result.error or error_code)[:500],
        }
        if action == DeliveryAction.DELIVER:
            changes["delivered_at"] = now
        applied = delivery_transition(delivery=locked, action=action, now=now, changes=changes)
        if next_at is not None:
            delay = max((next_at - now).total_seconds(), 0.0)
            delivery_id = applied.pk
            transaction.on_commit(lambda: jobs().delivery_send(delivery_id, delay=delay))
    return applied


def webhook_delivery_send(
    *, delivery_id: int, now: dt.datetime, rng: random.Random | None = None
) -> WebhookDelivery | None:
    """Make the delivery's next attempt, if it is due; the job's one service."""
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    result, address = _attempt(delivery, delivery.subscription, now)
    applied = _apply(delivery, result, address, now, rng)
    log = logger.info if result.delivered else logger.warning
    log(
        "webhook delivery id=%s attempt=%s status=%s error=%s -> %s",
        delivery.pk,
        delivery.attempts,
        result.status_code,
        result.error_code,
        applied.status,
    )
    return applied


def webhook_deliveries_sweep(*, now: dt.datetime, grace_seconds: int = 120) -> dict[str, int]:
    """Re-enqueue what a crash may have lost; periodic, safe any number of times.

    Pending deliveries overdue by the grace period (their job was never enqueued, or was
    lost), and attempts still ``sending`` after their lease (the worker died mid-call).
    """
    overdue = Q(
        status=DeliveryStatus.PENDING, next_attempt_at__lt=now - dt.timedelta(seconds=grace_seconds)
    ) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - LEASE)
    due = list(
        WebhookDelivery.objects.filter(overdue).order_by("id").values_list("pk", flat=True)[:500]
    )
    for delivery_id in due:
        jobs().delivery_send(delivery_id)
    if due:
        logger.info("webhook sweep resent=%s", len(due))
    return {"resent": len(due)}


def webhook_delivery_resend(
    *, delivery: WebhookDelivery, actor: Actor, now: dt.datetime
) -> WebhookDelivery:
    """Send a delivery again now, with another day of retries: same body, same webhook-id."""
    actor_require(actor, delivery.store_id, Capability.WEBHOOKS_MANAGE)
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if not WebhookSubscription.objects.filter(
            pk=locked.subscription_id, is_active=True
        ).exists():
            raise errors.SUBSCRIPTION_INACTIVE()
        if locked.status == DeliveryStatus.SENDING:
            raise errors.DELIVERY_IN_FLIGHT()
        window = {"next_attempt_at": now, "retry_until": now + RETRY_WINDOW}
        if locked.status == DeliveryStatus.PENDING:
            # Waiting for its next retry: bring it forward (its status does not change).
            WebhookDelivery.objects.filter(pk=locked.pk).update(**window, updated_at=now)
            locked.refresh_from_db()
        else:
            locked = delivery_transition(
                delivery=locked,
                action=DeliveryAction.RESEND,
                now=now,
                changes={**window, "delivered_at": None},
            )
        delivery_id = locked.pk
        transaction.on_commit(lambda: jobs().delivery_send(delivery_id))
    return locked


def webhook_subscription_send_test(
    *, subscription: WebhookSubscription, actor: Actor, now: dt.datetime
) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery to the subscription, so a seller sees their endpoint
    receive, verify and acknowledge one before real returns flow.

    It is a delivery like any other (the same row, job, signature, retries, attempt log and
    resend), with no return event behind it; the POST is made by the job after commit. A paused
    or disabled subscription is refused (409 ``webhook_inactive``): the job would fail the
    delivery at once without calling the URL, which would look like the endpoint's fault, and
    a resumed subscription can be tested then. At most ``TESTS_PER_HOUR`` an hour per
    subscription (429 ``webhook_test_limit``), counted from the deliveries themselves.
    """
    actor_require(actor, subscription.store_id, Capability.WEBHOOKS_MANAGE)
    with transaction.atomic():
        # One test at a time per subscription: the count below cannot be raced past.
        locked = (
            WebhookSubscription.objects.select_for_update()
            .select_related("store")
            .get(pk=subscription.pk)
        )
        if not locked.is_active:
            raise errors.TEST_SUBSCRIPTION_INACTIVE()
        recent = WebhookDelivery.objects.filter(
            subscription=locked,
            event_type=catalogue.TEST_EVENT.value,
            created_at__gt=now - dt.timedelta(hours=1),
        ).count()
        if recent >= TESTS_PER_HOUR:
            raise errors.TEST_LIMIT_REACHED(limit=TESTS_PER_HOUR)
        store = locked.store
        payload = payloads.payload_build_test_event(
            store_slug=store.slug, zone=store.timezone, subscription_id=locked.pk, at=now
        )
        delivery = delivery_new(
            subscription=locked,
            store_id=store.pk,
            event=None,
            event_type=catalogue.TEST_EVENT.value,
            body=body_json(payload),
            now=now,
        )
        delivery.save(force_insert=True)
        delivery_id = delivery.pk
        transaction.on_commit(lambda: jobs().delivery_send(delivery_id))
    logger.info("webhook test queued subscription=%s delivery=%s", locked.pk, delivery_id)
    return delivery
