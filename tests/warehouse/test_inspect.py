"""Inspection: every line covered, quantities and deductions within the law, stock moved,
the fee settled as the policy collects it, abuse flagged, settlement handed the return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from banpum.core.actors import Actor
from banpum.core.errors import Conflict, ValidationFailed
from banpum.policy.types import Condition, FeeCollection, FeePayer
from banpum.returns.models import FeeSettlement, ReturnLine, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import FeeOverride
from banpum.returns.timeline import FLAG_REASON_LABELS, event_text
from banpum.warehouse import hooks
from banpum.warehouse.models import (
    FRAUD_REASONS,
    DeductionReason,
    DispositionAction,
    Grade,
    InspectionOutcome,
    LineInspection,
    RejectReason,
    StockLevel,
    StockMovement,
)
from banpum.warehouse.services import (
    DispositionIn,
    FeeConfirmation,
    LineInspectionIn,
    return_inspect,
)
from banpum.warehouse.stock import stock_level_rebuilt
from tests.returns.helpers import open_return
from tests.warehouse.helpers import WORKER, at, received_return, walk

pytestmark = pytest.mark.django_db

A, B, C = Grade.A, Grade.B, Grade.C
ACCEPT = InspectionOutcome.ACCEPT
DEDUCT = InspectionOutcome.ACCEPT_WITH_DEDUCTION
REJECT = InspectionOutcome.REJECT


def line_of(return_request: ReturnRequest) -> ReturnLine:
    return return_request.lines.get()


def inspect_one(
    return_request: ReturnRequest, fee: FeeConfirmation | None = None, **given: Any
) -> ReturnRequest:
    line = line_of(return_request)
    fields: dict[str, Any] = {
        "return_line_id": line.pk,
        "quantity_received": line.quantity,
        "quantity_accepted": line.quantity,
        "grade": A,
        "condition": Condition.UNOPENED,
        "outcome": ACCEPT,
        "dispositions": (DispositionIn(line.quantity, DispositionAction.RESTOCK),),
        **given,
    }
    return return_inspect(
        return_request=return_request,
        lines=[LineInspectionIn(**fields)],
        fee=fee,
        actor=WORKER,
        now=at(7),
    )


def refused(return_request: ReturnRequest, **given: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        inspect_one(return_request, **given)
    assert return_request.__class__.objects.get(pk=return_request.pk).status == S.RECEIVED
    assert not LineInspection.objects.exists()
    return dict(caught.value.extra["fields"])


def test_a_resellable_return_is_restocked_and_the_ledger_adds_up(order: Any) -> None:
    return_request = received_return(order, ((1, 2),))
    inspected = inspect_one(return_request)
    assert inspected.status == S.INSPECTED
    line = line_of(inspected)
    assert line.outcome == ACCEPT
    level = StockLevel.objects.get()
    assert level.location.code == "main"
    assert level.on_hand == 2
    assert stock_level_rebuilt(level.product, level.location) == (2, 0)
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.reference, movement.actor_label) == (
        "restock",
        inspected.number,
        WORKER.label,
    )
    inspection = LineInspection.objects.get()
    assert (inspection.inspected_by, inspection.inspected_at) == (WORKER.label, at(7))
    # A change of mind: the buyer's return fee comes off the refund.
    assert (inspected.fee_payer, inspected.fee_settlement) == ("buyer", FeeSettlement.DEDUCTED)


def test_refurbished_and_disposed_units_never_become_sellable(order: Any) -> None:
    return_request = received_return(order, ((1, 2),))
    inspect_one(
        return_request,
        grade=C,
        condition=Condition.DAMAGED,
        dispositions=(
            DispositionIn(1, DispositionAction.REFURBISH),
            DispositionIn(1, DispositionAction.DISPOSE),
        ),
    )
    level = StockLevel.objects.get()
    assert (level.location.code, level.location.sellable, level.on_hand) == ("refurb", False, 1)


def test_a_deduction_for_customer_damage_within_what_was_paid(order: Any) -> None:
    return_request = received_return(order, ((1, 1),))
    inspect_one(
        return_request,
        grade=C,
        condition=Condition.USED,
        outcome=DEDUCT,
        deduction_amount=10000,
        deduction_reason=DeductionReason.USED,
        dispositions=(DispositionIn(1, DispositionAction.REFURBISH),),
    )
    inspection = LineInspection.objects.get()
    assert (inspection.deduction_amount, inspection.deduction_reason) == (10000, "used")


def test_a_deduction_above_what_was_paid_is_refused(order: Any) -> None:
    fields = refused(
        received_return(order, ((1, 1),)),
        grade=C,
        outcome=DEDUCT,
        deduction_amount=10001,
        deduction_reason=DeductionReason.USED,
        dispositions=(DispositionIn(1, DispositionAction.DISPOSE),),
    )
    assert list(fields) == ["lines.0.deduction_amount"]


def test_a_deduction_without_a_lawful_reason_is_refused(order: Any) -> None:
    fields = refused(
        received_return(order),
        grade=C,
        outcome=DEDUCT,
        deduction_amount=1000,
        dispositions=(DispositionIn(1, DispositionAction.DISPOSE),),
    )
    assert list(fields) == ["lines.0.deduction_reason"]


def test_resellable_goods_take_no_deduction(order: Any) -> None:
    fields = refused(
        received_return(order),
        outcome=DEDUCT,
        deduction_amount=1000,
        deduction_reason=DeductionReason.PACKAGING_REMOVED,
    )
    assert list(fields) == ["lines.0.deduction_amount"]


def test_a_deduction_needs_its_outcome(order: Any) -> None:
    fields = refused(received_return(order), deduction_amount=1000)
    assert "lines.0.deduction_amount" in fields


@pytest.mark.parametrize(
    ("given", "path"),
    [
        ({"quantity_received": 2, "quantity_accepted": 2}, "lines.0.quantity_received"),
        ({"quantity_received": 1, "quantity_accepted": 2}, "lines.0.quantity_accepted"),
        (
            {"dispositions": (DispositionIn(2, DispositionAction.RESTOCK),)},
            "lines.0.dispositions",
        ),
        ({"dispositions": ()}, "lines.0.dispositions"),
        (
            {"grade": C, "dispositions": (DispositionIn(1, DispositionAction.RESTOCK),)},
            "lines.0.dispositions.0.action",
        ),
        ({"outcome": REJECT}, "lines.0.outcome"),
        (
            {
                "dispositions": (
                    DispositionIn(1, DispositionAction.RESTOCK, location_code="quarantine"),
                )
            },
            "lines.0.dispositions.0.location",
        ),
        (
            {"dispositions": (DispositionIn(1, DispositionAction.RESTOCK, location_code="nope"),)},
            "lines.0.dispositions.0.location",
        ),
    ],
)
def test_quantities_and_dispositions_out_of_range_are_refused(
    order: Any, given: dict[str, Any], path: str
) -> None:
    assert path in refused(received_return(order), **given)


def test_every_line_must_be_inspected(store: Any) -> None:
    from tests.factories import make_order

    order = make_order(store=store, lines=[{"unit_price": 5000}, {"unit_price": 7000}])
    return_request = received_return(order, ((1, 1), (2, 1)))
    first = return_request.lines.order_by("id").first()
    assert first is not None
    with pytest.raises(ValidationFailed) as caught:
        return_inspect(
            return_request=return_request,
            lines=[
                LineInspectionIn(
                    return_line_id=first.pk,
                    quantity_received=1,
                    quantity_accepted=1,
                    grade=A,
                    condition=Condition.UNOPENED,
                    outcome=ACCEPT,
                    dispositions=(DispositionIn(1, DispositionAction.RESTOCK),),
                )
            ],
            actor=WORKER,
            now=at(7),
        )
    assert list(caught.value.extra["fields"]) == ["lines"]


def test_missing_units_are_recorded_with_a_reason(order: Any) -> None:
    return_request = received_return(order, ((1, 2),))
    assert "lines.0.reject_reason" in refused(
        return_request,
        quantity_received=1,
        quantity_accepted=1,
        dispositions=(DispositionIn(1, DispositionAction.RESTOCK),),
    )
    inspect_one(
        return_request,
        quantity_received=1,
        quantity_accepted=1,
        reject_reason=RejectReason.MISSING,
        dispositions=(DispositionIn(1, DispositionAction.RESTOCK),),
    )
    assert LineInspection.objects.get().quantity_missing == 1


def test_a_return_not_received_cannot_be_inspected(order: Any) -> None:
    return_request = walk(open_return(order), S.IN_TRANSIT, at(3))
    with pytest.raises(Conflict) as caught:
        inspect_one(return_request)
    assert caught.value.code == "not_inspectable"


def _with_fee(order: Any, collection: FeeCollection) -> ReturnRequest:
    return received_return(
        order,
        create_kwargs={"fee": FeeOverride(FeePayer.BUYER, 3000, collection)},
    )


@pytest.mark.parametrize(
    ("collection", "received", "settlement"),
    [
        (FeeCollection.ENCLOSE_IN_BOX, True, FeeSettlement.ENCLOSED),
        (FeeCollection.ENCLOSE_IN_BOX, False, FeeSettlement.OUTSTANDING),
        (FeeCollection.BANK_TRANSFER, True, FeeSettlement.TRANSFERRED),
        (FeeCollection.BANK_TRANSFER, False, FeeSettlement.OUTSTANDING),
        (FeeCollection.CHARGE_SEPARATELY, True, FeeSettlement.CHARGED),
        (FeeCollection.DEDUCT_FROM_REFUND, None, FeeSettlement.DEDUCTED),
    ],
)
def test_the_return_fee_is_settled_as_the_policy_collects_it(
    order: Any, collection: FeeCollection, received: bool | None, settlement: FeeSettlement
) -> None:
    return_request = _with_fee(order, collection)
    assert (return_request.fee_amount, return_request.fee_collection) == (3000, collection)
    inspected = inspect_one(return_request, fee=FeeConfirmation(received))
    assert inspected.fee_settlement == settlement


def test_cash_in_the_box_must_be_confirmed_or_denied(order: Any) -> None:
    fields = refused(_with_fee(order, FeeCollection.ENCLOSE_IN_BOX))
    assert list(fields) == ["fee.received"]


def test_an_empty_box_flags_the_customer_and_says_so(order: Any, english: None) -> None:
    return_request = received_return(order)
    inspected = inspect_one(
        return_request,
        quantity_received=0,
        quantity_accepted=0,
        outcome=REJECT,
        grade=Grade.D,
        reject_reason=RejectReason.EMPTY_BOX,
        dispositions=(),
    )
    customer = inspected.customer
    assert customer is not None
    customer.refresh_from_db()
    assert customer.is_flagged
    assert "empty_box" in customer.flag_reason
    assert line_of(inspected).outcome == REJECT
    event = inspected.events.filter(data__action="inspect").get()
    assert event.data["flagged"] == "empty_box"
    assert "flagged (Empty box)" in event_text(event)


def test_a_refused_unit_goes_back_to_the_customer(order: Any) -> None:
    return_request = received_return(order, ((1, 2),))
    assert "lines.0.dispositions" in refused(
        return_request,
        quantity_accepted=1,
        reject_reason=RejectReason.BEYOND_PERIOD,
    )
    inspect_one(
        return_request,
        quantity_accepted=1,
        reject_reason=RejectReason.BEYOND_PERIOD,
        dispositions=(
            DispositionIn(1, DispositionAction.RESTOCK),
            DispositionIn(1, DispositionAction.RETURN_TO_CUSTOMER),
        ),
    )
    assert StockLevel.objects.get().on_hand == 1


def test_settlement_hears_of_the_inspection(order: Any) -> None:
    heard: list[tuple[str, Actor, dt.datetime]] = []

    class Listening:
        def inspected(
            self, *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
        ) -> None:
            heard.append((return_request.status, actor, now))

    previous = hooks.inspection_hooks()
    hooks.inspection_hooks_wire(Listening())
    try:
        inspect_one(received_return(order))
    finally:
        hooks.inspection_hooks_wire(previous)
    assert heard == [(S.INSPECTED, WORKER, at(7))]


def test_the_flag_words_match_the_reject_reasons() -> None:
    from banpum.warehouse.models import RejectReason as R

    assert set(FLAG_REASON_LABELS) == {r.value for r in FRAUD_REASONS}
    for reason in FRAUD_REASONS:
        assert str(FLAG_REASON_LABELS[reason.value]) == str(R(reason).label)
