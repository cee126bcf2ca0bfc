"""Tracking ingestion: store carrier events once, then move pickups, returns and shipments.

Webhooks and polling both end here. Events are deduplicated by a unique key per parcel, so a
carrier that sends an event twice, or a poll that overlaps a webhook, changes nothing; the
pickup's status comes from ``progress.pickup_progress`` over all events, so order of arrival
does not matter either. Events are stored in one transaction and applied parcel by parcel
afterwards; a parcel named again (even by duplicates only) is applied again, so a crash between
the two steps is mended by the carrier's next delivery of the same events.

An event belongs to a parcel (carrier, waybill), and moves every pickup in that box: several
returns of one customer may travel together. A carrier whose clock runs ahead stamps events in
the future; the row keeps the carrier's time, but it is applied as of when we received it, so a
failure stamped hours ahead cannot keep an exception off the stalled list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Min

from banpum.commerce.models import Shipment
from banpum.core.actors import Actor
from banpum.integrations.carriers.base import GatewayError, TrackedEvent
from banpum.logistics import progress as P
from banpum.logistics.gateways import gateway_open
from banpum.logistics.jobs import jobs
from banpum.logistics.models import (
    Parcel,
    Pickup,
    PickupException,
    PickupStatus,
    TrackingEvent,
)
from banpum.logistics.services import parcels as parcel_services
from banpum.logistics.services.pickups.common import (
    backoff_seconds,
    carrier_actor,
    carrier_facts,
)
from banpum.logistics.transitions import (
    PickupAction,
    PickupMove,
    pickup_transition,
    pickup_transition_allowed,
    pickups_lock,
)
from banpum.returns import events
from banpum.returns.events import LogisticsKind, StatusCause
from banpum.returns.hooks import settlement_hooks
from banpum.returns.models import ReturnRequest
from banpum.returns.transitions import (
    Action,
    Move,
    refund_due_from,
    return_transition,
    return_transition_allowed,
)

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
    key = event.event_id or P.dedupe_key(
        status=event.status,
        occurred_at=event.occurred_at,
        location=event.location,
        description=event.description,
    )
    return key[:128]


def tracking_events_ingest(
    *,
    carrier_code: str,
    events_in: Sequence[IncomingEvent],
    now: dt.datetime,
    store_id: int | None = None,
) -> IngestResult:
    """Record new events of one carrier and apply them; duplicates are counted and ignored.

    ``store_id`` limits the parcels to one store's: a webhook authenticated by one store's
    carrier account must not move another store's returns.
    """
    result = IngestResult()
    # An empty number names no parcel (and would match every pickup not booked yet).
    numbers = {event.tracking_number for event in events_in if event.tracking_number}
    with transaction.atomic():
        parcel_rows = Parcel.objects.filter(carrier__code=carrier_code, tracking_number__in=numbers)
        shipment_rows = Shipment.objects.filter(
            carrier_code=carrier_code, tracking_number__in=numbers
        )
        if store_id is not None:
            parcel_rows = parcel_rows.filter(store_id=store_id)
            shipment_rows = shipment_rows.filter(order__store_id=store_id)
        # The open parcel of a waybill wins, else the newest; the oldest shipment does.
        by_number = {p.tracking_number: p for p in parcel_rows.order_by("is_open", "id")}
        pickups_of: dict[int, list[int]] = {}
        for pickup_id, parcel_id in (
            Pickup.objects.filter(parcel__in=list(by_number.values()))
            .order_by("id")
            .values_list("pk", "parcel_id")
        ):
            pickups_of.setdefault(parcel_id, []).append(pickup_id)
        shipments = {s.tracking_number: s for s in shipment_rows.order_by("-id")}
        existing = set(
            TrackingEvent.objects.filter(
                carrier_code=carrier_code, tracking_number__in=numbers
            ).values_list("tracking_number", "dedupe_key")
        )
        new_rows: list[TrackingEvent] = []
        for event in events_in:
            parcel = by_number.get(event.tracking_number) if event.tracking_number else None
            shipment = shipments.get(event.tracking_number) if event.tracking_number else None
            if parcel is None and shipment is None:
                result.unmatched.append(event.tracking_number)
                continue
            in_box = pickups_of.get(parcel.pk, []) if parcel is not None else []
            if parcel is not None:
                result.pickups.update(in_box)
            elif shipment is not None:
                result.shipments.add(shipment.pk)
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
                    received_at=now,
                    parcel=parcel,
                    pickup_id=in_box[-1] if in_box else None,
                    shipment=shipment if parcel is None else None,
                )
            )
        # A concurrent delivery of the same event loses the race quietly on the unique key.
        TrackingEvent.objects.bulk_create(new_rows, ignore_conflicts=True)
        result.created = len(new_rows)
    for pickup_id in sorted(result.pickups):
        pickup_tracking_apply(pickup_id=pickup_id, now=now)
    for shipment_id in sorted(result.shipments):
        shipment_tracking_apply(shipment_id=shipment_id)
    if result.unmatched:
        logger.info(
            "tracking events for unknown parcels carrier=%s numbers=%s",
            carrier_code,
            sorted(set(result.unmatched))[:20],
        )
    return result


def _carrier_words(event: TrackingEvent) -> str:
    """What the carrier said, as CS should read it: "고객부재: 고객 부재로 …"."""
    if event.raw_status and event.description and event.raw_status not in event.description:
        return f"{event.raw_status}: {event.description}"
    return event.description or event.raw_status


# The pickup move each progress proves.
_PROGRESS_ACTION = {
    P.PICKED_UP: PickupAction.COLLECT,
    P.IN_TRANSIT: PickupAction.TRANSIT,
    P.DELIVERED: PickupAction.DELIVER,
    P.EXCEPTION: PickupAction.REPORT_EXCEPTION,
}


def applied_at(event: TrackingEvent) -> dt.datetime:
    """When an event counts as having happened: never after we received it."""
    return min(event.occurred_at, event.received_at)


@transaction.atomic
def pickup_tracking_apply(*, pickup_id: int, now: dt.datetime) -> Pickup:
    """Move a pickup as far as its parcel's events prove, and its return with it."""
    return_request, pickup = pickups_lock(pickup_id)
    # Events name a parcel: a pickup has none to go by before it has one.
    rows = TrackingEvent.objects.filter(parcel_id=pickup.parcel_id) if pickup.parcel_id else []
    facts = [
        P.EventFacts(e.status, applied_at(e), e.exception_code, _carrier_words(e)) for e in rows
    ]
    progress = P.pickup_progress(pickup.status, facts)
    actor = carrier_actor(pickup.carrier)
    changes: dict[str, object] = {}
    # The earliest proof over every event: a late AT_PICKUP corrects the time a DELIVERED that
    # came first could only vouch for as "by then".
    if progress.picked_up_at and pickup.picked_up_at != progress.picked_up_at:
        changes["picked_up_at"] = progress.picked_up_at
    if progress.delivered_at and pickup.delivered_at != progress.delivered_at:
        changes["delivered_at"] = progress.delivered_at
    failure = progress.exception
    new_failure = failure is not None and pickup.exception_at != failure.occurred_at
    if failure is not None and new_failure:
        # A new failed attempt (the first, or a later one while CS has not answered yet).
        changes["exception_code"] = (
            failure.exception_code
            if failure.exception_code in EXCEPTION_CODES
            else PickupException.OTHER
        )
        changes["exception_message"] = failure.description[:500]
        changes["exception_at"] = failure.occurred_at
    action = _PROGRESS_ACTION.get(progress.status)
    moves = progress.status != pickup.status or (
        action is PickupAction.REPORT_EXCEPTION and new_failure
    )
    if action is not None and moves and pickup_transition_allowed(pickup.status, action):
        pickup = pickup_transition(
            pickup=pickup, action=action, actor=actor, now=now, move=PickupMove(changes=changes)
        )
    elif changes:
        if moves:
            logger.warning(
                "tracking cannot move pickup=%s from %s to %s",
                pickup.pk,
                pickup.status,
                progress.status,
            )
        for name, value in changes.items():
            setattr(pickup, name, value)
        pickup.save(update_fields=[*changes, "updated_at"])
    if failure is not None and new_failure:
        events.event_logistics(
            return_request,
            actor,
            kind=LogisticsKind.PICKUP_EXCEPTION,
            data={
                "pickup_id": pickup.pk,
                "exception_code": pickup.exception_code,
                "said": failure.description[:500],
                **carrier_facts(pickup.carrier),
            },
            now=now,
        )
    if pickup.status == PickupStatus.DELIVERED:
        parcel_services.parcel_close_if_done(parcel_id=pickup.parcel_id, now=now)
    _move_return(return_request, pickup, actor, now)
    if progress.delivered_at is not None:
        return_arrival_backdate(return_request, progress.delivered_at, now=now)
    return pickup


def return_arrival_backdate(
    return_request: ReturnRequest, delivered_at: dt.datetime, *, now: dt.datetime
) -> bool:
    """The carrier's delivery, reported after the warehouse scan, restarts the refund clock.

    The refund period runs from the earlier of the delivery and the scan
    (``returns.transitions._refund_clock_starts``). When the scan came first the clock started
    at the scan; a DELIVERED event that arrives later but is stamped earlier moves
    ``arrived_at`` back and the due date with it. The caller holds the return's row lock.
    """
    received_at = return_request.received_at
    if received_at is None or delivered_at >= received_at:
        return False
    if return_request.arrived_at is not None and return_request.arrived_at <= delivered_at:
        return False
    locked = ReturnRequest.objects.select_related("store").get(pk=return_request.pk)
    locked.arrived_at = delivered_at
    locked.refund_due_on = refund_due_from(locked, delivered_at)
    locked.updated_at = now
    locked.save(update_fields=["arrived_at", "refund_due_on", "updated_at"])
    return True


def _move_return(
    return_request: ReturnRequest, pickup: Pickup, actor: Actor, now: dt.datetime
) -> None:
    moving = pickup.status in (P.PICKED_UP, P.IN_TRANSIT, P.DELIVERED)
    data = {
        "pickup_id": pickup.pk,
        "waybill_number": pickup.waybill_number,
        **carrier_facts(pickup.carrier),
    }
    if moving and return_transition_allowed(return_request.status, Action.MARK_IN_TRANSIT):
        return_request = return_transition(
            return_request=return_request,
            action=Action.MARK_IN_TRANSIT,
            actor=actor,
            move=Move(data={"cause": StatusCause.PICKED_UP.value, **data}),
            now=now,
        )
        # Collected by the carrier: settlement may refund early (선환불), through a hook.
        settlement_hooks().picked_up(return_request=return_request, actor=actor, now=now)
    if pickup.status == P.DELIVERED and return_transition_allowed(
        return_request.status, Action.ARRIVE
    ):
        return_transition(
            return_request=return_request,
            action=Action.ARRIVE,
            actor=actor,
            move=Move(data={"cause": StatusCause.DELIVERED.value, **data}),
            now=now,
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


def _track(pickup: Pickup, now: dt.datetime) -> IngestResult | GatewayError | None:
    """Ask the carrier for the parcel's whole history and ingest it; None when it has no API."""
    if pickup.account is None:
        return None
    with gateway_open(pickup.account) as gateway:
        if gateway is None:
            return None
        found = gateway.track(pickup.waybill_number)
    if isinstance(found, GatewayError):
        logger.warning(
            "tracking request failed waybill=%s error=%s", pickup.waybill_number, found.message
        )
        return found
    return tracking_events_ingest(
        carrier_code=pickup.carrier.code,
        events_in=[IncomingEvent.from_tracked(pickup.waybill_number, e) for e in found],
        store_id=pickup.account.store_id,
        now=now,
    )


REFRESH_ATTEMPTS = 5


def pickup_tracking_refresh(
    *, pickup_id: int, now: dt.datetime, attempt: int = 1
) -> IngestResult | None:
    """The job run once a booking is applied: fetch what the carrier already told the world.

    A carrier sends its first events (접수, even 집하 when our answers were lost and retried)
    as soon as it books, possibly before its answer reached us and we knew the waybill: those
    webhooks found no parcel and are gone. The carrier's own history has them; ingestion
    dedupes, so overlapping a webhook costs nothing. Retried with the booking's backoff.
    """
    pickup = (
        Pickup.objects.select_related("account__carrier", "carrier")
        .filter(pk=pickup_id)
        .exclude(waybill_number="")
        .first()
    )
    if pickup is None or pickup.manual:
        return None
    result = _track(pickup, now)
    if isinstance(result, GatewayError):
        if result.retryable and attempt < REFRESH_ATTEMPTS:
            jobs().pickup_tracking_refresh(
                pickup_id, attempt=attempt + 1, delay=backoff_seconds(attempt)
            )
        return None
    return result


def tracking_poll(*, now: dt.datetime, limit: int = 200) -> dict[str, int]:
    """Ask linked carriers without webhooks where their parcels are; periodic."""
    polled = failed = 0
    pickups = (
        Pickup.objects.filter(
            account__poll_tracking=True,
            status__in=(PickupStatus.ACCEPTED, PickupStatus.PICKED_UP, PickupStatus.IN_TRANSIT),
        )
        .exclude(waybill_number="")
        .select_related("account__carrier", "carrier")
        .order_by("updated_at")[:limit]
    )
    for pickup in pickups:
        result = _track(pickup, now)
        if result is None:
            continue
        if isinstance(result, GatewayError):
            failed += 1
            continue
        polled += 1
        Pickup.objects.filter(pk=pickup.pk).update(updated_at=now)
    return {"polled": polled, "failed": failed}


SHIPMENT_TRACKING_DAYS = 30


def tracking_poll_public(
    *, now: dt.datetime, limit: int = 200, client: Any = None
) -> dict[str, int]:
    """Track, through tracker.delivery, the parcels no carrier API of ours reports on.

    Forward shipments not yet delivered (their DELIVERED event sets ``delivered_at``, which
    starts the return window) and waybills typed in by hand. Needs the
    ``BANPUM_TRACKER_DELIVERY_*`` settings; without them this does nothing. Periodic.
    """
    from django.conf import settings

    from banpum.integrations.carriers.tracker_delivery import TrackerDeliveryClient

    if client is None:
        if not (
            settings.BANPUM_TRACKER_DELIVERY_CLIENT_ID
            and settings.BANPUM_TRACKER_DELIVERY_CLIENT_SECRET
        ):
            return {"polled": 0, "failed": 0}
        client = TrackerDeliveryClient(
            settings.BANPUM_TRACKER_DELIVERY_CLIENT_ID,
            settings.BANPUM_TRACKER_DELIVERY_CLIENT_SECRET,
            endpoint=settings.BANPUM_TRACKER_DELIVERY_URL,
        )
    parcels: list[tuple[str, str, int]] = [
        (s.carrier_code, s.tracking_number, s.order.store_id)
        for s in Shipment.objects.filter(
            delivered_at__isnull=True,
            shipped_at__gte=now - dt.timedelta(days=SHIPMENT_TRACKING_DAYS),
        )
        .exclude(tracking_number="")
        .exclude(carrier_code="")
        .select_related("order")
        .order_by("shipped_at")[:limit]
    ]
    # One call per box, however many returns it carries.
    parcels += [
        (p.carrier.code, p.tracking_number, p.store_id)
        for p in Parcel.objects.filter(
            is_open=True,
            pickups__manual=True,
            pickups__status__in=(
                PickupStatus.ACCEPTED,
                PickupStatus.PICKED_UP,
                PickupStatus.IN_TRANSIT,
            ),
        )
        .distinct()
        .select_related("carrier")
        .order_by("created_at", "id")[:limit]
    ]
    polled = failed = 0
    try:
        for carrier_code, tracking_number, store_id in parcels:
            found = client.track(carrier_code, tracking_number)
            if isinstance(found, GatewayError):
                failed += 1
                logger.warning(
                    "tracker.delivery failed carrier=%s number=%s: %s",
                    carrier_code,
                    tracking_number,
                    found.message,
                )
                continue
            polled += 1
            tracking_events_ingest(
                carrier_code=carrier_code,
                events_in=[IncomingEvent.from_tracked(tracking_number, e) for e in found],
                store_id=store_id,
                now=now,
            )
    finally:
        client.close()
    return {"polled": polled, "failed": failed}
