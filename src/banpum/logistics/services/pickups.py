"""Pickup commands: decide, book (in a job), apply the carrier's answer, cancel, re-request.

The booking is durable: the ``Pickup`` row is written in the approval's transaction, the job
carries its id, and ``pickups_sweep`` re-enqueues rows still waiting, so a crash between commit
and enqueue, or a worker killed mid-call, loses nothing. Every booking call carries the row's
idempotency key, so a retry never books a second pickup.

``Pickup.next_attempt_at`` says when a call to the carrier (a booking, or a cancel the carrier
still has to hear about) is due; it is empty when nothing is owed. A retry after a failure is
scheduled with backoff *and* recorded there, so the sweep re-sends only calls overdue by more
than its grace period and never shortcuts the backoff.

Locks are always taken return first, then its pickups (as ``return_request_cancel`` and
``return_transition`` do), so a cancel racing a booking answer or a tracking event waits
instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.core.errors import Conflict, ValidationFailed
from banpum.integrations.carriers.base import (
    Address,
    GatewayError,
    PickupBooked,
    PickupCancelled,
    PickupItem,
    PickupOrder,
)
from banpum.logistics.gateways import gateway_open
from banpum.logistics.models import (
    CarrierAccount,
    CarrierRule,
    Pickup,
    PickupException,
    PickupStatus,
)
from banpum.logistics.selection import AccountOption, Choice, RuleOption, choose_carrier
from banpum.logistics.services import label_codes
from banpum.returns import events
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.transitions import Action, Move, return_transition

logger = logging.getLogger(__name__)

MAX_BOOKING_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 30 * 60
ACTIVE_STATUSES = (
    PickupStatus.REQUESTED,
    PickupStatus.ACCEPTED,
    PickupStatus.PICKED_UP,
    PickupStatus.IN_TRANSIT,
)
# What a cancel stops: anything the carrier has not collected yet.
CANCELLABLE_STATUSES = (PickupStatus.REQUESTED, PickupStatus.ACCEPTED, PickupStatus.EXCEPTION)


def carrier_actor(account: CarrierAccount) -> Actor:
    return Actor.system(f"carrier:{account.carrier.code}")


def backoff_seconds(attempts: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with ±20 % jitter: about 10 s, 20 s, 40 s … never over 30 minutes."""
    base = min(BACKOFF_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 32), BACKOFF_CAP_SECONDS)
    return float(min(base * (0.8 + 0.4 * (rng or random).random()), BACKOFF_CAP_SECONDS))


@dataclass(frozen=True)
class PickupDetails:
    """What CS may change on a (re-)request; empty fields (and 0 boxes) keep the known values."""

    contact_name: str = ""
    contact_phone: str = ""
    postcode: str = ""
    address1: str = ""
    address2: str = ""
    preferred_date: dt.date | None = None
    box_count: int = 0
    box_size: str = ""
    memo: str = ""


def carrier_select(
    *, return_request: ReturnRequest, box_size: str = ""
) -> tuple[CarrierAccount, str] | None:
    accounts = list(
        CarrierAccount.objects.filter(store_id=return_request.store_id, is_active=True)
        .select_related("carrier")
        .order_by("id")
    )
    rules = list(
        CarrierRule.objects.filter(store_id=return_request.store_id, account__is_active=True)
    )
    choice: Choice | None = choose_carrier(
        accounts=[
            AccountOption(
                account_id=a.pk,
                name=a.name,
                linked=a.linked,
                is_default=a.is_default,
                cheapest_fare=min((int(b.get("fare", 0)) for b in a.box_sizes), default=None)
                if a.box_sizes
                else None,
            )
            for a in accounts
        ],
        rules=[
            RuleOption(
                rule_id=r.pk,
                priority=r.priority,
                account_id=r.account_id,
                postcode_prefixes=tuple(r.postcode_prefixes or ()),
                reason_codes=tuple(r.reason_codes or ()),
                box_sizes=tuple(r.box_sizes or ()),
                note=r.note,
            )
            for r in rules
        ],
        postcode=return_request.order.shipping_postcode,
        reason_code=return_request.reason_code,
        box_size=box_size,
    )
    if choice is None:
        return None
    account = next(a for a in accounts if a.pk == choice.account_id)
    return account, choice.reason


def _item_summary(return_request: ReturnRequest) -> str:
    lines = list(return_request.lines.select_related("order_line"))
    if not lines:
        return ""
    first = lines[0]
    summary = f"{first.order_line.name} × {first.quantity}"
    if len(lines) > 1:
        summary += f" 외 {len(lines) - 1}건"
    return summary[:300]


def idempotency_key_new(return_request: ReturnRequest, sequence: int) -> str:
    """Readable (return number, attempt) and unique beyond this database's lifetime.

    The random tail matters: carriers keep keys forever (CJ's CUST_USE_NO), so after a restore
    from backup or a re-seeded demo a bare ``R2507-0000012-P1`` could name another return's
    booking, and the carrier would answer "already booked" for a parcel nobody collects.
    """
    return f"{return_request.number}-P{sequence}-{secrets.token_hex(3)}"


def _new_pickup(
    return_request: ReturnRequest,
    account: CarrierAccount,
    reason: str,
    details: PickupDetails,
    *,
    status: str = PickupStatus.REQUESTED,
    manual: bool = False,
    waybill_number: str = "",
    now: dt.datetime | None = None,
) -> Pickup:
    order = return_request.order
    sequence = return_request.pickups.count() + 1
    box_size = details.box_size or (account.box_sizes[0]["code"] if account.box_sizes else "")
    now = now or timezone.now()
    return Pickup.objects.create(
        return_request=return_request,
        account=account,
        status=status,
        manual=manual,
        idempotency_key=idempotency_key_new(return_request, sequence),
        selection_reason=reason[:300],
        contact_name=details.contact_name
        or order.shipping_name
        or getattr(return_request.customer, "name", ""),
        contact_phone=details.contact_phone or order.shipping_phone,
        postcode=details.postcode or order.shipping_postcode,
        address1=details.address1 or order.shipping_address1,
        address2=details.address2 or order.shipping_address2,
        preferred_date=details.preferred_date,
        box_count=max(details.box_count, 1),
        box_size=box_size,
        fare_type=account.fare_type,
        fare_amount=account.fare_for(box_size),
        item_summary=_item_summary(return_request),
        memo=details.memo[:300],
        waybill_number=waybill_number,
        accepted_at=now if status == PickupStatus.ACCEPTED else None,
        next_attempt_at=now if status == PickupStatus.REQUESTED else None,
    )


def _enqueue_send(pickup_id: int, delay: float = 0) -> None:
    from banpum.logistics.tasks import pickup_request_send_task

    if delay:
        pickup_request_send_task.schedule(args=(pickup_id,), delay=delay)
    else:
        pickup_request_send_task(pickup_id)


def _enqueue_tracking_refresh(pickup_id: int) -> None:
    from banpum.logistics.tasks import pickup_tracking_refresh_task

    pickup_tracking_refresh_task(pickup_id)


def _enqueue_cancel(pickup_id: int, delay: float = 0) -> None:
    from banpum.logistics.tasks import pickup_cancel_send_task

    if delay:
        pickup_cancel_send_task.schedule(args=(pickup_id,), delay=delay)
    else:
        pickup_cancel_send_task(pickup_id)


def pickup_arrange_for_return(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    details: PickupDetails | None = None,
    now: dt.datetime | None = None,
) -> Pickup | None:
    """After approval of a carrier-pickup return: book a linked carrier or instruct the buyer.

    Runs inside the approval's transaction. With no carrier configured the return stays
    approved (and shows as stalled) until CS sets one up; the sweep then picks it up.
    """
    details = details or PickupDetails()
    selected = carrier_select(return_request=return_request, box_size=details.box_size)
    if selected is None:
        events.event_logistics(
            return_request,
            actor,
            kind="no_carrier",
            note="No active carrier account: set one up, then the pickup is booked.",
            now=now,
        )
        return None
    account, reason = selected
    if not account.linked:
        return_transition(
            return_request=return_request,
            action=Action.AWAIT_SHIPMENT,
            actor=actor,
            move=Move(
                note=unlinked_instructions(account),
                data={"carrier": account.carrier.code, "account_id": account.pk, "why": reason},
            ),
            now=now,
        )
        return None
    pickup = _new_pickup(return_request, account, reason, details, now=now)
    return_transition(
        return_request=return_request,
        action=Action.REQUEST_PICKUP,
        actor=actor,
        move=Move(
            note=f"Pickup requested from {account.carrier.name_ko}: {reason}",
            data={"pickup_id": pickup.pk, "carrier": account.carrier.code},
        ),
        now=now,
    )
    transaction.on_commit(lambda: _enqueue_send(pickup.pk))
    return pickup


def _return_address(account: CarrierAccount) -> str:
    store = account.store
    postcode = account.return_postcode or store.return_address_postcode
    parts = (
        f"({postcode})" if postcode else "",
        account.return_address1 or store.return_address_line1,
        account.return_address2 or store.return_address_line2,
    )
    return " ".join(part for part in parts if part)


def unlinked_instructions(account: CarrierAccount) -> str:
    carrier = account.carrier
    store = account.store
    name = account.return_name or store.return_address_name or store.name
    phone = account.return_phone or store.return_address_phone
    parts = [
        account.instructions.strip(),
        f"{carrier.name_ko} {carrier.phone}".strip(),
        f"받는 분: {name} {phone} {_return_address(account)}".strip(),
        "송장번호를 알려 주세요. / Send us the waybill number once the parcel is booked.",
    ]
    return "\n".join(part for part in parts if part)


def _pickup_order(pickup: Pickup) -> PickupOrder:
    account = pickup.account
    store = account.store
    return_request = pickup.return_request
    shipment = return_request.order.shipments.order_by("id").first()
    return PickupOrder(
        idempotency_key=pickup.idempotency_key,
        return_number=return_request.number or "",
        customer_code=account.customer_code,
        sender=Address(
            pickup.contact_name,
            pickup.contact_phone,
            pickup.postcode,
            pickup.address1,
            pickup.address2,
        ),
        receiver=Address(
            account.return_name or store.return_address_name or store.name,
            account.return_phone or store.return_address_phone,
            account.return_postcode or store.return_address_postcode,
            account.return_address1 or store.return_address_line1,
            account.return_address2 or store.return_address_line2,
        ),
        items=tuple(
            PickupItem(line.order_line.name, line.quantity)
            for line in return_request.lines.select_related("order_line").order_by("id")
        ),
        box_count=pickup.box_count,
        box_size=pickup.box_size,
        fare_type=pickup.fare_type,
        preferred_date=pickup.preferred_date,
        memo=pickup.memo,
        original_waybill=shipment.tracking_number if shipment else "",
        booking_date=timezone.localdate(pickup.requested_at),
    )


def _load_for_call(pickup_id: int) -> Pickup | None:
    return (
        Pickup.objects.select_related("account__carrier", "account__store", "return_request__order")
        .filter(pk=pickup_id)
        .first()
    )


def pickup_request_send(*, pickup_id: int, now: dt.datetime | None = None) -> Pickup | None:
    """The booking job: call the carrier outside any transaction, then apply its answer."""
    pickup = _load_for_call(pickup_id)
    if pickup is None or pickup.status != PickupStatus.REQUESTED:
        return pickup
    result: PickupBooked | GatewayError
    with gateway_open(pickup.account) as gateway:
        if gateway is None:
            result = GatewayError(
                "unlinked", "This carrier account has no API to book with.", retryable=False
            )
        elif pickup.attempts >= MAX_BOOKING_ATTEMPTS:
            # Jobs that died mid-call (a crash, a killed worker) count too: stop somewhere.
            result = GatewayError(
                "gave_up",
                f"No booking after {pickup.attempts} attempts; last: {pickup.last_error}",
                retryable=False,
                carrier_words=pickup.last_error,
            )
        else:
            # Counted, and marked as started, before the call: a worker killed mid-call leaves
            # a row the sweep will find once the grace period is over.
            started = Pickup.objects.filter(pk=pickup.pk, status=PickupStatus.REQUESTED).update(
                attempts=F("attempts") + 1, next_attempt_at=now or timezone.now()
            )
            if not started:
                return Pickup.objects.get(pk=pickup.pk)  # cancelled meanwhile: never call
            result = gateway.request_pickup(_pickup_order(pickup))
    return pickup_booking_apply(pickup_id=pickup.pk, result=result, now=now)


def _lock(pickup_id: int) -> tuple[ReturnRequest, Pickup]:
    """Lock a pickup's return, then the pickup: the one lock order for logistics writes."""
    return_request_id = Pickup.objects.values_list("return_request_id", flat=True).get(pk=pickup_id)
    return_request = ReturnRequest.objects.select_for_update().get(pk=return_request_id)
    pickup = (
        Pickup.objects.select_for_update(of=("self",))
        .select_related("account__carrier")
        .get(pk=pickup_id)
    )
    return return_request, pickup


@transaction.atomic
def pickup_booking_apply(
    *, pickup_id: int, result: PickupBooked | GatewayError, now: dt.datetime | None = None
) -> Pickup:
    now = now or timezone.now()
    return_request, pickup = _lock(pickup_id)
    actor = carrier_actor(pickup.account)
    if isinstance(result, PickupBooked):
        if pickup.status == PickupStatus.CANCELLED:
            # Cancelled while the booking was in flight: undo it at the carrier too.
            pickup.carrier_reference = result.carrier_reference
            pickup.waybill_number = result.waybill_number
            if not pickup.cancel_confirmed:
                pickup.next_attempt_at = now
                transaction.on_commit(lambda: _enqueue_cancel(pickup.pk))
            pickup.save(
                update_fields=[
                    "carrier_reference",
                    "waybill_number",
                    "next_attempt_at",
                    "updated_at",
                ]
            )
            return pickup
        if pickup.status != PickupStatus.REQUESTED:
            return pickup  # already applied by a concurrent or earlier run
        pickup.status = PickupStatus.ACCEPTED
        pickup.carrier_reference = result.carrier_reference
        pickup.waybill_number = result.waybill_number
        if result.fare_amount is not None:
            pickup.fare_amount = result.fare_amount
        pickup.accepted_at = now
        pickup.next_attempt_at = None
        pickup.last_error = ""
        pickup.save()
        events.event_logistics(
            return_request,
            actor,
            kind="pickup_booked",
            note=f"{pickup.account.carrier.name_ko} 회수 접수: 송장 {result.waybill_number}",
            data={"pickup_id": pickup.pk, "waybill_number": result.waybill_number},
            now=now,
        )
        logger.info(
            "pickup booked return=%s waybill=%s", return_request.number, result.waybill_number
        )
        # Events the carrier sent before this answer reached us found no waybill: fetch them.
        transaction.on_commit(lambda: _enqueue_tracking_refresh(pickup.pk))
        transaction.on_commit(lambda: label_codes.pickup_label_codes_enqueue(pickup.pk))
        return pickup

    if pickup.status != PickupStatus.REQUESTED:
        return pickup
    pickup.last_error = f"{result.code}: {result.message}"[:2000]
    if result.retryable and pickup.attempts < MAX_BOOKING_ATTEMPTS:
        delay = backoff_seconds(pickup.attempts)
        pickup.next_attempt_at = now + dt.timedelta(seconds=delay)
        pickup.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: _enqueue_send(pickup.pk, delay=delay))
        logger.warning(
            "pickup booking failed, retrying return=%s attempt=%s in=%.0fs error=%s",
            return_request.number,
            pickup.attempts,
            delay,
            pickup.last_error,
        )
        return pickup
    pickup.status = PickupStatus.FAILED
    pickup.exception_code = PickupException.BOOKING_FAILED
    pickup.exception_message = (result.carrier_words or result.message)[:500]
    pickup.exception_at = now
    pickup.next_attempt_at = None
    pickup.save()
    events.event_logistics(
        return_request,
        actor,
        kind="pickup_failed",
        note=f"회수 접수 실패 — CS 확인 필요: {pickup.exception_message}",
        data={"pickup_id": pickup.pk, "error": result.code, "attempts": pickup.attempts},
        now=now,
    )
    logger.error(
        "pickup booking failed for good return=%s error=%s",
        return_request.number,
        pickup.last_error,
    )
    return pickup


def active_pickup(return_request: ReturnRequest) -> Pickup | None:
    return (
        return_request.pickups.filter(
            status__in=(*ACTIVE_STATUSES, PickupStatus.EXCEPTION, PickupStatus.FAILED)
        )
        .order_by("-id")
        .first()
    )


def _cancel(pickup: Pickup, now: dt.datetime | None = None) -> None:
    """Mark a locked pickup cancelled; tell the carrier (after commit) if it may have a booking.

    A booking attempt whose answer never came back (a timeout) may have booked all the same,
    so a pickup with attempts but no reference is cancelled at the carrier too: the cancel job
    first asks again under the same idempotency key to learn the reference.
    """
    now = now or timezone.now()
    pickup.status = PickupStatus.CANCELLED
    pickup.cancelled_at = now
    owed = not pickup.manual and bool(pickup.carrier_reference or pickup.attempts)
    pickup.next_attempt_at = now if owed else None
    pickup.save(update_fields=["status", "cancelled_at", "next_attempt_at", "updated_at"])
    if owed:
        pickup_id = pickup.pk
        transaction.on_commit(lambda: _enqueue_cancel(pickup_id))


def pickups_cancel_for_return(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime | None = None
) -> list[Pickup]:
    """Called when a return is cancelled: stop every pickup not yet collected.

    The caller holds the return's row lock (the lock order: return, then pickups).
    """
    pickups = list(return_request.pickups.select_for_update().order_by("id"))
    if any(p.status in (PickupStatus.PICKED_UP, PickupStatus.IN_TRANSIT) for p in pickups):
        raise Conflict(
            "The parcel is already with the carrier; the return can no longer be cancelled.",
            code="already_picked_up",
        )
    cancelled = []
    for pickup in pickups:
        if pickup.status not in CANCELLABLE_STATUSES:
            continue
        _cancel(pickup, now)
        cancelled.append(pickup)
    if cancelled:
        events.event_logistics(
            return_request,
            actor,
            kind="pickup_cancelled",
            note="회수 요청 취소",
            data={"pickup_ids": [p.pk for p in cancelled]},
            now=now,
        )
    return cancelled


def pickup_cancel_send(*, pickup_id: int, now: dt.datetime | None = None) -> Pickup | None:
    """The cancel job: tell the carrier, outside any transaction, then apply its answer."""
    pickup = _load_for_call(pickup_id)
    if (
        pickup is None
        or pickup.status != PickupStatus.CANCELLED
        or pickup.cancel_confirmed
        or pickup.manual
    ):
        return pickup
    if not pickup.carrier_reference and not pickup.attempts:
        Pickup.objects.filter(pk=pickup.pk).update(next_attempt_at=None)
        return pickup  # never reached the carrier: nothing to cancel there
    result: PickupCancelled | GatewayError
    with gateway_open(pickup.account) as gateway:
        if gateway is None:
            Pickup.objects.filter(pk=pickup.pk).update(next_attempt_at=None)
            return pickup
        reference, waybill = pickup.carrier_reference, pickup.waybill_number
        booked: PickupBooked | GatewayError | None = None
        if not reference:
            # The booking's answer was lost: the same key returns the booking if there is one.
            booked = gateway.request_pickup(_pickup_order(pickup))
        if isinstance(booked, GatewayError):
            result = booked
        else:
            if booked is not None:
                reference, waybill = booked.carrier_reference, booked.waybill_number
                Pickup.objects.filter(pk=pickup.pk).update(
                    carrier_reference=reference, waybill_number=waybill
                )
            result = gateway.cancel_pickup(carrier_reference=reference, waybill_number=waybill)
    return pickup_cancel_apply(pickup_id=pickup.pk, result=result, now=now)


@transaction.atomic
def pickup_cancel_apply(
    *, pickup_id: int, result: PickupCancelled | GatewayError, now: dt.datetime | None = None
) -> Pickup:
    now = now or timezone.now()
    return_request, pickup = _lock(pickup_id)
    if pickup.status != PickupStatus.CANCELLED or pickup.cancel_confirmed:
        return pickup
    if isinstance(result, PickupCancelled):
        pickup.cancel_confirmed = True
        pickup.next_attempt_at = None
        pickup.last_error = ""
        pickup.save(
            update_fields=["cancel_confirmed", "next_attempt_at", "last_error", "updated_at"]
        )
        logger.info("pickup cancelled at the carrier pickup=%s", pickup.pk)
        return pickup
    pickup.last_error = f"cancel: {result.code}: {result.message}"[:2000]
    if result.retryable:
        # Backoff without a counter: wait about as long again as the cancel has waited so far.
        waited = (now - (pickup.cancelled_at or now)).total_seconds()
        delay = min(max(waited, BACKOFF_BASE_SECONDS), BACKOFF_CAP_SECONDS)
        pickup.next_attempt_at = now + dt.timedelta(seconds=delay)
        pickup.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: _enqueue_cancel(pickup.pk, delay=delay))
        logger.warning("pickup cancel failed, retrying pickup=%s in=%.0fs", pickup.pk, delay)
        return pickup
    # The carrier will not cancel (already collected, unknown booking): stop and tell CS.
    pickup.next_attempt_at = None
    pickup.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
    words = result.carrier_words or result.message
    events.event_logistics(
        return_request,
        carrier_actor(pickup.account),
        kind="pickup_cancel_failed",
        note=f"택배사 회수 취소 실패 — CS 확인 필요: {words}",
        data={"pickup_id": pickup.pk, "error": result.code},
        now=now,
    )
    logger.error(
        "carrier refused to cancel pickup=%s return=%s error=%s",
        pickup.pk,
        return_request.number,
        pickup.last_error,
    )
    return pickup


@transaction.atomic
def pickup_rerequest(
    *,
    pickup: Pickup,
    actor: Actor,
    details: PickupDetails | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Pickup:
    """CS answers an exception or a failed booking: book again with new date/address."""
    actor_require(actor, pickup.account.store_id, Capability.PICKUP_MANAGE)
    return_request, locked = _lock(pickup.pk)
    if locked.status not in (PickupStatus.EXCEPTION, PickupStatus.FAILED):
        raise Conflict(
            "Only a pickup that failed or hit an exception can be requested again.",
            code="pickup_not_failed",
            extra={"status": locked.status},
        )
    if return_request.status != ReturnStatus.PICKUP_REQUESTED:
        raise Conflict(
            f"Return {return_request.number} is {return_request.get_status_display()}; "
            "a pickup can only be re-requested while it waits for one.",
            code="return_not_waiting_for_pickup",
        )
    base = details or PickupDetails()
    merged = PickupDetails(
        contact_name=base.contact_name or locked.contact_name,
        contact_phone=base.contact_phone or locked.contact_phone,
        postcode=base.postcode or locked.postcode,
        address1=base.address1 or locked.address1,
        address2=base.address2 or locked.address2,
        preferred_date=base.preferred_date,
        box_count=base.box_count or locked.box_count,
        box_size=base.box_size or locked.box_size,
        memo=base.memo or locked.memo,
    )
    if locked.status == PickupStatus.EXCEPTION:
        _cancel(locked, now)  # the carrier's failed booking is closed before the new one
    new = _new_pickup(return_request, locked.account, "re-requested by CS", merged, now=now)
    events.event_logistics(
        return_request,
        actor,
        kind="pickup_rerequested",
        note=note or "회수 재요청",
        data={"pickup_id": new.pk, "previous_pickup_id": locked.pk},
        now=now,
    )
    transaction.on_commit(lambda: _enqueue_send(new.pk))
    return new


@transaction.atomic
def return_switch_to_self_ship(
    *, return_request: ReturnRequest, actor: Actor, note: str = "", now: dt.datetime | None = None
) -> ReturnRequest:
    """CS gives up on the carrier pickup: the customer sends the parcel themselves."""
    actor_require(actor, return_request.store_id, Capability.PICKUP_MANAGE)
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if locked.status != ReturnStatus.PICKUP_REQUESTED:
        # Checked first, so a return that cannot switch leaves its pickups alone.
        return_transition(return_request=locked, action=Action.SWITCH_TO_SELF_SHIP, actor=actor)
    last = (
        locked.pickups.select_related("account__carrier", "account__store").order_by("-id").first()
    )
    account = last.account if last else None
    pickups_cancel_for_return(return_request=locked, actor=actor, now=now)
    locked.method = "self_ship"
    locked.save(update_fields=["method", "updated_at"])
    words = note or "반품 방식 변경: 직접 발송"
    if account is not None:
        words += "\n" + unlinked_instructions(account)
    return return_transition(
        return_request=locked,
        action=Action.SWITCH_TO_SELF_SHIP,
        actor=actor,
        move=Move(note=words),
        now=now,
    )


@transaction.atomic
def pickup_register_manual(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    waybill_number: str,
    carrier_code: str = "",
    now: dt.datetime | None = None,
) -> Pickup:
    """A waybill typed in by the customer or CS for a parcel sent without our booking."""
    actor_require(actor, return_request.store_id, Capability.PICKUP_MANAGE)
    waybill_number = "".join(waybill_number.split()).replace("-", "")
    plain = waybill_number.isascii() and waybill_number.isalnum()
    if not plain or not 6 <= len(waybill_number) <= 30:
        raise ValidationFailed.for_fields(
            {"waybill_number": ["Enter the waybill number: 6 to 30 letters or digits."]}
        )
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if locked.status not in (ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.APPROVED):
        raise Conflict(
            f"Return {locked.number} is {locked.get_status_display()}; a waybill can be "
            "entered while it waits for the parcel.",
            code="not_awaiting_shipment",
        )
    accounts = CarrierAccount.objects.filter(
        store_id=locked.store_id, is_active=True
    ).select_related("carrier")
    if carrier_code:
        accounts = accounts.filter(carrier__code=carrier_code)
    account = accounts.order_by("-is_default", "id").first()
    if account is None:
        raise ValidationFailed.for_fields(
            {"carrier_code": [f"No active carrier account for '{carrier_code or 'any carrier'}'."]}
        )
    taken = Pickup.objects.filter(
        account__carrier=account.carrier, waybill_number=waybill_number
    ).exclude(return_request=locked)
    if taken.exists():
        raise ValidationFailed.for_fields(
            {"waybill_number": ["This waybill number belongs to another return."]}
        )
    pickup = _new_pickup(
        locked,
        account,
        "waybill entered by hand",
        PickupDetails(),
        status=PickupStatus.ACCEPTED,
        manual=True,
        waybill_number=waybill_number,
        now=now,
    )
    if locked.status == ReturnStatus.APPROVED:
        locked = return_transition(
            return_request=locked, action=Action.AWAIT_SHIPMENT, actor=actor, now=now
        )
    return_transition(
        return_request=locked,
        action=Action.MARK_IN_TRANSIT,
        actor=actor,
        move=Move(
            note=f"송장번호 등록: {account.carrier.name_ko} {waybill_number}",
            data={"pickup_id": pickup.pk, "waybill_number": waybill_number},
        ),
        now=now,
    )
    return pickup


def pickups_sweep(*, now: dt.datetime | None = None, grace_seconds: int = 120) -> dict[str, Any]:
    """Re-enqueue work a crash may have lost; periodic. Safe to run any time, any number of times.

    A call is re-sent once it is overdue by ``grace_seconds`` (a queued job or one in flight
    has had time to finish by then); re-sending bumps ``next_attempt_at``, so a backed-up queue
    gets one extra job per grace period, not one per sweep. Duplicate jobs are harmless: each
    checks the row's status, and the carrier dedupes the booking by its idempotency key.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=grace_seconds)
    resent = list(
        Pickup.objects.filter(status=PickupStatus.REQUESTED, next_attempt_at__lt=stale)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    recancel = list(
        Pickup.objects.filter(
            status=PickupStatus.CANCELLED,
            cancel_confirmed=False,
            manual=False,
            next_attempt_at__lt=stale,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    if resent or recancel:
        Pickup.objects.filter(pk__in=[*resent, *recancel]).update(next_attempt_at=now)
    for pickup_id in resent:
        _enqueue_send(pickup_id)
    for pickup_id in recancel:
        _enqueue_cancel(pickup_id)
    arranged = 0
    waiting = ReturnRequest.objects.filter(
        status=ReturnStatus.APPROVED,
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
            if locked.status == ReturnStatus.APPROVED and not locked.pickups.exists():
                pickup_arrange_for_return(return_request=locked, actor=Actor.system("sweep"))
                locked.refresh_from_db(fields=["status"])
                arranged += locked.status != ReturnStatus.APPROVED
    if resent or recancel or arranged:
        logger.info(
            "pickup sweep resent=%s recancelled=%s arranged=%s",
            len(resent),
            len(recancel),
            arranged,
        )
    return {"resent": len(resent), "recancelled": len(recancel), "arranged": arranged}
