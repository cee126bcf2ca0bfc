from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "banpum.returns"
    verbose_name = _("Returns")

    def ready(self) -> None:
        # Commerce sits below returns and asks it, through this hook, what returns claim.
        from banpum.commerce.hooks import claimed_units_wire
        from banpum.returns.selectors import order_line_claimed_units

        claimed_units_wire(order_line_claimed_units)
        # Register the periodic jobs with Huey in every process.
        from banpum.returns import tasks  # noqa: F401
