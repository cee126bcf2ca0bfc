"""Settlement's answers to the hooks of the apps below it, wired by ``SettlementConfig``:
``logistics.hooks.ShipmentHooks`` (exchange parcels, send-backs, 맞교환) and
``warehouse.hooks.InspectionHooks`` (an inspected return's refund, exchange or send-back)."""

from __future__ import annotations

import datetime as dt

from banpum.core.actors import Actor
from banpum.logistics.hooks import SwapItem, shipment_hooks_wire
from banpum.logistics.models import OutboundKind, OutboundShipment, Pickup
from banpum.returns.models import ReturnRequest
from banpum.settlement.after_inspection import (
    return_sent_back_complete,
    return_settle_after_inspection,
)
from banpum.settlement.exchanges import services
from banpum.warehouse.hooks import inspection_hooks_wire


class ExchangeShipmentHooks:
    def booked(self, *, shipment: OutboundShipment, actor: Actor, now: dt.datetime) -> None:
        if shipment.kind == OutboundKind.SEND_BACK:
            return_sent_back_complete(return_request=shipment.return_request, actor=actor, now=now)
            return
        services.exchange_shipment_booked(shipment=shipment, actor=actor, now=now)

    def swap_items(
        self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
    ) -> list[SwapItem]:
        return services.exchange_swap_reserve(return_request=return_request, actor=actor, now=now)

    def swap_collected(self, *, pickup: Pickup, actor: Actor, now: dt.datetime) -> None:
        """Stock ships at inspection (``exchange_start``): the goods back prove the visit."""


class SettlementInspectionHooks:
    """``warehouse.hooks.InspectionHooks``: an inspected return's refund, exchange or send-back."""

    def inspected(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        return_settle_after_inspection(return_request=return_request, actor=actor, now=now)


def settlement_wire() -> None:
    shipment_hooks_wire(ExchangeShipmentHooks())
    inspection_hooks_wire(SettlementInspectionHooks())
