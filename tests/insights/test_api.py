"""/api/v1/insights: the list, one report with filters, and every bad input a 4xx."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from banpum.insights.build import insights_rebuild
from banpum.insights.reports import REPORTS
from tests.insights.helpers import at, give_back, sell

URL = "/api/v1/insights/"


def test_the_list_names_every_report(manager_api: Client) -> None:
    answer = manager_api.get(URL)
    assert answer.status_code == 200
    keys = [r["key"] for r in answer.json()["reports"]]
    assert keys == list(REPORTS)
    assert "loss_aging" in keys
    assert "problem_products" in keys


def test_a_report_answers_columns_rows_and_chart(store: Any, manager_api_en: Client) -> None:
    order = sell(store, dt.date(2026, 1, 10), ["A", "B"])
    give_back(order, at(dt.date(2026, 1, 12)))
    insights_rebuild(now=at(dt.date(2026, 1, 20)))
    answer = manager_api_en.get(
        URL + "return_rate_period", {"date_from": "2026-01-01", "date_to": "2026-01-31"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["chart"] == "line"
    assert body["x"] == "period"
    assert body["rows"] == [
        {
            "period": "2026-01-01",
            "order_lines": 2,
            "return_lines": 1,
            "rate": 0.5,
            "order_units": 2,
            "return_units": 1,
            "unit_rate": 0.5,
        }
    ]
    assert body["columns"][0] == {"key": "period", "label": "Period", "kind": "date"}
    assert body["as_of"].startswith("2026-01-20")


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_every_report_answers_on_an_empty_store(manager_api: Client, key: str) -> None:
    answer = manager_api.get(URL + key, {"period": "week", "channel": "x", "carrier": "y"})
    assert answer.status_code == 200, answer.content


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_from"),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "date_from"),
        ({"date_from": "0001-01-01", "date_to": "0001-01-05"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
    ],
)
def test_bad_ranges_are_422_in_the_readers_language(
    manager_api_en: Client, params: dict[str, str], field: str
) -> None:
    answer = manager_api_en.get(URL + "reasons", params)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["extra"]["fields"]


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "garbage"},
        {"date_to": "2026-13-45"},
        {"period": "year"},
        {"channel": "x" * 65},
        {"carrier": "a\x00b"},
    ],
)
def test_garbage_is_refused_not_a_500(manager_api: Client, params: dict[str, str]) -> None:
    answer = manager_api.get(URL + "reasons", params)
    assert 400 <= answer.status_code < 500, answer.content
    assert answer.json()["code"]


def test_an_unknown_report_is_404(manager_api_en: Client) -> None:
    answer = manager_api_en.get(URL + "nope")
    assert answer.status_code == 404
    assert answer.json()["code"] == "insight_not_found"


def test_a_key_without_a_managers_role_is_403(api: Client) -> None:
    assert api.get(URL).status_code == 403
    assert api.get(URL + "reasons").status_code == 403


def test_no_key_is_401() -> None:
    assert Client().get(URL + "reasons").status_code == 401
