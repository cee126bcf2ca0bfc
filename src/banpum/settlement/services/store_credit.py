"""The store-credit ledger: an account per customer, append-only entries, one writer."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Customer
from banpum.core.actors import Actor
from banpum.policy.texts import money
from banpum.settlement import errors
from banpum.settlement.models import (
    Refund,
    StoreCreditAccount,
    StoreCreditEntry,
    StoreCreditEntryKind,
)


def _account_lock(customer: Customer, now: dt.datetime) -> StoreCreditAccount:
    account, _ = StoreCreditAccount.objects.get_or_create(
        customer=customer, defaults={"updated_at": now}
    )
    return StoreCreditAccount.objects.select_for_update().get(pk=account.pk)


def _entry(
    account: StoreCreditAccount,
    *,
    amount: int,
    kind: StoreCreditEntryKind,
    actor: Actor,
    now: dt.datetime,
    refund: Refund | None = None,
    reference: str = "",
) -> StoreCreditEntry:
    StoreCreditAccount.objects.filter(pk=account.pk).update(
        balance=F("balance") + amount, updated_at=now
    )
    account.refresh_from_db(fields=["balance"])
    return StoreCreditEntry.objects.create(
        account=account,
        amount=amount,
        balance_after=account.balance,
        kind=kind,
        refund=refund,
        reference=reference[:200],
        actor_label=actor.label[:150],
        at=now,
    )


@transaction.atomic
def store_credit_issue_for_refund(*, refund: Refund, actor: Actor, now: dt.datetime) -> None:
    """Credit a store-credit refund (once: a unique constraint per refund)."""
    customer = refund.order.customer
    if customer is None:
        raise errors.NO_CUSTOMER()
    account = _account_lock(customer, now)
    if StoreCreditEntry.objects.filter(refund=refund, kind=StoreCreditEntryKind.ISSUE).exists():
        return
    _entry(
        account,
        amount=refund.amount,
        kind=StoreCreditEntryKind.ISSUE,
        actor=actor,
        now=now,
        refund=refund,
        reference=refund.return_request.number or "" if refund.return_request else "",
    )


@transaction.atomic
def store_credit_redeem(
    *, customer: Customer, amount: int, reference: str, actor: Actor, now: dt.datetime
) -> StoreCreditEntry:
    """Spend credit (an order paid with it); refused with 409 when the balance is short."""
    actor_require(actor, customer.store_id, Capability.STORE_CREDIT_MANAGE)
    if amount <= 0:
        raise errors.AMOUNT_POSITIVE.field("amount")
    account = _account_lock(customer, now)
    if account.balance < amount:
        raise errors.STORE_CREDIT_SHORT(
            balance=money(account.balance),
            amount=money(amount),
            extra={"balance": account.balance},
        )
    return _entry(
        account,
        amount=-amount,
        kind=StoreCreditEntryKind.REDEEM,
        actor=actor,
        now=now,
        reference=reference,
    )
