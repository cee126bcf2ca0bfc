"""Refund due dates of returns already received, moved when the store's calendar changes.

``refund_due_on`` is set when the goods come back (``transitions._refund_clock_starts``); a
holiday the manager adds or removes afterwards (임시공휴일) moves it, counted again from the day
the goods were received. It is a plain field, not a status: written here under the row lock.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from banpum.commerce.models import Store
from banpum.policy.deadlines import local_date, refund_due
from banpum.policy.selectors import extra_holidays_for
from banpum.returns.models import EventType, ReturnRequest, ReturnStatus

logger = logging.getLogger(__name__)

# Received, and the refund not yet made: the due date still matters.
_AWAITING_REFUND = (
    ReturnStatus.RECEIVED,
    ReturnStatus.INSPECTED,
    ReturnStatus.REFUND_PENDING,
    ReturnStatus.EXCHANGE_PENDING,
)


def _received_moment(return_request: ReturnRequest) -> dt.datetime | None:
    """When the goods came back: the earlier of the carrier's delivery and the scan; for
    returns received before ``received_at`` existed, the time of their move to ``received``."""
    received_at = return_request.received_at
    if received_at is not None:
        arrived_at = return_request.arrived_at
        return min(arrived_at, received_at) if arrived_at else received_at
    event = (
        return_request.events.filter(type=EventType.STATUS_CHANGED, to_status=ReturnStatus.RECEIVED)
        .order_by("-at", "-id")
        .first()
    )
    return event.at if event is not None else None


@transaction.atomic
def return_refund_due_recompute(*, store: Store, now: dt.datetime) -> int:
    """Count each received, unrefunded return's due date again with the store's calendar.

    Returns how many dates moved. Rows are locked in id order, so two managers editing the
    calendar at once cannot interleave; ``now`` is the moved rows' ``updated_at``.
    """
    extra = extra_holidays_for(store)
    moved = 0
    candidates = (
        ReturnRequest.objects.select_for_update()
        .filter(store=store, status__in=_AWAITING_REFUND, refund_due_on__isnull=False)
        .order_by("id")
    )
    for return_request in candidates:
        received = _received_moment(return_request)
        if received is None:
            continue  # received before events recorded it: nothing to count from
        due = refund_due(
            local_date(received, store.timezone),
            business_days=return_request.refund_business_days,
            country=store.country,
            extra_holidays=extra,
        )
        if due != return_request.refund_due_on:
            logger.info(
                "refund due moved number=%s from=%s to=%s",
                return_request.number,
                return_request.refund_due_on,
                due,
            )
            return_request.refund_due_on = due
            return_request.updated_at = now
            return_request.save(update_fields=["refund_due_on", "updated_at"])
            moved += 1
    return moved
