"""Merchant webhooks: a store's subscriptions, one delivery per (event, subscription), and the
log of every attempt; plus the dispatcher's place in the event log.

``WebhookDelivery.status`` is written only by ``webhooks.transitions.delivery_transition``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.core.fields import EncryptedCharField
from banpum.core.models import AppendOnlyModel
from banpum.returns.models import ReturnEvent


class DisabledReason(models.TextChoices):
    GONE = "gone", _("The receiver answered 410 Gone")
    MANUAL = "manual", _("Disabled by a manager")


class WebhookSubscription(models.Model):
    """A URL of a store that receives the events it subscribed to, signed with its secret."""

    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("store"),
    )
    url = models.CharField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Event names of the catalogue, "<group>.*" or "*" (``webhooks.catalogue.pattern_valid``).
    events = models.JSONField(_("events"), default=list)
    # The catalogue version its payloads follow, fixed at creation.
    version = models.CharField(_("catalogue version"), max_length=10)
    # Encrypted at rest; shown once when created or rotated, never read back by the API.
    secret = EncryptedCharField(
        _("signing secret"), purpose="webhook_secret", max_length=100, editable=False
    )
    # After a rotation the old secret signs too, until it expires: no delivery fails while the
    # merchant deploys the new one (Standard Webhooks' zero-downtime rotation).
    previous_secret = EncryptedCharField(
        _("previous signing secret"),
        purpose="webhook_secret",
        max_length=100,
        null=True,
        editable=False,
    )
    previous_secret_valid_until = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(
        _("disabled because"), max_length=10, choices=DisabledReason.choices, blank=True
    )
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    # Events up to this id happened before the subscription and are never sent to it.
    after_event_id = models.PositiveBigIntegerField(_("after event"), default=0, editable=False)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["store", "is_active"])]

    def __str__(self) -> str:
        return f"{self.store} → {self.url}"

    def __repr__(self) -> str:
        return f"<WebhookSubscription {self.pk} {self.url!r} secret=***>"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one subscription (or a test a manager asked for): the exact body signed
    and sent, and where it stands.

    Unique per (subscription, event), so the dispatcher can run any number of times, or crash
    anywhere, without a second delivery. Every attempt carries the same ``message_id`` (the
    ``webhook-id`` header), the consumer's key to process it once.
    """

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    # None for a test event (``webhook.test``), which is about no return; NULLs never clash
    # in the unique key, so a subscription may have any number of them.
    event = models.ForeignKey(
        ReturnEvent,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("return event"),
    )
    event_type = models.CharField(_("event"), max_length=64)
    message_id = models.CharField(_("webhook id"), max_length=40, unique=True, editable=False)
    body = models.TextField(_("body"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        editable=False,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # No retry after this: a day after it was queued (or resent by hand).
    retry_until = models.DateTimeField(_("retried until"))
    claimed_at = models.DateTimeField(_("attempt started at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["subscription", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event_type} {self.status}"


class WebhookAttempt(AppendOnlyModel):
    """One POST of a delivery, as it went: the delivery log a merchant reads."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    address = models.CharField(_("address"), max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    # timeout, connection, tls, url_invalid, dns, address_refused, http_<status>; empty: 2xx.
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    # What the attempt led to: delivered, retry, failed, disabled (410) or superseded (a slower
    # copy of an attempt the sweep had already taken over).
    outcome = models.CharField(_("outcome"), max_length=12)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery_id", "number", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.status_code or self.error_code}"


class WebhookDispatchCursor(models.Model):
    """The dispatcher's place in the event log (one row): every event up to ``safe_event_id``
    has been dispatched, or was written before webhooks were set up."""

    safe_event_id = models.PositiveBigIntegerField(_("dispatched up to event"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("webhook dispatch cursor")
        verbose_name_plural = _("webhook dispatch cursor")

    def __str__(self) -> str:
        return f"events ≤ {self.safe_event_id}"


class WebhookDispatchedEvent(models.Model):
    """An event above the cursor the dispatcher has handled (``webhooks.services.dispatch``).

    Event ids are handed out when a transaction writes them, not when it commits, so a
    later id can be visible before an earlier one. Marking each event instead of only moving
    a cursor past it means a slow transaction's event is still found when it commits; marks
    fall behind the cursor, and are deleted, once no transaction can still be that slow.
    """

    event_id = models.BigIntegerField(_("event"), primary_key=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), db_index=True)

    class Meta:
        verbose_name = _("dispatched event")
        verbose_name_plural = _("dispatched events")

    def __str__(self) -> str:
        return str(self.event_id)
