"""The build: a rebuild and an incremental build end on the same rows; figures match a hand count;
another store's data is never counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from banpum.insights.build import insights_build, insights_rebuild
from banpum.insights.models import (
    BuildState,
    FeedbackMonth,
    OrderDay,
    OrderMonth,
    ReturnDay,
    ReturnMonth,
    SkuMonth,
    StageMonth,
)
from banpum.insights.reports import Filters, Period, report_build
from banpum.policy.types import Resolution
from banpum.returns.models import ReturnStatus as S
from banpum.returns.transitions import Action, return_transition
from tests.factories import StoreFactory, make_policy
from tests.insights.helpers import NOW, at, give_back, sell
from tests.returns.helpers import SATISFYING_MOVE, WAREHOUSE

TABLES = (OrderDay, OrderMonth, ReturnDay, ReturnMonth, SkuMonth, StageMonth, FeedbackMonth)
RANGE = Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 20))


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every summary summed per key (row splits may differ, the sums may not)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for model in TABLES:
        numbers = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() == "BigIntegerField"
        ]
        keys = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in numbers and f.name != "id"
        ]
        from django.db.models import Sum

        rows = model.objects.values(*keys).annotate(**{f"t_{n}": Sum(n) for n in numbers})
        out[model.__name__] = sorted(tuple(sorted(r.items())) for r in rows)
    return out


def _history(store: Any) -> None:
    jan = sell(store, dt.date(2026, 1, 10), ["A", "B"])
    sell(store, dt.date(2026, 1, 31), ["A"], channel_code="market")
    feb = sell(store, dt.date(2026, 2, 3), [("C", "bags")], quantity=2)
    give_back(jan, at(dt.date(2026, 1, 20)), to=S.COMPLETED)
    give_back(
        feb,
        at(dt.date(2026, 2, 10)),
        lines=((1, 2),),
        reason_code="defective",
        resolution=Resolution.STORE_CREDIT,
        to=S.IN_TRANSIT,
    )


def test_rebuild_equals_incremental_after_more_events(store: Any) -> None:
    _history(store)
    insights_build(now=NOW)  # never built: a rebuild
    later = sell(store, dt.date(2026, 3, 2), ["A", "D"])
    open_one = give_back(later, at(dt.date(2026, 3, 5)), to=S.APPROVED)
    return_transition(
        return_request=open_one,
        action=Action.REQUEST_PICKUP,
        actor=WAREHOUSE,
        move=SATISFYING_MOVE,
        now=at(dt.date(2026, 3, 7)),
    )
    result = insights_build(now=NOW)
    assert not result.rebuilt
    assert result.returns == 1
    assert result.order_days == 1
    incremental = _snapshot()
    insights_rebuild(now=NOW)
    assert _snapshot() == incremental


def test_an_incremental_build_with_nothing_new_changes_nothing(store: Any) -> None:
    _history(store)
    insights_rebuild(now=NOW)
    before = _snapshot()
    result = insights_build(now=NOW)
    assert (result.returns, result.order_days, result.return_days) == (0, 0, 0)
    assert _snapshot() == before


def test_rates_reasons_and_mix_match_a_hand_count(store: Any) -> None:
    _history(store)
    insights_rebuild(now=NOW)
    period = report_build("return_rate_period", store=store, filters=RANGE, now=NOW)
    # January: 3 lines sold (A, B, A), 1 returned; February: 1 line of 2 units, all returned.
    assert [(r["period"], r["order_lines"], r["return_lines"]) for r in period.rows] == [
        (dt.date(2026, 1, 1), 3, 1),
        (dt.date(2026, 2, 1), 1, 1),
    ]
    assert period.rows[1]["order_units"] == 2
    assert period.rows[1]["unit_rate"] == 1.0
    category = {
        r["category"]: r
        for r in report_build("return_rate_category", store=store, filters=RANGE, now=NOW).rows
    }
    assert category["bags"]["rate"] == 1.0
    assert category["shoes"]["rate"] == 1 / 3
    channel = {
        r["channel"]: r["rate"]
        for r in report_build("return_rate_channel", store=store, filters=RANGE, now=NOW).rows
    }
    assert channel == {"own": 2 / 3, "market": 0.0}
    reasons = {
        r["code"]: r for r in report_build("reasons", store=store, filters=RANGE, now=NOW).rows
    }
    assert reasons["defective"]["share"] == 0.5
    assert reasons["defective"]["units"] == 2
    fault = {
        r["side"]: r["lines"]
        for r in report_build("reasons_fault", store=store, filters=RANGE, now=NOW).rows
    }
    assert fault == {"buyer": 1, "seller": 1}
    mix = {
        r["code"]: r["returns"]
        for r in report_build("resolution_mix", store=store, filters=RANGE, now=NOW).rows
    }
    assert mix == {"refund": 1, "store_credit": 1}
    stages = {
        r["code"]: r for r in report_build("cycle_times", store=store, filters=RANGE, now=NOW).rows
    }
    # The helper takes a day per step: both returns were approved a day after the request.
    assert stages["approval"]["returns"] == 2
    assert stages["approval"]["avg_days"] == 1.0
    assert stages["refund"]["returns"] == 1
    assert stages["refund"]["avg_days"] == 2.0


def test_filters_narrow_the_figures(store: Any) -> None:
    _history(store)
    insights_rebuild(now=NOW)
    market = Filters(RANGE.date_from, RANGE.date_to, channel="market")
    rows = report_build("return_rate_period", store=store, filters=market, now=NOW).rows
    assert [(r["order_lines"], r["return_lines"]) for r in rows] == [(1, 0)]
    bags = Filters(RANGE.date_from, RANGE.date_to, category="bags")
    assert [
        r["code"] for r in report_build("reasons", store=store, filters=bags, now=NOW).rows
    ] == ["defective"]
    # A range inside January: the ragged ends are read from the daily table.
    mid = Filters(dt.date(2026, 1, 15), dt.date(2026, 2, 5), period=Period.WEEK)
    rows = report_build("return_rate_period", store=store, filters=mid, now=NOW).rows
    assert sum(r["order_lines"] for r in rows) == 2  # 31 Jan and 3 Feb, not 10 Jan
    assert sum(r["return_lines"] for r in rows) == 1  # 20 Jan, not 10 Feb
    assert all(r["period"].weekday() == 0 for r in rows)


def test_another_stores_data_is_never_counted(store: Any) -> None:
    _history(store)
    other = StoreFactory(slug="other", code="OT")
    make_policy(other)
    theirs = sell(other, dt.date(2026, 1, 12), ["A", "A2", "A3"])
    give_back(theirs, at(dt.date(2026, 1, 14)), to=S.APPROVED)
    insights_rebuild(now=NOW)
    rows = report_build("return_rate_period", store=store, filters=RANGE, now=NOW).rows
    assert sum(r["order_lines"] for r in rows) == 4
    assert sum(r["return_lines"] for r in rows) == 2
    loss = {
        r["code"]: r["returns"]
        for r in report_build("loss_aging", store=store, filters=RANGE, now=NOW).rows
    }
    assert loss["not_picked_up"] == 0
    insights_build(now=NOW, store_ids=[other.pk])
    assert ReturnDay.objects.filter(store=other).count() == 1


def test_a_store_being_built_is_skipped_until_its_lease_ends(store: Any) -> None:
    sell(store, dt.date(2026, 2, 1), ["A"])
    insights_build(now=NOW)
    sell(store, dt.date(2026, 2, 2), ["B"])
    # Another build (the job, or the command beside it) holds the store.
    BuildState.objects.filter(store=store).update(building_until=NOW + dt.timedelta(minutes=5))

    skipped = insights_build(now=NOW)
    assert (skipped.stores, skipped.skipped) == (0, 1)
    assert OrderDay.objects.filter(store=store, day=dt.date(2026, 2, 2)).count() == 0
    assert insights_rebuild(now=NOW).skipped == 1

    # A crashed build's lease runs out; the next build takes it and lets it go.
    later = NOW + dt.timedelta(minutes=6)
    built = insights_build(now=later)
    assert (built.stores, built.skipped) == (1, 0)
    assert OrderDay.objects.filter(store=store, day=dt.date(2026, 2, 2)).exists()
    assert BuildState.objects.get(store=store).building_until is None
