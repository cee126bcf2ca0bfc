"""What logistics asks the apps above it, wired in at start-up (``SettlementConfig.ready``).

Logistics sits below settlement and warehouse: it must not import them. When an exchange's
replacement parcel is booked, the reserved stock ships and the return moves on (settlement);
when an exchange pickup could go out as a swap (맞교환), only settlement knows the replacement
and can reserve it. These hooks carry those calls upwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from banpum.core.actors import Actor
    from banpum.logistics.models import OutboundShipment, Pickup
    from banpum.returns.models import ReturnRequest


@dataclass(frozen=True)
class SwapItem:
    sku: str
    name: str
    quantity: int


class ShipmentHooks(Protocol):
    def booked(self, *, shipment: OutboundShipment, actor: Actor, now: dt.datetime) -> None:
        """The carrier issued the shipment's waybill (called inside the booking's transaction)."""

    def swap_items(
        self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
    ) -> list[SwapItem]:
        """At approval, for an account that swaps: reserve the replacement and name it, or
        return nothing (no exchange, or out of stock) for an ordinary pickup."""

    def swap_collected(self, *, pickup: Pickup, actor: Actor, now: dt.datetime) -> None:
        """The swap pickup was collected: the replacement is with the customer."""


class _NoHooks:
    def booked(self, *, shipment: OutboundShipment, actor: Actor, now: dt.datetime) -> None:
        return None

    def swap_items(
        self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
    ) -> list[SwapItem]:
        return []

    def swap_collected(self, *, pickup: Pickup, actor: Actor, now: dt.datetime) -> None:
        return None


_hooks: list[ShipmentHooks] = [_NoHooks()]


def shipment_hooks_wire(hooks: ShipmentHooks) -> None:
    _hooks[:] = [hooks]


def shipment_hooks() -> ShipmentHooks:
    return _hooks[0]
