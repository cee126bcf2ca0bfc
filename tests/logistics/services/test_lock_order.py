"""Every logistics write locks the return before its pickups: the one lock order.

A booking answer, a tracking event and a cancel can touch the same return and pickup at once;
if one locked pickup → return and another return → pickup, PostgreSQL would break the
deadlock by failing one of them. Read from the SQL actually sent (SQLite takes no row locks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banpum.integrations.carriers.base import GatewayError, PickupBooked, PickupCancelled
from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus
from banpum.logistics.services.pickups import (
    pickup_booking_apply,
    pickup_cancel_apply,
    pickup_rerequest,
    return_switch_to_self_ship,
)
from banpum.logistics.services.tracking import pickup_tracking_apply
from banpum.returns.models import ReturnRequest
from banpum.returns.services import return_request_cancel
from tests.logistics.helpers import CS, approve, book, pickup_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's (FOR UPDATE)"
    ),
]

TABLE = re.compile(r'FROM "(\w+)"')


def locked_tables(action: Callable[[], Any]) -> list[str]:
    """The tables of the rows ``action`` locks, in the order it first locks each."""
    with CaptureQueriesContext(connection) as queries:
        action()
    order: list[str] = []
    for query in queries.captured_queries:
        match = TABLE.search(query["sql"]) if "FOR UPDATE" in query["sql"] else None
        if match and match.group(1) not in order:
            order.append(match.group(1))
    return order


@pytest.fixture
def booked(
    order: Any, offline_account: CarrierAccount, django_capture_on_commit_callbacks: Any
) -> ReturnRequest:
    with django_capture_on_commit_callbacks():
        approved = approve(order)
        book(approved)
    return approved


def excepted(return_request: ReturnRequest) -> Pickup:
    pickup = pickup_of(return_request)
    Pickup.objects.filter(pk=pickup.pk).update(status=PickupStatus.EXCEPTION)
    return pickup


RETURN_FIRST = ["returns_returnrequest", "logistics_pickup"]


def test_applying_a_booking_answer(
    order: Any, offline_account: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():
        pickup = pickup_of(approve(order))
    answer = PickupBooked("PK1", "612345678901")
    assert locked_tables(
        lambda: pickup_booking_apply(pickup_id=pickup.pk, result=answer, now=timezone.now())
    ) == (RETURN_FIRST)
    error = GatewayError("http_500", "down", retryable=True)
    assert locked_tables(
        lambda: pickup_booking_apply(pickup_id=pickup.pk, result=error, now=timezone.now())
    ) == (RETURN_FIRST)


def test_applying_tracking(booked: ReturnRequest) -> None:
    pickup = pickup_of(booked)
    assert (
        locked_tables(lambda: pickup_tracking_apply(pickup_id=pickup.pk, now=timezone.now()))
        == RETURN_FIRST
    )


def test_cancelling(booked: ReturnRequest) -> None:
    pickup = pickup_of(booked)
    tables = locked_tables(
        lambda: return_request_cancel(now=timezone.now(), return_request=booked, actor=CS)
    )
    assert tables[:2] == RETURN_FIRST
    answer = PickupCancelled("PK1")
    assert locked_tables(
        lambda: pickup_cancel_apply(pickup_id=pickup.pk, result=answer, now=timezone.now())
    ) == (RETURN_FIRST)


def test_rerequesting_and_switching(booked: ReturnRequest) -> None:
    pickup = excepted(booked)
    assert (
        locked_tables(lambda: pickup_rerequest(pickup=pickup, actor=CS, now=timezone.now()))[:2]
        == RETURN_FIRST
    )
    excepted(booked)
    tables = locked_tables(
        lambda: return_switch_to_self_ship(return_request=booked, actor=CS, now=timezone.now())
    )
    assert tables[:2] == RETURN_FIRST
