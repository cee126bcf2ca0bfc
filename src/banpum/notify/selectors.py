"""Reads of the delivery log."""

from __future__ import annotations

from django.db.models import Prefetch

from banpum.notify.models import Message, MessageAttempt
from banpum.returns.models import ReturnRequest


def messages_of_return(return_request: ReturnRequest) -> list[Message]:
    """The return's messages, oldest first, each with its attempts (``attempt_log``)."""
    return list(
        Message.objects.filter(return_request=return_request)
        .prefetch_related(
            Prefetch("attempt_log", queryset=MessageAttempt.objects.order_by("number", "id"))
        )
        .order_by("id")
    )
