"""Background jobs: the dispatcher and the sweep every minute, and one send per delivery."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from banpum.webhooks.jobs import jobs_wire
from banpum.webhooks.services import dispatch, sending


@db_task()
def webhook_delivery_send_task(delivery_id: int) -> None:
    sending.webhook_delivery_send(delivery_id=delivery_id, now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def webhook_events_dispatch_task() -> None:
    dispatch.webhook_events_dispatch(now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def webhook_deliveries_sweep_task() -> None:
    sending.webhook_deliveries_sweep(now=timezone.now())


class HueyJobs:
    """``webhooks.jobs.WebhookJobs`` on Huey: a delay schedules, no delay enqueues now."""

    def delivery_send(self, delivery_id: int, *, delay: float = 0) -> None:
        if delay:
            webhook_delivery_send_task.schedule(args=(delivery_id,), delay=delay)
        else:
            webhook_delivery_send_task(delivery_id)


jobs_wire(HueyJobs())
