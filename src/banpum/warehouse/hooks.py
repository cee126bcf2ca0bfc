"""What happens after the warehouse has inspected a return, wired in at start-up.

Settlement sits above the warehouse: it must not be imported here, even inside a function. An
inspected return needs its refund, exchange or send-back started, so ``return_inspect`` calls
``inspection_hooks().inspected`` inside its transaction (work that must not be lost is a row
written there) and settlement wires its service in from ``SettlementConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from banpum.core.actors import Actor
    from banpum.returns.models import ReturnRequest


class InspectionHooks(Protocol):
    def inspected(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        """The return (locked by the caller) was inspected: start what its outcome needs."""


class _NothingYet:
    """Until settlement is wired: inspected returns wait for a person to move them on."""

    def inspected(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        return None


_inspection: list[InspectionHooks] = [_NothingYet()]


def inspection_hooks_wire(hooks: InspectionHooks) -> None:
    _inspection[:] = [hooks]


def inspection_hooks() -> InspectionHooks:
    return _inspection[0]
