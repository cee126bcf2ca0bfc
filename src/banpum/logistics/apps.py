from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "banpum.logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Register the jobs with Huey in every process, the in-process worker of
        # `banpum serve` included (only `run_huey` autodiscovers task modules itself).
        from banpum.logistics import tasks  # noqa: F401
