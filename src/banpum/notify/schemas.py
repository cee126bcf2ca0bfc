"""The notify API's output shape: a return's messages as the office's delivery log shows them.

Codes travel with their words (``status`` and ``status_label``): clients branch on the code and
show the words, in the request's language. The recipient is masked exactly as in the office
(``notify.models.mask_recipient``): the log says which address, not the address.

No ``from __future__ import annotations``: ninja and pydantic read these annotations at runtime.
"""

from typing import Any

from ninja import Schema
from pydantic import Field

from banpum.core.schemas import OutDateTime
from banpum.notify.models import Message


class MessageOut(Schema):
    id: int
    channel: str = Field(description="email, sms or alimtalk: what the message was made for")
    channel_label: str = Field(description="The channel in the reader's language")
    recipient: str = Field(
        description="Masked as the office shows it: 010****5678, h***@example.com"
    )
    event: str = Field(description="What it was about, as a key: return.approved, refund.paid, …")
    event_description: str = Field(description="The event in the reader's language")
    status: str = Field(
        description="queued, waiting (quiet hours), sending, sent, delivered, failed"
    )
    status_label: str = Field(description="The status in the reader's language")
    attempts: int = Field(description="Hand-overs to the provider so far")
    provider_reason: str = Field(
        description="The provider's last words about it (a refusal, a fallback to SMS); "
        "empty when it said nothing"
    )
    created_at: OutDateTime
    sent_at: OutDateTime | None
    delivered_at: OutDateTime | None = Field(description="When the provider reported delivery")

    @staticmethod
    def resolve_channel_label(obj: Message) -> Any:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_recipient(obj: Message) -> Any:
        return obj.recipient_masked

    @staticmethod
    def resolve_event_description(obj: Message) -> Any:
        return obj.event_description

    @staticmethod
    def resolve_status_label(obj: Message) -> Any:
        return str(obj.get_status_display())
