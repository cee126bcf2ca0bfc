"""GET /api/v1/returns: filters, cursor pages, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from banpum.policy.types import Resolution, ReturnType
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import CustomerFactory, make_order
from tests.returns.api.conftest import JsonClient
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db

URL = "/api/v1/returns"


def _numbers(client: JsonClient, params: Any = None) -> list[str]:
    status, body = client.get(URL, params)
    assert status == 200, body
    return [row["number"] for row in body["results"]]


@pytest.fixture
def three(store: Any) -> list[ReturnRequest]:
    kim = CustomerFactory(store=store, name="김민수", phone="01012345678")
    first = open_return(make_order(store=store, customer=kim, channel_order_number="A-100"))
    # The others get fixed names: a random Korean name may contain "민수" too.
    lee = CustomerFactory(store=store, name="이서연")
    park = CustomerFactory(store=store, name="박지훈")
    second = walk_to(
        open_return(
            make_order(store=store, customer=lee, channel_order_number="B-200"),
            reason_code="wrong_item",
            type=ReturnType.EXCHANGE,
            resolution=Resolution.EXCHANGE,
            origin=Origin.API,
        ),
        S.APPROVED,
    )
    third = walk_to(
        open_return(make_order(store=store, customer=park, channel_order_number="C-300")),
        S.ON_HOLD,
    )
    ReturnRequest.objects.filter(pk=first.pk).update(
        created_at=dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC)
    )
    return [first, second, third]


def test_list_newest_first_with_the_list_shape(client_json: JsonClient, three: Any) -> None:
    status, body = client_json.get(URL)
    assert status == 200
    assert (body["next"], body["previous"]) == (None, None)
    assert [row["number"] for row in body["results"]] == [r.number for r in reversed(three)]
    row = body["results"][1]
    assert (row["status"], row["type"], row["resolution"]) == ("approved", "exchange", "exchange")
    assert row["allowed_actions"] == ["request_pickup", "await_shipment", "keep_item", "cancel"]
    assert "lines" not in row
    assert "events" not in row


def test_filters(client_json: JsonClient, three: Any) -> None:
    first, second, third = (r.number for r in three)
    assert _numbers(client_json, {"status": "requested"}) == [first]
    assert _numbers(client_json, {"status": ["requested", "on_hold"]}) == [third, first]
    assert _numbers(client_json, {"type": "exchange"}) == [second]
    assert _numbers(client_json, {"reason_code": "wrong_item"}) == [second]
    assert _numbers(client_json, {"origin": "api"}) == [second]
    assert _numbers(client_json, {"order_number": "C-300"}) == [third]
    assert _numbers(client_json, {"q": first.lower()}) == [first]
    assert _numbers(client_json, {"q": "민수"}) == [first]
    assert _numbers(client_json, {"q": "01012345678"}) == [first]
    assert _numbers(client_json, {"created_to": "2025-03-11T00:00:00+09:00"}) == [first]
    assert _numbers(client_json, {"created_from": "2025-03-11T00:00:00+09:00"}) == [third, second]
    # Without an offset, a bound is the store's wall clock (Asia/Seoul): 18:00 KST is 09:00 UTC.
    assert _numbers(client_json, {"created_from": "2025-03-10T18:00:00"}) == [third, second, first]
    assert _numbers(client_json, {"created_from": "2025-03-10T18:00:01"}) == [third, second]
    assert _numbers(client_json, {"status": "requested", "origin": "api"}) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "lost"}, "status.0"), ({"type": "swap"}, "type"), ({"origin": "fax"}, "origin"),
     ({"created_from": "yesterday"}, "created_from")],
)  # fmt: skip
def test_bad_filter_values_are_422(client_json: JsonClient, params: Any, field: str) -> None:
    status, body = client_json.get(URL, params)
    assert (status, body["code"]) == (422, "validation_error")
    assert list(body["extra"]["fields"]) == [field]


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_cursor_pages_walk_everything_once(client_json: JsonClient, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 7}])
    created = [open_return(order).number for _ in range(7)]
    seen: list[str] = []
    status, body = client_json.get(URL, {"page_size": 3, "status": "requested"})
    pages = 0
    while True:
        assert status == 200, body
        pages += 1
        assert len(body["results"]) <= 3
        seen += [row["number"] for row in body["results"]]
        if body["next"] is None:
            break
        assert "status=requested" in body["next"]  # filters survive paging
        status, body = client_json.get(_relative(body["next"]))
    assert pages == 3
    assert seen == list(reversed(created))
    assert len(set(seen)) == 7


def test_cursor_does_not_repeat_when_new_returns_arrive(
    client_json: JsonClient, store: Any
) -> None:
    order = make_order(store=store, lines=[{"quantity": 6}])
    older = [open_return(order).number for _ in range(4)]
    _, first_page = client_json.get(URL, {"page_size": 2})
    newer = open_return(order).number
    _, second_page = client_json.get(_relative(first_page["next"]))
    numbers = [r["number"] for r in first_page["results"] + second_page["results"]]
    assert numbers == [older[3], older[2], older[1], older[0]]
    assert newer not in numbers


@pytest.mark.parametrize("size", [0, -1, 201, 100000])
def test_a_page_size_outside_1_to_200_is_422(client_json: JsonClient, size: int) -> None:
    status, body = client_json.get(URL, {"page_size": size})
    assert (status, list(body["extra"]["fields"])) == (422, ["page_size"])


def test_page_sizes_1_and_200_are_served(client_json: JsonClient, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 3}])
    for _ in range(3):
        open_return(order)
    assert len(client_json.get(URL, {"page_size": 1})[1]["results"]) == 1
    assert len(client_json.get(URL, {"page_size": 200})[1]["results"]) == 3


@pytest.mark.parametrize(
    "cursor", ["!!!", "bz0tMQ==", "cD1hYmM="], ids=["not-b64", "o=-1", "p=abc"]
)
def test_tampered_cursor_is_422(client_json: JsonClient, three: Any, cursor: str) -> None:
    status, body = client_json.get(URL, {"cursor": cursor})
    assert status == 422, body
    assert body["code"] == "validation_error"
    assert list(body["extra"]["fields"]) == ["cursor"]


def test_another_stores_returns_are_not_listed(other_client: JsonClient, three: Any) -> None:
    assert _numbers(other_client) == []


def _many(store: Any, count: int) -> None:
    for index in range(count):
        customer = CustomerFactory(store=store)
        order = make_order(store=store, customer=customer, lines=[{"quantity": 2}, {"quantity": 1}])
        open_return(order, [(1, 1), (2, 1)], create_kwargs={"note": f"note {index}"})


@pytest.mark.parametrize("count", [5, 25])
def test_list_queries_do_not_grow_with_the_page(
    api: Client, store: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    _many(store, count)
    api.get(URL)  # the API key's last_used_at is touched at most once a minute
    # API key, the page of returns with order, channel and customer joined: two queries.
    with django_assert_max_num_queries(2):
        response = api.get(URL, {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


def test_list_query_count_is_the_same_for_5_and_25(api: Client, store: Any) -> None:
    def count_for(total: int) -> int:
        ReturnRequest.objects.all().delete()
        _many(store, total)
        api.get(URL)
        with CaptureQueriesContext(connection) as captured:
            query: dict[str, Any] = {"status": ["requested", "approved"], "q": "", "page_size": 50}
            response = api.get(URL, query)
        assert len(response.json()["results"]) == total
        return len(captured.captured_queries)

    assert count_for(5) == count_for(25)
