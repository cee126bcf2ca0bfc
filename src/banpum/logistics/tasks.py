"""Background jobs: each loads a row by id and calls one service with the time it runs at."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from banpum.logistics.jobs import jobs_wire
from banpum.logistics.services import label_codes, outbound, pickups, tracking


@db_task()
def pickup_request_send_task(pickup_id: int) -> None:
    pickups.pickup_request_send(pickup_id=pickup_id, now=timezone.now())


@db_task()
def pickup_cancel_send_task(pickup_id: int) -> None:
    pickups.pickup_cancel_send(pickup_id=pickup_id, now=timezone.now())


@db_task()
def pickup_tracking_refresh_task(pickup_id: int, attempt: int = 1) -> None:
    tracking.pickup_tracking_refresh(pickup_id=pickup_id, attempt=attempt, now=timezone.now())


@db_task()
def pickup_label_codes_fetch_task(pickup_id: int) -> None:
    label_codes.pickup_label_codes_fetch(pickup_id=pickup_id, now=timezone.now())


@db_task()
def outbound_shipment_send_task(shipment_id: int) -> None:
    outbound.outbound_shipment_send(shipment_id=shipment_id, now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def pickups_sweep_task() -> None:
    pickups.pickups_sweep(now=timezone.now())
    label_codes.pickup_label_codes_sweep(now=timezone.now())
    outbound.outbound_shipments_sweep(now=timezone.now())


@db_periodic_task(crontab(minute="*/5"))
def tracking_poll_task() -> None:
    tracking.tracking_poll(now=timezone.now())
    tracking.tracking_poll_public(now=timezone.now())
    outbound.outbound_tracking_poll(now=timezone.now())


class HueyJobs:
    """``logistics.jobs.LogisticsJobs`` on Huey: a delay schedules, no delay enqueues now."""

    def pickup_request_send(self, pickup_id: int, *, delay: float = 0) -> None:
        if delay:
            pickup_request_send_task.schedule(args=(pickup_id,), delay=delay)
        else:
            pickup_request_send_task(pickup_id)

    def pickup_cancel_send(self, pickup_id: int, *, delay: float = 0) -> None:
        if delay:
            pickup_cancel_send_task.schedule(args=(pickup_id,), delay=delay)
        else:
            pickup_cancel_send_task(pickup_id)

    def pickup_tracking_refresh(
        self, pickup_id: int, *, attempt: int = 1, delay: float = 0
    ) -> None:
        if delay:
            pickup_tracking_refresh_task.schedule(args=(pickup_id, attempt), delay=delay)
        else:
            pickup_tracking_refresh_task(pickup_id, attempt)

    def pickup_label_codes_fetch(self, pickup_id: int) -> None:
        pickup_label_codes_fetch_task(pickup_id)

    def outbound_shipment_send(self, shipment_id: int, *, delay: float = 0) -> None:
        if delay:
            outbound_shipment_send_task.schedule(args=(shipment_id,), delay=delay)
        else:
            outbound_shipment_send_task(shipment_id)


jobs_wire(HueyJobs())
