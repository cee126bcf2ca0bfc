"""The account a bank-transfer refund is paid to: checked for form, encrypted at rest, shown
and logged masked. A new account is a new row; the latest of a return (else of its order) is
the one a transfer batch uses."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.integrations.banks.accounts import bank_account_check
from banpum.integrations.errors import account_problems_error
from banpum.returns.models import ReturnRequest
from banpum.settlement.models import RefundAccount

logger = logging.getLogger(__name__)


@transaction.atomic
def refund_account_set(
    *,
    return_request: ReturnRequest,
    bank_code: str,
    account_number: str,
    holder_name: str,
    actor: Actor,
    now: dt.datetime,
) -> RefundAccount:
    """Record the account the customer gave for this return; 422 naming each bad field."""
    actor_require(actor, return_request.store_id, Capability.REFUND_ACCOUNT_SET)
    check = bank_account_check(
        bank_code=bank_code, account_number=account_number, holder_name=holder_name
    )
    if check.account is None:
        raise account_problems_error(check.problems)
    account = check.account
    order = return_request.order
    created = RefundAccount.objects.create(
        store_id=return_request.store_id,
        customer_id=order.customer_id,
        order=order,
        return_request=return_request,
        bank_code=account.bank.code,
        account_number=account.number,
        account_last4=account.number[-4:],
        account_masked=account.masked_number,
        holder_name=account.holder_name,
        created_by=actor.label[:150],
        created_at=now,
    )
    logger.info(
        "refund account set return=%s bank=%s account=%s",
        return_request.number,
        account.bank.code,
        account.masked_number,
    )
    return created
