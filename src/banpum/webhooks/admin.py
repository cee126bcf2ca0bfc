"""Webhooks in the admin: shown, never edited (their services are the only writers; the
signing secrets stay sealed)."""

from django.contrib import admin

from banpum.core.admin import ReadOnlyAdmin
from banpum.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDispatchCursor,
    WebhookDispatchedEvent,
    WebhookSubscription,
)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin[WebhookSubscription]):
    list_display = ("id", "store", "url", "events", "is_active", "disabled_reason", "updated_at")
    list_filter = ("is_active", "disabled_reason")
    search_fields = ("url", "description")
    exclude = ("secret", "previous_secret")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin[WebhookDelivery]):
    list_display = (
        "id",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "event_type")
    search_fields = ("message_id",)
    raw_id_fields = ("event",)


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin[WebhookAttempt]):
    list_display = ("delivery", "number", "started_at", "status_code", "error_code", "outcome")
    list_filter = ("outcome",)


@admin.register(WebhookDispatchCursor)
class WebhookDispatchCursorAdmin(ReadOnlyAdmin[WebhookDispatchCursor]):
    list_display = ("safe_event_id", "updated_at")


@admin.register(WebhookDispatchedEvent)
class WebhookDispatchedEventAdmin(ReadOnlyAdmin[WebhookDispatchedEvent]):
    list_display = ("event_id", "dispatched_at")
