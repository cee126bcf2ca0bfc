"""Unidentified parcels (미확인 입고): boxes no scan could tie to a return, until matched."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.returns.models import ReturnRequest
from banpum.warehouse import errors
from banpum.warehouse.models import InspectionPhoto, UnidentifiedParcel
from banpum.warehouse.services.receiving import return_receive


@dataclass(frozen=True)
class ParcelFacts:
    """What the worker reads off the box, as written on it."""

    code: str = ""
    carrier_code: str = ""
    sender_name: str = ""
    sender_phone: str = ""
    note: str = ""
    photo_id: int | None = None


def unidentified_parcel_register(
    *, store: Store, facts: ParcelFacts, actor: Actor, now: dt.datetime
) -> UnidentifiedParcel:
    """Record a box nobody can place yet; ``now`` is when it arrived, kept for the refund clock."""
    actor_require(actor, store.pk, Capability.RETURN_RECEIVE)
    code = facts.code.strip()
    if not (code or facts.sender_name.strip() or facts.sender_phone.strip() or facts.note.strip()):
        raise errors.UNIDENTIFIED_EMPTY.field("code")
    photo = None
    if facts.photo_id is not None:
        photo = InspectionPhoto.objects.filter(pk=facts.photo_id, store=store).first()
        if photo is None:
            raise errors.PHOTO_NOT_FOUND(id=facts.photo_id)
    return UnidentifiedParcel.objects.create(
        store=store,
        code=code[:64],
        carrier_code=facts.carrier_code.strip()[:64],
        sender_name=facts.sender_name.strip()[:100],
        sender_phone=facts.sender_phone.strip()[:32],
        photo=photo,
        note=facts.note.strip()[:1000],
        received_by=actor.label[:150],
        received_at=now,
    )


@transaction.atomic
def unidentified_parcel_match(
    *,
    parcel: UnidentifiedParcel,
    return_request: ReturnRequest,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
) -> UnidentifiedParcel:
    """Tie the parcel to its return and receive the return as of the parcel's arrival."""
    actor_require(actor, parcel.store_id, Capability.RETURN_RECEIVE)
    locked = UnidentifiedParcel.objects.select_for_update().get(pk=parcel.pk)
    if locked.matched_return_id is not None:
        number = ReturnRequest.objects.values_list("number", flat=True).get(
            pk=locked.matched_return_id
        )
        raise errors.UNIDENTIFIED_ALREADY_MATCHED(number=number, extra={"return_number": number})
    if return_request.store_id != locked.store_id:
        raise errors.UNIDENTIFIED_NOT_FOUND(id=locked.pk)
    return_receive(
        return_request=return_request,
        actor=actor,
        now=now,
        note=note,
        received_at=locked.received_at,
        unidentified_parcel=locked,
    )
    locked.matched_return = return_request
    locked.matched_at = now
    locked.matched_by = actor.label[:150]
    locked.save(update_fields=["matched_return", "matched_at", "matched_by"])
    return locked
