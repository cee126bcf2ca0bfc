"""Demo returns, opened and moved only through the returns and logistics services.

Each return is first *planned* (which order and lines, why, how, who asks, when, the status it
should end in and, for a carrier pickup, how far the carrier gets), then the plans run in the
order they were opened: ``return_request_create`` with a ``now`` inside the order's legal
window lets the policy decide it, and CS and warehouse steps follow with
``return_request_approve/hold/reject/cancel`` and ``return_transition``. Approving a carrier
pickup books it, as in the product; the bookings wait until every return is open, then the
carrier desk (``logistics.CarrierDesk``) plays them on the carrier simulator, and the returns
whose parcels it delivered go on through the warehouse. ``timeline.backdate`` then moves each
return's timestamps (and its pickups' and tracking events') from the moment the demo ran onto
its planned timeline.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from banpum.commerce.models import Order, Store
from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError
from banpum.demo import texts
from banpum.demo.logistics import PLAYED, UNKNOWN_POSTCODE, UNLINKED_CARRIER, CarrierDesk
from banpum.demo.logistics import PickupPlan as P
from banpum.demo.orders import LineInfo, OrderInfo
from banpum.demo.timeline import backdate
from banpum.logistics.models import Pickup, PickupStatus
from banpum.logistics.services.pickups import (
    PickupDetails,
    active_pickup,
    pickup_register_manual,
    pickup_rerequest,
    return_switch_to_self_ship,
)
from banpum.policy.deadlines import withdrawal_until
from banpum.policy.fees import line_refund
from banpum.policy.types import (
    Condition,
    FeeCollection,
    FeePayer,
    HoldReason,
    LineRequest,
    Method,
    Resolution,
    ReturnAsk,
    ReturnType,
)
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import (
    FeeOverride,
    return_note_add,
    return_request_approve,
    return_request_cancel,
    return_request_create,
    return_request_hold,
    return_request_reject,
)
from banpum.returns.transitions import Action, Move, return_transition

logger = logging.getLogger(__name__)

AUTO_APPROVE_MAX = 50_000
CHANGE_OF_MIND_DAYS = 7
RETURN_CARRIER = "kr.cjlogistics"


class Kind(StrEnum):
    """The shape of a return, which decides what the policy will say about it."""

    CM_AUTO = "cm_auto"  # change of mind, small: auto-approved
    CM_REVIEW = "cm_review"  # change of mind, large or a flagged buyer: waits for CS
    FAULT = "fault"  # the seller's or carrier's fault, with photos where needed: waits for CS
    PHOTOS_MISSING = "photos_missing"  # a defect reported without photos: held
    EXCEPTION = "exception"  # change of mind on a non-returnable item, by CS/API: held
    LATE = "late"  # change of mind after the 7-day window, by CS/API: held


@dataclass(frozen=True)
class Flow:
    kinds: tuple[tuple[Kind, int], ...]
    days: float  # roughly how long a return takes to get to the status
    recent: float | None  # open returns are mostly recent: opened within this many days


# Late and non-returnable requests (policy exceptions) are held or rejected, never walked on:
# the policy prices an ineligible line at 0, so an approved exception would refund nothing.
_DOWNSTREAM = ((Kind.CM_AUTO, 6), (Kind.FAULT, 3), (Kind.CM_REVIEW, 1), (Kind.PHOTOS_MISSING, 1))
FLOWS: dict[S, Flow] = {
    S.REQUESTED: Flow(((Kind.CM_REVIEW, 1), (Kind.FAULT, 3)), 0.05, 3),
    S.ON_HOLD: Flow(
        (
            (Kind.PHOTOS_MISSING, 3),
            (Kind.EXCEPTION, 2),
            (Kind.LATE, 1),
            (Kind.FAULT, 2),
            (Kind.CM_REVIEW, 2),
        ),
        0.3,
        7,
    ),
    S.APPROVED: Flow(((Kind.CM_AUTO, 3), (Kind.FAULT, 2), (Kind.PHOTOS_MISSING, 1)), 0.3, 2),
    S.REJECTED: Flow(
        (
            (Kind.FAULT, 1),
            (Kind.CM_REVIEW, 1),
            (Kind.EXCEPTION, 2),
            (Kind.LATE, 1),
            (Kind.PHOTOS_MISSING, 1),
        ),
        1.5,
        None,
    ),
    S.PICKUP_REQUESTED: Flow(_DOWNSTREAM, 0.5, 3),
    S.AWAITING_SHIPMENT: Flow(_DOWNSTREAM, 0.5, 5),
    S.IN_TRANSIT: Flow(_DOWNSTREAM, 2.5, 6),
    S.ARRIVED: Flow(_DOWNSTREAM, 3, 7),
    S.RECEIVED: Flow(_DOWNSTREAM, 4.5, 8),
    S.INSPECTED: Flow(_DOWNSTREAM, 5.5, 9),
    S.COMPLETED: Flow(_DOWNSTREAM, 8, None),
    S.CANCELLED: Flow(((Kind.CM_AUTO, 3), (Kind.CM_REVIEW, 1), (Kind.FAULT, 1)), 1.5, None),
}

# The newest pickups, left for the job worker of ``banpum serve``, were requested within hours.
_JUST_NOW = Flow(_DOWNSTREAM, 0, 0.2)

# Share of each status among the demo's returns (out of 150). Approved is rare now: a carrier
# pickup is booked on approval, so a return stays approved only while no carrier is active.
STATUS_WEIGHTS: dict[S, int] = {
    S.REQUESTED: 12,
    S.ON_HOLD: 14,
    S.APPROVED: 4,
    S.REJECTED: 8,
    S.PICKUP_REQUESTED: 14,
    S.AWAITING_SHIPMENT: 10,
    S.IN_TRANSIT: 14,
    S.ARRIVED: 8,
    S.RECEIVED: 10,
    S.INSPECTED: 8,
    S.COMPLETED: 38,
    S.CANCELLED: 10,
}

# The returns each status needs, whatever the total: every pickup state, and the carrier cases
# CS meets (exceptions, a refused booking, Jeju via the unlinked carrier, a switch to self-ship).
# ``None`` is a return of any method, its pickup (if any) following from its status.
REQUIRED: dict[S, tuple[P | None, ...]] = {
    S.PICKUP_REQUESTED: (P.REQUESTED, P.ACCEPTED, P.ABSENT, P.ADDRESS, P.FAILED),
    S.IN_TRANSIT: (P.PICKED_UP, P.IN_TRANSIT, P.JEJU_MANUAL),
    S.AWAITING_SHIPMENT: (P.SELF_SHIP, P.JEJU),
    S.ARRIVED: (P.DELIVERED,),
    S.CANCELLED: (P.CANCELLED,),
}
# Further pickup-requested returns, in turn: mostly waiting for the driver, some failing.
_MORE_PICKUPS_REQUESTED = (
    P.ACCEPTED,
    P.ACCEPTED,
    P.ABSENT,
    P.REREQUEST,
    P.REQUESTED,
    P.ACCEPTED,
    P.ADDRESS,
    P.ACCEPTED,
    P.ABSENT,
)
MIN_RETURNS = sum(len(REQUIRED.get(status, (None,))) for status in STATUS_WEIGHTS)


@dataclass(frozen=True)
class Slot:
    """One return to plan: the status it ends in and, if fixed, its pickup's story."""

    target: S
    pickup: P | None = None


@dataclass(frozen=True)
class Plan:
    target: S
    kind: Kind
    order: OrderInfo
    lines: tuple[LineRequest, ...]
    reason_code: str
    resolution: Resolution
    method: Method
    origin: Origin
    opened_at: dt.datetime
    detail: str
    note: str = ""
    photo_count: int = 0
    fee_collection: FeeCollection | None = None
    fee: FeeOverride | None = None
    hold: tuple[HoldReason, str] | None = None
    cancel_after: S = S.REQUESTED  # for cancelled returns: how far it got first
    follow_up: str = ""
    pickup: P | None = None  # a carrier pickup's story; None without one


@dataclass
class ReturnsResult:
    created: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Waiting:
    """A return whose pickup was requested and waits for the carrier desk."""

    plan: Plan
    return_id: int
    pickup_id: int


@dataclass(frozen=True)
class Cast:
    """Who does what in the demo: the CS agent, the API client and the automated jobs."""

    cs: Actor
    api: Actor
    system: Actor


def status_plan(total: int, rng: random.Random) -> list[Slot]:
    """``total`` returns in the demo's proportions, with every status and pickup case.

    The slots whose pickup story is fixed come first, so that the few orders that fit them
    (Jeju addresses) are still free when they are planned; the others follow in random order.
    """
    if total < MIN_RETURNS:
        raise ValueError(f"ask for at least {MIN_RETURNS} returns: every status and pickup case")
    weight_sum = sum(STATUS_WEIGHTS.values())
    least = {status: len(REQUIRED.get(status, (None,))) for status in STATUS_WEIGHTS}
    counts = {
        status: max(least[status], total * w // weight_sum) for status, w in STATUS_WEIGHTS.items()
    }
    ranked = sorted(STATUS_WEIGHTS, key=lambda status: -STATUS_WEIGHTS[status])
    index = 0
    while sum(counts.values()) != total:
        status = ranked[index % len(ranked)]
        if sum(counts.values()) < total:
            counts[status] += 1
        elif counts[status] > least[status]:
            counts[status] -= 1
        index += 1
    fixed: list[Slot] = []
    free: list[Slot] = []
    for status, count in counts.items():
        stories = list(REQUIRED.get(status, ()))
        if status is S.PICKUP_REQUESTED:
            extra = count - len(stories)
            stories += [
                _MORE_PICKUPS_REQUESTED[i % len(_MORE_PICKUPS_REQUESTED)] for i in range(extra)
            ]
        elif status is S.ARRIVED:
            stories += [P.DELIVERED] * (count - len(stories))
        fixed += [Slot(status, story) for story in stories if story is not None]
        free += [Slot(status) for _ in range(count - len(stories))]
    rng.shuffle(free)
    return fixed + free


class Planner:
    def __init__(
        self, orders: Sequence[OrderInfo], *, now: dt.datetime, tz: str, rng: random.Random
    ) -> None:
        self.now = now
        self.tz = ZoneInfo(tz)
        self.rng = rng
        self.candidates = [order for order in orders if order.delivered_at is not None]
        rng.shuffle(self.candidates)
        self.used: set[int] = set()

    def plan(self, slot: Slot) -> Plan | None:
        target = slot.target
        flow = _JUST_NOW if slot.pickup is P.REQUESTED else FLOWS[target]
        kinds = [kind for kind, _ in flow.kinds]
        first = self.rng.choices(kinds, weights=[w for _, w in flow.kinds])[0]
        ordered = [first, *(kind for kind in kinds if kind is not first)]
        method = Method.CARRIER_PICKUP if slot.pickup is not None else _method(target, self.rng)
        for recent in (flow.recent, None):
            for kind in ordered:
                plan = self._plan(slot, kind, method, flow, recent)
                if plan is not None:
                    self.used.add(plan.order.id)
                    return plan
        return None

    def _orders(self, slot: Slot, method: Method) -> list[OrderInfo]:
        """The orders that fit: a carrier pickup from Jeju goes to the unlinked carrier."""
        if method is not Method.CARRIER_PICKUP:
            return self.candidates
        jeju = slot.pickup in (P.JEJU, P.JEJU_MANUAL)
        fitting = [order for order in self.candidates if order.jeju == jeju]
        if slot.pickup is P.FAILED:  # a phone order typed in without a postcode
            fitting.sort(key=lambda order: order.channel_kind != "manual")
        return fitting

    def _plan(
        self, slot: Slot, kind: Kind, method: Method, flow: Flow, recent: float | None
    ) -> Plan | None:
        latest = self.now - dt.timedelta(days=flow.days, hours=1)
        earliest = self.now - dt.timedelta(days=recent) if recent is not None else None
        for order in self._orders(slot, method):
            if order.id in self.used:
                continue
            window = self._window(order, kind)
            start, end = window[0], min(window[1], latest)
            if earliest is not None:
                start = max(start, earliest)
            if start > end:
                continue
            lines = self._lines(order, kind)
            if lines is None:
                continue
            opened_at = start + (end - start) * self.rng.random()
            return self._build(slot, kind, method, order, lines, opened_at)
        return None

    def _window(self, order: OrderInfo, kind: Kind) -> tuple[dt.datetime, dt.datetime]:
        delivered = order.delivered_at
        assert delivered is not None
        if kind is Kind.LATE:
            last_day = withdrawal_until(
                delivered.astimezone(self.tz).date(),
                policy_days=CHANGE_OF_MIND_DAYS,
                country="KR",
            )
            start = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(9), tzinfo=self.tz)
            return start, start + dt.timedelta(days=10)
        if kind in (Kind.FAULT, Kind.PHOTOS_MISSING):
            return delivered + dt.timedelta(hours=3), delivered + dt.timedelta(days=25)
        # Within six and a half days of delivery the 7-day withdrawal window is always open.
        return delivered + dt.timedelta(hours=2), delivered + dt.timedelta(days=6.5)

    def _lines(self, order: OrderInfo, kind: Kind) -> list[tuple[LineInfo, int]] | None:
        rng = self.rng
        if kind is Kind.EXCEPTION:
            blocked = [line for line in order.lines if not line.returnable]
            return [(blocked[0], blocked[0].quantity)] if blocked else None
        if kind in (Kind.FAULT, Kind.PHOTOS_MISSING):
            line = rng.choice(order.lines)
            return [(line, 1 if rng.random() < 0.6 else line.quantity)]
        returnable = [line for line in order.lines if line.returnable]
        if not returnable:
            return None
        if kind is Kind.CM_REVIEW:
            chosen = [(line, line.quantity) for line in returnable]
            if order.customer_flagged or _value(chosen) > AUTO_APPROVE_MAX:
                return chosen
            return None
        if kind is Kind.CM_AUTO and order.customer_flagged:
            return None
        picked = rng.sample(returnable, 2 if len(returnable) > 1 and rng.random() < 0.25 else 1)
        chosen = [(line, line.quantity if rng.random() < 0.7 else 1) for line in picked]
        if kind is Kind.CM_AUTO and _value(chosen) > AUTO_APPROVE_MAX:
            cheapest = min(returnable, key=lambda line: line.paid_amount // line.quantity)
            chosen = [(cheapest, 1)]
            if _value(chosen) > AUTO_APPROVE_MAX:
                return None
        return chosen

    def _build(
        self,
        slot: Slot,
        kind: Kind,
        method: Method,
        order: OrderInfo,
        chosen: list[tuple[LineInfo, int]],
        opened_at: dt.datetime,
    ) -> Plan:
        rng = self.rng
        target = slot.target
        reason = _reason(kind, chosen, rng)
        resolution = _resolution(reason, kind, rng)
        origin = _origin(kind, order, rng)
        fault_side = reason not in texts.CHANGE_OF_MIND
        if reason == "damaged_in_transit":
            conditions: tuple[Condition, ...] = (Condition.OPENED, Condition.DAMAGED)
        elif fault_side:
            conditions = (Condition.OPENED,)
        else:
            conditions = _CHANGE_OF_MIND_CONDITIONS
        lines = tuple(
            LineRequest(order_line_id=line.id, quantity=quantity, condition=rng.choice(conditions))
            for line, quantity in chosen
        )
        hold = None
        fee_collection = None
        if kind in texts.HOLDS and (
            target is S.ON_HOLD or (target is S.REJECTED and rng.random() < 0.5)
        ):
            hold = rng.choice(texts.HOLDS[kind])
            if hold[0] is HoldReason.RETURN_FEE_UNPAID:
                fee_collection = FeeCollection.BANK_TRANSFER
        elif not fault_side:
            fee_collection = rng.choices(
                [None, FeeCollection.ENCLOSE_IN_BOX, FeeCollection.BANK_TRANSFER],
                weights=[75, 10, 15],
            )[0]
        if resolution is Resolution.EXCHANGE and fee_collection is None and not fault_side:
            fee_collection = FeeCollection.ENCLOSE_IN_BOX
        fee = None
        if origin is Origin.CS and not fault_side and kind is not Kind.LATE and rng.random() < 0.2:
            fee = FeeOverride(payer=FeePayer.SELLER, amount=0)  # goodwill: the seller pays
        note = ""
        if origin is Origin.CS:
            note = {Kind.EXCEPTION: texts.EXCEPTION_NOTE, Kind.LATE: texts.LATE_NOTE}.get(
                kind, texts.CS_NOTES[reason]
            )
            if fee is not None:
                note += " 단골 고객이라 반품 배송비는 판매자 부담으로 처리."
        cancel_after = (
            rng.choice((S.REQUESTED, S.APPROVED))
            if kind is not Kind.CM_AUTO and slot.pickup is None
            else S.APPROVED  # auto-approved at once, or booked before it is cancelled
        )
        return Plan(
            target=target,
            kind=kind,
            order=order,
            lines=lines,
            reason_code=reason,
            resolution=resolution,
            method=method,
            origin=origin,
            opened_at=opened_at,
            detail=_detail(reason, chosen, rng),
            note=note,
            photo_count=rng.randint(1, 3)
            if reason in texts.PHOTO_REASONS and kind is not Kind.PHOTOS_MISSING
            else 0,
            fee_collection=fee_collection,
            fee=fee,
            hold=hold,
            cancel_after=cancel_after,
            follow_up=rng.choice(texts.FOLLOW_UPS) if rng.random() < 0.2 else "",
            pickup=slot.pickup or _story(target, method, cancel_after, rng),
        )


# What a change of mind comes back as; used or damaged goods would be refused by the policy.
_CHANGE_OF_MIND_CONDITIONS = (
    Condition.UNOPENED,
    Condition.UNOPENED,
    Condition.OPENED,
    Condition.TAGS_REMOVED,
)


def _value(chosen: list[tuple[LineInfo, int]]) -> int:
    return sum(line_refund(line.paid_amount, line.quantity, 0, qty) for line, qty in chosen)


def _reason(kind: Kind, chosen: list[tuple[LineInfo, int]], rng: random.Random) -> str:
    if kind in (Kind.CM_AUTO, Kind.CM_REVIEW, Kind.LATE):
        wearable = any(line.category in ("의류", "신발") for line, _ in chosen)
        return "wrong_option" if wearable and rng.random() < 0.5 else "change_of_mind"
    if kind is Kind.EXCEPTION:
        return "change_of_mind"
    if kind is Kind.PHOTOS_MISSING:
        return rng.choice(texts.PHOTO_REASONS)
    reason = rng.choices(list(texts.FAULT), weights=[4, 2, 3, 2, 2])[0]
    if reason == "missing_parts" and chosen[0][0].category not in texts.PARTS_CATEGORIES:
        return "defective"
    return reason


def _resolution(reason: str, kind: Kind, rng: random.Random) -> Resolution:
    if kind is Kind.EXCEPTION:
        return Resolution.REFUND
    if reason == "wrong_option":
        weights = [40, 60, 0]
    elif reason == "change_of_mind":
        weights = [85, 0, 15]
    else:
        weights = [60, 32, 8]
    return rng.choices(list(Resolution), weights=weights)[0]


def _story(target: S, method: Method, cancel_after: S, rng: random.Random) -> P | None:
    """How far the carrier gets with a return not given a story by its slot."""
    if method is not Method.CARRIER_PICKUP:
        return None
    if target is S.IN_TRANSIT:
        return rng.choice((P.PICKED_UP, P.IN_TRANSIT, P.IN_TRANSIT))
    if target in (S.ARRIVED, S.RECEIVED, S.INSPECTED, S.COMPLETED):
        return P.DELIVERED
    if target is S.CANCELLED and cancel_after is not S.REQUESTED:
        return P.CANCELLED
    return None  # never approved, or approved while no carrier was active


def _method(target: S, rng: random.Random) -> Method:
    if target in (S.APPROVED, S.PICKUP_REQUESTED, S.ARRIVED):
        return Method.CARRIER_PICKUP
    if target is S.AWAITING_SHIPMENT:
        weights = [0, 50, 35, 15]
    elif target is S.IN_TRANSIT:
        weights = [75, 15, 10, 0]
    else:
        weights = [70, 15, 10, 5]
    return rng.choices(list(Method), weights=weights)[0]


def _origin(kind: Kind, order: OrderInfo, rng: random.Random) -> Origin:
    if kind in (Kind.EXCEPTION, Kind.LATE):
        # Only CS and API callers may keep a request the policy refuses, for a person to decide.
        return rng.choices([Origin.CS, Origin.API], weights=[75, 25])[0]
    origin = rng.choices(list(Origin), weights=[45, 25, 10, 20])[0]
    if origin is Origin.CHANNEL and order.channel_kind not in ("smartstore", "coupang"):
        return Origin.CUSTOMER
    return origin


def _detail(reason: str, chosen: list[tuple[LineInfo, int]], rng: random.Random) -> str:
    if reason in texts.CHANGE_OF_MIND:
        return rng.choice(texts.CHANGE_OF_MIND[reason])
    if reason == "defective":
        return rng.choice(texts.DEFECTS.get(chosen[0][0].category, texts.FAULT["defective"]))
    return rng.choice(texts.FAULT[reason])


def _actor(plan: Plan, cast: Cast) -> Actor:
    if plan.origin is Origin.CS:
        return cast.cs
    if plan.origin is Origin.API:
        return cast.api
    if plan.origin is Origin.CHANNEL:
        return Actor.system(f"demo:{plan.order.channel_kind}")
    return Actor.customer(plan.order.customer_name)


def _waybill(rng: random.Random, head: str = "6", length: int = 12) -> str:
    digits = length - len(head)
    return head + str(rng.randint(0, 10**digits - 1)).zfill(digits)


def _inspection(plan: Plan, rng: random.Random) -> tuple[str, dict[str, str]]:
    if plan.reason_code in texts.CHANGE_OF_MIND:
        if any(line.condition is Condition.UNOPENED for line in plan.lines):
            return "검수 완료: 미개봉·택 부착, 재판매 가능 (A급).", {
                "grade": "A",
                "disposition": "restock",
            }
        return "검수 완료: 개봉 상품, 구성품 이상 없음. B급 재판매.", {
            "grade": "B",
            "disposition": "restock",
        }
    if plan.reason_code == "wrong_item":
        return "오배송 상품 회수 확인, 정상품 재입고.", {"grade": "A", "disposition": "restock"}
    category = next(
        (line.category for line in plan.order.lines if line.id == plan.lines[0].order_line_id), ""
    )
    choices = _DISPOSITIONS.get(category, ("dispose", "return_to_vendor", "refurbish"))
    disposition = rng.choice(choices)
    return (
        f"불량 확인 ({plan.detail.rstrip('.')}). {texts.DISPOSITION_LABELS[disposition]} 처리.",
        {
            "grade": "C",
            "disposition": disposition,
        },
    )


# What can happen to a faulty item: perishables and cosmetics are thrown away, books go back.
_DISPOSITIONS: dict[str, tuple[str, ...]] = {
    "식품": ("dispose",),
    "화장품": ("dispose", "return_to_vendor"),
    "도서": ("return_to_vendor",),
}


def _completion(return_request: ReturnRequest, rng: random.Random) -> tuple[str, dict[str, str]]:
    amount = return_request.refund_estimate
    if return_request.resolution == Resolution.EXCHANGE:
        waybill = _waybill(rng)
        return f"교환 상품 재발송 완료 (CJ대한통운 {waybill}).", {
            "carrier": RETURN_CARRIER,
            "tracking_number": waybill,
        }
    if return_request.resolution == Resolution.STORE_CREDIT:
        return f"적립금 {amount:,}원 지급 완료.", {"store_credit": str(amount)}
    deducted = (
        f", 반품 배송비 {return_request.fee_amount:,}원 차감"
        if return_request.fee_collection == FeeCollection.DEDUCT_FROM_REFUND
        and return_request.fee_amount
        else ""
    )
    return f"환불 완료: {amount:,}원 (원결제 수단 취소{deducted}).", {"refund": str(amount)}


class Runner:
    """Opens a planned return through the services and walks it towards its target status.

    ``run`` goes as far as the return can go before the carrier: a return whose pickup is
    booked stops there, and ``resume`` takes it on once the carrier desk has played it.
    """

    def __init__(self, cast: Cast, rng: random.Random, desk: CarrierDesk) -> None:
        self.cast = cast
        self.rng = rng
        self.desk = desk

    def run(self, plan: Plan, order: Order) -> tuple[ReturnRequest, Waiting | None]:
        if plan.pickup is P.FAILED:
            # Typed in over the phone without a postcode; the carrier will not find it.
            Order.objects.filter(pk=order.pk).update(shipping_postcode=UNKNOWN_POSTCODE)
            order.shipping_postcode = UNKNOWN_POSTCODE
        ask = ReturnAsk(
            type=ReturnType.EXCHANGE
            if plan.resolution is Resolution.EXCHANGE
            else ReturnType.RETURN,
            reason_code=plan.reason_code,
            resolution=plan.resolution,
            method=plan.method,
            lines=plan.lines,
            fee_collection=plan.fee_collection,
            defect_noticed_at=plan.opened_at - dt.timedelta(hours=self.rng.randint(1, 30))
            if plan.reason_code == "defective"
            else None,
            photo_count=plan.photo_count,
        )
        # A return rests in "approved" only if no carrier was active when it was approved.
        paused = self.desk.paused() if plan.target is S.APPROVED else nullcontext()
        with paused:
            return_request = return_request_create(
                order=order,
                ask=ask,
                origin=plan.origin,
                actor=_actor(plan, self.cast),
                reason_detail=plan.detail,
                note=plan.note,
                fee=plan.fee,
                allow_ineligible=plan.kind in (Kind.EXCEPTION, Kind.LATE),
                now=plan.opened_at,
            )
            return_request = self._drive(return_request, plan)
        if return_request.status == S.PICKUP_REQUESTED and plan.pickup in PLAYED:
            pickup = active_pickup(return_request)
            if pickup is None:
                raise RuntimeError(f"demo return {return_request.number} has no pickup")
            return return_request, Waiting(plan, return_request.pk, pickup.pk)
        _check(return_request, plan)
        return return_request, None

    def resume(self, waiting: Waiting) -> ReturnRequest:
        """After the carrier desk played the pickup: what CS and the warehouse do next."""
        plan, cs = waiting.plan, self.cast.cs
        rr = ReturnRequest.objects.get(pk=waiting.return_id)
        pickup = Pickup.objects.get(pk=waiting.pickup_id)
        if plan.pickup is P.CANCELLED:
            rr = return_request_cancel(
                return_request=rr,
                actor=self._canceller(plan),
                note=self.rng.choice(texts.CANCEL_NOTES),
            )
            self.desk.cancel_at_carrier([pickup.pk])
        elif plan.pickup is P.SELF_SHIP and pickup.status == PickupStatus.EXCEPTION:
            rr = return_switch_to_self_ship(
                return_request=rr, actor=cs, note=texts.SELF_SHIP_NOTE, now=timezone.now()
            )
            self.desk.cancel_at_carrier([pickup.pk])
        elif plan.pickup is P.REREQUEST and pickup.status == PickupStatus.EXCEPTION:
            again = pickup_rerequest(
                pickup=pickup,
                actor=cs,
                details=PickupDetails(memo=texts.REREQUEST_MEMO),
                note=texts.REREQUEST_NOTE,
                now=timezone.now(),
            )
            self.desk.cancel_at_carrier([pickup.pk])
            self.desk.book([again.pk])
            self.desk.track([again.pk])
            rr.refresh_from_db()
        elif plan.target not in (S.PICKUP_REQUESTED, S.IN_TRANSIT, S.ARRIVED) and (
            rr.status == S.ARRIVED
        ):
            rr = self._move(rr, Action.RECEIVE, cs, texts.RECEIVED_NOTE)
            rr = self._finish(rr, plan)
        _check(rr, plan)
        return rr

    def _drive(self, rr: ReturnRequest, plan: Plan) -> ReturnRequest:
        cs, target = self.cast.cs, plan.target
        if plan.follow_up:
            return_note_add(return_request=rr, actor=cs, note=plan.follow_up)
        if plan.hold is not None and rr.status == S.REQUESTED:
            reason, note = plan.hold
            rr = return_request_hold(return_request=rr, actor=cs, reason=reason, note=note)
        if target in (S.REQUESTED, S.ON_HOLD):
            return rr
        if target is S.REJECTED:
            return return_request_reject(
                return_request=rr, actor=cs, note=texts.REJECT_NOTES[plan.kind]
            )
        if target is S.CANCELLED and plan.cancel_after is S.REQUESTED:
            return self._cancel(rr, plan)
        if rr.status in (S.REQUESTED, S.ON_HOLD):
            # A carrier pickup is booked (or, from Jeju, the buyer instructed) on approval.
            rr = return_request_approve(
                return_request=rr, actor=cs, note=texts.APPROVE_NOTES.get(plan.kind, "")
            )
        if target is S.APPROVED:
            return_note_add(return_request=rr, actor=cs, note=texts.PAUSED_NOTE)
            return rr
        if plan.pickup in PLAYED or plan.pickup is P.REQUESTED or plan.pickup is P.JEJU:
            return rr  # the carrier desk takes it from here, or the buyer does
        if target is S.CANCELLED:
            return self._cancel(rr, plan)
        if plan.pickup is P.JEJU_MANUAL:
            return self._manual_waybill(rr)
        if target is S.AWAITING_SHIPMENT:
            return rr
        if plan.method is Method.IN_STORE:
            rr = self._move(rr, Action.RECEIVE, cs, "성수 쇼룸 방문 반품 접수, 상품 인수 확인.")
        else:
            rr = self._in_transit(rr, plan)
            if target is S.IN_TRANSIT:
                return rr
            rr = self._move(rr, Action.RECEIVE, cs, texts.RECEIVED_NOTE)
        return self._finish(rr, plan)

    def _finish(self, rr: ReturnRequest, plan: Plan) -> ReturnRequest:
        """From received: inspection and completion, as far as the plan goes."""
        if plan.target is S.RECEIVED:
            return rr
        note, data = _inspection(plan, self.rng)
        rr = self._move(rr, Action.INSPECT, self.cast.cs, note, data)
        if plan.target is S.INSPECTED:
            return rr
        note, data = _completion(rr, self.rng)
        return self._move(rr, Action.COMPLETE, self.cast.system, note, data)

    def _canceller(self, plan: Plan) -> Actor:
        if plan.origin is Origin.CUSTOMER:
            return Actor.customer(plan.order.customer_name)
        return self.cast.cs

    def _cancel(self, rr: ReturnRequest, plan: Plan) -> ReturnRequest:
        if plan.cancel_after is not S.REQUESTED and rr.status in (S.REQUESTED, S.ON_HOLD):
            rr = return_request_approve(return_request=rr, actor=self.cast.cs)
        return return_request_cancel(
            return_request=rr, actor=self._canceller(plan), note=self.rng.choice(texts.CANCEL_NOTES)
        )

    def _manual_waybill(self, rr: ReturnRequest) -> ReturnRequest:
        """The Jeju buyer sent the parcel at the post office; CS types in the waybill."""
        cs = self.cast.cs
        return_note_add(return_request=rr, actor=cs, note=texts.MANUAL_WAYBILL_NOTE)
        pickup_register_manual(
            return_request=rr,
            actor=cs,
            waybill_number=_waybill(self.rng, "60", 13),
            carrier_code=UNLINKED_CARRIER,
            now=timezone.now(),
        )
        return ReturnRequest.objects.get(pk=rr.pk)

    def _in_transit(self, rr: ReturnRequest, plan: Plan) -> ReturnRequest:
        """A parcel the customer sent without our pickup: its waybill, as the buyer gave it."""
        if plan.method is Method.CVS_DROP_OFF:
            carrier, waybill = "kr.cvsnet", _waybill(self.rng, "3", 12)
            note = "GS25 편의점 반품 접수 완료."
        else:
            carrier = self.rng.choice(["kr.epost", "kr.hanjin", "kr.lotte"])
            waybill = (
                _waybill(self.rng, "60", 13) if carrier == "kr.epost" else _waybill(self.rng, "5")
            )
            note = "고객이 직접 발송, 송장번호 등록."
        return self._move(
            rr,
            Action.MARK_IN_TRANSIT,
            self.cast.system,
            note,
            {"carrier": carrier, "tracking_number": waybill},
        )

    def _move(
        self,
        rr: ReturnRequest,
        action: Action,
        actor: Actor,
        note: str = "",
        data: dict[str, str] | None = None,
    ) -> ReturnRequest:
        return return_transition(
            return_request=rr, action=action, actor=actor, move=Move(note=note, data=data)
        )


def _check(return_request: ReturnRequest, plan: Plan) -> None:
    if return_request.status != plan.target:
        raise RuntimeError(
            f"demo return for order {plan.order.id} ended {return_request.status}, "
            f"planned {plan.target} ({plan.kind}, pickup {plan.pickup or '-'})"
        )


@contextmanager
def _skipped(result: ReturnsResult, plan: Plan) -> Iterator[None]:
    """One return's steps in a savepoint: a refusal skips the return and is reported."""
    try:
        with transaction.atomic():
            yield
    except (ApplicationError, RuntimeError) as error:
        message = getattr(error, "message", str(error))
        logger.warning("demo return skipped order=%s: %s", plan.order.id, message)
        result.problems.append(f"order {plan.order.id} ({plan.target}, {plan.kind}): {message}")


def returns_seed(
    *,
    orders: Sequence[OrderInfo],
    count: int,
    cast: Cast,
    store: Store,
    now: dt.datetime,
    rng: random.Random,
    desk: CarrierDesk,
    cutover_at: dt.datetime | None = None,
    on_cutover: Callable[[], object] | None = None,
) -> ReturnsResult:
    """Plan ``count`` returns over ``orders``, run them in the order they were opened, then
    let the carrier desk play the booked pickups and take those returns on.

    ``on_cutover`` runs once before the first return opened at or after ``cutover_at`` (the
    demo publishes policy version 2 there, so earlier returns keep version 1).
    """
    result = ReturnsResult()
    planner = Planner(orders, now=now, tz=store.timezone, rng=rng)
    plans: list[Plan] = []
    for slot in status_plan(count, rng):
        plan = planner.plan(slot)
        if plan is None:
            story = f" ({slot.pickup})" if slot.pickup else ""
            result.problems.append(f"no order fits a {slot.target} return{story}")
        else:
            plans.append(plan)
    plans.sort(key=lambda plan: plan.opened_at)
    by_id = Order.objects.in_bulk([plan.order.id for plan in plans])
    runner = Runner(cast, rng, desk)
    waiting: list[Waiting] = []
    pending_cutover = on_cutover
    for plan in plans:
        if pending_cutover is not None and cutover_at is not None and plan.opened_at >= cutover_at:
            pending_cutover()
            pending_cutover = None
        with _skipped(result, plan):
            return_request, wait = runner.run(plan, by_id[plan.order.id])
            if wait is not None:
                waiting.append(wait)
            else:
                backdate(return_request, plan.opened_at, now, rng, store)
                result.created += 1
    if pending_cutover is not None:
        pending_cutover()

    desk.play([(wait.pickup_id, wait.plan.pickup) for wait in waiting if wait.plan.pickup])
    result.problems += desk.problems
    desk.problems.clear()
    for wait in waiting:
        with _skipped(result, wait.plan):
            return_request = runner.resume(wait)
            backdate(return_request, wait.plan.opened_at, now, rng, store)
            result.created += 1
    result.problems += desk.problems
    return result
