"""Background jobs: the dispatcher, the sweep and the receipts every minute, the daily sweep
every hour, and one send per message."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from banpum.notify.jobs import jobs_wire
from banpum.notify.services import daily, dispatch, sending


@db_task()
def notify_message_send_task(message_id: int) -> None:
    sending.message_send(message_id=message_id, now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def notify_events_dispatch_task() -> None:
    dispatch.notify_events_dispatch(now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def notify_messages_sweep_task() -> None:
    sending.messages_sweep(now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def notify_receipts_poll_task() -> None:
    sending.message_receipts_poll(now=timezone.now())


@db_periodic_task(crontab(minute="5"))
def notify_daily_sweep_task() -> None:
    daily.notify_daily_sweep(now=timezone.now())


class HueyJobs:
    """``notify.jobs.NotifyJobs`` on Huey: a delay schedules, no delay enqueues now."""

    def message_send(self, message_id: int, *, delay: float = 0) -> None:
        if delay:
            notify_message_send_task.schedule(args=(message_id,), delay=delay)
        else:
            notify_message_send_task(message_id)


jobs_wire(HueyJobs())
