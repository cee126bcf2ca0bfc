"""CS answers a pickup that failed: book it again, or let the customer send the parcel."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.logistics import errors
from banpum.logistics.jobs import jobs
from banpum.logistics.models import Pickup, PickupStatus
from banpum.logistics.services.pickups.booking import unlinked_facts
from banpum.logistics.services.pickups.cancel import pickup_cancel, pickups_cancel_for_return
from banpum.logistics.services.pickups.common import (
    PickupDetails,
    carrier_facts,
    pickup_new,
    store_today,
)
from banpum.logistics.transitions import pickups_lock
from banpum.returns import events
from banpum.returns.events import LogisticsKind
from banpum.returns.models import ReturnRequest
from banpum.returns.transitions import (
    TRANSITIONS,
    Action,
    Move,
    return_transition,
    return_transition_allowed,
)

# Where requesting a pickup leaves a return, by the returns' own table.
WAITING_FOR_PICKUP = frozenset(t.target for t in TRANSITIONS if t.action == Action.REQUEST_PICKUP)


@transaction.atomic
def pickup_rerequest(
    *,
    pickup: Pickup,
    actor: Actor,
    now: dt.datetime,
    details: PickupDetails | None = None,
    note: str = "",
) -> Pickup:
    """CS answers an exception or a failed booking: book again with new date/address."""
    actor_require(actor, pickup.return_request.store_id, Capability.PICKUP_MANAGE)
    return_request, locked = pickups_lock(pickup.pk)
    base = details or PickupDetails()
    today = store_today(return_request, now)
    if base.preferred_date is not None and base.preferred_date < today:
        raise errors.PREFERRED_DATE_PAST.field("preferred_date", today=today)
    if locked.status not in (PickupStatus.EXCEPTION, PickupStatus.FAILED):
        raise errors.PICKUP_NOT_FAILED(
            extra={"status": locked.status},
        )
    if return_request.status not in WAITING_FOR_PICKUP:
        raise errors.RETURN_NOT_WAITING_FOR_PICKUP(
            number=return_request.number,
            status=return_request.get_status_display(),
        )
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
        pickup_cancel(pickup=locked, actor=actor, now=now)  # close the failed booking first
    new = pickup_new(
        return_request,
        account=locked.account,
        carrier=locked.carrier,
        reason="re-requested by CS",
        details=merged,
        now=now,
    )
    events.event_logistics(
        return_request,
        actor,
        kind=LogisticsKind.PICKUP_REREQUESTED,
        note=note.strip(),
        data={"pickup_id": new.pk, "previous_pickup_id": locked.pk, **carrier_facts(new.carrier)},
        now=now,
    )
    transaction.on_commit(lambda: jobs().pickup_request_send(new.pk))
    return new


@transaction.atomic
def return_switch_to_self_ship(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime, note: str = ""
) -> ReturnRequest:
    """CS gives up on the carrier pickup: the customer sends the parcel themselves."""
    actor_require(actor, return_request.store_id, Capability.PICKUP_MANAGE)
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if not return_transition_allowed(locked.status, Action.SWITCH_TO_SELF_SHIP):
        # Refused first (by the table), so a return that cannot switch keeps its pickups.
        return_transition(
            return_request=locked, action=Action.SWITCH_TO_SELF_SHIP, actor=actor, now=now
        )
    last = (
        locked.pickups.select_related("account__carrier", "account__store").order_by("-id").first()
    )
    account = last.account if last else None
    pickups_cancel_for_return(return_request=locked, actor=actor, now=now)
    locked.method = "self_ship"
    locked.save(update_fields=["method", "updated_at"])
    # The customer's instructions as data, worded when shown; the note is CS's own words.
    facts = unlinked_facts(account) if account is not None else {}
    return return_transition(
        return_request=locked,
        action=Action.SWITCH_TO_SELF_SHIP,
        actor=actor,
        move=Move(note=note.strip(), data=facts),
        now=now,
    )
