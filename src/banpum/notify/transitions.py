"""The message lifecycle as data, and the one function that moves a message along it.

queued ─claim→ sending ─send→ sent ─deliver→ delivered
  │              ├─retry→ queued (a retryable failure; next_attempt_at after a backoff)
  │              ├─fail→ failed (refused, or out of retries)
  │              └─claim→ sending (an attempt whose worker died, taken over after its lease)
  ├─wait→ waiting ─wake→ queued (quiet hours: SMS and 알림톡 wait for the morning)
  └─fail→ failed (nothing to send it with: the channel was turned off)
sent ─fail→ failed (the receipt said so, with the provider's reason)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from banpum.core.transitions import row_transition, transition_table
from banpum.notify import errors
from banpum.notify.models import Message
from banpum.notify.models import MessageStatus as S


class MessageAction(StrEnum):
    CLAIM = "claim"
    SEND = "send"
    DELIVER = "deliver"
    RETRY = "retry"
    FAIL = "fail"
    WAIT = "wait"
    WAKE = "wake"


A = MessageAction
TRANSITIONS: tuple[tuple[S, MessageAction, S], ...] = (
    (S.QUEUED, A.CLAIM, S.SENDING),
    (S.SENDING, A.CLAIM, S.SENDING),
    (S.SENDING, A.SEND, S.SENT),
    (S.SENDING, A.RETRY, S.QUEUED),
    (S.SENDING, A.FAIL, S.FAILED),
    (S.SENT, A.DELIVER, S.DELIVERED),
    (S.SENT, A.FAIL, S.FAILED),
    (S.QUEUED, A.WAIT, S.WAITING),
    (S.WAITING, A.WAKE, S.QUEUED),
    (S.QUEUED, A.FAIL, S.FAILED),
)
TABLE = transition_table(TRANSITIONS)


def message_transition_allowed(status: str, action: MessageAction) -> bool:
    return (status, str(action)) in TABLE


def message_transition(
    *,
    message: Message,
    action: MessageAction,
    now: dt.datetime,
    changes: Mapping[str, Any] | None = None,
) -> Message:
    """Apply ``action`` under the message's row lock, with the fields ``changes`` sets; the
    only writer of ``Message.status``. An illegal move raises 409."""
    return row_transition(
        message,
        table=TABLE,
        action=action,
        now=now,
        illegal=errors.MESSAGE_ILLEGAL_TRANSITION,
        changes=changes,
    )
