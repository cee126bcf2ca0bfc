"""Settlement reads: a return's refunds, the refund queues, store-credit ledgers."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db.models import QuerySet

from banpum.commerce.models import Customer, Store
from banpum.policy.deadlines import local_date
from banpum.returns.models import ReturnRequest
from banpum.settlement import errors
from banpum.settlement.models import (
    DONE_STATUSES,
    Refund,
    RefundStatus,
    StoreCreditAccount,
    StoreCreditEntry,
)

DUE_SOON_DAYS = 2


class RefundQueue(StrEnum):
    DUE_SOON = "due_soon"
    LATE = "late"
    FAILED = "failed"
    AWAITING_TRANSFER = "awaiting_transfer"
    ALL = "all"


def _refunds(store: Store) -> QuerySet[Refund]:
    return Refund.objects.filter(store=store).select_related("return_request", "order", "store")


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
    return refunds


def refund_get(*, store: Store, refund_id: int) -> Refund:
    refund = _refunds(store).filter(pk=refund_id).first()
    if refund is None:
        raise errors.REFUND_NOT_FOUND()
    return refund


def refunds_for_return(*, return_request: ReturnRequest) -> list[Refund]:
    return list(
        Refund.objects.filter(return_request=return_request)
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
