"""Stock counts: a person corrects a balance, through the same ledger as every movement."""

from __future__ import annotations

import datetime as dt

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Product, Store
from banpum.core.actors import Actor
from banpum.warehouse import errors
from banpum.warehouse.models import MovementKind, StockMovement
from banpum.warehouse.stock import StockChange, stock_location, stock_move


def stock_adjust(
    *,
    store: Store,
    sku: str,
    location_code: str,
    on_hand_change: int,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
) -> StockMovement:
    """Add (or, negative, remove) units counted at a location; never below zero or reserved."""
    actor_require(actor, store.pk, Capability.STOCK_MANAGE)
    product = Product.objects.filter(store=store, sku=sku.strip()).first()
    if product is None:
        raise errors.STOCK_SKU_NOT_FOUND(sku=sku.strip()[:64])
    if on_hand_change == 0:
        raise errors.STOCK_NOTHING_TO_MOVE.field("on_hand_change")
    location = stock_location(store, location_code.strip() or None)
    return stock_move(
        product=product,
        location=location,
        change=StockChange(kind=MovementKind.ADJUSTMENT, on_hand=on_hand_change, note=note.strip()),
        actor=actor,
        now=now,
    )
