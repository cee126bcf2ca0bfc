from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "banpum.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # Register the jobs with Huey in every process (the in-process worker of `banpum serve`
        # included); importing the tasks also wires them into the services (webhooks.jobs).
        from banpum.webhooks import tasks  # noqa: F401
