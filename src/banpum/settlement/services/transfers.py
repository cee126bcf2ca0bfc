"""Bank-transfer refunds in batches: take the refunds awaiting a transfer into one 대량이체 file,
then confirm them paid or failed from the seller's word or the bank's result file.

A refund is exported at most once while a transfer may still pay it: batch creation locks the
refunds and re-reads which are taken, and a partial unique index (one item per refund that is
not failed) refuses a second one whatever the code does. Confirming pays a refund through its
transition and ``refund_done`` (the return completes when everything is paid), or fails it
(its money released, its reason kept) for a manager to fix the account and retry; a retried
refund awaits a transfer again and joins a new batch, its failed item staying in the old one.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.crypto import Secret
from banpum.core.errors import ValidationFailed
from banpum.integrations.banks import bulk_transfer
from banpum.integrations.banks.accounts import FORMULA_STARTS, mask_account_number
from banpum.integrations.banks.bulk_transfer import TransferFile, TransferRow
from banpum.policy.deadlines import local_date
from banpum.settlement import errors, selectors
from banpum.settlement.models import (
    Refund,
    RefundMethod,
    RefundStatus,
    TransferBatch,
    TransferBatchItem,
    TransferOutcome,
)
from banpum.settlement.services.balance import balance_release
from banpum.settlement.services.opening import refund_done
from banpum.settlement.transfer_transitions import (
    BatchAction,
    transfer_batch_transition,
    transfer_item_decide,
)
from banpum.settlement.transitions import RefundAction, RefundMove, refund_transition

logger = logging.getLogger(__name__)

FAILED_CODE = "transfer_failed"
RECIPIENT_TEXT_MAX = 10  # what fits the buyer's statement line at most banks


def transfer_reference(refund_id: int) -> str:
    """내통장표시: the seller's statement and the bank's result name the refund by it."""
    return f"RF{refund_id}"


def _statement_text(name: str) -> str:
    """The store's name as the buyer's statement shows it: no control characters, no leading
    formula character, short."""
    text = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    return text.strip().lstrip("".join(FORMULA_STARTS)).strip()[:RECIPIENT_TEXT_MAX]


def _transferable(store: Store) -> list[Refund]:
    return list(
        Refund.objects.filter(
            store=store,
            method=RefundMethod.BANK_TRANSFER,
            status=RefundStatus.AWAITING_TRANSFER,
        ).order_by("pk")
    )


def _live_refund_ids(refund_ids: Sequence[int]) -> set[int]:
    return set(
        TransferBatchItem.objects.filter(refund_id__in=refund_ids)
        .exclude(outcome=TransferOutcome.FAILED)
        .values_list("refund_id", flat=True)
    )


def transfer_batch_create(
    *, store: Store, actor: Actor, now: dt.datetime, refund_ids: Sequence[int] | None = None
) -> TransferBatch:
    """A batch of every refund of ``store`` awaiting a transfer, with an account and in no
    live batch item (or exactly ``refund_ids``: 409 naming those that cannot go)."""
    actor_require(actor, store.pk, Capability.TRANSFERS_MANAGE)
    try:
        with transaction.atomic():
            batch = _batch_create(store=store, actor=actor, now=now, refund_ids=refund_ids)
    except IntegrityError:
        # Another batch committed an item for one of these refunds between our read and our
        # insert: the partial unique index refused the second; nothing of ours was kept.
        raise errors.TRANSFER_BATCH_RACE() from None
    logger.info(
        "transfer batch created id=%s store=%s count=%s total=%s",
        batch.pk,
        store.pk,
        batch.count,
        batch.total,
    )
    return batch


def _batch_create(
    *, store: Store, actor: Actor, now: dt.datetime, refund_ids: Sequence[int] | None
) -> TransferBatch:
    candidates = Refund.objects.filter(
        store=store, method=RefundMethod.BANK_TRANSFER, status=RefundStatus.AWAITING_TRANSFER
    )
    if refund_ids is not None:
        candidates = candidates.filter(pk__in=refund_ids)
    # Locked in pk order, so two creations queue instead of deadlocking; what is taken is read
    # after the locks are held, so it sees the other batch's committed items.
    locked = list(candidates.select_for_update().order_by("pk"))
    taken = _live_refund_ids([refund.pk for refund in locked])
    accounts = selectors.refund_accounts_for(r for r in locked if r.pk not in taken)
    chosen = [refund for refund in locked if refund.pk not in taken and refund.pk in accounts]
    if refund_ids is not None:
        refused = sorted(set(refund_ids) - {refund.pk for refund in chosen})
        if refused:
            raise errors.TRANSFER_REFUNDS_UNAVAILABLE(
                ids=", ".join(str(i) for i in refused), extra={"refund_ids": refused}
            )
    if not chosen:
        raise errors.NOTHING_TO_TRANSFER()
    day = local_date(now, store.timezone)
    batch = TransferBatch.objects.create(
        store=store,
        count=len(chosen),
        total=sum(refund.amount for refund in chosen),
        file_name="",
        created_by=actor.label[:150],
        created_at=now,
    )
    batch.file_name = f"transfers-{day:%Y%m%d}-{batch.pk}"
    batch.save(update_fields=["file_name"])
    TransferBatchItem.objects.bulk_create(
        TransferBatchItem(
            batch=batch,
            refund=refund,
            account=accounts[refund.pk],
            amount=refund.amount,
            bank_code=accounts[refund.pk].bank_code,
            account_last4=accounts[refund.pk].account_last4,
            reference=transfer_reference(refund.pk),
        )
        for refund in chosen
    )
    return batch


def _revealed(value: Secret | str | None) -> str:
    return value.reveal() if isinstance(value, Secret) else str(value or "")


def _rows(batch: TransferBatch, items: Sequence[TransferBatchItem]) -> list[TransferRow]:
    """The file's rows: the one place account numbers are decrypted."""
    recipient = _statement_text(batch.store.name)
    return [
        TransferRow(
            bank_code=item.account.bank_code,
            account_number=_revealed(item.account.account_number),
            holder_name=item.account.holder_name,
            amount=item.amount,
            recipient_text=recipient,
            reference=item.reference,
        )
        for item in items
    ]


def _items(batch: TransferBatch) -> list[TransferBatchItem]:
    return list(
        TransferBatchItem.objects.filter(batch=batch)
        .select_related("account", "refund")
        .order_by("id")
    )


def transfer_batch_export(
    *, batch: TransferBatch, actor: Actor, kind: Literal["xlsx", "csv"]
) -> TransferFile:
    """The batch's 대량이체 file, rebuilt from its items (the same file every time)."""
    actor_require(actor, batch.store_id, Capability.TRANSFERS_MANAGE)
    rows = _rows(batch, _items(batch))
    logger.info("transfer file exported batch=%s kind=%s rows=%s", batch.pk, kind, len(rows))
    if kind == "xlsx":
        return bulk_transfer.transfer_workbook(rows)
    try:
        return bulk_transfer.transfer_csv(rows)
    except ValueError:
        raise errors.TRANSFER_CSV_UNWRITABLE() from None


# --- confirming ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unexpected:
    """A result-file row no exported transfer matches (shown masked)."""

    row: int
    account_masked: str
    amount: int
    succeeded: bool


@dataclass(frozen=True)
class Confirmation:
    batch: TransferBatch
    paid: tuple[int, ...]  # refund ids newly paid
    failed: tuple[int, ...]  # refund ids newly failed
    unchanged: tuple[int, ...]  # already recorded with the same outcome
    missing: tuple[int, ...] = ()  # exported, not in the result file
    unexpected: tuple[Unexpected, ...] = ()


def transfer_batch_confirm(
    *,
    batch: TransferBatch,
    paid: Sequence[int] | Literal["all"],
    failed: Sequence[tuple[int, str]],
    actor: Actor,
    now: dt.datetime,
) -> Confirmation:
    """Record what the bank paid and what it refused (with its reason). ``"all"`` pays every
    item not named failed. Saying again what is recorded changes nothing; contradicting it,
    or confirming a batch already confirmed, is a 409."""
    actor_require(actor, batch.store_id, Capability.TRANSFERS_MANAGE)
    with transaction.atomic():
        locked = _lock_open(batch)
        items = {item.refund_id: item for item in _items(locked)}
        failed_reasons = dict(failed)
        paid_ids = (
            [rid for rid, item in items.items() if rid not in failed_reasons]
            if paid == "all"
            else list(paid)
        )
        _check_named(items, paid_ids, failed_reasons)
        confirmation = _apply(locked, items, paid_ids, failed_reasons, actor, now)
    return confirmation


def _lock_open(batch: TransferBatch) -> TransferBatch:
    locked = TransferBatch.objects.select_for_update().select_related("store").get(pk=batch.pk)
    if locked.confirmed_at is not None:
        raise errors.TRANSFER_BATCH_CONFIRMED(
            batch=locked.pk, status=locked.get_status_display(), extra={"status": locked.status}
        )
    return locked


def _check_named(
    items: dict[int, TransferBatchItem], paid: Sequence[int], failed: dict[int, str]
) -> None:
    fields: dict[str, list[str]] = {}
    for index, refund_id in enumerate(paid):
        if refund_id not in items:
            fields[f"paid.{index}"] = [errors.TRANSFER_NOT_IN_BATCH.render(refund=refund_id)]
        elif refund_id in failed:
            message = errors.TRANSFER_BOTH_PAID_AND_FAILED.render(refund=refund_id)
            fields[f"paid.{index}"] = [message]
    for index, refund_id in enumerate(failed):
        if refund_id not in items:
            message = errors.TRANSFER_NOT_IN_BATCH.render(refund=refund_id)
            fields[f"failed.{index}.refund_id"] = [message]
    if fields:
        raise ValidationFailed.for_fields(fields)
    if not paid and not failed:
        raise errors.TRANSFER_NOTHING_CONFIRMED.field("paid")


def _apply(
    batch: TransferBatch,
    items: dict[int, TransferBatchItem],
    paid: Sequence[int],
    failed: dict[int, str],
    actor: Actor,
    now: dt.datetime,
) -> Confirmation:
    newly_paid: list[int] = []
    newly_failed: list[int] = []
    unchanged: list[int] = []
    for refund_id in sorted(set(paid)):
        item = items[refund_id]
        if not transfer_item_decide(item=item, outcome=TransferOutcome.PAID, reason="", now=now):
            unchanged.append(refund_id)
            continue
        refund = refund_transition(
            refund=item.refund,
            action=RefundAction.PAY,
            actor=actor,
            now=now,
            move=RefundMove(
                changes={"paid_at": now, "provider_reference": item.reference},
                data={"batch": batch.pk},
            ),
        )
        refund_done(refund=refund, actor=actor, now=now)
        newly_paid.append(refund_id)
    for refund_id, reason in sorted(failed.items()):
        item = items[refund_id]
        if not transfer_item_decide(
            item=item, outcome=TransferOutcome.FAILED, reason=reason, now=now
        ):
            unchanged.append(refund_id)
            continue
        refund = refund_transition(
            refund=item.refund,
            action=RefundAction.FAIL,
            actor=actor,
            now=now,
            move=RefundMove(
                changes={"last_error_code": FAILED_CODE, "last_error": reason[:500]},
                data={"batch": batch.pk},
            ),
        )
        balance_release(refund)
        newly_failed.append(refund_id)
    outcomes = [item.outcome for item in items.values()]
    if TransferOutcome.PENDING not in outcomes:
        action = (
            BatchAction.CONFIRM_WITH_FAILURES
            if TransferOutcome.FAILED in outcomes
            else BatchAction.CONFIRM
        )
        transfer_batch_transition(batch=batch, action=action, actor=actor, now=now)
    logger.info(
        "transfer batch confirmed id=%s paid=%s failed=%s unchanged=%s",
        batch.pk,
        len(newly_paid),
        len(newly_failed),
        len(unchanged),
    )
    return Confirmation(
        batch=batch,
        paid=tuple(newly_paid),
        failed=tuple(newly_failed),
        unchanged=tuple(sorted(unchanged)),
    )


def transfer_batch_confirm_file(
    *, batch: TransferBatch, content: bytes, actor: Actor, now: dt.datetime
) -> Confirmation:
    """Confirm from the bank's result file: rows matched to the batch's transfers by account
    and amount (and reference when the file has it); what the file does not settle stays
    pending, reported as missing, and rows matching nothing come back as unexpected."""
    actor_require(actor, batch.store_id, Capability.TRANSFERS_MANAGE)
    outcomes = bulk_transfer.transfer_result_parse(content)  # 422s name the row
    with transaction.atomic():
        locked = _lock_open(batch)
        items = _items(locked)
        rows = _rows(locked, items)
        by_reference = {item.reference: item for item in items}
        match = bulk_transfer.transfer_result_match(rows, outcomes)
        paid = [by_reference[row.reference].refund_id for row in match.paid]
        failed = {
            by_reference[row.reference].refund_id: reason or "" for row, reason in match.failed
        }
        if not paid and not failed:
            raise errors.TRANSFER_NOTHING_CONFIRMED.field("file")
        applied = _apply(locked, {item.refund_id: item for item in items}, paid, failed, actor, now)
    return Confirmation(
        batch=applied.batch,
        paid=applied.paid,
        failed=applied.failed,
        unchanged=applied.unchanged,
        missing=tuple(sorted(by_reference[row.reference].refund_id for row in match.missing)),
        unexpected=tuple(
            Unexpected(
                row=outcome.row,
                account_masked=mask_account_number(outcome.account_number),
                amount=outcome.amount,
                succeeded=outcome.succeeded,
            )
            for outcome in match.unexpected
        ),
    )
