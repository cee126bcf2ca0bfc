"""Background jobs: each loads a row by id and calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from banpum.logistics.services import label_codes, pickups, tracking


@db_task()
def pickup_request_send_task(pickup_id: int) -> None:
    pickups.pickup_request_send(pickup_id=pickup_id)


@db_task()
def pickup_cancel_send_task(pickup_id: int) -> None:
    pickups.pickup_cancel_send(pickup_id=pickup_id)


@db_task()
def pickup_tracking_refresh_task(pickup_id: int, attempt: int = 1) -> None:
    tracking.pickup_tracking_refresh(pickup_id=pickup_id, attempt=attempt)


@db_task()
def pickup_label_codes_fetch_task(pickup_id: int) -> None:
    label_codes.pickup_label_codes_fetch(pickup_id=pickup_id)


@db_periodic_task(crontab(minute="*"))
def pickups_sweep_task() -> None:
    pickups.pickups_sweep()
    label_codes.pickup_label_codes_sweep()


@db_periodic_task(crontab(minute="*/5"))
def tracking_poll_task() -> None:
    tracking.tracking_poll()
    tracking.tracking_poll_public()
