"""Demo returns, planned: which order and lines, why, how, who asks, when it was opened, the
status it should end in and, for a carrier pickup, how far the carrier gets.

``status_plan`` gives the demo's mix of statuses (every status and pickup case at least once);
``Planner`` finds an order that fits each slot and a moment inside the window the policy will
decide it under. ``runner`` then plays each plan through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from banpum.demo import texts
from banpum.demo.logistics import PickupPlan as P
from banpum.demo.orders import LineInfo, OrderInfo
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
)
from banpum.returns.models import Origin
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import FeeOverride

AUTO_APPROVE_MAX = 50_000
CHANGE_OF_MIND_DAYS = 7
# Policy v2's refund shortcuts: early refund at the pickup scan, keep cheap goods.
EARLY_REFUND_MAX = 30_000
KEEP_ITEM_MAX = 20_000
KEEP_ITEM_CATEGORIES = ("화장품", "생활용품", "도서")
# Fees and shipping an estimate may differ from what was paid by (never more than this).
_FEES_AT_MOST = 10_000
GATEWAY_PAID = ("card", "easy_pay")
MARKETPLACES = ("smartstore", "coupang")
WEARABLE = ("의류", "신발")


class Kind(StrEnum):
    """The shape of a return, which decides what the policy will say about it."""

    CM_AUTO = "cm_auto"  # change of mind, small: auto-approved
    CM_REVIEW = "cm_review"  # change of mind, large or a flagged buyer: waits for CS
    FAULT = "fault"  # the seller's or carrier's fault, with photos where needed: waits for CS
    PHOTOS_MISSING = "photos_missing"  # a defect reported without photos: held
    EXCEPTION = "exception"  # change of mind on a non-returnable item, by CS/API: held
    LATE = "late"  # change of mind after the 7-day window, by CS/API: held


class Case(StrEnum):
    """What happens to a return after the goods come back, and what order it needs."""

    TWO_BOXES = "two_boxes"  # a 2-box pickup, one box scanned in
    KEEP_ITEM = "keep_item"  # cheap goods: refunded at approval, nothing collected
    CARD_PENDING = "card_pending"  # the card cancel waits for the job worker of banpum serve
    BANK_TRANSFER = "bank_transfer"  # a phone order paid by transfer: refund awaits the transfer
    FEE_OUTSTANDING = "fee_outstanding"  # refunded, the return fee never arrived
    REFUSED = "refused"  # every line refused at inspection: the goods go back
    EXCHANGE_OOS = "exchange_out_of_stock"  # the other colour is sold out: the exchange waits
    EXCHANGE_FEE_OWED = "exchange_fee_owed"  # the replacement shipped, the fee is not in the box
    EXCHANGE = "exchange"  # another size, shipped: done
    CARD_PAID = "card_paid"  # cancelled on the payment simulator: done
    MARKETPLACE = "marketplace"  # refunded by Smart Store or Coupang: done
    STORE_CREDIT = "store_credit"  # credited to the customer's store credit: done
    LATE = "late"  # inspected after a backlog: paid late, with the delay interest
    EARLY = "early"  # refunded at the pickup scan, the rest after inspection: done
    DEDUCTION = "deduction"  # used goods: a lawful deduction, then refunded: done


EXCHANGE_CASES = frozenset({Case.EXCHANGE_OOS, Case.EXCHANGE_FEE_OWED, Case.EXCHANGE})
# Cases whose card refunds the demo pays at once (the others are left for the job worker).
PAID_CASES = frozenset(
    {Case.FEE_OUTSTANDING, Case.CARD_PAID, Case.LATE, Case.EARLY, Case.DEDUCTION, Case.MARKETPLACE}
)
# The cases that free slots of each status get, in turn.
_FREE_CASES: dict[S, tuple[Case, ...]] = {
    S.PARTIALLY_RECEIVED: (Case.TWO_BOXES,),
    S.ITEM_KEPT: (Case.KEEP_ITEM,),
    S.REFUND_PENDING: (Case.CARD_PENDING, Case.BANK_TRANSFER, Case.CARD_PENDING),
    S.REFUNDED: (Case.FEE_OUTSTANDING,),
    S.SENT_BACK: (Case.REFUSED,),
    S.EXCHANGE_PENDING: (Case.EXCHANGE_OOS,),
    S.EXCHANGE_SHIPPED: (Case.EXCHANGE_FEE_OWED,),
    S.COMPLETED: (
        Case.MARKETPLACE,
        Case.CARD_PAID,
        Case.MARKETPLACE,
        Case.STORE_CREDIT,
        Case.CARD_PAID,
        Case.EXCHANGE,
        Case.DEDUCTION,
    ),
}


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
    S.PARTIALLY_RECEIVED: Flow(_DOWNSTREAM, 4.5, 8),
    S.INSPECTED: Flow(_DOWNSTREAM, 5.5, 9),
    S.ITEM_KEPT: Flow(((Kind.FAULT, 1),), 0.5, None),
    S.REFUND_PENDING: Flow(_DOWNSTREAM, 5.5, 9),
    S.REFUNDED: Flow(((Kind.CM_AUTO, 1),), 6, None),
    S.SENT_BACK: Flow(_DOWNSTREAM, 5.5, 10),
    S.EXCHANGE_PENDING: Flow(((Kind.CM_AUTO, 1),), 5.5, None),
    S.EXCHANGE_SHIPPED: Flow(((Kind.CM_AUTO, 1),), 6, None),
    S.COMPLETED: Flow(_DOWNSTREAM, 8, None),
    S.CANCELLED: Flow(((Kind.CM_AUTO, 3), (Kind.CM_REVIEW, 1), (Kind.FAULT, 1)), 1.5, None),
}

# The newest pickups, left for the job worker of ``banpum serve``, were requested within hours.
_JUST_NOW = Flow(_DOWNSTREAM, 0, 0.2)

# Share of each status among the demo's returns (out of 150). Approved is rare now: a carrier
# pickup is booked on approval, so a return stays approved only while no carrier is active.
# Inspected is rarer still: settlement takes an inspected return on at once.
STATUS_WEIGHTS: dict[S, int] = {
    S.REQUESTED: 12,
    S.ON_HOLD: 12,
    S.APPROVED: 3,
    S.REJECTED: 7,
    S.PICKUP_REQUESTED: 13,
    S.AWAITING_SHIPMENT: 8,
    S.IN_TRANSIT: 12,
    S.ARRIVED: 6,
    # Inspected is momentary (settlement takes the return on at once): none rests there.
    S.RECEIVED: 8,
    S.PARTIALLY_RECEIVED: 2,
    S.ITEM_KEPT: 3,
    S.REFUND_PENDING: 8,
    S.REFUNDED: 3,
    S.SENT_BACK: 3,
    S.EXCHANGE_PENDING: 2,
    S.EXCHANGE_SHIPPED: 3,
    S.COMPLETED: 38,
    S.CANCELLED: 7,
}

# The returns each status needs, whatever the total: every pickup state, and the carrier cases
# CS meets (exceptions, a refused booking, Jeju via the unlinked carrier, a switch to self-ship).
# ``None`` is a return of any method, its pickup (if any) following from its status.
# After the goods are back, the money's cases: every way a refund goes, and each exchange.
REQUIRED: dict[S, tuple[P | Case | None, ...]] = {
    S.PICKUP_REQUESTED: (P.REQUESTED, P.ACCEPTED, P.ABSENT, P.ADDRESS, P.FAILED),
    S.IN_TRANSIT: (P.PICKED_UP, P.IN_TRANSIT, P.JEJU_MANUAL),
    S.AWAITING_SHIPMENT: (P.SELF_SHIP, P.JEJU),
    S.ARRIVED: (P.DELIVERED,),
    S.CANCELLED: (P.CANCELLED,),
    S.PARTIALLY_RECEIVED: (Case.TWO_BOXES,),
    S.ITEM_KEPT: (Case.KEEP_ITEM,),
    S.REFUND_PENDING: (Case.CARD_PENDING, Case.BANK_TRANSFER),
    S.REFUNDED: (Case.FEE_OUTSTANDING,),
    S.SENT_BACK: (Case.REFUSED,),
    S.EXCHANGE_PENDING: (Case.EXCHANGE_OOS,),
    S.EXCHANGE_SHIPPED: (Case.EXCHANGE_FEE_OWED,),
    S.COMPLETED: (
        Case.CARD_PAID,
        Case.EXCHANGE,
        Case.STORE_CREDIT,
        Case.LATE,
        Case.MARKETPLACE,
        Case.EARLY,
        Case.DEDUCTION,
    ),
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
    case: Case | None = None


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
    case: Case | None = None  # what happens after the goods are back


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
        elif status in _FREE_CASES:
            cases = _FREE_CASES[status]
            stories += [cases[i % len(cases)] for i in range(count - len(stories))]
        for story in stories:
            if isinstance(story, Case):
                pickup = P.DELIVERED if story in (Case.TWO_BOXES, Case.EARLY) else None
                fixed.append(Slot(status, pickup, story))
            elif story is not None:
                fixed.append(Slot(status, story))
        free += [Slot(status) for _ in range(count - len(stories))]
    rng.shuffle(free)
    return fixed + free


class Planner:
    def __init__(
        self,
        orders: Sequence[OrderInfo],
        *,
        now: dt.datetime,
        tz: str,
        rng: random.Random,
        cutover_at: dt.datetime | None = None,
    ) -> None:
        self.now = now
        self.tz = ZoneInfo(tz)
        # From here on policy v2 applies, with its refund shortcuts.
        self.cutover_at = cutover_at
        self.rng = rng
        self.candidates = [order for order in orders if order.delivered_at is not None]
        rng.shuffle(self.candidates)
        self.used: set[int] = set()

    def plan(self, slot: Slot) -> Plan | None:
        target = slot.target
        flow = _JUST_NOW if slot.pickup is P.REQUESTED else FLOWS[target]
        weighted = _CASE_KINDS.get(slot.case, flow.kinds) if slot.case else flow.kinds
        kinds = [kind for kind, _ in weighted]
        first = self.rng.choices(kinds, weights=[w for _, w in weighted])[0]
        ordered = [first, *(kind for kind in kinds if kind is not first)]
        method = Method.CARRIER_PICKUP if slot.pickup is not None else _method(target, self.rng)
        if slot.case is Case.REFUSED:
            method = Method.SELF_SHIP  # no pickup scan, so no early refund of refused goods
        for recent in (flow.recent, None):
            for kind in ordered:
                plan = self._plan(slot, kind, method, flow, recent)
                if plan is not None:
                    self.used.add(plan.order.id)
                    return plan
        return None

    def _orders(self, slot: Slot, method: Method) -> list[OrderInfo]:
        """The orders that fit: a carrier pickup from Jeju goes to the unlinked carrier; a
        case needs the payment its refund goes back to."""
        fitting = self.candidates
        if method is Method.CARRIER_PICKUP:
            jeju = slot.pickup in (P.JEJU, P.JEJU_MANUAL)
            fitting = [order for order in fitting if order.jeju == jeju]
            if slot.pickup is P.FAILED:  # a phone order typed in without a postcode
                fitting = sorted(fitting, key=lambda order: order.channel_kind != "manual")
        if slot.case is not None:
            fitting = [order for order in fitting if _pays_fit(slot.case, order)]
        elif slot.target is S.RECEIVED:
            # Paid back by the job later: no bank transfer the demo would leave hanging.
            fitting = [order for order in fitting if order.channel_kind != "manual"]
        return fitting

    def _plan(
        self, slot: Slot, kind: Kind, method: Method, flow: Flow, recent: float | None
    ) -> Plan | None:
        latest = self.now - dt.timedelta(days=flow.days, hours=1)
        earliest = self.now - dt.timedelta(days=recent) if recent is not None else None
        if slot.case is Case.LATE:
            latest = self.now - dt.timedelta(days=20)  # room for the inspection backlog
        elif slot.case is Case.EARLY:
            latest = self.now - dt.timedelta(days=5)  # in v2's days, done by now
        if slot.case in (Case.KEEP_ITEM, Case.EARLY) and self.cutover_at is not None:
            earliest = max(earliest or self.cutover_at, self.cutover_at)  # v2's shortcuts
        for order in self._orders(slot, method):
            if order.id in self.used:
                continue
            window = self._window(order, kind)
            start, end = window[0], min(window[1], latest)
            if earliest is not None:
                start = max(start, earliest)
            if start > end:
                continue
            lines = self._lines(order, kind, slot.case)
            if lines is None:
                continue
            opened_at = start + (end - start) * self.rng.random()
            if slot.case is not Case.KEEP_ITEM and self._kept(order, lines, opened_at):
                continue
            return self._build(slot, kind, method, order, lines, opened_at)
        return None

    def _kept(
        self, order: OrderInfo, chosen: list[tuple[LineInfo, int]], opened_at: dt.datetime
    ) -> bool:
        """Policy v2 might let the customer keep these goods (so the return would stop at
        item_kept instead of going where it was planned)."""
        if self.cutover_at is None or opened_at < self.cutover_at or order.customer_flagged:
            return False
        return all(line.category in KEEP_ITEM_CATEGORIES for line, _ in chosen) and (
            _paid(chosen) <= KEEP_ITEM_MAX + _FEES_AT_MOST
        )

    def _window(self, order: OrderInfo, kind: Kind) -> tuple[dt.datetime, dt.datetime]:
        delivered = order.delivered_at
        if delivered is None:
            raise RuntimeError("a return window is drawn for delivered orders only")
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

    def _lines(
        self, order: OrderInfo, kind: Kind, case: Case | None = None
    ) -> list[tuple[LineInfo, int]] | None:
        rng = self.rng
        if case is not None and case in _ONE_LINE:
            fitting = [line for line in order.lines if _ONE_LINE[case](line)]
            if not fitting:
                return None
            line = rng.choice(fitting)
            return [(line, 1 if case in EXCHANGE_CASES else line.quantity)]
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
        case = slot.case
        reason = _reason(kind, chosen, rng)
        if case in EXCHANGE_CASES:
            reason = "wrong_option"  # another size, please
        resolution = _resolution(reason, kind, rng)
        if case is not None:
            resolution = _CASE_RESOLUTIONS.get(case, Resolution.REFUND)
        origin = _origin(kind, order, rng)
        fault_side = reason not in texts.CHANGE_OF_MIND
        if case is Case.DEDUCTION:
            conditions: tuple[Condition, ...] = (Condition.OPENED, Condition.TAGS_REMOVED)
        elif reason == "damaged_in_transit":
            conditions = (Condition.OPENED, Condition.DAMAGED)
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
        if case in (Case.FEE_OUTSTANDING, Case.EXCHANGE_FEE_OWED):
            # Owed outside the refund, and never paid: the return waits for it.
            fee_collection = (
                FeeCollection.ENCLOSE_IN_BOX
                if case is Case.EXCHANGE_FEE_OWED
                else FeeCollection.BANK_TRANSFER
            )
        fee = None
        if (
            origin is Origin.CS
            and not fault_side
            and kind is not Kind.LATE
            and case not in (Case.FEE_OUTSTANDING, Case.EXCHANGE_FEE_OWED)
            and rng.random() < 0.2
        ):
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
            case=case,
        )


# What a change of mind comes back as; used or damaged goods would be refused by the policy.
_CHANGE_OF_MIND_CONDITIONS = (
    Condition.UNOPENED,
    Condition.UNOPENED,
    Condition.OPENED,
    Condition.TAGS_REMOVED,
)


def _paid(chosen: list[tuple[LineInfo, int]]) -> int:
    return sum(line.paid_amount * qty // line.quantity for line, qty in chosen)


def _pays_fit(case: Case, order: OrderInfo) -> bool:
    """The order's payment suits the case (the refund goes back the way it was paid)."""
    paid_by_card = order.payment_method in GATEWAY_PAID
    on_marketplace = order.channel_kind in MARKETPLACES
    if case is Case.BANK_TRANSFER:
        return order.channel_kind == "manual"
    if case is Case.MARKETPLACE:
        return on_marketplace
    if case is Case.STORE_CREDIT:
        return not on_marketplace
    if case is Case.KEEP_ITEM:
        return paid_by_card and not order.customer_flagged
    if case is Case.EARLY:
        return (paid_by_card or on_marketplace) and not order.customer_flagged
    if case in EXCHANGE_CASES or case in (Case.TWO_BOXES, Case.REFUSED):
        return not order.customer_flagged
    if case is Case.DEDUCTION:
        return (paid_by_card or on_marketplace) and not order.customer_flagged
    return paid_by_card and not order.customer_flagged


# The one line a case returns, when it needs a particular one.
_ONE_LINE: dict[Case, Callable[[LineInfo], bool]] = {
    Case.KEEP_ITEM: lambda line: (
        line.category in KEEP_ITEM_CATEGORIES and line.paid_amount <= KEEP_ITEM_MAX - 3000
    ),
    Case.EARLY: lambda line: line.returnable and line.paid_amount <= EARLY_REFUND_MAX - 3000,
    **{case: lambda line: line.category in WEARABLE and line.returnable for case in EXCHANGE_CASES},
}
_CASE_KINDS: dict[Case, tuple[tuple[Kind, int], ...]] = {
    Case.KEEP_ITEM: ((Kind.FAULT, 1),),
    Case.TWO_BOXES: ((Kind.FAULT, 1),),  # CS approves, and books the pickup for two boxes
    Case.FEE_OUTSTANDING: ((Kind.CM_AUTO, 1),),
    Case.DEDUCTION: ((Kind.CM_AUTO, 3), (Kind.CM_REVIEW, 1)),
    Case.EARLY: ((Kind.FAULT, 1), (Kind.CM_AUTO, 2)),
    **{case: ((Kind.CM_AUTO, 1),) for case in EXCHANGE_CASES},
}
_CASE_RESOLUTIONS: dict[Case, Resolution] = {
    Case.STORE_CREDIT: Resolution.STORE_CREDIT,
    **{case: Resolution.EXCHANGE for case in EXCHANGE_CASES},
}


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


# Statuses a carrier-pickup return reaches after its parcel was delivered to the warehouse.
_AFTER_DELIVERY = frozenset(
    {
        S.ARRIVED,
        S.RECEIVED,
        S.PARTIALLY_RECEIVED,
        S.INSPECTED,
        S.REFUND_PENDING,
        S.REFUNDED,
        S.SENT_BACK,
        S.EXCHANGE_PENDING,
        S.EXCHANGE_SHIPPED,
        S.COMPLETED,
    }
)


def _story(target: S, method: Method, cancel_after: S, rng: random.Random) -> P | None:
    """How far the carrier gets with a return not given a story by its slot."""
    if method is not Method.CARRIER_PICKUP:
        return None
    if target is S.IN_TRANSIT:
        return rng.choice((P.PICKED_UP, P.IN_TRANSIT, P.IN_TRANSIT))
    if target in _AFTER_DELIVERY:
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
