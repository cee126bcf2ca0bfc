"""/api/v1/policy/holidays: a manager's extra holidays (임시공휴일) and the due dates they move."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from banpum.policy.models import ExtraHoliday
from banpum.policy.selectors import extra_holidays_for
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.transitions import Action, return_transition
from tests.factories import make_order
from tests.returns.helpers import WAREHOUSE, open_return, walk_to

URL = "/api/v1/policy/holidays"
pytestmark = pytest.mark.django_db
SEOUL = dt.timezone(dt.timedelta(hours=9))
FRIDAY = dt.datetime(2026, 10, 16, 15, 0, tzinfo=SEOUL)  # due Mon 19, Tue 20, Wed 21


def add(client: Client, **body: Any) -> Any:
    return client.post(URL, body, content_type="application/json")


def received_on_friday(store: Any) -> ReturnRequest:
    in_transit = walk_to(open_return(make_order(store=store)), S.IN_TRANSIT)
    received = return_transition(
        return_request=in_transit, action=Action.RECEIVE, actor=WAREHOUSE, now=FRIDAY
    )
    assert received.refund_due_on == dt.date(2026, 10, 21)
    return received


def due_on(return_request: ReturnRequest) -> dt.date | None:
    return ReturnRequest.objects.get(pk=return_request.pk).refund_due_on


def test_a_manager_adds_lists_and_removes_holidays(manager: Client, store: Any) -> None:
    added = add(manager, date="2026-10-19", name="임시공휴일")
    assert added.status_code == 201, added.content
    assert added.json()["date"] == "2026-10-19"
    assert added.json()["name"] == "임시공휴일"
    assert added.json()["created_by"] == f"manager-{store.slug}"
    add(manager, date="2026-06-05", name="창립기념일")
    listed = manager.get(URL).json()["results"]
    assert [h["date"] for h in listed] == ["2026-06-05", "2026-10-19"]
    assert extra_holidays_for(store) == frozenset({dt.date(2026, 6, 5), dt.date(2026, 10, 19)})

    assert manager.delete(f"{URL}/2026-10-19").status_code == 204
    assert extra_holidays_for(store) == frozenset({dt.date(2026, 6, 5)})
    gone = manager.delete(f"{URL}/2026-10-19")
    assert gone.status_code == 404
    assert gone.json()["code"] == "holiday_not_found"


def test_a_monday_holiday_moves_wednesdays_refund_to_thursday_and_back(
    manager: Client, store: Any
) -> None:
    received = received_on_friday(store)
    assert add(manager, date="2026-10-19", name="임시공휴일").status_code == 201
    assert due_on(received) == dt.date(2026, 10, 22)
    assert manager.delete(f"{URL}/2026-10-19").status_code == 204
    assert due_on(received) == dt.date(2026, 10, 21)


def test_a_holiday_after_the_due_date_moves_nothing(manager: Client, store: Any) -> None:
    received = received_on_friday(store)
    add(manager, date="2026-10-23", name="임시공휴일")
    assert due_on(received) == dt.date(2026, 10, 21)


def test_a_receipt_after_the_holiday_was_added_counts_it(manager: Client, store: Any) -> None:
    add(manager, date="2026-10-19", name="임시공휴일")
    in_transit = walk_to(open_return(make_order(store=store)), S.IN_TRANSIT)
    received = return_transition(
        return_request=in_transit, action=Action.RECEIVE, actor=WAREHOUSE, now=FRIDAY
    )
    assert received.refund_due_on == dt.date(2026, 10, 22)


def test_another_stores_holiday_moves_nothing_here(
    manager: Client, other_manager: Client, store: Any
) -> None:
    received = received_on_friday(store)
    assert add(other_manager, date="2026-10-19", name="임시공휴일").status_code == 201
    assert due_on(received) == dt.date(2026, 10, 21)
    assert manager.get(URL).json()["results"] == []
    assert manager.delete(f"{URL}/2026-10-19").status_code == 404
    assert ExtraHoliday.objects.count() == 1


def test_a_public_holiday_is_a_conflict_with_its_name(manager: Client) -> None:
    answer = add(manager, date="2026-10-09", name="한글날")  # already a public holiday
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "holiday_is_public"
    assert body["extra"]["date"] == "2026-10-09"
    assert body["extra"]["name"]
    assert body["message"].startswith("2026-10-09 is already a public holiday (")
    assert ExtraHoliday.objects.count() == 0


def test_the_same_day_twice_is_a_conflict(manager: Client) -> None:
    assert add(manager, date="2026-10-19", name="임시공휴일").status_code == 201
    again = add(manager, date="2026-10-19", name="또")
    assert again.status_code == 409
    assert again.json()["code"] == "holiday_duplicate"
    assert again.json()["message"] == "2026-10-19 is already one of the store's extra holidays."


@pytest.mark.parametrize(
    "body",
    [
        {"date": "1999-12-31", "name": "x"},
        {"date": "2101-01-01", "name": "x"},
        {"date": "2026-02-30", "name": "x"},
        {"date": "soon", "name": "x"},
        {"date": "2026-10-19"},
        {"date": "2026-10-19", "name": ""},
        {"date": "2026-10-19", "name": "x" * 101},
        {"date": "2026-10-19", "name": "x", "country": "KR"},
    ],
)
def test_bad_input_is_422(manager: Client, body: dict[str, Any]) -> None:
    answer = add(manager, **body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["code"] == "validation_error"
    assert ExtraHoliday.objects.count() == 0


def test_a_blank_name_is_refused_with_words(manager: Client) -> None:
    answer = add(manager, date="2026-10-19", name="   ")
    assert answer.status_code == 422
    assert answer.json()["extra"]["fields"] == {"name": ["Name the holiday."]}


@pytest.mark.parametrize("day", ["1999-01-01", "2101-01-01", "tomorrow", "2026-13-01"])
def test_bad_dates_in_the_path_are_422(manager: Client, day: str) -> None:
    assert manager.delete(f"{URL}/{day}").status_code == 422


@pytest.mark.parametrize("role", ["cs_agent", "warehouse", "api"])
def test_only_managers_change_holidays_and_everyone_in_the_store_reads_them(
    request: pytest.FixtureRequest, role: str, manager: Client
) -> None:
    add(manager, date="2026-10-19", name="임시공휴일")
    client: Client = request.getfixturevalue(role)
    assert add(client, date="2026-10-20", name="x").status_code == 403
    assert client.delete(f"{URL}/2026-10-19").status_code == 403
    assert [h["date"] for h in client.get(URL).json()["results"]] == ["2026-10-19"]
    assert ExtraHoliday.objects.count() == 1
