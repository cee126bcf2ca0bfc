"""Which SKUs come back far more than their category's others: pure arithmetic, no ORM.

A SKU is flagged when its return rate (or its defect rate: lines returned for a reason the
policy calls a defect, over lines sold) is more than ``SIGMAS`` population standard deviations
above the mean of the SKUs of its category, counting only SKUs with at least ``min_orders``
order lines sold, so a single return of a rarely sold item flags nothing.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

SIGMAS = 2.0


@dataclass(frozen=True)
class SkuCount:
    sku: str
    category: str
    sold: int  # order lines sold
    returned: int  # lines returned
    defective: int  # lines returned as defective


@dataclass(frozen=True)
class Flag:
    sku: SkuCount
    rate: float
    category_mean: float
    category_sd: float
    defect_rate: float
    defect_mean: float
    defect_sd: float
    by_rate: bool
    by_defects: bool


def _above(value: float, mean: float, sd: float) -> bool:
    return sd > 0 and value > mean + SIGMAS * sd


def flag_skus(counts: Iterable[SkuCount], *, min_orders: int) -> list[Flag]:
    """The flagged SKUs, the furthest above their category first."""
    by_category: dict[str, list[SkuCount]] = defaultdict(list)
    for count in counts:
        if count.sold >= min_orders:
            by_category[count.category].append(count)
    flags: list[Flag] = []
    for skus in by_category.values():
        rates = [s.returned / s.sold for s in skus]
        defects = [s.defective / s.sold for s in skus]
        mean, sd = statistics.fmean(rates), statistics.pstdev(rates)
        d_mean, d_sd = statistics.fmean(defects), statistics.pstdev(defects)
        for sku, rate, defect in zip(skus, rates, defects, strict=True):
            by_rate, by_defects = _above(rate, mean, sd), _above(defect, d_mean, d_sd)
            if by_rate or by_defects:
                flags.append(Flag(sku, rate, mean, sd, defect, d_mean, d_sd, by_rate, by_defects))
    return sorted(
        flags,
        key=lambda f: (
            -max(
                (f.rate - f.category_mean) / f.category_sd if f.category_sd else 0,
                (f.defect_rate - f.defect_mean) / f.defect_sd if f.defect_sd else 0,
            )
        ),
    )
