"""Inspection (검수): per line, what came back, in what state, what it costs, where it goes.

One command records every line at once (a return is inspected whole), checks the quantities
and the law on deductions, moves restocked units through the stock ledger, settles the return
fee as the policy said it is collected, flags a customer who sent an empty box or a wrong
item, moves the return to ``inspected`` and hands it to settlement through
``warehouse.hooks``, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Customer
from banpum.core.actors import Actor
from banpum.core.errors import ErrorCode, ValidationFailed
from banpum.policy.texts import money
from banpum.policy.types import Condition, FeeCollection, FeePayer
from banpum.returns.models import FeeSettlement, ReturnLine, ReturnRequest
from banpum.returns.transitions import Action, Move, return_transition, return_transition_allowed
from banpum.warehouse import errors
from banpum.warehouse.hooks import inspection_hooks
from banpum.warehouse.models import (
    FRAUD_REASONS,
    SELLABLE_GRADES,
    DeductionReason,
    Disposition,
    DispositionAction,
    Grade,
    InspectionOutcome,
    LineInspection,
    MovementKind,
    RejectReason,
    StockLocation,
)
from banpum.warehouse.stock import StockChange, stock_location, stock_move

_INTO_STOCK = {
    DispositionAction.RESTOCK: "",  # the store's default (sellable) location
    DispositionAction.REFURBISH: "refurb",
}


@dataclass(frozen=True)
class DispositionIn:
    quantity: int
    action: DispositionAction
    location_code: str = ""


@dataclass(frozen=True)
class LineInspectionIn:
    return_line_id: int
    quantity_received: int
    quantity_accepted: int
    grade: Grade
    condition: Condition
    outcome: InspectionOutcome
    dispositions: tuple[DispositionIn, ...] = ()
    deduction_amount: int = 0
    deduction_reason: DeductionReason | None = None
    reject_reason: RejectReason | None = None
    reject_text: str = ""
    note: str = ""


@dataclass(frozen=True)
class FeeConfirmation:
    """The worker's word on a fee paid outside the refund: was it in the box, transferred,
    charged? ``None``: not said (refused when the policy needs it)."""

    received: bool | None = None


@dataclass
class _Problems:
    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, path: str, error: ErrorCode, **params: object) -> None:
        self.fields.setdefault(path, []).append(error.render(**params))

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationFailed.for_fields(self.fields)


def paid_for_units(line: ReturnLine, units: int) -> int:
    """What the buyer paid for ``units`` of the order line (its discounts spread evenly)."""
    order_line = line.order_line
    if order_line.quantity <= 0:
        return 0
    return order_line.paid_amount * units // order_line.quantity


def _check_line(
    path: str,
    given: LineInspectionIn,
    line: ReturnLine,
    locations: dict[str, StockLocation],
    problems: _Problems,
) -> None:
    received, accepted = given.quantity_received, given.quantity_accepted
    if received < 0 or accepted < 0:
        problems.add(
            f"{path}.quantity_received", errors.RECEIVED_OVER_REQUESTED, requested=line.quantity
        )
        return
    if received > line.quantity:
        problems.add(
            f"{path}.quantity_received", errors.RECEIVED_OVER_REQUESTED, requested=line.quantity
        )
    if accepted > received:
        problems.add(
            f"{path}.quantity_accepted",
            errors.ACCEPTED_OVER_RECEIVED,
            accepted=accepted,
            received=received,
        )
    if (accepted == 0) != (given.outcome is InspectionOutcome.REJECT):
        problems.add(f"{path}.outcome", errors.OUTCOME_MISMATCH)
    if accepted < line.quantity and given.reject_reason is None:
        problems.add(f"{path}.reject_reason", errors.REJECT_REASON_MISSING)
    _check_deduction(path, given, line, problems)
    _check_dispositions(path, given, line, locations, problems)


def _check_deduction(
    path: str, given: LineInspectionIn, line: ReturnLine, problems: _Problems
) -> None:
    amount = given.deduction_amount
    deducting = given.outcome is InspectionOutcome.ACCEPT_WITH_DEDUCTION
    if amount < 0 or deducting != (amount > 0):
        problems.add(f"{path}.deduction_amount", errors.DEDUCTION_WITHOUT_OUTCOME)
        return
    if amount == 0:
        return
    if given.deduction_reason is None:
        problems.add(f"{path}.deduction_reason", errors.DEDUCTION_REASON_MISSING)
    if given.grade is Grade.A:
        problems.add(f"{path}.deduction_amount", errors.DEDUCTION_RESELLABLE)
    paid = paid_for_units(line, min(given.quantity_accepted, line.quantity))
    if amount > paid:
        problems.add(f"{path}.deduction_amount", errors.DEDUCTION_OVER_PAID, paid=money(paid))


def _check_dispositions(
    path: str,
    given: LineInspectionIn,
    line: ReturnLine,
    locations: dict[str, StockLocation],
    problems: _Problems,
) -> None:
    total = sum(d.quantity for d in given.dispositions)
    if total != given.quantity_received:
        problems.add(
            f"{path}.dispositions",
            errors.DISPOSITIONS_NOT_SUMMING,
            given=total,
            received=given.quantity_received,
        )
    refused = max(given.quantity_received - given.quantity_accepted, 0)
    back = sum(
        d.quantity for d in given.dispositions if d.action is DispositionAction.RETURN_TO_CUSTOMER
    )
    if back != refused:
        problems.add(f"{path}.dispositions", errors.REFUSED_UNITS_NOT_RETURNED, refused=refused)
    for index, disposition in enumerate(given.dispositions):
        where = f"{path}.dispositions.{index}"
        if disposition.quantity < 1:
            problems.add(
                f"{where}.quantity",
                errors.DISPOSITIONS_NOT_SUMMING,
                given=total,
                received=given.quantity_received,
            )
        if disposition.location_code and disposition.location_code not in locations:
            problems.add(
                f"{where}.location", errors.LOCATION_UNKNOWN, code=disposition.location_code
            )
        if disposition.action not in _INTO_STOCK:
            continue
        if line.order_line.product_id is None:
            problems.add(f"{where}.action", errors.RESTOCK_NO_PRODUCT)
        if disposition.action is DispositionAction.RESTOCK:
            if given.grade not in SELLABLE_GRADES:
                problems.add(f"{where}.action", errors.RESTOCK_GRADE)
            chosen = locations.get(disposition.location_code)
            if chosen is not None and not chosen.sellable:
                problems.add(
                    f"{where}.location", errors.STOCK_LOCATION_NOT_SELLABLE, location=chosen.name
                )


def _fee_settlement(
    return_request: ReturnRequest, fee: FeeConfirmation | None, accepted_units: int
) -> str:
    """How the return fee stands after inspection, as the policy said it is collected."""
    if return_request.fee_payer != FeePayer.BUYER or return_request.fee_amount == 0:
        return FeeSettlement.NOT_OWED
    collection = return_request.fee_collection or FeeCollection.DEDUCT_FROM_REFUND
    if collection == FeeCollection.DEDUCT_FROM_REFUND:
        # Nothing accepted, nothing refunded: nothing to deduct the fee from.
        return FeeSettlement.DEDUCTED if accepted_units else FeeSettlement.OUTSTANDING
    if fee is None or fee.received is None:
        raise errors.FEE_CONFIRMATION_MISSING.field(
            "fee.received", amount=money(return_request.fee_amount)
        )
    if not fee.received:
        return FeeSettlement.OUTSTANDING
    return {
        FeeCollection.ENCLOSE_IN_BOX: FeeSettlement.ENCLOSED,
        FeeCollection.BANK_TRANSFER: FeeSettlement.TRANSFERRED,
        FeeCollection.CHARGE_SEPARATELY: FeeSettlement.CHARGED,
    }.get(FeeCollection(collection), FeeSettlement.OUTSTANDING)


def _flag_customer(return_request: ReturnRequest, reason: RejectReason) -> None:
    """An empty box or a wrong item: hold this customer's next requests for a person."""
    if return_request.customer_id is None:
        return
    Customer.objects.filter(pk=return_request.customer_id).update(
        is_flagged=True, flag_reason=f"{reason.value} ({return_request.number})"[:200]
    )


@transaction.atomic
def return_inspect(
    *,
    return_request: ReturnRequest,
    lines: list[LineInspectionIn],
    actor: Actor,
    now: dt.datetime,
    fee: FeeConfirmation | None = None,
    note: str = "",
) -> ReturnRequest:
    """Record the inspection of every line of a received return, and move it to ``inspected``."""
    actor_require(actor, return_request.store_id, Capability.RETURN_INSPECT)
    if any(d.action in _INTO_STOCK for line in lines for d in line.dispositions):
        actor_require(actor, return_request.store_id, Capability.STOCK_MANAGE)
    locked = (
        ReturnRequest.objects.select_for_update().select_related("store").get(pk=return_request.pk)
    )
    if not return_transition_allowed(locked.status, Action.INSPECT):
        raise errors.NOT_INSPECTABLE(
            number=locked.number,
            status=locked.get_status_display(),
            extra={"status": locked.status},
        )
    store = locked.store
    return_lines = {
        line.pk: line
        for line in ReturnLine.objects.filter(return_request=locked).select_related(
            "order_line__product"
        )
    }
    locations = {loc.code: loc for loc in StockLocation.objects.filter(store=store)}
    if not locations:
        stock_location(store)  # the defaults, created on first use
        locations = {loc.code: loc for loc in StockLocation.objects.filter(store=store)}

    problems = _Problems()
    seen: set[int] = set()
    for index, given in enumerate(lines):
        path = f"lines.{index}"
        line = return_lines.get(given.return_line_id)
        if line is None:
            problems.add(
                f"{path}.return_line_id", errors.LINE_NOT_IN_RETURN, line_id=given.return_line_id
            )
            continue
        if given.return_line_id in seen:
            problems.add(f"{path}.return_line_id", errors.LINE_TWICE, line_id=given.return_line_id)
            continue
        seen.add(given.return_line_id)
        _check_line(path, given, line, locations, problems)
    for line_id in sorted(set(return_lines) - seen):
        problems.add("lines", errors.LINE_NOT_COVERED, line_id=line_id)
    problems.raise_any()

    accepted_units = sum(given.quantity_accepted for given in lines)
    settlement = _fee_settlement(locked, fee, accepted_units)
    label = actor.label[:150]
    flagged: RejectReason | None = None
    totals: dict[str, int] = defaultdict(int)
    for given in lines:
        line = return_lines[given.return_line_id]
        inspection = LineInspection.objects.create(
            return_line=line,
            quantity_received=given.quantity_received,
            quantity_accepted=given.quantity_accepted,
            grade=given.grade,
            condition=given.condition,
            outcome=given.outcome,
            deduction_amount=given.deduction_amount,
            deduction_reason=given.deduction_reason or "",
            reject_reason=given.reject_reason or "",
            reject_text=given.reject_text.strip()[:500],
            note=given.note.strip()[:1000],
            inspected_by=label,
            inspected_at=now,
        )
        for disposition in given.dispositions:
            _dispose(inspection, line, disposition, locked, locations, actor, now)
        ReturnLine.objects.filter(pk=line.pk).update(outcome=given.outcome)
        totals["accepted"] += given.quantity_accepted
        totals["refused"] += line.quantity - given.quantity_accepted
        totals["deducted"] += given.deduction_amount
        if given.reject_reason in FRAUD_REASONS and flagged is None:
            flagged = given.reject_reason
    if flagged is not None:
        _flag_customer(locked, flagged)

    locked.fee_settlement = settlement
    locked.save(update_fields=["fee_settlement"])
    data: dict[str, object] = {**totals, "fee_settlement": settlement}
    if flagged is not None:
        data["flagged"] = flagged.value
    inspected = return_transition(
        return_request=locked,
        action=Action.INSPECT,
        actor=actor,
        move=Move(note=note.strip(), data=data),
        now=now,
    )
    inspection_hooks().inspected(return_request=inspected, actor=actor, now=now)
    return inspected


def _dispose(
    inspection: LineInspection,
    line: ReturnLine,
    given: DispositionIn,
    return_request: ReturnRequest,
    locations: dict[str, StockLocation],
    actor: Actor,
    now: dt.datetime,
) -> Disposition:
    location = locations.get(given.location_code) if given.location_code else None
    movement = None
    product = line.order_line.product
    if given.action in _INTO_STOCK and product is not None:
        if location is None:
            location = stock_location(return_request.store, _INTO_STOCK[given.action] or None)
        movement = stock_move(
            product=product,
            location=location,
            change=StockChange(
                kind=MovementKind.RESTOCK,
                on_hand=given.quantity,
                reference=return_request.number or "",
                note=f"{given.action} grade {inspection.grade}",
            ),
            actor=actor,
            now=now,
        )
    return Disposition.objects.create(
        line_inspection=inspection,
        quantity=given.quantity,
        action=given.action,
        location=location,
        movement=movement,
    )
