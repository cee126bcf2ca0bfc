"""The periodic build of the summary tables, every five minutes, outside any request."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from banpum.insights.build import insights_build


@db_periodic_task(crontab(minute="*/5"))
def insights_build_task() -> None:
    insights_build(now=timezone.now())
