"""Background jobs of returns: deleting the photos of returns that were never opened."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from banpum.returns.photos import return_photos_purge_unsent


@db_periodic_task(crontab(minute="17"))
def return_photos_purge_task() -> None:
    return_photos_purge_unsent(now=timezone.now())
