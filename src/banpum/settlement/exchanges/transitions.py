"""The exchange lifecycle as data, and the one function that moves an exchange along it.

requested → reserved (the replacement is held in stock) → shipping (its parcel is being booked)
→ shipped; a swap pickup (맞교환) goes reserved → shipped. With the customer's consent an
exchange that cannot ship becomes a refund (converted_to_refund); before anything ships it can
be cancelled. ``exchange_transition`` locks the row, refuses a move the table does not hold and
records an ``ExchangeStatusChange`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.db import transaction

from banpum.core.actors import Actor
from banpum.settlement import errors
from banpum.settlement.models import Exchange, ExchangeStatusChange
from banpum.settlement.models import ExchangeStatus as S


class ExchangeAction(StrEnum):
    RESERVE = "reserve"
    BOOK_SHIPMENT = "book_shipment"
    SHIP = "ship"
    CONVERT_TO_REFUND = "convert_to_refund"
    CANCEL = "cancel"


TRANSITIONS: tuple[tuple[S, ExchangeAction, S], ...] = (
    (S.REQUESTED, ExchangeAction.RESERVE, S.RESERVED),
    (S.RESERVED, ExchangeAction.BOOK_SHIPMENT, S.SHIPPING),
    (S.SHIPPING, ExchangeAction.SHIP, S.SHIPPED),
    # 맞교환: the driver handed the replacement over when collecting the return.
    (S.RESERVED, ExchangeAction.SHIP, S.SHIPPED),
    (S.REQUESTED, ExchangeAction.CONVERT_TO_REFUND, S.CONVERTED_TO_REFUND),
    (S.RESERVED, ExchangeAction.CONVERT_TO_REFUND, S.CONVERTED_TO_REFUND),
    # The parcel could not be booked: refund instead, the booking is stopped.
    (S.SHIPPING, ExchangeAction.CONVERT_TO_REFUND, S.CONVERTED_TO_REFUND),
    (S.REQUESTED, ExchangeAction.CANCEL, S.CANCELLED),
    (S.RESERVED, ExchangeAction.CANCEL, S.CANCELLED),
)
TABLE: dict[tuple[S, ExchangeAction], S] = {(s, a): t for s, a, t in TRANSITIONS}
if len(TABLE) != len(TRANSITIONS):
    raise RuntimeError("duplicate (status, action) in exchange TRANSITIONS")


def exchange_allowed_actions(status: str) -> list[ExchangeAction]:
    return [a for s, a, _ in TRANSITIONS if s == status]


def exchange_transition(
    *,
    exchange: Exchange,
    action: ExchangeAction,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Exchange:
    """Apply ``action`` under the row lock; the only writer of ``Exchange.status``."""
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        target = TABLE.get((S(locked.status), action))
        if target is None:
            raise errors.EXCHANGE_ILLEGAL_TRANSITION(
                action=action.value.replace("_", " "),
                status=locked.get_status_display(),
                extra={
                    "status": locked.status,
                    "action": action.value,
                    "allowed_actions": [a.value for a in exchange_allowed_actions(locked.status)],
                },
            )
        from_status = locked.status
        updated = {"status", "updated_at", *(changes or {})}
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        locked.status = target
        locked.updated_at = now
        locked.save(update_fields=sorted(updated))
        ExchangeStatusChange.objects.create(
            exchange=locked,
            action=action.value,
            from_status=from_status,
            to_status=target,
            actor_type=actor.type,
            actor_label=actor.label[:150],
            note=note[:500],
            data=dict(data or {}),
            at=now,
        )
    return locked
