"""The refund lifecycle as data, and the one function that moves a refund along it.

``refund_transition`` locks the refund, looks the move up in ``TRANSITIONS``, applies it with
the fields the caller sets and writes a ``RefundStatusChange``, in one transaction.

pending ─send→ sending ─pay→ paid
                 ├─retry→ pending (the gateway was unavailable; backoff)
                 ├─lose_reply→ unknown ─pay→ paid | ─send→ sending (same idempotency key)
                 └─fail→ failed ─reopen→ pending (a manager, after fixing the cause)
pending ─await_transfer→ awaiting_transfer ─pay→ paid | ─fail→ failed
pending ─pay_by_channel→ paid_by_channel;   pending ─pay→ paid (store credit, at once)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import pgettext_lazy

from banpum.core.actors import Actor
from banpum.settlement import errors
from banpum.settlement.models import Refund, RefundStatusChange
from banpum.settlement.models import RefundStatus as S


class RefundAction(StrEnum):
    SEND = "send"
    PAY = "pay"
    RETRY = "retry"
    LOSE_REPLY = "lose_reply"
    FAIL = "fail"
    REOPEN = "reopen"
    AWAIT_TRANSFER = "await_transfer"
    PAY_BY_CHANNEL = "pay_by_channel"


ACTION_VERBS = {
    RefundAction.SEND: pgettext_lazy("verb in a message", "send"),
    RefundAction.PAY: pgettext_lazy("verb in a message", "mark as paid"),
    RefundAction.RETRY: pgettext_lazy("verb in a message", "retry"),
    RefundAction.LOSE_REPLY: pgettext_lazy("verb in a message", "mark as unknown"),
    RefundAction.FAIL: pgettext_lazy("verb in a message", "fail"),
    RefundAction.REOPEN: pgettext_lazy("verb in a message", "retry"),
    RefundAction.AWAIT_TRANSFER: pgettext_lazy("verb in a message", "queue for transfer"),
    RefundAction.PAY_BY_CHANNEL: pgettext_lazy("verb in a message", "record as refunded by"),
}

TRANSITIONS: tuple[tuple[S, RefundAction, S], ...] = (
    (S.PENDING, RefundAction.SEND, S.SENDING),
    (S.UNKNOWN, RefundAction.SEND, S.SENDING),
    (S.SENDING, RefundAction.PAY, S.PAID),
    (S.UNKNOWN, RefundAction.PAY, S.PAID),
    (S.PENDING, RefundAction.PAY, S.PAID),
    (S.AWAITING_TRANSFER, RefundAction.PAY, S.PAID),
    (S.SENDING, RefundAction.RETRY, S.PENDING),
    (S.UNKNOWN, RefundAction.RETRY, S.PENDING),
    (S.SENDING, RefundAction.LOSE_REPLY, S.UNKNOWN),
    (S.PENDING, RefundAction.FAIL, S.FAILED),
    (S.SENDING, RefundAction.FAIL, S.FAILED),
    (S.UNKNOWN, RefundAction.FAIL, S.FAILED),
    (S.AWAITING_TRANSFER, RefundAction.FAIL, S.FAILED),
    (S.FAILED, RefundAction.REOPEN, S.PENDING),
    (S.PENDING, RefundAction.AWAIT_TRANSFER, S.AWAITING_TRANSFER),
    (S.PENDING, RefundAction.PAY_BY_CHANNEL, S.PAID_BY_CHANNEL),
)
TABLE: dict[tuple[S, RefundAction], S] = {(s, a): t for s, a, t in TRANSITIONS}
if len(TABLE) != len(TRANSITIONS):
    raise RuntimeError("duplicate (status, action) in TRANSITIONS")


def refund_transition_allowed(status: str, action: RefundAction) -> bool:
    return (S(status), action) in TABLE


def refund_allowed_actions(status: str) -> list[RefundAction]:
    return [a for s, a, _ in TRANSITIONS if s == status]


@dataclass(frozen=True)
class RefundMove:
    changes: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)


def refund_transition(
    *,
    refund: Refund,
    action: RefundAction,
    actor: Actor,
    now: dt.datetime,
    move: RefundMove | None = None,
) -> Refund:
    """Apply ``action`` under the refund's row lock; the only writer of ``Refund.status``."""
    move = move or RefundMove()
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        target = TABLE.get((S(locked.status), action))
        if target is None:
            raise errors.REFUND_ILLEGAL_TRANSITION(
                action=ACTION_VERBS[action],
                status=locked.get_status_display(),
                extra={
                    "status": locked.status,
                    "action": action.value,
                    "allowed_actions": [a.value for a in refund_allowed_actions(locked.status)],
                },
            )
        from_status = locked.status
        for name, value in move.changes.items():
            setattr(locked, name, value)
        locked.status = target
        locked.version += 1
        locked.updated_at = now
        locked.save(update_fields=sorted({"status", "version", "updated_at", *move.changes}))
        RefundStatusChange.objects.create(
            refund=locked,
            action=action.value,
            from_status=from_status,
            to_status=target,
            actor_type=actor.type,
            actor_label=actor.label[:150],
            data=dict(move.data),
            at=now,
        )
    return locked
