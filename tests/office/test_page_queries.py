"""The office's pages run a fixed number of SQL queries, however many returns a store has:
a query per row (N+1) would make them slow at 10,000 returns (``benchmarks/bench_office.py``
times them there)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from banpum.returns.models import ReturnStatus as S
from tests.office.conftest import return_for
from tests.returns.helpers import number_of, walk_to

pytestmark = pytest.mark.django_db

PAGES = [
    "/office/",
    "/office/returns/",
    "/office/returns/?status=on_hold",
    "/office/returns/?queue=stalled",
    "/office/returns/?queue=pickup_exceptions",
    "/office/returns/?queue=refunds_due_soon",
    "/office/returns/?sort=customer",
    "/office/returns/?status=on_hold&_export=csv",
]


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def some_returns(store: Any, first: int, count: int) -> None:
    statuses = [S.REQUESTED, S.ON_HOLD, S.APPROVED, S.PICKUP_REQUESTED, S.COMPLETED]
    for n in range(first, first + count):
        made = return_for(store, name=f"고객{n}", phone=f"010-5555-{n:04d}", order_number=f"Q-{n}")
        walk_to(made, statuses[n % len(statuses)])


def test_list_and_home_queries_do_not_grow_with_the_returns(office: Client, store: Any) -> None:
    some_returns(store, 0, 2)
    few = {url: queries(office, url) for url in PAGES}
    some_returns(store, 2, 10)
    assert {url: queries(office, url) for url in PAGES} == few


def test_return_page_queries_do_not_grow_with_the_returns(office: Client, store: Any) -> None:
    first = walk_to(
        return_for(store, name="김철수", phone="010-1234-5678", order_number="ORD-1"), S.ON_HOLD
    )
    url = f"/office/returns/{number_of(first)}/"
    alone = queries(office, url)
    some_returns(store, 0, 10)
    assert queries(office, url) == alone
