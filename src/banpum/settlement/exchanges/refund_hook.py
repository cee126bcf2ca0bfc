"""How an exchange turned refund starts the refund, until the refunds module is merged in.

``banpum.settlement.refunds.refund_for_return(return_request, actor, now, note="")`` is built
beside this module; ``SettlementConfig.ready`` wires it here. Unwired, the return still moves
to refund_pending (the refunds sweep finds it there), and a warning says so.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from banpum.core.actors import Actor
    from banpum.returns.models import ReturnRequest

logger = logging.getLogger(__name__)


class RefundForReturn(Protocol):
    def __call__(
        self, return_request: ReturnRequest, actor: Actor, now: dt.datetime, note: str = ""
    ) -> Any: ...


def _not_wired(
    return_request: ReturnRequest, actor: Actor, now: dt.datetime, note: str = ""
) -> None:
    logger.warning("no refund service wired; return %s waits in refund_pending", return_request)


_wired: list[RefundForReturn] = [_not_wired]


def refund_for_return_wire(function: RefundForReturn) -> None:
    _wired[:] = [function]


def refund_for_return(
    return_request: ReturnRequest, actor: Actor, now: dt.datetime, note: str = ""
) -> Any:
    return _wired[0](return_request, actor, now, note)
