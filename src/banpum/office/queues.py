"""The work queues of the office's home page, each a filter of the return list.

Counted by the apps' own selectors (logistics for exceptions and stalled returns, settlement
for refunds due), so a queue here holds exactly the returns those apps would act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.logistics.selectors import pickup_exceptions, stalled_return_ids
from banpum.policy import texts as policy_texts
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.settlement.selectors import RefundQueue, refund_list


class Queue(StrEnum):
    PICKUP_EXCEPTIONS = "pickup_exceptions"
    STALLED = "stalled"
    REFUNDS_DUE_SOON = "refunds_due_soon"
    REFUNDS_LATE = "refunds_late"


QUEUE_LABELS: dict[str, Promise] = {
    Queue.PICKUP_EXCEPTIONS: _("Pickup exceptions"),
    Queue.STALLED: _("Stalled"),
    Queue.REFUNDS_DUE_SOON: _("Refunds due soon"),
    Queue.REFUNDS_LATE: _("Refunds late"),
}


def queue_filter(*, store: Store, queue: Queue, now: dt.datetime) -> Q:
    """The returns in ``queue`` at ``now``, as a filter on the store's returns: the queue's
    selector runs inside the list's (or the count's) query, so no return is loaded to find
    them."""
    if queue is Queue.PICKUP_EXCEPTIONS:
        return Q(pk__in=pickup_exceptions(store=store).order_by().values("return_request_id"))
    if queue is Queue.STALLED:
        return Q(pk__in=stalled_return_ids(store=store, now=now))
    refunds = refund_list(
        store=store,
        queue=RefundQueue.DUE_SOON if queue is Queue.REFUNDS_DUE_SOON else RefundQueue.LATE,
        now=now,
    )
    return Q(pk__in=refunds.order_by().values("return_request_id"))


def queue_count(*, store: Store, queue: Queue, now: dt.datetime) -> int:
    """How many of the store's returns are in ``queue``: counted by the database."""
    return _returns(store).filter(queue_filter(store=store, queue=queue, now=now)).count()


@dataclass(frozen=True)
class QueueCount:
    label: str
    count: int
    query: str  # the return list's query string that shows these returns


def _returns(store: Store) -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(store=store)


def review_queues(store: Store) -> list[QueueCount]:
    """Returns waiting for a person: requested, and on hold by each hold reason."""
    requested = _returns(store).filter(status=ReturnStatus.REQUESTED).count()
    found = [QueueCount(str(ReturnStatus.REQUESTED.label), requested, "status=requested")]
    held = (
        _returns(store)
        .filter(status=ReturnStatus.ON_HOLD)
        .values("hold_reason")
        .annotate(count=Count("id"))
        .order_by("hold_reason")
    )
    for row in held:
        reason = row["hold_reason"] or ""
        words = policy_texts.label(policy_texts.HOLD_REASON_LABELS, reason) or str(_("Other"))
        found.append(
            QueueCount(
                _("On hold: %(reason)s") % {"reason": words},
                row["count"],
                f"status=on_hold&hold_reason={reason}",
            )
        )
    return found


def work_queues(store: Store, now: dt.datetime) -> list[QueueCount]:
    """Exceptions, stalled returns, parcels to receive and refunds due: the day's work."""
    arrived = _returns(store).filter(status=ReturnStatus.ARRIVED).count()
    found = [
        QueueCount(
            str(QUEUE_LABELS[queue]),
            queue_count(store=store, queue=queue, now=now),
            f"queue={queue.value}",
        )
        for queue in (Queue.PICKUP_EXCEPTIONS, Queue.STALLED)
    ]
    found.append(QueueCount(str(_("Arrived, awaiting receipt")), arrived, "status=arrived"))
    found += [
        QueueCount(
            str(QUEUE_LABELS[queue]),
            queue_count(store=store, queue=queue, now=now),
            f"queue={queue.value}",
        )
        for queue in (Queue.REFUNDS_DUE_SOON, Queue.REFUNDS_LATE)
    ]
    return found
