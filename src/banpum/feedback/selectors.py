"""Reads of the survey answers; the caller has already scoped the return to its store."""

from __future__ import annotations

from banpum.feedback import errors
from banpum.feedback.models import ReturnFeedback
from banpum.returns.models import ReturnRequest


def feedback_of_return(return_request: ReturnRequest) -> ReturnFeedback | None:
    """The shopper's answer about this return, or None: not answered (yet)."""
    return (
        ReturnFeedback.objects.select_related("return_request")
        .filter(return_request_id=return_request.pk)
        .first()
    )


def feedback_get(return_request: ReturnRequest) -> ReturnFeedback:
    """The answer, or 404 with the return's number."""
    feedback = feedback_of_return(return_request)
    if feedback is None:
        raise errors.FEEDBACK_NOT_FOUND(number=return_request.number or "")
    return feedback
