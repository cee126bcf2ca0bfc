"""Demo returns, played: each plan opened and moved through the returns and logistics services.

``Runner.run`` opens a planned return with ``return_request_create`` at the moment it was
planned to open, and walks it with ``return_request_approve/hold/reject/cancel`` and
``return_transition``, each at its moment on the return's own clock (``timeline.ReturnClock``):
history is written as it happened, never moved afterwards. Approving a carrier pickup books
it, as in the product; the bookings wait until every return is open, then the carrier desk
(``logistics.CarrierDesk``) plays them on the carrier simulator on the same clocks, and
``Runner.resume`` takes the returns whose parcels it moved on through the warehouse.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.demo import texts
from banpum.demo.catalog import SOLD_OUT_COLOUR
from banpum.demo.logistics import PLAYED, UNKNOWN_POSTCODE, UNLINKED_CARRIER, CarrierDesk
from banpum.demo.logistics import PickupPlan as P
from banpum.demo.plans import EXCHANGE_CASES, Case, Kind, Plan
from banpum.demo.timeline import ReturnClock
from banpum.logistics.models import (
    Carrier,
    OutboundKind,
    OutboundShipment,
    OutboundStatus,
    Pickup,
    PickupStatus,
)
from banpum.logistics.services.outbound import outbound_shipment_send
from banpum.logistics.services.pickups import (
    PickupDetails,
    active_pickup,
    pickup_arrange_for_return,
    pickup_register_manual,
    pickup_rerequest,
    return_switch_to_self_ship,
)
from banpum.logistics.services.pickups.common import carrier_facts
from banpum.policy.types import Condition, Method, Resolution, ReturnAsk, ReturnType
from banpum.returns.events import StatusCause
from banpum.returns.models import Origin, ReturnLine, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import (
    return_note_add,
    return_request_approve,
    return_request_cancel,
    return_request_create,
    return_request_hold,
    return_request_reject,
)
from banpum.returns.transitions import (
    AWAITING_DECISION,
    Action,
    Move,
    return_transition,
    return_transition_allowed,
)
from banpum.settlement.exchanges.services import exchange_choose
from banpum.settlement.models import Refund, RefundMethod, RefundStatus
from banpum.settlement.services.sending import refund_send
from banpum.warehouse.models import (
    DeductionReason,
    DispositionAction,
    Grade,
    InspectionOutcome,
    RejectReason,
)
from banpum.warehouse.services import (
    DispositionIn,
    FeeConfirmation,
    LineInspectionIn,
    paid_for_units,
    return_inspect,
    return_receive,
)


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
    clock: ReturnClock


@dataclass(frozen=True)
class Cast:
    """Who does what in the demo: the CS agent, the API client and the automated jobs."""

    cs: Actor
    api: Actor
    system: Actor
    warehouse: Actor


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


# What can happen to a faulty item: perishables and cosmetics are thrown away, books go back.
_DISPOSITIONS: dict[str, tuple[DispositionAction, ...]] = {
    "식품": (DispositionAction.DISPOSE,),
    "화장품": (DispositionAction.DISPOSE, DispositionAction.RETURN_TO_VENDOR),
    "도서": (DispositionAction.RETURN_TO_VENDOR,),
}
_FAULTY = (
    DispositionAction.DISPOSE,
    DispositionAction.RETURN_TO_VENDOR,
    DispositionAction.REFURBISH,
)


def _inspected_line(line: ReturnLine, plan: Plan, rng: random.Random) -> LineInspectionIn:
    """One line as the warehouse found it: graded, accepted (or not), and where it goes."""
    quantity, condition = line.quantity, Condition(line.condition)
    if plan.case is Case.REFUSED:
        return LineInspectionIn(
            return_line_id=line.pk,
            quantity_received=quantity,
            quantity_accepted=0,
            grade=Grade.D,
            condition=condition,
            outcome=InspectionOutcome.REJECT,
            dispositions=(DispositionIn(quantity, DispositionAction.RETURN_TO_CUSTOMER),),
            reject_reason=RejectReason.VALUE_LOST,
            reject_text=texts.REFUSED_TEXT,
        )
    if plan.case is Case.DEDUCTION:
        # 전자상거래법 §17②: worn and washed, the value lost by the customer's use.
        deduction = max(paid_for_units(line, quantity) * 2 // 10 // 100 * 100, 100)
        return LineInspectionIn(
            return_line_id=line.pk,
            quantity_received=quantity,
            quantity_accepted=quantity,
            grade=Grade.C,
            condition=condition,
            outcome=InspectionOutcome.ACCEPT_WITH_DEDUCTION,
            dispositions=(DispositionIn(quantity, DispositionAction.REFURBISH),),
            deduction_amount=deduction,
            deduction_reason=DeductionReason.USED,
            note=texts.DEDUCTION_NOTE,
        )
    if plan.reason_code in texts.CHANGE_OF_MIND or plan.reason_code == "wrong_item":
        grade = Grade.A if condition is Condition.UNOPENED else Grade.B
        action = DispositionAction.RESTOCK
    else:
        grade = Grade.C
        action = rng.choice(_DISPOSITIONS.get(line.order_line.category, _FAULTY))
    return LineInspectionIn(
        return_line_id=line.pk,
        quantity_received=quantity,
        quantity_accepted=quantity,
        grade=grade,
        condition=condition,
        outcome=InspectionOutcome.ACCEPT,
        dispositions=(DispositionIn(quantity, action),),
    )


def _inspection_note(plan: Plan) -> str:
    if plan.case is Case.REFUSED:
        return texts.REFUSED_NOTE
    if plan.case is Case.DEDUCTION:
        return texts.DEDUCTION_NOTE
    if plan.reason_code in texts.CHANGE_OF_MIND:
        if any(line.condition is Condition.UNOPENED for line in plan.lines):
            return "검수 완료: 미개봉·택 부착, 재판매 가능 (A급)."
        return "검수 완료: 개봉 상품, 구성품 이상 없음. B급 재판매."
    if plan.reason_code == "wrong_item":
        return "오배송 상품 회수 확인, 정상품 재입고."
    return f"불량 확인 ({plan.detail.rstrip('.')})."


def refunds_pay(return_request: ReturnRequest, *, now: dt.datetime) -> None:
    """Run the refund job now for the return's card refunds (the payment simulator answers)."""
    pending = Refund.objects.filter(
        return_request=return_request,
        method=RefundMethod.ORIGINAL_PAYMENT,
        status=RefundStatus.PENDING,
    ).order_by("id")
    for refund_id in list(pending.values_list("pk", flat=True)):
        refund_send(refund_id=refund_id, now=now)


def exchange_parcels_book(return_request: ReturnRequest, *, now: dt.datetime) -> None:
    """Run the booking job now for the replacement's parcel (the carrier simulator answers)."""
    shipments = OutboundShipment.objects.filter(
        return_request=return_request,
        kind=OutboundKind.EXCHANGE,
        status=OutboundStatus.REQUESTED,
    ).order_by("id")
    for shipment_id in list(shipments.values_list("pk", flat=True)):
        outbound_shipment_send(shipment_id=shipment_id, now=now)


class Runner:
    """Opens a planned return through the services and walks it towards its target status.

    ``run`` goes as far as the return can go before the carrier: a return whose pickup is
    booked stops there, and ``resume`` takes it on once the carrier desk has played it.
    """

    def __init__(
        self, cast: Cast, rng: random.Random, desk: CarrierDesk, *, now: dt.datetime
    ) -> None:
        self.cast = cast
        self.rng = rng
        self.desk = desk
        self.now = now

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
        clock = ReturnClock(plan.opened_at, now=self.now, rng=self.rng)
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
                now=clock.moment,
            )
            return_request = self._drive(return_request, plan, clock)
        pickup = active_pickup(return_request) if plan.pickup in PLAYED else None
        if pickup is not None and pickup.status == PickupStatus.REQUESTED:
            self.desk.clocks[pickup.pk] = clock
            return return_request, Waiting(plan, return_request.pk, pickup.pk, clock)
        _check(return_request, plan)
        return return_request, None

    def resume(self, waiting: Waiting) -> ReturnRequest:
        """After the carrier desk played the pickup: what CS and the warehouse do next."""
        plan, cs, clock = waiting.plan, self.cast.cs, waiting.clock
        rr = ReturnRequest.objects.get(pk=waiting.return_id)
        pickup = Pickup.objects.get(pk=waiting.pickup_id)
        if plan.pickup is P.CANCELLED:
            at = clock.after(Action.CANCEL)
            rr = return_request_cancel(
                return_request=rr,
                actor=self._canceller(plan),
                note=self.rng.choice(texts.CANCEL_NOTES),
                now=at,
            )
            self.desk.cancel_at_carrier([pickup.pk], at=at)
        elif plan.pickup is P.SELF_SHIP and pickup.status == PickupStatus.EXCEPTION:
            at = clock.after(Action.SWITCH_TO_SELF_SHIP)
            rr = return_switch_to_self_ship(
                return_request=rr, actor=cs, note=texts.SELF_SHIP_NOTE, now=at
            )
            self.desk.cancel_at_carrier([pickup.pk], at=at)
        elif plan.pickup is P.REREQUEST and pickup.status == PickupStatus.EXCEPTION:
            at = clock.after("rerequest")
            again = pickup_rerequest(
                pickup=pickup,
                actor=cs,
                details=PickupDetails(memo=texts.REREQUEST_MEMO),
                note=texts.REREQUEST_NOTE,
                now=at,
            )
            self.desk.cancel_at_carrier([pickup.pk], at=at)
            self.desk.clocks[again.pk] = clock
            self.desk.book([again.pk])
            self.desk.track([again.pk])
            rr.refresh_from_db()
        elif plan.target not in (S.PICKUP_REQUESTED, S.IN_TRANSIT, S.ARRIVED) and (
            return_transition_allowed(rr.status, Action.RECEIVE)
        ):
            if plan.case is Case.EARLY:
                # The early refund opened at the pickup scan: its job ran while on the road.
                refunds_pay(rr, now=clock.moment)
            rr = self._receive(rr, plan, clock.after("scan"), texts.RECEIVED_NOTE)
            rr = self._finish(rr, plan, clock)
        _check(rr, plan)
        return rr

    def _drive(self, rr: ReturnRequest, plan: Plan, clock: ReturnClock) -> ReturnRequest:
        cs, target = self.cast.cs, plan.target
        if plan.follow_up:
            return_note_add(
                return_request=rr, actor=cs, note=plan.follow_up, now=clock.after("note_at_once")
            )
        if plan.hold is not None and return_transition_allowed(rr.status, Action.HOLD):
            reason, note = plan.hold
            rr = return_request_hold(
                return_request=rr, actor=cs, reason=reason, note=note, now=clock.after(Action.HOLD)
            )
        if target in (S.REQUESTED, S.ON_HOLD):
            return rr
        if target is S.REJECTED:
            return return_request_reject(
                return_request=rr,
                actor=cs,
                note=texts.REJECT_NOTES[plan.kind],
                now=clock.after(Action.REJECT),
            )
        if target is S.CANCELLED and plan.cancel_after is S.REQUESTED:
            return self._cancel(rr, plan, clock)
        if rr.status in AWAITING_DECISION:
            # A carrier pickup is booked (or, from Jeju, the buyer instructed) on approval;
            # cheap goods the policy lets the customer keep are refunded there instead.
            two_boxes = plan.case is Case.TWO_BOXES
            with self.desk.paused() if two_boxes else nullcontext():
                rr = return_request_approve(
                    return_request=rr,
                    actor=cs,
                    note=texts.APPROVE_NOTES.get(plan.kind, ""),
                    now=clock.after(Action.APPROVE),
                )
            if two_boxes:
                # The customer said two boxes: CS books the pickup for both.
                pickup_arrange_for_return(
                    return_request=rr,
                    actor=cs,
                    now=clock.after("note_at_once"),
                    details=PickupDetails(box_count=2, memo=texts.TWO_BOXES_MEMO),
                )
                rr = ReturnRequest.objects.get(pk=rr.pk)
        if target is S.ITEM_KEPT:
            return rr
        if target is S.APPROVED:
            return_note_add(
                return_request=rr, actor=cs, note=texts.PAUSED_NOTE, now=clock.after("note_at_once")
            )
            return rr
        if plan.pickup in PLAYED or plan.pickup is P.REQUESTED or plan.pickup is P.JEJU:
            return rr  # the carrier desk takes it from here, or the buyer does
        if target is S.CANCELLED:
            return self._cancel(rr, plan, clock)
        if plan.pickup is P.JEJU_MANUAL:
            return self._manual_waybill(rr, clock)
        if target is S.AWAITING_SHIPMENT:
            return rr
        if plan.method is Method.IN_STORE:
            rr = self._receive(
                rr, plan, clock.after(Action.RECEIVE), "성수 쇼룸 방문 반품 접수, 상품 인수 확인."
            )
        else:
            rr = self._in_transit(rr, plan, clock)
            if target is S.IN_TRANSIT:
                return rr
            rr = self._receive(rr, plan, clock.after(Action.RECEIVE), texts.RECEIVED_NOTE)
        return self._finish(rr, plan, clock)

    def _receive(self, rr: ReturnRequest, plan: Plan, at: dt.datetime, note: str) -> ReturnRequest:
        """The warehouse scans the boxes in (one of two, for a two-box pickup)."""
        if plan.case is Case.TWO_BOXES:
            note = texts.ONE_OF_TWO_NOTE
        return return_receive(return_request=rr, actor=self.cast.warehouse, now=at, note=note)

    def _finish(self, rr: ReturnRequest, plan: Plan, clock: ReturnClock) -> ReturnRequest:
        """From received: the inspection, then what settlement does with it, as far as the
        plan goes; the jobs the demo runs at once (card cancels, the replacement's booking)
        run here at their moment, the others are left for the job worker of ``banpum serve``."""
        target = plan.target
        if target in (S.RECEIVED, S.PARTIALLY_RECEIVED):
            return rr
        if plan.case in EXCHANGE_CASES:
            self._choose_replacement(rr, plan, clock)
        if plan.case is Case.LATE:
            clock.after("backlog")  # the inspection waited past the refund's due date
        lines = [
            _inspected_line(line, plan, self.rng)
            for line in rr.lines.select_related("order_line").order_by("id")
        ]
        owed = plan.case in (Case.FEE_OUTSTANDING, Case.EXCHANGE_FEE_OWED)
        rr = return_inspect(
            return_request=rr,
            lines=lines,
            fee=FeeConfirmation(received=not owed),
            actor=self.cast.warehouse,
            now=clock.after(Action.INSPECT),
            note=_inspection_note(plan),
        )
        if target in (S.COMPLETED, S.REFUNDED, S.EXCHANGE_SHIPPED):
            at = clock.after(Action.COMPLETE)
            exchange_parcels_book(rr, now=at)
            refunds_pay(rr, now=at)
        return ReturnRequest.objects.get(pk=rr.pk)

    def _choose_replacement(self, rr: ReturnRequest, plan: Plan, clock: ReturnClock) -> None:
        """CS notes the size (or colour) the customer wants instead, before inspection."""
        line = rr.lines.select_related("order_line__product").order_by("id").first()
        product = line.order_line.product if line is not None else None
        if line is None or product is None or not product.option_group:
            return  # the same product again (the default)
        sold_out = plan.case is Case.EXCHANGE_OOS
        siblings = (
            product.__class__.objects.filter(
                store_id=product.store_id, option_group=product.option_group
            )
            .exclude(pk=product.pk)
            .order_by("sku")
        )
        wanted = next(
            (
                sibling
                for sibling in siblings
                if (sibling.options.get("색상") == SOLD_OUT_COLOUR) == sold_out
            ),
            None,
        )
        if wanted is None:
            return
        exchange_choose(
            return_request=rr,
            lines=[(line.pk, wanted.sku, line.quantity)],
            actor=self.cast.cs,
            now=clock.after("note_at_once"),
        )

    def _canceller(self, plan: Plan) -> Actor:
        if plan.origin is Origin.CUSTOMER:
            return Actor.customer(plan.order.customer_name)
        return self.cast.cs

    def _cancel(self, rr: ReturnRequest, plan: Plan, clock: ReturnClock) -> ReturnRequest:
        if plan.cancel_after is not S.REQUESTED and rr.status in AWAITING_DECISION:
            rr = return_request_approve(
                return_request=rr, actor=self.cast.cs, now=clock.after(Action.APPROVE)
            )
        return return_request_cancel(
            return_request=rr,
            actor=self._canceller(plan),
            note=self.rng.choice(texts.CANCEL_NOTES),
            now=clock.after(Action.CANCEL),
        )

    def _manual_waybill(self, rr: ReturnRequest, clock: ReturnClock) -> ReturnRequest:
        """The Jeju buyer sent the parcel at the post office; CS types in the waybill."""
        cs = self.cast.cs
        return_note_add(
            return_request=rr, actor=cs, note=texts.MANUAL_WAYBILL_NOTE, now=clock.after("note")
        )
        pickup_register_manual(
            return_request=rr,
            actor=cs,
            waybill_number=_waybill(self.rng, "60", 13),
            carrier_code=UNLINKED_CARRIER,
            now=clock.after("note_at_once"),
        )
        return ReturnRequest.objects.get(pk=rr.pk)

    def _in_transit(self, rr: ReturnRequest, plan: Plan, clock: ReturnClock) -> ReturnRequest:
        """A parcel the customer sent without our pickup: its waybill, as the buyer gave it."""
        if plan.method is Method.CVS_DROP_OFF:
            carrier, waybill = "kr.cvsnet", _waybill(self.rng, "3", 12)
        else:
            carrier = self.rng.choice(["kr.epost", "kr.hanjin", "kr.lotte"])
            waybill = (
                _waybill(self.rng, "60", 13) if carrier == "kr.epost" else _waybill(self.rng, "5")
            )
        # Facts, not sentences: the timeline words them in the reader's language.
        return self._move(
            rr,
            Action.MARK_IN_TRANSIT,
            self.cast.system,
            clock.after(Action.MARK_IN_TRANSIT),
            data={
                "cause": StatusCause.WAYBILL_ENTERED.value,
                **carrier_facts(Carrier.objects.get(code=carrier)),
                "waybill_number": waybill,
                "tracking_number": waybill,
            },
        )

    def _move(
        self,
        rr: ReturnRequest,
        action: Action,
        actor: Actor,
        now: dt.datetime,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> ReturnRequest:
        return return_transition(
            return_request=rr, action=action, actor=actor, move=Move(note=note, data=data), now=now
        )


def _check(return_request: ReturnRequest, plan: Plan) -> None:
    if return_request.status != plan.target:
        raise RuntimeError(
            f"demo return for order {plan.order.id} ended {return_request.status}, "
            f"planned {plan.target} ({plan.kind}, pickup {plan.pickup or '-'})"
        )
