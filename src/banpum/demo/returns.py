"""Demo returns: planned (``plans``), then played through the services (``runner``).

The plans run in the order they were opened, each on its own clock; the bookings they make
wait until every return is open, then the carrier desk plays them on the carrier simulator and
the returns whose parcels it moved go on. Nothing is rewritten afterwards but two insert
stamps of the logistics rows (``timeline.pickups_restamp``).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import transaction

from banpum.commerce.models import Order, Store
from banpum.core.errors import ApplicationError
from banpum.demo.logistics import CarrierDesk
from banpum.demo.orders import OrderInfo
from banpum.demo.plans import AUTO_APPROVE_MAX, MIN_RETURNS, Plan, Planner, status_plan
from banpum.demo.runner import Cast, ReturnsResult, Runner, Waiting
from banpum.demo.timeline import pickups_restamp
from banpum.logistics.models import Pickup

__all__ = ["AUTO_APPROVE_MAX", "MIN_RETURNS", "Cast", "ReturnsResult", "returns_seed"]

logger = logging.getLogger(__name__)


@contextmanager
def _skipped(result: ReturnsResult, plan: Plan) -> Iterator[None]:
    """One return's steps in a savepoint: a refusal skips the return and is reported."""
    try:
        with transaction.atomic():
            yield
    except (ApplicationError, RuntimeError) as error:
        message = getattr(error, "message", str(error))
        logger.warning("demo return skipped order=%s: %s", plan.order.id, message)
        result.problems.append(f"order {plan.order.id} ({plan.target}, {plan.kind}): {message}")


def returns_seed(
    *,
    orders: Sequence[OrderInfo],
    count: int,
    cast: Cast,
    store: Store,
    now: dt.datetime,
    rng: random.Random,
    desk: CarrierDesk,
    cutover_at: dt.datetime | None = None,
    on_cutover: Callable[[], object] | None = None,
) -> ReturnsResult:
    """Plan ``count`` returns over ``orders``, run them in the order they were opened, then
    let the carrier desk play the booked pickups and take those returns on.

    ``on_cutover`` runs once before the first return opened at or after ``cutover_at`` (the
    demo publishes policy version 2 there, so earlier returns keep version 1).
    """
    result = ReturnsResult()
    planner = Planner(orders, now=now, tz=store.timezone, rng=rng, cutover_at=cutover_at)
    plans: list[Plan] = []
    for slot in status_plan(count, rng):
        plan = planner.plan(slot)
        if plan is None:
            story = f" ({slot.pickup})" if slot.pickup else ""
            story += f" [{slot.case}]" if slot.case else ""
            result.problems.append(f"no order fits a {slot.target} return{story}")
        else:
            plans.append(plan)
    plans.sort(key=lambda plan: plan.opened_at)
    by_id = Order.objects.in_bulk([plan.order.id for plan in plans])
    runner = Runner(cast, rng, desk, now=now)
    waiting: list[Waiting] = []
    pending_cutover = on_cutover
    for plan in plans:
        if pending_cutover is not None and cutover_at is not None and plan.opened_at >= cutover_at:
            pending_cutover()
            pending_cutover = None
        with _skipped(result, plan):
            _, wait = runner.run(plan, by_id[plan.order.id])
            if wait is not None:
                waiting.append(wait)
            else:
                result.created += 1
    if pending_cutover is not None:
        pending_cutover()

    desk.play([(wait.pickup_id, wait.plan.pickup) for wait in waiting if wait.plan.pickup])
    result.problems += desk.problems
    desk.problems.clear()
    for wait in waiting:
        with _skipped(result, wait.plan):
            runner.resume(wait)
            result.created += 1
    result.problems += desk.problems
    pickups_restamp(Pickup.objects.filter(account__store=store).values_list("pk", flat=True))
    return result
