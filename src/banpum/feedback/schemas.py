"""The feedback API's output shape: codes for programs, words for people.

No ``from __future__ import annotations``: ninja and pydantic read these annotations at runtime.
"""

from typing import Any

from ninja import Schema
from pydantic import Field

from banpum.core.schemas import OutDateTime
from banpum.feedback import tags
from banpum.feedback.models import ReturnFeedback


class TagOut(Schema):
    code: str
    label: str = Field(description="The code in the reader's language")


class FeedbackOut(Schema):
    number: str = Field(description="The return's number")
    rating: int = Field(ge=1, le=5)
    went_well: list[TagOut] = Field(
        description="easy_request, fast_pickup, fast_refund, clear_status, kind_support"
    )
    went_badly: list[TagOut] = Field(
        description="hard_request, slow_pickup, slow_refund, unclear_status, fee_unclear, other"
    )
    comment: str
    submitted_at: OutDateTime

    @staticmethod
    def resolve_number(obj: ReturnFeedback) -> Any:
        return obj.return_request.number or ""

    @staticmethod
    def resolve_went_well(obj: ReturnFeedback) -> Any:
        return tags.tag_labels("went_well", obj.went_well)

    @staticmethod
    def resolve_went_badly(obj: ReturnFeedback) -> Any:
        return tags.tag_labels("went_badly", obj.went_badly)
