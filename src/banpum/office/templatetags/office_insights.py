"""The nav's "Loss & aging" link: to the loss report when one is registered, else nothing."""

from __future__ import annotations

from django import template
from django.urls import reverse

from banpum.insights.reports import REPORTS

register = template.Library()

LOSS_REPORT_KEY = "loss_aging"
LOSS_SECTION = "loss"


@register.simple_tag
def loss_report_url() -> str:
    """The loss & aging report's page: its agreed key, or the first report of the loss section."""
    key = LOSS_REPORT_KEY if LOSS_REPORT_KEY in REPORTS else ""
    if not key:
        key = next((spec.key for spec in REPORTS.values() if spec.section == LOSS_SECTION), "")
    return reverse("office:insights-report", args=[key]) if key else ""
