"""The office's queues, counted and filtered in the database, hold exactly what the apps'
selectors find: on the demo store, where every queue has returns in it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from banpum.commerce.models import Store
from banpum.demo.seed import DEMO_STORE_SLUG, DemoSummary
from banpum.logistics.selectors import pickup_exceptions, stalled_returns
from banpum.office.queues import QUEUE_LABELS, Queue, queue_count, queue_filter, work_queues
from banpum.returns.models import ReturnRequest
from banpum.settlement.selectors import RefundQueue, refund_list
from tests.demo.helpers import NOW

pytestmark = pytest.mark.django_db


def expected(store: Store, queue: Queue, now: dt.datetime) -> set[int]:
    """The queue as its own app's selector lists it, row by row in Python."""
    if queue is Queue.PICKUP_EXCEPTIONS:
        return {pickup.return_request_id for pickup in pickup_exceptions(store=store)}
    if queue is Queue.STALLED:
        return {item.return_request.pk for item in stalled_returns(store=store, now=now)}
    which = RefundQueue.DUE_SOON if queue is Queue.REFUNDS_DUE_SOON else RefundQueue.LATE
    return {
        refund.return_request_id
        for refund in refund_list(store=store, queue=which, now=now)
        if refund.return_request_id is not None
    }


@pytest.mark.parametrize("days", [0, 2, 6])
def test_each_queue_holds_what_its_selector_finds(demo: DemoSummary, days: int) -> None:
    store = Store.objects.get(slug=DEMO_STORE_SLUG)
    now = NOW + dt.timedelta(days=days)
    for queue in Queue:
        wanted = expected(store, queue, now)
        in_queue = ReturnRequest.objects.filter(
            queue_filter(store=store, queue=queue, now=now), store=store
        )
        assert set(in_queue.values_list("pk", flat=True)) == wanted, queue
        assert queue_count(store=store, queue=queue, now=now) == len(wanted), queue
    counts = {row.query: row.count for row in work_queues(store, now)}
    assert {queue: counts[f"queue={queue.value}"] for queue in Queue} == {
        queue: len(expected(store, queue, now)) for queue in Queue
    }


def test_the_demo_fills_every_queue(demo: DemoSummary) -> None:
    """Else the test above could pass on empty queues."""
    store = Store.objects.get(slug=DEMO_STORE_SLUG)
    empty = [queue for queue in Queue if not expected(store, queue, NOW + dt.timedelta(days=2))]
    assert empty == []


def test_the_list_filtered_by_a_queue_shows_those_returns(demo: DemoSummary) -> None:
    store = Store.objects.get(slug=DEMO_STORE_SLUG)
    client = Client()
    client.force_login(get_user_model().objects.get(username="cs"))
    for queue in QUEUE_LABELS:
        response = client.get(f"/office/returns/?queue={queue}")
        assert response.status_code == 200
        table = response.context["table"]
        shown = {row.record.pk for row in table.paginated_rows}
        # The page's clock is the real one, long after the demo's: the selector at that time.
        wanted = expected(store, Queue(queue), timezone.now())
        assert table.paginator.count == len(wanted)
        assert shown <= wanted
