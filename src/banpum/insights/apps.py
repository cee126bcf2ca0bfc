from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "banpum.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # Register every report (``insights.reports.REPORTS``) and the periodic build job.
        from banpum.insights import (  # noqa: F401
            report_carriers,
            report_feedback,
            report_loss,
            report_money,
            report_problems,
            report_rates,
            report_reasons,
            tasks,
        )
