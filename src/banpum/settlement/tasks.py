"""Background jobs: each loads a refund by id and calls one service with the time it runs at."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from banpum.settlement.jobs import jobs_wire
from banpum.settlement.services import sending


@db_task()
def refund_send_task(refund_id: int) -> None:
    sending.refund_send(refund_id=refund_id, now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def refunds_sweep_task() -> None:
    sending.refunds_sweep(now=timezone.now())


class HueyJobs:
    """``settlement.jobs.SettlementJobs`` on Huey: a delay schedules, no delay enqueues now."""

    def refund_send(self, refund_id: int, *, delay: float = 0) -> None:
        if delay:
            refund_send_task.schedule(args=(refund_id,), delay=delay)
        else:
            refund_send_task(refund_id)


jobs_wire(HueyJobs())
