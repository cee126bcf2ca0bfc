"""The webhooks API's input and output shapes. The signing secret appears only in the answers
that create it (subscription created, secret rotated), never in a read.

No ``from __future__ import annotations``: ninja and pydantic read these annotations at runtime.
"""

import json
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from banpum.core.schemas import InputSchema, OutDateTime
from banpum.webhooks import catalogue
from banpum.webhooks.models import WebhookDelivery
from banpum.webhooks.services.subscriptions import MAX_PREVIOUS_SECRET_HOURS, PREVIOUS_SECRET_HOURS

EventPattern = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
EVENTS_HELP = (
    "Event names of the catalogue (GET /webhooks/events), `return.*`-style groups, "
    "or `*` for every event"
)


class SubscriptionIn(InputSchema):
    url: Url = Field(
        description="http(s) URL that receives the events; its host must resolve to public "
        "addresses"
    )
    events: list[EventPattern] = Field(
        default_factory=lambda: [catalogue.ALL],
        min_length=1,
        max_length=50,
        description=EVENTS_HELP,
    )
    description: str = Field(default="", max_length=200)
    version: str = Field(
        default=catalogue.VERSION, max_length=10, description="The catalogue version"
    )


class SubscriptionPatchIn(InputSchema):
    url: Url | None = None
    events: list[EventPattern] | None = Field(
        default=None, min_length=1, max_length=50, description=EVENTS_HELP
    )
    description: str | None = Field(default=None, max_length=200)
    is_active: bool | None = Field(
        default=None, description="false pauses it (events meanwhile are not queued)"
    )


class RotateIn(InputSchema):
    previous_valid_hours: int = Field(
        default=PREVIOUS_SECRET_HOURS,
        ge=0,
        le=MAX_PREVIOUS_SECRET_HOURS,
        description="How long the old secret still signs (a second signature); 0 stops it now",
    )


class SubscriptionOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    version: str
    is_active: bool
    disabled_reason: str = Field(description="gone (the receiver answered 410), manual, or empty")
    disabled_at: OutDateTime | None
    previous_secret_valid_until: OutDateTime | None = Field(
        description="Until then the secret before the last rotation signs too"
    )
    created_at: OutDateTime
    updated_at: OutDateTime


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str = Field(description="whsec_…: shown this once; store it with the receiver")


class SecretOut(Schema):
    id: int
    secret: str = Field(description="The new whsec_… secret, shown this once")
    previous_secret_valid_until: OutDateTime | None


class DeliveryOut(Schema):
    id: int
    message_id: str = Field(description="The webhook-id header, the same on every attempt")
    event_type: str
    event_id: int | None = Field(
        description="The return event's id; null for a test event (webhook.test)"
    )
    status: Literal["pending", "sending", "delivered", "failed"]
    attempts: int
    next_attempt_at: OutDateTime | None
    retry_until: OutDateTime
    delivered_at: OutDateTime | None
    last_status_code: int | None
    last_error: str
    created_at: OutDateTime
    updated_at: OutDateTime


class AttemptOut(Schema):
    number: int
    started_at: OutDateTime
    address: str = Field(description="The address connected to")
    status_code: int | None
    duration_ms: int
    error_code: str = Field(
        description="timeout, connection, tls, dns, address_refused, url_invalid, http_<status>"
    )
    error: str
    response_body: str = Field(description="The start of the receiver's answer")
    outcome: Literal["delivered", "retry", "failed", "disabled", "superseded"]


class DeliveryDetailOut(DeliveryOut):
    payload: dict[str, Any] = Field(description="The body sent, parsed")
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_payload(obj: WebhookDelivery) -> Any:
        return json.loads(obj.body)

    @staticmethod
    def resolve_attempt_log(obj: WebhookDelivery) -> Any:
        return list(obj.attempt_log.all())


class DeliveryQuery(Schema):
    status: Literal["pending", "sending", "delivered", "failed"] | None = None
    event: EventPattern | None = Field(default=None, description="One event name")


class CatalogueEventOut(Schema):
    name: str
    description: str
    payload_schema: dict[str, Any] = Field(description="JSON Schema of the whole body")


class CatalogueOut(Schema):
    version: str
    versions: list[str]
    groups: list[str] = Field(description="Prefixes a subscription may take as `<group>.*`")
    events: list[CatalogueEventOut]
