from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from banpum.policy.types import Resolution, ReturnType
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.selectors import ReturnFilters, return_request_list
from tests.factories import CustomerFactory, StoreFactory, make_order, make_policy
from tests.returns.helpers import number_of, open_return, walk_to

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def _numbers(store: Any, **filters: Any) -> list[str]:
    return [
        number_of(r) for r in return_request_list(store=store, filters=ReturnFilters(**filters))
    ]


def _at(return_request: ReturnRequest, moment: dt.datetime) -> ReturnRequest:
    ReturnRequest.objects.filter(pk=return_request.pk).update(created_at=moment)
    return return_request


@pytest.fixture
def three(store: Any) -> tuple[ReturnRequest, ReturnRequest, ReturnRequest]:
    kim = CustomerFactory(store=store, name="김민수", phone="01012345678")
    lee = CustomerFactory(store=store, name="이서연", phone="01098765432")
    first = open_return(make_order(store=store, customer=kim, channel_order_number="A-100"))
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
        open_return(make_order(store=store, customer=kim, channel_order_number="C-300")),
        S.ON_HOLD,
    )
    return first, second, third


def test_newest_first_and_only_this_store(store: Any, three: Any) -> None:
    other = StoreFactory(slug="other")
    make_policy(other)
    open_return(make_order(store=other))
    first, second, third = three
    assert _numbers(store) == [third.number, second.number, first.number]


def test_status_filter_takes_several(store: Any, three: Any) -> None:
    first, _second, third = three
    assert _numbers(store, status=["requested"]) == [first.number]
    assert _numbers(store, status=["requested", "on_hold"]) == [third.number, first.number]
    assert _numbers(store, status=["completed"]) == []


def test_type_reason_origin_and_order_number(store: Any, three: Any) -> None:
    first, second, third = three
    assert _numbers(store, type="exchange") == [second.number]
    assert _numbers(store, reason_code="wrong_item") == [second.number]
    assert _numbers(store, origin="api") == [second.number]
    assert _numbers(store, origin="cs") == [third.number, first.number]
    assert _numbers(store, order_number="C-300") == [third.number]


def test_created_range_is_half_open(store: Any, three: Any) -> None:
    first, second, third = three
    _at(first, dt.datetime(2025, 3, 1, 0, 0, tzinfo=SEOUL))
    _at(second, dt.datetime(2025, 3, 15, 12, 0, tzinfo=SEOUL))
    _at(third, dt.datetime(2025, 4, 1, 0, 0, tzinfo=SEOUL))
    march = {
        "created_from": dt.datetime(2025, 3, 1, tzinfo=SEOUL),
        "created_to": dt.datetime(2025, 4, 1, tzinfo=SEOUL),
    }
    assert _numbers(store, **march) == [second.number, first.number]
    assert _numbers(store, created_from=dt.datetime(2025, 3, 2, tzinfo=SEOUL)) == [
        third.number,
        second.number,
    ]


def test_naive_bounds_are_the_stores_wall_clock(store: Any, three: Any) -> None:
    first, second, third = three
    # 00:30 on 1 March in Seoul is still 28 February in UTC.
    _at(first, dt.datetime(2025, 3, 1, 0, 30, tzinfo=SEOUL))
    _at(second, dt.datetime(2025, 2, 28, 23, 30, tzinfo=SEOUL))
    _at(third, dt.datetime(2025, 3, 2, 0, 0, tzinfo=SEOUL))
    naive_from, naive_to = dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 2)  # noqa: DTZ001
    assert _numbers(store, created_from=naive_from, created_to=naive_to) == [first.number]


def test_search(store: Any, three: Any) -> None:
    first, second, third = three
    assert _numbers(store, q=first.number.lower()) == [first.number]
    assert _numbers(store, q=" B-200 ") == [second.number]
    assert _numbers(store, q="민수") == [third.number, first.number]
    assert _numbers(store, q="01098765432") == [second.number]
    assert _numbers(store, q="nobody") == []


def test_blank_search_is_no_filter(store: Any, three: Any) -> None:
    assert len(_numbers(store, q="   ")) == 3


def test_search_by_phone_with_or_without_hyphens(store: Any) -> None:
    """Issue 7: a phone typed without hyphens missed a customer stored with them (the orders
    search found it); both searches share commerce.selectors.phone_variants."""
    park = CustomerFactory(store=store, name="박지훈", phone="010-2345-6789")
    choi = CustomerFactory(store=store, name="최유진", phone="01055556666")
    hyphenated = open_return(make_order(store=store, customer=park))
    plain = open_return(make_order(store=store, customer=choi, shipping_phone="010-7777-8888"))
    assert _numbers(store, q="01023456789") == [hyphenated.number]
    assert _numbers(store, q="010-2345-6789") == [hyphenated.number]
    assert _numbers(store, q="010-5555-6666") == [plain.number]
    assert _numbers(store, q="01077778888") == [plain.number]
