from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "banpum.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Register the jobs with Huey in every process; importing the tasks also wires them
        # into the services (notify.jobs).
        from banpum.notify import tasks  # noqa: F401
