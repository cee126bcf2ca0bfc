"""Messages to shoppers and staff: a store's template edits and settings, one row per message
with its delivery state, the log of every attempt, and the dispatcher's place in the events.

``Message.status`` is written only by ``notify.transitions.message_transition``. Defaults of
templates and settings live in code (``notify.defaults``, Django settings): rows hold only what
a store changed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.core.models import AppendOnlyModel
from banpum.integrations.messaging.base import mask_phone
from banpum.notify.catalogue import DESCRIPTIONS, Channel, Language, NotifyEvent
from banpum.returns.models import ReturnEvent, ReturnRequest


def mask_recipient(recipient: str) -> str:
    """A phone as ``010****5678``, an email as ``h***@example.com``: personal data in logs."""
    if "@" in recipient:
        name, _at, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_phone(recipient)


class MessageTemplate(models.Model):
    """A store's edit of one default template (``notify.defaults``) for an event, channel and
    language. For 알림톡, ``alimtalk_code`` and ``text`` are the template as approved at the
    provider; an edit of an approved text sets ``needs_approval`` and the channel falls back to
    SMS with the same variables until someone clears it (``approved_code`` and
    ``approved_text`` keep what the provider approved meanwhile)."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="message_templates", verbose_name=_("store")
    )
    event = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    alimtalk_code = models.CharField(_("알림톡 template code"), max_length=64, blank=True)
    needs_approval = models.BooleanField(_("needs re-approval"), default=False)
    # 알림톡: the code and text last approved at the provider, kept while an edit waits.
    approved_code = models.CharField(_("approved 알림톡 template code"), max_length=64, blank=True)
    approved_text = models.TextField(_("approved 알림톡 text"), blank=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["store_id", "event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "event", "channel", "language"],
                name="message_template_once_per_store",
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.event} {self.channel} {self.language}"


class NotifySettings(models.Model):
    """A store's choices about messages; a store without a row uses Django's settings. Empty
    sender fields mean the default sender (``DEFAULT_FROM_EMAIL``, ``BANPUM_NOTIFY_SENDER_PHONE``);
    ``notify.selectors.notify_settings_get`` reads them."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="notify_settings", verbose_name=_("store")
    )
    email_enabled = models.BooleanField(_("send email"), default=True)
    sms_enabled = models.BooleanField(_("send SMS"), default=True)
    alimtalk_enabled = models.BooleanField(_("send KakaoTalk 알림톡"), default=True)
    sender_email = models.EmailField(_("sender email"), blank=True)
    sender_phone = models.CharField(_("sender phone number"), max_length=20, blank=True)
    language = models.CharField(
        _("shoppers' language"), max_length=2, choices=Language.choices, default=Language.KO
    )
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    # Empty on rows written before the office could edit them.
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.store_id)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    WAITING = "waiting", _("Waiting for the morning")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One message to one recipient by one channel, rendered when it was created (it says what
    was true then). Unique per (source, event, channel, recipient): the dispatcher may run any
    number of times, or crash anywhere, without a second message."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
        verbose_name=_("return"),
    )
    source_event = models.ForeignKey(
        ReturnEvent,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("return event"),
    )
    # "event:<id>" for a return event's messages, "digest:<store>:<date>" for a staff digest,
    # "late:<kind>:<return>" for a late notice.
    source_key = models.CharField(_("source"), max_length=80)
    event = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    # 알림톡 only: the approved template and its values, and the SMS to fall back to.
    alimtalk_code = models.CharField(_("알림톡 template code"), max_length=64, blank=True)
    variables = models.JSONField(_("variables"), default=dict, blank=True)
    fallback_text = models.TextField(_("SMS text if the 알림톡 is not delivered"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MessageStatus.choices,
        default=MessageStatus.QUEUED,
        editable=False,
    )
    provider_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    provider_reason = models.CharField(_("provider's reason"), max_length=500, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # A send that may have reached the provider: the next attempt reuses the idempotency key.
    maybe_sent = models.BooleanField(_("may have been sent"), default=False)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("attempt started at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "event", "channel", "recipient"],
                name="message_once_per_source",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["return_request", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.channel} → {self.recipient_masked} {self.status}"

    def __repr__(self) -> str:
        return f"<Message {self.pk} {self.event} {self.channel} {self.recipient_masked}>"

    @property
    def idempotency_key(self) -> str:
        """The same on every attempt: the provider sends a retried message once."""
        return f"banpum-msg-{self.pk}"

    @property
    def recipient_masked(self) -> str:
        return mask_recipient(self.recipient)

    @property
    def event_description(self) -> str:
        """What the message was about, in the reader's words (the key for an unknown one)."""
        try:
            return str(DESCRIPTIONS[NotifyEvent(self.event)])
        except ValueError:
            return self.event


class MessageAttempt(AppendOnlyModel):
    """One try to hand a message to its channel, as it went: the delivery log."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("message")
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    channel = models.CharField(_("channel used"), max_length=10)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # sent, retry, failed, superseded
    outcome = models.CharField(_("outcome"), max_length=12)

    class Meta:
        verbose_name = _("message attempt")
        verbose_name_plural = _("message attempts")
        ordering = ["message_id", "number", "id"]

    def __str__(self) -> str:
        return f"{self.message_id}#{self.number} {self.outcome}"


class NotifyDispatchCursor(models.Model):
    """The dispatcher's place in the event log (one row), as ``webhooks`` keeps its own."""

    safe_event_id = models.PositiveBigIntegerField(_("dispatched up to event"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("notification dispatch cursor")
        verbose_name_plural = _("notification dispatch cursor")

    def __str__(self) -> str:
        return f"events ≤ {self.safe_event_id}"


class NotifyDispatchedEvent(models.Model):
    """An event above the cursor already turned into messages (see ``services.dispatch``)."""

    event_id = models.BigIntegerField(_("event"), primary_key=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), db_index=True)

    class Meta:
        verbose_name = _("dispatched event")
        verbose_name_plural = _("dispatched events")

    def __str__(self) -> str:
        return str(self.event_id)
