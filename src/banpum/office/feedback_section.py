"""The return page's "Feedback" section: what the shopper said in the survey, if anything."""

from __future__ import annotations

from typing import Any

from banpum.feedback import tags
from banpum.feedback.selectors import feedback_of_return
from banpum.feedback.services import feedback_open
from banpum.returns.models import ReturnRequest


def feedback_section(return_request: ReturnRequest) -> dict[str, Any] | None:
    """The answer in words, ``{"feedback": None}`` for a finished return nobody answered
    about yet, or None while the return is still running (no section)."""
    feedback = feedback_of_return(return_request)
    if feedback is None:
        return {"feedback": None} if feedback_open(return_request) else None
    return {
        "feedback": feedback,
        "stars": "★" * feedback.rating + "☆" * (5 - feedback.rating),
        "went_well": tags.tag_labels("went_well", feedback.went_well),
        "went_badly": tags.tag_labels("went_badly", feedback.went_badly),
    }
