"""What the rest of the system does when a return moves, wired in at start-up.

Returns sit below logistics: they must not import it, even inside a function. Approval needs a
pickup arranged and a cancel needs the pickups stopped, so returns call these hooks, and the
logistics app wires its services in when Django starts (``LogisticsConfig.ready``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from banpum.core.actors import Actor
    from banpum.returns.models import ReturnRequest


class PickupHooks(Protocol):
    def arrange(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        """A carrier-pickup return was approved: book its pickup or instruct the customer."""

    def cancel(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        """The return (locked by the caller) is being cancelled: stop its pickups."""


class _NoPickups:
    """Until logistics is wired: approved returns wait (the sweep arranges them later)."""

    def arrange(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        return None

    def cancel(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        return None


_pickups: list[PickupHooks] = [_NoPickups()]


def pickup_hooks_wire(hooks: PickupHooks) -> None:
    _pickups[:] = [hooks]


def pickup_hooks() -> PickupHooks:
    return _pickups[0]


@dataclass(frozen=True)
class RefundSummary:
    """One refund of a return as its detail shows it: codes, their words, money and dates."""

    id: int
    kind: str
    kind_label: str
    method: str
    method_label: str
    status: str
    status_label: str
    amount: int
    interest_owed: int
    due_on: dt.date | None
    paid_at: dt.datetime | None


class SettlementHooks(Protocol):
    def keep_item(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> bool:
        """Just approved: if the policy lets the customer keep the goods, refund without a
        pickup (KEEP_ITEM) and answer True; else False, and the pickup is arranged."""

    def picked_up(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        """The carrier scanned the parcel: an early refund (선환불) may be due."""

    def refunds_of(self, return_request: ReturnRequest) -> list[RefundSummary]:
        """The return's refunds, oldest first, for its detail."""


class _NoSettlement:
    def keep_item(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> bool:
        return False

    def picked_up(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        return None

    def refunds_of(self, return_request: ReturnRequest) -> list[RefundSummary]:
        return []


_settlement: list[SettlementHooks] = [_NoSettlement()]


def settlement_hooks_wire(hooks: SettlementHooks) -> None:
    _settlement[:] = [hooks]


def settlement_hooks() -> SettlementHooks:
    return _settlement[0]
