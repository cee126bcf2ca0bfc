"""The delivery lifecycle as data, and the one function that moves a delivery along it.

pending ─claim→ sending ─deliver→ delivered
                  ├─retry→ pending (any non-2xx but 410, a timeout, a refused address; backoff)
                  ├─fail→ failed (the day of retries is over, or the receiver answered 410)
                  └─claim→ sending (an attempt whose worker died, taken over after its lease)
pending ─fail→ failed (the subscription was disabled before the attempt)
failed | delivered ─resend→ pending (a manager, by hand)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from banpum.core.transitions import row_transition, transition_table
from banpum.webhooks import errors
from banpum.webhooks.models import DeliveryStatus as S
from banpum.webhooks.models import WebhookDelivery


class DeliveryAction(StrEnum):
    CLAIM = "claim"
    DELIVER = "deliver"
    RETRY = "retry"
    FAIL = "fail"
    RESEND = "resend"


A = DeliveryAction
TRANSITIONS: tuple[tuple[S, DeliveryAction, S], ...] = (
    (S.PENDING, A.CLAIM, S.SENDING),
    (S.SENDING, A.CLAIM, S.SENDING),
    (S.SENDING, A.DELIVER, S.DELIVERED),
    (S.SENDING, A.RETRY, S.PENDING),
    (S.SENDING, A.FAIL, S.FAILED),
    (S.PENDING, A.FAIL, S.FAILED),
    (S.FAILED, A.RESEND, S.PENDING),
    (S.DELIVERED, A.RESEND, S.PENDING),
)
TABLE = transition_table(TRANSITIONS)


def delivery_transition_allowed(status: str, action: DeliveryAction) -> bool:
    return (status, str(action)) in TABLE


def delivery_transition(
    *,
    delivery: WebhookDelivery,
    action: DeliveryAction,
    now: dt.datetime,
    changes: Mapping[str, Any] | None = None,
) -> WebhookDelivery:
    """Apply ``action`` under the delivery's row lock, with the fields ``changes`` sets; the
    only writer of ``WebhookDelivery.status``. An illegal move raises 409."""
    return row_transition(
        delivery,
        table=TABLE,
        action=action,
        now=now,
        illegal=errors.DELIVERY_ILLEGAL_TRANSITION,
        changes=changes,
    )
