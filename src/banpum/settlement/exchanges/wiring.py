"""``logistics.hooks.ShipmentHooks`` on the exchange services, wired by ``SettlementConfig``."""

from __future__ import annotations

import datetime as dt

from banpum.core.actors import Actor
from banpum.logistics.hooks import SwapItem, shipment_hooks_wire
from banpum.logistics.models import OutboundShipment, Pickup
from banpum.returns.models import ReturnRequest
from banpum.settlement.exchanges import services


class ExchangeShipmentHooks:
    def booked(self, *, shipment: OutboundShipment, actor: Actor, now: dt.datetime) -> None:
        services.exchange_shipment_booked(shipment=shipment, actor=actor, now=now)

    def swap_items(
        self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
    ) -> list[SwapItem]:
        return services.exchange_swap_reserve(return_request=return_request, actor=actor, now=now)

    def swap_collected(self, *, pickup: Pickup, actor: Actor, now: dt.datetime) -> None:
        """Stock ships at inspection (``exchange_start``): the goods back prove the visit."""


def exchanges_wire() -> None:
    shipment_hooks_wire(ExchangeShipmentHooks())
