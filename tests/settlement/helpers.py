"""Orders paid by card and returns walked to inspection, for the settlement tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from banpum.commerce.models import Order, Store
from banpum.core.actors import Actor
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import make_order
from tests.returns.helpers import open_return, walk_to

SYSTEM = Actor.system("test")


def paid_order(
    store: Store,
    *,
    lines: Sequence[dict[str, Any]] = ({"quantity": 2, "unit_price": 10000},),
    payment_method: str = "card",
    payment_key: str = "pay_1",
    **kwargs: Any,
) -> Order:
    return make_order(
        store=store,
        lines=list(lines),
        payment_method=payment_method,
        payment_reference=payment_key,
        **kwargs,
    )


def inspected_return(
    order: Order, lines: Sequence[tuple[int, int]] = ((1, 1),), **ask: Any
) -> ReturnRequest:
    return walk_to(open_return(order, lines, **ask), S.INSPECTED)
