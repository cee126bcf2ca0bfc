"""The periodic sweep: re-enqueue carrier calls a crash may have lost, arrange missed pickups."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction

from banpum.core.actors import Actor
from banpum.logistics.jobs import jobs
from banpum.logistics.models import CancelState, Pickup, PickupStatus
from banpum.logistics.services.pickups.booking import pickup_arrange_for_return
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.transitions import Action, return_transition_allowed

logger = logging.getLogger(__name__)


def _waits_for_arrangement(status: str) -> bool:
    """Approved and not yet routed: a pickup may still be requested for it."""
    return return_transition_allowed(status, Action.REQUEST_PICKUP)


def pickups_sweep(*, now: dt.datetime, grace_seconds: int = 120) -> dict[str, Any]:
    """Re-enqueue work a crash may have lost; periodic. Safe to run any time, any number of times.

    A call is re-sent once it is overdue by ``grace_seconds`` (a queued job or one in flight
    has had time to finish by then); re-sending bumps ``next_attempt_at``, so a backed-up queue
    gets one extra job per grace period, not one per sweep. Duplicate jobs are harmless: each
    checks the row's status, and the carrier dedupes the booking by its idempotency key.
    """
    stale = now - dt.timedelta(seconds=grace_seconds)
    resent = list(
        Pickup.objects.filter(status=PickupStatus.REQUESTED, next_attempt_at__lt=stale)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    recancel = list(
        Pickup.objects.filter(
            cancel_state=CancelState.REQUESTED, manual=False, next_attempt_at__lt=stale
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    if resent or recancel:
        Pickup.objects.filter(pk__in=[*resent, *recancel]).update(next_attempt_at=now)
    for pickup_id in resent:
        jobs().pickup_request_send(pickup_id)
    for pickup_id in recancel:
        jobs().pickup_cancel_send(pickup_id)
    arranged = 0
    waiting = ReturnRequest.objects.filter(
        status__in=[status for status in ReturnStatus if _waits_for_arrangement(status)],
        method="carrier_pickup",
        updated_at__lt=stale,
        pickups__isnull=True,
        # Only stores that have a carrier now; the others are on the stalled list for CS.
        store__carrier_accounts__is_active=True,
    ).distinct()
    for return_id in list(waiting.order_by("id").values_list("pk", flat=True)[:200]):
        with transaction.atomic():
            locked = (
                ReturnRequest.objects.select_for_update().select_related("order").get(pk=return_id)
            )
            if _waits_for_arrangement(locked.status) and not locked.pickups.exists():
                pickup_arrange_for_return(
                    return_request=locked, actor=Actor.system("sweep"), now=now
                )
                locked.refresh_from_db(fields=["status"])
                arranged += not _waits_for_arrangement(locked.status)
    if resent or recancel or arranged:
        logger.info(
            "pickup sweep resent=%s recancelled=%s arranged=%s",
            len(resent),
            len(recancel),
            arranged,
        )
    return {"resent": len(resent), "recancelled": len(recancel), "arranged": arranged}
