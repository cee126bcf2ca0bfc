"""The carrier's label codes (분류코드, 도착 터미널) of a booked pickup, fetched once in a job.

A courier sorts a parcel by the carrier's sorting code and terminal, so a label without them is
sorted by hand. Only the carrier knows them (``CarrierGateway.label``), and a label PDF must not
wait on the carrier, so they are fetched once after a booking succeeds and stored on the pickup;
the label prints what is stored.

Durable like the booking: the fetch is enqueued after the booking commits, every attempt first
records when the next one is due (``label_codes_due_at``), and ``pickup_label_codes_sweep``
re-enqueues booked pickups that never got their codes (a crash between commit and enqueue, a
worker killed mid-call, a carrier that was down). A carrier that cannot answer for good (CJ
prints its own return labels; an unknown waybill) is asked no more; the label then shows "-".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet

from banpum.integrations.carriers.base import GatewayError, LabelInfo
from banpum.logistics.gateways import gateway_open
from banpum.logistics.jobs import jobs
from banpum.logistics.models import Gateway, Pickup, PickupStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 6 * 3600
# A pickup whose waybill a carrier issued and whose label may still be printed.
BOOKED_STATUSES = (
    PickupStatus.ACCEPTED,
    PickupStatus.PICKED_UP,
    PickupStatus.IN_TRANSIT,
    PickupStatus.EXCEPTION,
)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempts)))


def _wanting_codes() -> QuerySet[Pickup]:
    """Booked by a linked carrier, codes not fetched, not given up."""
    return Pickup.objects.filter(
        status__in=BOOKED_STATUSES,
        manual=False,
        sorting_code="",
        terminal="",
        label_codes_attempts__lt=MAX_ATTEMPTS,
    ).exclude(Q(waybill_number="") | Q(account__gateway=Gateway.NONE))


def pickup_label_codes_enqueue(pickup_id: int) -> None:
    """Queue the fetch; call it on commit of the booking that issued the waybill."""
    jobs().pickup_label_codes_fetch(pickup_id)


def pickup_label_codes_fetch(*, pickup_id: int, now: dt.datetime) -> Pickup | None:
    """The job: ask the carrier for the label codes outside any transaction, then store them."""
    pickup = _wanting_codes().select_related("account").filter(pk=pickup_id).first()
    if pickup is None:
        return Pickup.objects.filter(pk=pickup_id).first()  # done, given up, or not booked
    attempts = pickup.label_codes_attempts + 1
    # Recorded before the call: a worker killed mid-call leaves a row the sweep finds when due.
    Pickup.objects.filter(pk=pickup.pk).update(
        label_codes_attempts=F("label_codes_attempts") + 1,
        label_codes_due_at=now + _backoff(attempts),
    )
    result: LabelInfo | GatewayError
    with gateway_open(pickup.account) as gateway:
        if gateway is None:
            result = GatewayError("unlinked", "This carrier account has no API.", retryable=False)
        else:
            result = gateway.label(waybill_number=pickup.waybill_number)
    return pickup_label_codes_apply(pickup_id=pickup.pk, result=result, attempts=attempts)


@transaction.atomic
def pickup_label_codes_apply(
    *, pickup_id: int, result: LabelInfo | GatewayError, attempts: int
) -> Pickup:
    pickup = Pickup.objects.select_for_update().get(pk=pickup_id)
    if isinstance(result, LabelInfo):
        pickup.sorting_code = result.sorting_code.strip()[:32]
        pickup.terminal = result.terminal.strip()[:64]
        pickup.label_codes_error = ""
        pickup.label_codes_due_at = None
        if not (pickup.sorting_code or pickup.terminal):
            pickup.label_codes_error = "The carrier has no label codes for this waybill."
        pickup.save(
            update_fields=[
                "sorting_code",
                "terminal",
                "label_codes_error",
                "label_codes_due_at",
                "updated_at",
            ]
        )
        return pickup
    pickup.label_codes_error = f"{result.code}: {result.message}"[:500]
    fields = ["label_codes_error", "updated_at"]
    if not result.retryable or attempts >= MAX_ATTEMPTS:
        pickup.label_codes_due_at = None  # given up: the label prints "-"
        pickup.label_codes_attempts = max(pickup.label_codes_attempts, MAX_ATTEMPTS)
        fields += ["label_codes_due_at", "label_codes_attempts"]
        logger.warning(
            "label codes not available pickup=%s waybill=%s error=%s",
            pickup.pk,
            pickup.waybill_number,
            pickup.label_codes_error,
        )
    pickup.save(update_fields=fields)
    return pickup


def pickup_label_codes_sweep(*, now: dt.datetime, grace_seconds: int = 120) -> dict[str, Any]:
    """Re-enqueue fetches a crash lost or a retry is due for; periodic, safe to repeat.

    A pickup never tried is picked up once its booking is ``grace_seconds`` old (its own job
    has had time to run by then); a tried one once its ``label_codes_due_at`` has passed.
    Enqueueing pushes ``label_codes_due_at`` by the grace period, so a backed-up queue gets one
    extra job per grace period, not one per sweep.
    """
    stale = now - dt.timedelta(seconds=grace_seconds)
    due = list(
        _wanting_codes()
        .filter(
            Q(label_codes_due_at__isnull=True, label_codes_attempts=0, accepted_at__lt=stale)
            | Q(label_codes_due_at__lt=now)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:500]
    )
    if due:
        Pickup.objects.filter(pk__in=due).update(
            label_codes_due_at=now + dt.timedelta(seconds=grace_seconds)
        )
        logger.info("label codes sweep enqueued=%s", len(due))
    for pickup_id in due:
        pickup_label_codes_enqueue(pickup_id)
    return {"enqueued": len(due)}
