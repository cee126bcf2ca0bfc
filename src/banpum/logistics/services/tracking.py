"""Tracking ingestion: store carrier events once, then move pickups, returns and shipments.

Webhooks and polling both end here. Events are deduplicated by a unique key per parcel, so a
carrier that sends an event twice, or a poll that overlaps a webhook, changes nothing; the
pickup's status comes from ``progress.pickup_progress`` over all events, so order of arrival
does not matter either.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from banpum.commerce.models import Shipment
from banpum.integrations.carriers.base import GatewayError, TrackedEvent
from banpum.integrations.carriers.factory import gateway_for
from banpum.logistics import progress as P
from banpum.logistics.models import Pickup, PickupException, PickupStatus, TrackingEvent
from banpum.logistics.services.pickups import carrier_actor
from banpum.returns import events
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.transitions import Action, Move, return_transition

logger = logging.getLogger(__name__)

EXCEPTION_CODES = {choice.value for choice in PickupException}


@dataclass(frozen=True)
class IncomingEvent:
    tracking_number: str
    status: str
    occurred_at: dt.datetime
    raw_status: str = ""
    description: str = ""
    location: str = ""
    event_id: str = ""
    exception_code: str = ""

    @classmethod
    def from_tracked(cls, tracking_number: str, event: TrackedEvent) -> IncomingEvent:
        return cls(
            tracking_number=tracking_number,
            status=event.status,
            occurred_at=event.occurred_at,
            raw_status=event.raw_status,
            description=event.description,
            location=event.location,
            event_id=event.dedupe_key,
            exception_code=event.exception_code,
        )


@dataclass
class IngestResult:
    created: int = 0
    duplicates: int = 0
    unmatched: list[str] = field(default_factory=list)
    pickups: set[int] = field(default_factory=set)
    shipments: set[int] = field(default_factory=set)


def _key(event: IncomingEvent) -> str:
    return (event.event_id or P.dedupe_key(
        status=event.status,
        occurred_at=event.occurred_at,
        location=event.location,
        description=event.description,
    ))[:128]


def tracking_events_ingest(*, carrier_code: str, events_in: Sequence[IncomingEvent]) -> IngestResult:
    """Record new events of one carrier and apply them; duplicates are counted and ignored."""
    result = IngestResult()
    numbers = {event.tracking_number for event in events_in}
    with transaction.atomic():
        pickups = {
            p.waybill_number: p
            for p in Pickup.objects.filter(
                account__carrier__code=carrier_code, waybill_number__in=numbers
            ).order_by("id")
        }
        shipments = {
            s.tracking_number: s
            for s in Shipment.objects.filter(carrier_code=carrier_code, tracking_number__in=numbers)
        }
        existing = set(
            TrackingEvent.objects.filter(
                carrier_code=carrier_code, tracking_number__in=numbers
            ).values_list("tracking_number", "dedupe_key")
        )
        new_rows: list[TrackingEvent] = []
        for event in events_in:
            pickup = pickups.get(event.tracking_number)
            shipment = shipments.get(event.tracking_number)
            if pickup is None and shipment is None:
                result.unmatched.append(event.tracking_number)
                continue
            key = _key(event)
            if (event.tracking_number, key) in existing:
                result.duplicates += 1
                continue
            existing.add((event.tracking_number, key))
            new_rows.append(
                TrackingEvent(
                    carrier_code=carrier_code,
                    tracking_number=event.tracking_number,
                    dedupe_key=key,
                    status=event.status if event.status in P.KNOWN_STATUSES else "UNKNOWN",
                    raw_status=event.raw_status[:100],
                    description=event.description[:500],
                    location=event.location[:200],
                    exception_code=event.exception_code
                    if event.exception_code in EXCEPTION_CODES
                    else "",
                    occurred_at=event.occurred_at,
                    pickup=pickup,
                    shipment=shipment if pickup is None else None,
                )
            )
            if pickup is not None:
                result.pickups.add(pickup.pk)
            elif shipment is not None:
                result.shipments.add(shipment.pk)
        # A concurrent delivery of the same event loses the race quietly on the unique key.
        TrackingEvent.objects.bulk_create(new_rows, ignore_conflicts=True)
        result.created = len(new_rows)
    for pickup_id in sorted(result.pickups):
        pickup_tracking_apply(pickup_id=pickup_id)
    for shipment_id in sorted(result.shipments):
        shipment_tracking_apply(shipment_id=shipment_id)
    if result.unmatched:
        logger.info("tracking events for unknown parcels carrier=%s numbers=%s", carrier_code,
                    sorted(set(result.unmatched))[:20])
    return result


@transaction.atomic
def pickup_tracking_apply(*, pickup_id: int) -> Pickup:
    pickup = (
        Pickup.objects.select_for_update(of=("self",))
        .select_related("account__carrier")
        .get(pk=pickup_id)
    )
    facts = [
        P.EventFacts(e.status, e.occurred_at, e.exception_code, e.raw_status or e.description)
        for e in pickup.tracking_events.all()
    ]
    progress = P.pickup_progress(pickup.status, facts)
    actor = carrier_actor(pickup.account)
    changed = progress.status != pickup.status
    if changed:
        pickup.status = progress.status
    if progress.picked_up_at and not pickup.picked_up_at:
        pickup.picked_up_at = progress.picked_up_at
    if progress.delivered_at and not pickup.delivered_at:
        pickup.delivered_at = progress.delivered_at
    return_request = ReturnRequest.objects.select_for_update().get(pk=pickup.return_request_id)
    if changed and progress.status == P.EXCEPTION and progress.exception is not None:
        failure = progress.exception
        pickup.exception_code = failure.exception_code or PickupException.OTHER
        pickup.exception_message = failure.description[:500]
        pickup.exception_at = failure.occurred_at
        events.event_logistics(
            return_request,
            actor,
            kind="pickup_exception",
            note=f"회수 실패 ({pickup.get_exception_code_display()}): {failure.description}",
            data={"pickup_id": pickup.pk, "exception_code": pickup.exception_code},
        )
    pickup.save()
    _move_return(return_request, pickup, actor)
    return pickup


def _move_return(return_request: ReturnRequest, pickup: Pickup, actor: object) -> None:
    moving = pickup.status in (P.PICKED_UP, P.IN_TRANSIT, P.DELIVERED)
    data = {"pickup_id": pickup.pk, "waybill_number": pickup.waybill_number}
    if moving and return_request.status in (
        ReturnStatus.PICKUP_REQUESTED,
        ReturnStatus.AWAITING_SHIPMENT,
    ):
        return_request = return_transition(
            return_request=return_request,
            action=Action.MARK_IN_TRANSIT,
            actor=actor,  # type: ignore[arg-type]
            move=Move(note=f"집하 완료: {pickup.waybill_number}", data=data),
        )
    if pickup.status == P.DELIVERED and return_request.status == ReturnStatus.IN_TRANSIT:
        return_transition(
            return_request=return_request,
            action=Action.ARRIVE,
            actor=actor,  # type: ignore[arg-type]
            move=Move(note="반품 입고지 도착 — 검수 대기", data=data),
        )


@transaction.atomic
def shipment_tracking_apply(*, shipment_id: int) -> Shipment:
    """A forward delivery's DELIVERED event sets ``delivered_at``: it starts the legal window."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    delivered = shipment.tracking_events.filter(status="DELIVERED").aggregate(
        first=Min("occurred_at")
    )["first"]
    if delivered is not None and shipment.delivered_at != delivered:
        shipment.delivered_at = delivered
        shipment.save(update_fields=["delivered_at"])
    return shipment


def tracking_poll(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Ask linked carriers without webhooks where their parcels are; periodic."""
    now = now or timezone.now()
    polled = failed = 0
    pickups = (
        Pickup.objects.filter(
            account__poll_tracking=True,
            status__in=(PickupStatus.ACCEPTED, PickupStatus.PICKED_UP, PickupStatus.IN_TRANSIT),
        )
        .exclude(waybill_number="")
        .select_related("account__carrier")
        .order_by("updated_at")[:limit]
    )
    for pickup in pickups:
        gateway = gateway_for(pickup.account)
        if gateway is None:
            continue
        found = gateway.track(pickup.waybill_number)
        if isinstance(found, GatewayError):
            failed += 1
            logger.warning("tracking poll failed waybill=%s error=%s", pickup.waybill_number,
                           found.message)
            continue
        polled += 1
        tracking_events_ingest(
            carrier_code=pickup.account.carrier.code,
            events_in=[IncomingEvent.from_tracked(pickup.waybill_number, e) for e in found],
        )
        Pickup.objects.filter(pk=pickup.pk).update(updated_at=now)
    return {"polled": polled, "failed": failed}
