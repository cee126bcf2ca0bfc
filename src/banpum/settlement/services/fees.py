"""An outstanding return fee settled later, or waived by a manager; then the return completes
if the fee was all that held it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.returns import services as return_services
from banpum.returns.models import FeeSettlement, ReturnRequest
from banpum.settlement import errors

SETTLED_LATER = (FeeSettlement.ENCLOSED, FeeSettlement.TRANSFERRED, FeeSettlement.CHARGED)


def _settle(
    return_request: ReturnRequest,
    how: FeeSettlement,
    actor: Actor,
    now: dt.datetime,
    note: str,
) -> ReturnRequest:
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if locked.fee_settlement != FeeSettlement.OUTSTANDING:
        raise errors.FEE_NOT_OUTSTANDING(number=locked.number)
    locked = return_services.return_fee_settle(
        return_request=locked, settlement=how, actor=actor, now=now, note=note
    )
    return return_services.return_complete_if_settled(return_request=locked, actor=actor, now=now)


@transaction.atomic
def return_fee_waive(
    *, return_request: ReturnRequest, reason: str, actor: Actor, now: dt.datetime
) -> ReturnRequest:
    actor_require(actor, return_request.store_id, Capability.FEE_WAIVE)
    if not reason.strip():
        raise errors.TEXT_NEEDED.field("reason")
    return _settle(return_request, FeeSettlement.WAIVED, actor, now, reason.strip())


@transaction.atomic
def return_fee_settle_later(
    *,
    return_request: ReturnRequest,
    how: FeeSettlement,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
) -> ReturnRequest:
    # Recording an outstanding fee as paid completes the return as a waiver would: a manager's.
    actor_require(actor, return_request.store_id, Capability.FEE_WAIVE)
    if how not in SETTLED_LATER:
        raise errors.FEE_SETTLE_HOW.field("how")
    return _settle(return_request, how, actor, now, note.strip())
