from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "banpum.settlement"
    verbose_name = _("Settlement")

    def ready(self) -> None:
        # Logistics tells exchanges when a replacement's parcel is booked (logistics.hooks).
        from banpum.settlement.exchanges.wiring import exchanges_wire

        exchanges_wire()
