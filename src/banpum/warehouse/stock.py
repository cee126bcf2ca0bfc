"""The one writer of stock: every change is a ledger movement plus its balance, under a lock.

Callers (restock at inspection, reservations for exchanges, counts) say what happened; this
module locks the balance row, refuses what would take it below zero, and appends the movement
with the balance after it, in one transaction. The database's check constraints stand behind
the same rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum

from banpum.commerce.models import Product, Store
from banpum.core.actors import Actor
from banpum.warehouse import errors
from banpum.warehouse.models import MovementKind, StockLevel, StockLocation, StockMovement

# Default locations every store gets on first use: sellable stock, and where graded-down units
# wait (not sellable, so not reservable).
DEFAULT_LOCATIONS = (
    ("main", "기본 창고", True, True),
    ("refurb", "리퍼/재작업", False, False),
    ("quarantine", "격리", False, False),
)


def stock_locations_ensure(store: Store) -> list[StockLocation]:
    """The store's locations, creating the defaults the first time stock is touched."""
    for code, name, is_default, sellable in DEFAULT_LOCATIONS:
        try:
            with transaction.atomic():
                StockLocation.objects.get_or_create(
                    store=store,
                    code=code,
                    defaults={"name": name, "is_default": is_default, "sellable": sellable},
                )
        except IntegrityError:  # another default already chosen by the seller; keep theirs
            continue
    return list(StockLocation.objects.filter(store=store))


def stock_location(store: Store, code: str | None = None) -> StockLocation:
    """The location ``code`` of the store, or its default one."""
    stock_locations_ensure(store)
    locations = StockLocation.objects.filter(store=store)
    found = (
        locations.filter(code=code).first()
        if code
        else locations.filter(is_default=True).first() or locations.first()
    )
    if found is None:
        raise errors.STOCK_LOCATION_NOT_FOUND(code=code or "-")
    return found


@dataclass(frozen=True)
class StockChange:
    kind: MovementKind
    on_hand: int = 0
    reserved: int = 0
    reference: str = ""
    note: str = ""


def stock_move(
    *,
    product: Product,
    location: StockLocation,
    change: StockChange,
    actor: Actor,
    now: dt.datetime,
) -> StockMovement:
    """Apply one change to the balance of ``product`` at ``location`` and record it.

    Refuses (409 ``stock_not_enough``) a change that would leave fewer units on hand than
    reserved, or a negative balance.
    """
    if change.on_hand == 0 and change.reserved == 0:
        raise errors.STOCK_NOTHING_TO_MOVE()
    if product.store_id != location.store_id:
        raise errors.STOCK_PRODUCT_OTHER_STORE(sku=product.sku)
    with transaction.atomic():
        level, _ = StockLevel.objects.select_for_update().get_or_create(
            product=product,
            location=location,
            defaults={"store_id": location.store_id, "updated_at": now},
        )
        on_hand = level.on_hand + change.on_hand
        reserved = level.reserved + change.reserved
        if on_hand < 0 or reserved < 0 or reserved > on_hand:
            raise errors.STOCK_NOT_ENOUGH(
                available=level.available,
                sku=product.sku,
                location=location.name,
                wanted=max(-change.on_hand, change.reserved),
                extra={"available": level.available, "on_hand": level.on_hand},
            )
        level.on_hand, level.reserved, level.updated_at = on_hand, reserved, now
        level.save(update_fields=["on_hand", "reserved", "updated_at"])
        return StockMovement.objects.create(
            store_id=location.store_id,
            product=product,
            location=location,
            kind=change.kind,
            on_hand_change=change.on_hand,
            reserved_change=change.reserved,
            on_hand_after=on_hand,
            reserved_after=reserved,
            reference=change.reference[:64],
            actor_label=actor.label[:150],
            note=change.note[:500],
            at=now,
        )


def stock_available(product: Product, *, sellable_only: bool = True) -> int:
    """Units of ``product`` on hand and not reserved, over the store's (sellable) locations."""
    levels = StockLevel.objects.filter(product=product)
    if sellable_only:
        levels = levels.filter(location__sellable=True)
    totals = levels.aggregate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    return (totals["on_hand"] or 0) - (totals["reserved"] or 0)


def stock_level_rebuilt(product: Product, location: StockLocation) -> tuple[int, int]:
    """(on hand, reserved) summed from the ledger alone: what the balance row must say."""
    totals = StockMovement.objects.filter(product=product, location=location).aggregate(
        on_hand=Sum("on_hand_change"), reserved=Sum("reserved_change")
    )
    return totals["on_hand"] or 0, totals["reserved"] or 0
