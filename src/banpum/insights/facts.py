"""One returned line's facts, flattened from the live tables for the summaries to group.

Read per chunk of returns (a few queries each, however many lines), so a rebuild over a million
lines keeps its memory flat and an incremental build reads only the returns that changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum

from banpum.commerce.models import Store
from banpum.logistics.models import Pickup
from banpum.policy.selectors import policy_current, policy_rules
from banpum.policy.types import ReasonKind
from banpum.returns.models import ActorType, FeeSettlement, ReturnEvent, ReturnLine
from banpum.returns.models import ReturnStatus as S
from banpum.settlement.models import DONE_STATUSES, Refund, RefundKind, RefundLine
from banpum.warehouse.models import LineInspection

from .feedback_source import ratings_of
from .models import ReturnLineFact

# A buyer-paid fee that reached the seller, however it was settled.
RECOVERED = (
    FeeSettlement.DEDUCTED,
    FeeSettlement.ENCLOSED,
    FeeSettlement.TRANSFERRED,
    FeeSettlement.CHARGED,
)
# The statuses that mark each stage's end, as the return's events record them.
_APPROVED = {S.APPROVED}
_PICKED_UP = {S.IN_TRANSIT}
_ARRIVED = {S.ARRIVED, S.RECEIVED, S.PARTIALLY_RECEIVED}
_INSPECTED = {S.INSPECTED}
_RESOLVED = {S.REFUNDED, S.EXCHANGE_SHIPPED}
_STAGE_STATUSES = [str(s) for s in _APPROVED | _PICKED_UP | _ARRIVED | _INSPECTED | _RESOLVED]


def defect_codes(store: Store) -> frozenset[str]:
    """The store's reason codes that say the item was defective (the policy's reason kinds)."""
    try:
        rules = policy_rules(policy_current(store=store))
    except Exception:  # noqa: BLE001 - a store without a policy has no defect reasons yet
        return frozenset()
    return frozenset(r.code for r in rules.reasons if r.kind is ReasonKind.DEFECT)


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(int((end - start).total_seconds()), 0)


def _first_at(events: Iterable[tuple[str, dt.datetime]], statuses: set[S]) -> dt.datetime | None:
    times = [at for status, at in events if status in statuses]
    return min(times) if times else None


def facts_write(store: Store, return_ids: Sequence[int], *, defects: frozenset[str]) -> int:
    """Replace the facts of ``return_ids`` (all of ``store``) with fresh ones; lines written."""
    ReturnLineFact.objects.filter(store=store, return_request_id__in=return_ids).delete()
    zone = ZoneInfo(store.timezone)
    lines = list(
        ReturnLine.objects.filter(return_request_id__in=return_ids, return_request__store=store)
        .order_by("return_request_id", "id")
        .values_list(
            "id",
            "return_request_id",
            "quantity",
            "reason_code",
            "refund_estimate",
            "order_line__sku",
            "order_line__category",
            "return_request__created_at",
            "return_request__reason_code",
            "return_request__resolution",
            "return_request__order__channel__code",
            "return_request__fee_amount",
            "return_request__fee_settlement",
            "return_request__arrived_at",
        )
    )
    if not lines:
        return 0
    events: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    agents: dict[int, str] = {}
    for rid, status, at, actor_type, label in (
        ReturnEvent.objects.filter(return_request_id__in=return_ids, to_status__in=_STAGE_STATUSES)
        .order_by("id")
        .values_list("return_request_id", "to_status", "at", "actor_type", "actor_label")
    ):
        events[rid].append((status, at))
        if status == S.APPROVED and actor_type == ActorType.STAFF and rid not in agents:
            agents[rid] = label
    pickups: dict[int, dict[str, Any]] = {}
    for rid, carrier, picked_at, exception_code, exception_at in (
        Pickup.objects.filter(return_request_id__in=return_ids)
        .order_by("id")
        .values_list(
            "return_request_id", "carrier__code", "picked_up_at", "exception_code", "exception_at"
        )
    ):
        seen = pickups.setdefault(rid, {"carrier": carrier, "at": None, "exception": False})
        if picked_at is not None and (seen["at"] is None or picked_at < seen["at"]):
            seen["at"] = picked_at
        seen["exception"] = seen["exception"] or bool(exception_code) or exception_at is not None
    done = Q(refund__status__in=list(DONE_STATUSES))
    line_refunds = dict(
        RefundLine.objects.filter(done, refund__return_request_id__in=return_ids)
        .exclude(refund__kind=RefundKind.INTEREST)
        .exclude(return_line_id=None)
        .values("return_line_id")
        .annotate(total=Sum("amount"))
        .values_list("return_line_id", "total")
    )
    refund_totals: dict[int, int] = defaultdict(int)
    interest: dict[int, int] = defaultdict(int)
    for rid, kind, amount in Refund.objects.filter(
        return_request_id__in=return_ids, status__in=list(DONE_STATUSES)
    ).values_list("return_request_id", "kind", "amount"):
        if kind == RefundKind.INTEREST:
            interest[rid] += amount
        else:
            refund_totals[rid] += amount
    deductions = dict(
        LineInspection.objects.filter(return_line__return_request_id__in=return_ids).values_list(
            "return_line_id", "deduction_amount"
        )
    )
    ratings = ratings_of(return_ids)
    by_return: dict[int, list[Any]] = defaultdict(list)
    for row in lines:
        by_return[row[1]].append(row)
    facts: list[ReturnLineFact] = []
    for rid, rows in by_return.items():
        first = rows[0]
        created_at, request_reason, resolution, channel = first[7], first[8], first[9], first[10]
        fee_amount, fee_settlement, arrived_at = first[11], first[12], first[13]
        its_events = events.get(rid, [])
        pickup = pickups.get(rid, {})
        approved = _first_at(its_events, _APPROVED)
        picked = pickup.get("at") or _first_at(its_events, _PICKED_UP)
        arrived = arrived_at or _first_at(its_events, _ARRIVED)
        inspected = _first_at(its_events, _INSPECTED)
        resolved = _first_at(its_events, _RESOLVED)
        lines_refunded = sum(line_refunds.get(row[0], 0) for row in rows)
        day = created_at.astimezone(zone).date()
        for index, row in enumerate(rows):
            is_first = index == 0
            reason = row[3] or request_reason
            refunded = line_refunds.get(row[0], 0)
            if is_first:
                refunded += max(refund_totals.get(rid, 0) - lines_refunded, 0)
            facts.append(
                ReturnLineFact(
                    store_id=store.pk,
                    day=day,
                    return_request_id=rid,
                    return_line_id=row[0],
                    first=is_first,
                    channel=channel or "",
                    category=row[6] or "",
                    sku=row[5] or "",
                    carrier=pickup.get("carrier") or "",
                    reason_code=reason,
                    resolution=resolution,
                    agent=agents.get(rid, ""),
                    defect=reason in defects,
                    quantity=row[2],
                    refund_estimate=row[4],
                    refunded=refunded,
                    deductions=deductions.get(row[0], 0),
                    fees_recovered=fee_amount if is_first and fee_settlement in RECOVERED else 0,
                    interest_paid=interest.get(rid, 0) if is_first else 0,
                    picked_up=is_first and picked is not None,
                    pickup_exception=is_first and bool(pickup.get("exception")),
                    rating=ratings.get(rid) if is_first else None,
                    s_approval=_seconds(created_at, approved) if is_first else None,
                    s_pickup=_seconds(approved, picked) if is_first else None,
                    s_arrival=_seconds(picked, arrived) if is_first else None,
                    s_inspection=_seconds(arrived, inspected) if is_first else None,
                    s_refund=_seconds(inspected, resolved) if is_first else None,
                )
            )
    ReturnLineFact.objects.bulk_create(facts, batch_size=2000)
    return len(facts)
