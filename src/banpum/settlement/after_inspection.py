"""What an inspected return sets going: its refund, its exchange, and the refused goods' way back.

The warehouse calls this (through ``warehouse.hooks``) inside ``return_inspect``'s transaction,
the return locked, so the decision and the work it starts (a refund row, a reservation, a
shipment row) commit together or not at all; the jobs that pay or book run after commit.
It acts as the system: the worker who inspected decides the goods, not the money.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError
from banpum.logistics.models import OutboundKind
from banpum.logistics.services.outbound import outbound_shipment_request
from banpum.policy.types import ReturnType
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.services import return_complete_if_settled
from banpum.returns.transitions import Action, Move, return_transition
from banpum.settlement.exchanges.services import exchange_start
from banpum.settlement.services.intents import refund_for_return
from banpum.warehouse.models import LineInspection

logger = logging.getLogger(__name__)

SETTLEMENT_ACTOR = Actor.system("settlement")


def _refused_items(return_request: ReturnRequest) -> list[dict[str, object]]:
    """The units received but not accepted: they go back to the customer."""
    items: list[dict[str, object]] = []
    inspections = LineInspection.objects.filter(
        return_line__return_request=return_request
    ).select_related("return_line__order_line")
    for inspection in inspections:
        refused = inspection.quantity_received - inspection.quantity_accepted
        if refused > 0:
            line = inspection.return_line.order_line
            items.append({"sku": line.sku, "name": line.name, "quantity": refused})
    return items


def return_settle_after_inspection(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
) -> None:
    """Refund or exchange what was accepted; send back what was refused."""
    accepted = sum(
        LineInspection.objects.filter(return_line__return_request=return_request).values_list(
            "quantity_accepted", flat=True
        )
    )
    refused = _refused_items(return_request)
    if refused:
        outbound_shipment_request(
            return_request=return_request,
            kind=OutboundKind.SEND_BACK,
            actor=SETTLEMENT_ACTOR,
            now=now,
            items=refused,
        )
    if accepted == 0:
        return_transition(
            return_request=return_request,
            action=Action.SEND_BACK,
            actor=SETTLEMENT_ACTOR,
            move=Move(data={"items": len(refused)}),
            now=now,
        )
        logger.info("return sent back number=%s", return_request.number)
        return
    if return_request.type == ReturnType.EXCHANGE:
        exchange_start(return_request=return_request, actor=SETTLEMENT_ACTOR, now=now)
        return
    try:
        with transaction.atomic():
            refund_for_return(return_request=return_request, actor=SETTLEMENT_ACTOR, now=now)
    except ApplicationError as error:
        if error.code != "nothing_to_refund":
            raise
        # Lawful deductions (or earlier refunds) took it all: nothing to pay, the return is done.
        _settled_with_nothing_to_pay(return_request, now)


def _settled_with_nothing_to_pay(return_request: ReturnRequest, now: dt.datetime) -> None:
    locked = return_transition(
        return_request=return_request,
        action=Action.START_REFUND,
        actor=SETTLEMENT_ACTOR,
        move=Move(data={"amount": 0}),
        now=now,
    )
    locked = return_transition(
        return_request=locked,
        action=Action.REFUND_PAID,
        actor=SETTLEMENT_ACTOR,
        move=Move(data={"refunds": 0}),
        now=now,
    )
    return_complete_if_settled(return_request=locked, actor=SETTLEMENT_ACTOR, now=now)


def return_sent_back_complete(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
) -> None:
    """The refused goods' parcel is booked: a sent-back return is done, unless a fee is owed."""
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status == ReturnStatus.SENT_BACK:
            return_complete_if_settled(return_request=locked, actor=actor, now=now)
