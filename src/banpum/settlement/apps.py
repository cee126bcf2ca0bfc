from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from banpum.core.actors import Actor
    from banpum.returns.hooks import RefundSummary
    from banpum.returns.models import ReturnRequest


class _ReturnSettlement:
    """``returns.hooks.SettlementHooks`` on the settlement services."""

    def keep_item(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> bool:
        from banpum.settlement.services import intents

        locked = type(return_request).objects.get(pk=return_request.pk)
        if not intents.keep_item_applies(locked):
            return False
        intents.refund_keep_item(return_request=locked, actor=actor, now=now)
        return True

    def picked_up(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        from banpum.settlement.services import intents

        intents.refund_early(return_request=return_request, actor=actor, now=now)

    def refunds_of(self, return_request: ReturnRequest) -> list[RefundSummary]:
        from banpum.settlement.selectors import refund_summaries

        return refund_summaries(return_request)


class SettlementConfig(AppConfig):
    name = "banpum.settlement"
    verbose_name = _("Settlement")

    def ready(self) -> None:
        # Logistics tells settlement when a parcel to the customer is booked (logistics.hooks);
        # the warehouse, when a return is inspected (warehouse.hooks).
        from banpum.settlement.wiring import settlement_wire

        settlement_wire()
        # Register the jobs with Huey in every process; importing the tasks wires them into the
        # services (settlement.jobs).
        from banpum.returns.hooks import settlement_hooks_wire
        from banpum.settlement import tasks  # noqa: F401

        settlement_hooks_wire(_ReturnSettlement())
