from __future__ import annotations

from typing import Any

import pytest

from banpum.core.errors import NotFound
from banpum.returns.selectors import return_request_get
from tests.factories import StoreFactory, make_order, make_policy
from tests.returns.helpers import number_of, open_return

pytestmark = pytest.mark.django_db


def test_get_by_number_with_lines_and_events(
    store: Any, order: Any, django_assert_num_queries: Any
) -> None:
    number = number_of(open_return(order, create_kwargs={"note": "메모"}))
    with django_assert_num_queries(3):  # the return with its joins, lines, events
        got = return_request_get(store=store, number=number)
        lines = [(line.order_line.sku, line.quantity) for line in got.lines.all()]
        events = [event.type for event in got.events.all()]
        assert got.order.channel.code
        assert got.policy.version == 1
    assert lines == [(order.lines.get().sku, 1)]
    assert events == ["created", "note_added"]


def test_another_stores_return_is_not_found(store: Any, order: Any) -> None:
    number = number_of(open_return(order))
    other = StoreFactory(slug="other")
    make_policy(other)
    open_return(make_order(store=other))
    with pytest.raises(NotFound) as raised:
        return_request_get(store=other, number=number)
    assert raised.value.code == "return_not_found"


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n.lower(),
        lambda n: n.replace("-", ""),
        lambda n: f"  {n.replace('-', ' ').lower()} ",
        lambda n: n[:-1].replace("-", "") + {"0": "O", "1": "I"}.get(n[-1], n[-1]),
    ],
    ids=["lower", "no-hyphens", "spaces", "look-alike"],
)
def test_a_number_as_typed_or_scanned_is_found(store: Any, order: Any, typed: Any) -> None:
    number = open_return(order).number or ""
    assert return_request_get(store=store, number=typed(number)).number == number


def test_an_older_sequence_number_is_still_found(store: Any, order: Any) -> None:
    from banpum.returns.models import ReturnRequest

    return_request = open_return(order)
    ReturnRequest.objects.filter(pk=return_request.pk).update(number="R2611-0000123")
    assert return_request_get(store=store, number="r2611-0000123").pk == return_request.pk
