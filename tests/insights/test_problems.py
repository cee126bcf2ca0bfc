"""Problem products: more than two standard deviations over the category's mean, with enough
orders to mean anything."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from banpum.insights.build import insights_rebuild
from banpum.insights.problems import SkuCount, flag_skus
from banpum.insights.reports import Filters, report_build
from tests.insights.helpers import NOW, at, give_back, sell


def _category(rates: list[int], sold: int) -> list[SkuCount]:
    return [SkuCount(f"S{i}", "c", sold, returned, 0) for i, returned in enumerate(rates)]


@given(
    base=st.lists(st.integers(min_value=0, max_value=5), min_size=6, max_size=12),
    sold=st.integers(min_value=30, max_value=80),
)
def test_a_sku_just_over_two_sigmas_is_flagged_and_just_under_is_not(
    base: list[int], sold: int
) -> None:
    """The outlier's returns are set right at the threshold mean + 2σ (of the whole category,
    the outlier included), once one return over it and once at it."""
    for extra in range(sold + 1):
        counts = _category([*base, extra], sold)
        rates = [c.returned / c.sold for c in counts]
        mean, sd = statistics.fmean(rates), statistics.pstdev(rates)
        flagged = {f.sku.sku for f in flag_skus(counts, min_orders=30)}
        outlier = f"S{len(base)}"
        assert (outlier in flagged) == (sd > 0 and rates[-1] > mean + 2 * sd)


@given(returned=st.integers(min_value=1, max_value=29))
def test_too_few_orders_never_flag(returned: int) -> None:
    counts = [*_category([0] * 8, 40), SkuCount("rare", "c", 29, returned, returned)]
    assert "rare" not in {f.sku.sku for f in flag_skus(counts, min_orders=30)}
    # The same SKU with enough orders stands out.
    counts[-1] = SkuCount("rare", "c", 30, returned, returned)
    assert "rare" in {f.sku.sku for f in flag_skus(counts, min_orders=30)}


def test_the_defect_rate_flags_too() -> None:
    counts = [SkuCount(f"S{i}", "c", 50, 10, 0) for i in range(8)]
    counts.append(SkuCount("broken", "c", 50, 10, 9))
    [flag] = flag_skus(counts, min_orders=30)
    assert flag.sku.sku == "broken"
    assert flag.by_defects
    assert not flag.by_rate


def test_categories_are_compared_apart() -> None:
    shoes = [SkuCount(f"S{i}", "shoes", 50, 1, 0) for i in range(8)]
    bags = [SkuCount(f"B{i}", "bags", 50, 25, 0) for i in range(8)]
    assert flag_skus([*shoes, *bags], min_orders=30) == []


def test_the_report_shows_reasons_and_comments(store: Any, settings: Any) -> None:
    settings.BANPUM_INSIGHTS_MIN_ORDERS = 2
    day = dt.date(2026, 2, 2)
    for sku in ("A", "B", "C", "D", "E", "F", "G"):
        sell(store, day, [sku])
        sell(store, day, [sku])
    bad = sell(store, day, ["BAD"])
    sell(store, day, ["BAD"])
    give_back(
        bad, at(day + dt.timedelta(days=3)), reason_code="defective", detail="The sole came off."
    )
    insights_rebuild(now=NOW)
    rows = report_build(
        "problem_products",
        store=store,
        filters=Filters(dt.date(2026, 2, 1), NOW.date()),
        now=NOW,
    ).rows
    assert [r["sku"] for r in rows] == ["BAD"]
    assert rows[0]["rate"] == 0.5
    assert rows[0]["order_lines"] == 2
    assert "(1)" in rows[0]["reasons"]
    assert rows[0]["comments"] == "The sole came off."
    sku_rows = report_build(
        "return_rate_sku",
        store=store,
        filters=Filters(dt.date(2026, 2, 1), NOW.date()),
        now=NOW,
    ).rows
    assert sku_rows[0]["sku"] == "BAD"
    assert len(sku_rows) == 8
