"""A transfer batch's lifecycle as data, and its one writer; an item's outcome, and its one writer.

exported ─confirm→ confirmed           (every item paid)
exported ─confirm_with_failures→ partly_failed   (every item decided, some failed)

An item goes pending → paid | failed once; a decided item never changes (the refund's own
status carries what happens next: a failed refund is retried into a new batch).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import transaction

from banpum.core.actors import Actor
from banpum.settlement import errors
from banpum.settlement.models import TransferBatch, TransferBatchItem, TransferOutcome
from banpum.settlement.models import TransferBatchStatus as B


class BatchAction(StrEnum):
    CONFIRM = "confirm"
    CONFIRM_WITH_FAILURES = "confirm_with_failures"


TRANSITIONS: tuple[tuple[B, BatchAction, B], ...] = (
    (B.EXPORTED, BatchAction.CONFIRM, B.CONFIRMED),
    (B.EXPORTED, BatchAction.CONFIRM_WITH_FAILURES, B.PARTLY_FAILED),
)
TABLE: dict[tuple[B, BatchAction], B] = {(s, a): t for s, a, t in TRANSITIONS}


def transfer_batch_transition(
    *, batch: TransferBatch, action: BatchAction, actor: Actor, now: dt.datetime
) -> TransferBatch:
    """The only writer of ``TransferBatch.status``; locks the row, refuses an illegal move."""
    with transaction.atomic():
        locked = TransferBatch.objects.select_for_update().get(pk=batch.pk)
        target = TABLE.get((B(locked.status), action))
        if target is None:
            raise errors.TRANSFER_BATCH_CONFIRMED(
                batch=locked.pk,
                status=locked.get_status_display(),
                extra={"status": locked.status},
            )
        locked.status = target
        locked.confirmed_at = now
        locked.confirmed_by = actor.label[:150]
        locked.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    return locked


def transfer_item_decide(
    *, item: TransferBatchItem, outcome: TransferOutcome, reason: str, now: dt.datetime
) -> bool:
    """Record a pending item's outcome; False (nothing written) when it already had this one,
    409 when it had the other. The caller holds the batch's lock."""
    if item.outcome == outcome:
        return False
    if item.outcome != TransferOutcome.PENDING:
        raise errors.TRANSFER_ITEM_DECIDED(
            refund=item.refund_id,
            outcome=item.get_outcome_display(),
            extra={"refund_id": item.refund_id, "outcome": item.outcome},
        )
    item.outcome = outcome
    item.failure_reason = reason[:500]
    item.decided_at = now
    item.save(update_fields=["outcome", "failure_reason", "decided_at"])
    return True
