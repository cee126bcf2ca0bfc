"""Booking: choose the carrier at approval, call it in a job, apply its answer.

The booking is durable: the ``Pickup`` row is written in the approval's transaction, the job
carries its id, and ``pickups_sweep`` re-enqueues rows still waiting, so a crash between commit
and enqueue, or a worker killed mid-call, loses nothing. Every booking call carries the row's
idempotency key, so a retry never books a second pickup.

``Pickup.next_attempt_at`` says when a call to the carrier (a booking, or a cancel the carrier
still has to hear about) is due; it is empty when nothing is owed. A retry after a failure is
scheduled with backoff *and* recorded there, so the sweep re-sends only calls overdue by more
than its grace period and never shortcuts the backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import F

from banpum.core.actors import Actor
from banpum.integrations.carriers.base import GatewayError, PickupBooked
from banpum.logistics.addresses import address_line, return_address
from banpum.logistics.gateways import gateway_open
from banpum.logistics.hooks import shipment_hooks
from banpum.logistics.jobs import jobs
from banpum.logistics.models import (
    CancelState,
    CarrierAccount,
    CarrierRule,
    Pickup,
    PickupException,
    PickupStatus,
)
from banpum.logistics.selection import AccountOption, Choice, RuleOption, choose_carrier
from banpum.logistics.services import label_codes, parcels
from banpum.logistics.services.pickups import common
from banpum.logistics.services.pickups.common import (
    PickupDetails,
    carrier_actor,
    carrier_facts,
    pickup_load_for_call,
    pickup_new,
    pickup_order,
)
from banpum.logistics.transitions import PickupAction, PickupMove, pickup_transition, pickups_lock
from banpum.returns import events
from banpum.returns.events import LogisticsKind, StatusCause
from banpum.returns.models import ReturnRequest
from banpum.returns.pickup_wish import PickupWish
from banpum.returns.transitions import Action, Move, return_transition

logger = logging.getLogger(__name__)


def carrier_select(
    *, return_request: ReturnRequest, box_size: str = "", postcode: str = ""
) -> tuple[CarrierAccount, str] | None:
    """The account the store's rules route this return to, and why (by the pickup's postcode:
    ``postcode`` when it is collected elsewhere than the order was delivered)."""
    accounts = list(
        CarrierAccount.objects.filter(store_id=return_request.store_id, is_active=True)
        .select_related("carrier", "store")
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
        postcode=postcode or return_request.order.shipping_postcode,
        reason_code=return_request.reason_code,
        box_size=box_size,
    )
    if choice is None:
        return None
    account = next(a for a in accounts if a.pk == choice.account_id)
    return account, choice.reason


def unlinked_facts(account: CarrierAccount) -> dict[str, Any]:
    """What a customer needs to send the parcel with a carrier we cannot book, as event data.

    ``returns.timeline.unlinked_text`` words it in the reader's language; ``instructions`` are
    the store's own words for this account.
    """
    carrier = account.carrier
    to = return_address(store=account.store, account=account)
    return {
        "cause": StatusCause.CARRIER_UNLINKED.value,
        **carrier_facts(carrier),
        "account_id": account.pk,
        "carrier_phone": carrier.phone,
        "instructions": account.instructions.strip(),
        "return_to": {"name": to.name, "phone": to.phone, "address": address_line(to)},
    }


def details_wanted(return_request: ReturnRequest, *, now: dt.datetime) -> PickupDetails:
    """The address and date asked for when the return was opened (blank: as on the order).

    A preferred day that has passed by the time the return is approved is dropped: the carrier
    then comes on its next round, as when none was given.
    """
    wish = PickupWish.from_json(return_request.pickup_wish)
    day = wish.preferred_date
    if day is not None and day < common.store_today(return_request, now):
        day = None
    return PickupDetails(
        contact_name=wish.contact_name,
        contact_phone=wish.contact_phone,
        postcode=wish.postcode,
        address1=wish.address1,
        address2=wish.address2,
        preferred_date=day,
        memo=wish.memo,
    )


def pickup_arrange_for_return(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    now: dt.datetime,
    details: PickupDetails | None = None,
) -> Pickup | None:
    """After approval of a carrier-pickup return: book a linked carrier or instruct the buyer.

    Runs inside the approval's transaction. With no carrier configured the return stays
    approved (and shows as stalled) until CS sets one up; the sweep then picks it up.
    """
    details = details or details_wanted(return_request, now=now)
    selected = carrier_select(
        return_request=return_request, box_size=details.box_size, postcode=details.postcode
    )
    if selected is None:
        events.event_logistics(return_request, actor, kind=LogisticsKind.NO_CARRIER, now=now)
        return None
    account, reason = selected
    if not account.linked:
        return_transition(
            return_request=return_request,
            action=Action.AWAIT_SHIPMENT,
            actor=actor,
            move=Move(data={**unlinked_facts(account), "why": reason}),
            now=now,
        )
        return None
    pickup = pickup_new(
        return_request,
        account=account,
        carrier=account.carrier,
        reason=reason,
        details=details,
        now=now,
    )
    if account.supports_swap and return_request.type == "exchange":
        # 맞교환: the replacement rides along when it is in stock (reserved by settlement).
        items = shipment_hooks().swap_items(return_request=return_request, actor=actor, now=now)
        if items:
            pickup.swap = True
            pickup.swap_items = [
                {"sku": i.sku, "name": i.name, "quantity": i.quantity} for i in items
            ]
            pickup.save(update_fields=["swap", "swap_items"])
    return_transition(
        return_request=return_request,
        action=Action.REQUEST_PICKUP,
        actor=actor,
        move=Move(
            data={
                "cause": StatusCause.PICKUP_REQUESTED.value,
                "pickup_id": pickup.pk,
                **carrier_facts(account.carrier),
                "account_id": account.pk,
                "why": reason,
            }
        ),
        now=now,
    )
    transaction.on_commit(lambda: jobs().pickup_request_send(pickup.pk))
    return pickup


def pickup_request_send(*, pickup_id: int, now: dt.datetime) -> Pickup | None:
    """The booking job: call the carrier outside any transaction, then apply its answer."""
    pickup = pickup_load_for_call(pickup_id)
    if pickup is None or pickup.status != PickupStatus.REQUESTED:
        return pickup
    result: PickupBooked | GatewayError
    if pickup.account is None:
        result = GatewayError("unlinked", "No carrier account to book with.", retryable=False)
        return pickup_booking_apply(pickup_id=pickup.pk, result=result, now=now)
    with gateway_open(pickup.account) as gateway:
        if gateway is None:
            result = GatewayError(
                "unlinked", "This carrier account has no API to book with.", retryable=False
            )
        elif pickup.attempts >= common.MAX_BOOKING_ATTEMPTS:
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
                attempts=F("attempts") + 1, next_attempt_at=now
            )
            if not started:
                return Pickup.objects.get(pk=pickup.pk)  # cancelled meanwhile: never call
            result = gateway.request_pickup(pickup_order(pickup))
    return pickup_booking_apply(pickup_id=pickup.pk, result=result, now=now)


@transaction.atomic
def pickup_booking_apply(
    *, pickup_id: int, result: PickupBooked | GatewayError, now: dt.datetime
) -> Pickup:
    return_request, pickup = pickups_lock(pickup_id)
    actor = carrier_actor(pickup.carrier)
    if isinstance(result, PickupBooked):
        if pickup.status == PickupStatus.CANCELLED:
            # Cancelled while the booking was in flight: undo it at the carrier too.
            pickup.carrier_reference = result.carrier_reference
            pickup.waybill_number = result.waybill_number
            fields = ["carrier_reference", "waybill_number", "updated_at"]
            if pickup.cancel_state == CancelState.REQUESTED:
                pickup.next_attempt_at = now
                fields.append("next_attempt_at")
                transaction.on_commit(lambda: jobs().pickup_cancel_send(pickup.pk))
            pickup.save(update_fields=fields)
            return pickup
        if pickup.status != PickupStatus.REQUESTED:
            return pickup  # already applied by a concurrent or earlier run
        changes: dict[str, object] = {
            "carrier_reference": result.carrier_reference,
            "waybill_number": result.waybill_number,
            "next_attempt_at": None,
            "last_error": "",
        }
        if result.waybill_number:
            changes["parcel"] = parcels.parcel_attach(
                store_id=return_request.store_id,
                carrier=pickup.carrier,
                tracking_number=result.waybill_number,
                sender=parcels.sender_key(return_request),
                now=now,
                reissued_by_carrier=True,
            )
        if result.fare_amount is not None:
            changes["fare_amount"] = result.fare_amount
        pickup = pickup_transition(
            pickup=pickup,
            action=PickupAction.BOOK,
            actor=actor,
            now=now,
            move=PickupMove(changes=changes, data={"waybill_number": result.waybill_number}),
        )
        events.event_logistics(
            return_request,
            actor,
            kind=LogisticsKind.PICKUP_BOOKED,
            data={
                "pickup_id": pickup.pk,
                "waybill_number": result.waybill_number,
                **carrier_facts(pickup.carrier),
            },
            now=now,
        )
        logger.info(
            "pickup booked return=%s waybill=%s", return_request.number, result.waybill_number
        )
        # Events the carrier sent before this answer reached us found no waybill: fetch them.
        transaction.on_commit(lambda: jobs().pickup_tracking_refresh(pickup.pk))
        # The carrier's sorting code and terminal for the label, asked once it has a waybill.
        transaction.on_commit(lambda: label_codes.pickup_label_codes_enqueue(pickup.pk))
        return pickup

    if pickup.status != PickupStatus.REQUESTED:
        return pickup
    last_error = f"{result.code}: {result.message}"[:2000]
    if result.retryable and pickup.attempts < common.MAX_BOOKING_ATTEMPTS:
        delay = common.backoff_seconds(pickup.attempts)
        pickup.last_error = last_error
        pickup.next_attempt_at = now + dt.timedelta(seconds=delay)
        pickup.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: jobs().pickup_request_send(pickup.pk, delay=delay))
        logger.warning(
            "pickup booking failed, retrying return=%s attempt=%s in=%.0fs error=%s",
            return_request.number,
            pickup.attempts,
            delay,
            last_error,
        )
        return pickup
    pickup = pickup_transition(
        pickup=pickup,
        action=PickupAction.FAIL,
        actor=actor,
        now=now,
        move=PickupMove(
            changes={
                "last_error": last_error,
                "exception_code": PickupException.BOOKING_FAILED,
                "exception_message": (result.carrier_words or result.message)[:500],
                "exception_at": now,
                "next_attempt_at": None,
            },
            data={"error": result.code},
        ),
    )
    events.event_logistics(
        return_request,
        actor,
        kind=LogisticsKind.PICKUP_FAILED,
        data={
            "pickup_id": pickup.pk,
            "error": result.code,
            "attempts": pickup.attempts,
            "said": result.carrier_words[:500],
            **carrier_facts(pickup.carrier),
        },
        now=now,
    )
    logger.error(
        "pickup booking failed for good return=%s error=%s", return_request.number, last_error
    )
    return pickup
