"""Settlement reads: a return's refunds, the refund queues, store-credit ledgers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from banpum.commerce.models import Customer, Store
from banpum.policy.deadlines import local_date
from banpum.returns.hooks import RefundSummary
from banpum.returns.models import ReturnRequest
from banpum.settlement import errors
from banpum.settlement.models import (
    DONE_STATUSES,
    Refund,
    RefundAccount,
    RefundMethod,
    RefundStatus,
    StoreCreditAccount,
    StoreCreditEntry,
    TransferBatch,
    TransferBatchItem,
    TransferOutcome,
)

DUE_SOON_DAYS = 2


class RefundQueue(StrEnum):
    DUE_SOON = "due_soon"
    LATE = "late"
    FAILED = "failed"
    AWAITING_TRANSFER = "awaiting_transfer"
    ACCOUNT_NEEDED = "account_needed"
    ALL = "all"


def _with_account_flag(refunds: QuerySet[Refund]) -> QuerySet[Refund]:
    """``has_account``: the refund's order has a refund account (its return's, or another)."""
    return refunds.annotate(
        has_account=Exists(RefundAccount.objects.filter(order_id=OuterRef("order_id")))
    )


def _refunds(store: Store) -> QuerySet[Refund]:
    return _with_account_flag(
        Refund.objects.filter(store=store).select_related("return_request", "order", "store")
    )


def refund_list(*, store: Store, queue: RefundQueue, now: dt.datetime) -> QuerySet[Refund]:
    today = local_date(now, store.timezone)
    refunds = _refunds(store)
    open_ = refunds.exclude(status__in=DONE_STATUSES)
    if queue is RefundQueue.DUE_SOON:
        return open_.filter(
            due_on__gte=today, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
        ).exclude(status=RefundStatus.FAILED)
    if queue is RefundQueue.LATE:
        return open_.filter(due_on__lt=today)
    if queue is RefundQueue.FAILED:
        return refunds.filter(status=RefundStatus.FAILED)
    if queue is RefundQueue.AWAITING_TRANSFER:
        return refunds.filter(status=RefundStatus.AWAITING_TRANSFER)
    if queue is RefundQueue.ACCOUNT_NEEDED:
        return refunds.filter(
            status=RefundStatus.AWAITING_TRANSFER, method=RefundMethod.BANK_TRANSFER
        ).exclude(Exists(RefundAccount.objects.filter(order_id=OuterRef("order_id"))))
    return refunds


def refund_queue_counts(*, store: Store, now: dt.datetime) -> dict[RefundQueue, int]:
    """How many refunds each queue holds now: the tabs of the refunds screen."""
    return {queue: refund_list(store=store, queue=queue, now=now).count() for queue in RefundQueue}


def refunds_with_account(refunds: QuerySet[Refund]) -> QuerySet[Refund]:
    """``account_masked`` and ``account_bank_code`` on each refund: the account a transfer
    would go to (its return's latest, else its order's latest; as ``refund_accounts_for``),
    masked, in the same query, for lists and their exports."""
    own = RefundAccount.objects.filter(
        order_id=OuterRef("order_id"), return_request_id=OuterRef("return_request_id")
    ).order_by("-id")
    any_ = RefundAccount.objects.filter(order_id=OuterRef("order_id")).order_by("-id")
    return refunds.annotate(
        account_masked=Coalesce(
            Subquery(own.values("account_masked")[:1]), Subquery(any_.values("account_masked")[:1])
        ),
        account_bank_code=Coalesce(
            Subquery(own.values("bank_code")[:1]), Subquery(any_.values("bank_code")[:1])
        ),
    )


def refund_get(*, store: Store, refund_id: int) -> Refund:
    refund = _refunds(store).filter(pk=refund_id).first()
    if refund is None:
        raise errors.REFUND_NOT_FOUND()
    return refund


def refunds_for_return(*, return_request: ReturnRequest) -> list[Refund]:
    return list(
        _with_account_flag(Refund.objects.filter(return_request=return_request))
        .select_related("return_request", "order", "store")
        .order_by("id")
    )


def customer_get(*, store: Store, customer_id: int) -> Customer:
    customer = Customer.objects.filter(store=store, pk=customer_id).first()
    if customer is None:
        raise errors.CUSTOMER_NOT_FOUND()
    return customer


def store_credit_balance(*, customer: Customer) -> int:
    account = StoreCreditAccount.objects.filter(customer=customer).first()
    return account.balance if account else 0


def store_credit_entries(*, customer: Customer) -> QuerySet[StoreCreditEntry]:
    return StoreCreditEntry.objects.filter(account__customer=customer)


# --- bank transfers -------------------------------------------------------------------------


def refund_account_current(*, return_request: ReturnRequest) -> RefundAccount | None:
    """The account a transfer for this return goes to: its own latest, else its order's."""
    accounts = RefundAccount.objects.filter(order_id=return_request.order_id)
    own = accounts.filter(return_request=return_request).order_by("-id").first()
    return own or accounts.order_by("-id").first()


def refund_accounts_for(refunds: Iterable[Refund]) -> dict[int, RefundAccount]:
    """Each refund's account (its return's latest, else its order's latest), in one query;
    refunds without one are left out."""
    wanted = list(refunds)
    by_order: dict[int, list[RefundAccount]] = {}
    for account in RefundAccount.objects.filter(
        order_id__in={refund.order_id for refund in wanted}
    ).order_by("-id"):
        by_order.setdefault(account.order_id or 0, []).append(account)
    found: dict[int, RefundAccount] = {}
    for refund in wanted:
        candidates = by_order.get(refund.order_id, [])
        own = [a for a in candidates if a.return_request_id == refund.return_request_id]
        if own or candidates:
            found[refund.pk] = (own or candidates)[0]
    return found


def _batches(store: Store) -> QuerySet[TransferBatch]:
    def counted(outcome: TransferOutcome) -> Count:
        return Count("items", filter=Q(items__outcome=outcome))

    return TransferBatch.objects.filter(store=store).annotate(
        paid_count=counted(TransferOutcome.PAID),
        failed_count=counted(TransferOutcome.FAILED),
        pending_count=counted(TransferOutcome.PENDING),
    )


def transfer_batch_list(*, store: Store) -> QuerySet[TransferBatch]:
    return _batches(store)


def transfer_batch_get(*, store: Store, batch_id: int) -> TransferBatch:
    """One batch of the store with its items (their refunds and accounts), or 404."""
    items = TransferBatchItem.objects.select_related("refund__return_request", "account").order_by(
        "id"
    )
    batch = (
        _batches(store).filter(pk=batch_id).prefetch_related(Prefetch("items", queryset=items))
    ).first()
    if batch is None:
        raise errors.TRANSFER_BATCH_NOT_FOUND()
    return batch


def refund_summaries(return_request: ReturnRequest) -> list[RefundSummary]:
    """The return's refunds for its detail (``returns.hooks``): one query, oldest first."""
    return [
        RefundSummary(
            id=refund.pk,
            kind=refund.kind,
            kind_label=str(refund.get_kind_display()),
            method=refund.method,
            method_label=str(refund.get_method_display()),
            status=refund.status,
            status_label=str(refund.get_status_display()),
            amount=refund.amount,
            interest_owed=refund.interest_owed,
            due_on=refund.due_on,
            paid_at=refund.paid_at,
        )
        for refund in Refund.objects.filter(return_request=return_request).order_by("id")
    ]
