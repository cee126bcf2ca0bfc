"""A waybill typed in by the customer or CS, for a parcel sent without our booking.

The waybill belongs to the carrier the client names (any carrier of the catalogue, with or
without an account of the store), else to the carrier chosen for the return: its last pickup's,
else the account routed to at approval (a Jeju return routed to 우체국 stays 우체국), else the
store's rules as they stand. Several returns of one customer may share the box; the same
waybill open for anyone else is refused by the database.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.logistics import errors
from banpum.logistics.models import Carrier, CarrierAccount, Pickup, PickupStatus
from banpum.logistics.services import parcels
from banpum.logistics.services.pickups.booking import carrier_select
from banpum.logistics.services.pickups.common import PickupDetails, carrier_facts, pickup_new
from banpum.logistics.transitions import PickupAction, PickupMove, pickup_transition
from banpum.returns.events import StatusCause
from banpum.returns.models import ReturnRequest
from banpum.returns.transitions import Action, Move, return_transition, return_transition_allowed


def waybill_entry_allowed(status: str) -> bool:
    """Approved without a pickup, or told to send the parcel: a waybill moves it in transit."""
    return return_transition_allowed(status, Action.AWAIT_SHIPMENT) or (
        return_transition_allowed(status, Action.MARK_IN_TRANSIT)
        and not return_transition_allowed(status, Action.SWITCH_TO_SELF_SHIP)
    )


def _chosen_account(return_request: ReturnRequest) -> CarrierAccount | None:
    """The account the return was routed to, as recorded when it was."""
    last = (
        return_request.pickups.exclude(account=None)
        .select_related("account__carrier")
        .order_by("-id")
        .first()
    )
    if last is not None:
        return last.account
    recorded = [
        data["account_id"]
        for data in return_request.events.order_by("-id").values_list("data", flat=True)
        if isinstance(data, dict) and isinstance(data.get("account_id"), int)
    ]
    if recorded:
        account = (
            CarrierAccount.objects.filter(pk=recorded[0], store_id=return_request.store_id)
            .select_related("carrier")
            .first()
        )
        if account is not None:
            return account
    selected = carrier_select(return_request=return_request)
    return selected[0] if selected else None


def _waybill_carrier(
    return_request: ReturnRequest, carrier_code: str
) -> tuple[Carrier, CarrierAccount | None]:
    chosen = _chosen_account(return_request)
    if not carrier_code:
        if chosen is None:
            raise errors.WAYBILL_CARRIER_MISSING.field("carrier_code")
        return chosen.carrier, chosen
    carrier = Carrier.objects.filter(code=carrier_code).first()
    if carrier is None:
        raise errors.UNKNOWN_CARRIER.field("carrier_code", code=carrier_code)
    if chosen is not None and chosen.carrier_id == carrier.pk:
        return carrier, chosen
    account = (
        CarrierAccount.objects.filter(
            store_id=return_request.store_id, carrier=carrier, is_active=True
        )
        .order_by("-is_default", "id")
        .first()
    )
    return carrier, account


@transaction.atomic
def pickup_register_manual(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    waybill_number: str,
    now: dt.datetime,
    carrier_code: str = "",
) -> Pickup:
    """Record the parcel's waybill and move the return in transit."""
    actor_require(actor, return_request.store_id, Capability.PICKUP_MANAGE)
    waybill_number = "".join(waybill_number.split()).replace("-", "")
    plain = waybill_number.isascii() and waybill_number.isalnum()
    if not plain or not 6 <= len(waybill_number) <= 30:
        raise errors.WAYBILL_NUMBER_INVALID.field("waybill_number")
    locked = (
        ReturnRequest.objects.select_for_update()
        .select_related("order", "store")
        .get(pk=return_request.pk)
    )
    if not waybill_entry_allowed(locked.status):
        raise errors.NOT_AWAITING_SHIPMENT(
            number=locked.number,
            status=locked.get_status_display(),
        )
    carrier, account = _waybill_carrier(locked, carrier_code)
    parcel = parcels.parcel_attach(
        store_id=locked.store_id,
        carrier=carrier,
        tracking_number=waybill_number,
        sender=parcels.sender_key(locked),
        now=now,
    )
    pickup = pickup_new(
        locked,
        account=account,
        carrier=carrier,
        reason="waybill entered by hand",
        details=PickupDetails(),
        now=now,
        manual=True,
    )
    pickup = pickup_transition(
        pickup=pickup,
        action=PickupAction.ENTER_WAYBILL,
        actor=actor,
        now=now,
        move=PickupMove(
            changes={"waybill_number": waybill_number, "parcel": parcel},
            data={"waybill_number": waybill_number, "carrier": carrier.code},
        ),
    )
    if return_transition_allowed(locked.status, Action.AWAIT_SHIPMENT):
        locked = return_transition(
            return_request=locked, action=Action.AWAIT_SHIPMENT, actor=actor, now=now
        )
    return_transition(
        return_request=locked,
        action=Action.MARK_IN_TRANSIT,
        actor=actor,
        move=Move(
            data={
                "cause": StatusCause.WAYBILL_ENTERED.value,
                "pickup_id": pickup.pk,
                "waybill_number": waybill_number,
                **carrier_facts(carrier),
            }
        ),
        now=now,
    )
    if pickup.status != PickupStatus.ACCEPTED:
        raise RuntimeError(f"a pickup with a waybill is accepted, not {pickup.status}")
    return pickup
