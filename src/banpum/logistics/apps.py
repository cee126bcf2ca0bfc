from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from banpum.core.actors import Actor
    from banpum.returns.models import ReturnRequest


class _ReturnPickups:
    """``returns.hooks.PickupHooks`` on the logistics services."""

    def arrange(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        from banpum.logistics.services.pickups import pickup_arrange_for_return

        pickup_arrange_for_return(return_request=return_request, actor=actor, now=now)

    def cancel(self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> None:
        from banpum.logistics.services.pickups import pickups_cancel_for_return

        pickups_cancel_for_return(return_request=return_request, actor=actor, now=now)


class LogisticsConfig(AppConfig):
    name = "banpum.logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Register the jobs with Huey in every process, the in-process worker of
        # `banpum serve` included (only `run_huey` autodiscovers task modules itself); importing
        # the tasks also wires them into the services (logistics.jobs).
        from banpum.logistics import tasks  # noqa: F401
        from banpum.returns.hooks import pickup_hooks_wire

        pickup_hooks_wire(_ReturnPickups())
