"""A small store history for the insights tests: orders sold, returns walked through the real
lifecycle with a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from banpum.commerce.models import Order, Product, SalesChannel, Store
from banpum.policy.types import Resolution
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.models import ReturnStatus as Status
from banpum.returns.services import return_request_create
from banpum.returns.transitions import return_transition
from tests.factories import ChannelFactory, ProductFactory, make_order
from tests.returns.helpers import API_ACTOR, PATH_TO, SATISFYING_MOVE, WAREHOUSE, ask_for

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=SEOUL)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SEOUL)


def product(store: Store, sku: str, category: str = "shoes") -> Product:
    found = Product.objects.filter(store=store, sku=sku).first()
    return found or ProductFactory(store=store, sku=sku, category=category)


def channel(store: Store, code: str = "own") -> SalesChannel:
    found = SalesChannel.objects.filter(store=store, code=code).first()
    return found or ChannelFactory(store=store, code=code, name=code.title())


def sell(
    store: Store,
    day: dt.date,
    skus: Sequence[str | tuple[str, str]],
    *,
    channel_code: str = "own",
    quantity: int = 1,
) -> Order:
    """An order placed at noon of ``day`` (Seoul) with one line per SKU (or (sku, category))."""
    lines: list[dict[str, Any]] = []
    for spec in skus:
        sku, category = spec if isinstance(spec, tuple) else (spec, "shoes")
        lines.append({"product": product(store, sku, category), "quantity": quantity})
    order = make_order(
        store=store,
        lines=lines,
        ordered_at=at(day),
        channel=channel(store, channel_code),
        delivered_days_ago=None,
    )
    order.shipments.update(shipped_at=at(day, 18), delivered_at=at(day + dt.timedelta(days=1)))
    # Last written when placed, on the tests' clock (the insights build reads changed orders
    # by ``updated_at`` against its own clock).
    Order.objects.filter(pk=order.pk).update(updated_at=at(day))
    order.refresh_from_db(fields=["updated_at"])
    return order


def give_back(
    order: Order,
    when: dt.datetime,
    *,
    lines: Sequence[tuple[int, int]] = ((1, 1),),
    reason_code: str = "change_of_mind",
    resolution: Resolution = Resolution.REFUND,
    to: Status = Status.REQUESTED,
    step: dt.timedelta = dt.timedelta(days=1),
    detail: str = "",
) -> ReturnRequest:
    """A return requested at ``when``, then walked to ``to``, one step per ``step``."""
    ask = ask_for(order, lines, reason_code=reason_code, resolution=resolution)
    found = return_request_create(
        order=order,
        ask=ask,
        origin=Origin.CS,
        actor=API_ACTOR,
        reason_detail=detail,
        allow_ineligible=True,
        now=when,
    )
    moment = when
    for action in PATH_TO[to]:
        moment += step
        found = return_transition(
            return_request=found,
            action=action,
            actor=WAREHOUSE,
            move=SATISFYING_MOVE,
            now=moment,
        )
    return found
