"""The stages of a return and the histogram their durations are counted in.

Percentiles cannot be summed, so the build keeps, per stage, how many returns took how long in
fixed buckets (``BUCKETS``, upper edges in hours); a report adds the buckets of the months it
covers and reads a percentile off the cumulative counts, interpolating inside the bucket it falls
in. The answer is exact to the bucket's width, which is narrow where most returns are.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

HOUR = 3600
# Upper edges (hours) of buckets 0..len-1; the last bucket (len) holds everything longer.
BUCKETS: tuple[int, ...] = (1, 3, 6, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1440)


class Stage(StrEnum):
    APPROVAL = "approval"  # request → approval
    PICKUP = "pickup"  # approval → picked up by the carrier
    ARRIVAL = "arrival"  # picked up → arrived at the warehouse
    INSPECTION = "inspection"  # arrived → inspected
    REFUND = "refund"  # inspected → refunded (or the exchange shipped)


STAGE_LABELS = {
    Stage.APPROVAL: _("Request → approval"),
    Stage.PICKUP: _("Approval → pickup"),
    Stage.ARRIVAL: _("Pickup → warehouse"),
    Stage.INSPECTION: _("Warehouse → inspection"),
    Stage.REFUND: _("Inspection → refund"),
}
# The fact column holding each stage's seconds.
STAGE_FIELDS = {stage: f"s_{stage.value}" for stage in Stage}


def bucket_of(seconds: int) -> int:
    hours = seconds / HOUR
    return next((i for i, edge in enumerate(BUCKETS) if hours < edge), len(BUCKETS))


def bucket_expression(field: str) -> Case:
    """``bucket_of`` in SQL, over integer seconds (the same on SQLite and PostgreSQL)."""
    return Case(
        *(When(**{f"{field}__lt": edge * HOUR}, then=Value(i)) for i, edge in enumerate(BUCKETS)),
        default=Value(len(BUCKETS)),
        output_field=IntegerField(),
    )


def percentile_hours(counts: Mapping[int, int], share: float) -> float | None:
    """The duration (hours) under which ``share`` of the counted returns fall; None if none."""
    total = sum(counts.values())
    if total <= 0:
        return None
    target = share * total
    seen = 0
    for bucket in range(len(BUCKETS) + 1):
        count = counts.get(bucket, 0)
        if count and seen + count >= target:
            low = BUCKETS[bucket - 1] if bucket > 0 else 0
            high = BUCKETS[bucket] if bucket < len(BUCKETS) else low * 2
            return low + (high - low) * ((target - seen) / count)
        seen += count
    return float(BUCKETS[-1])
