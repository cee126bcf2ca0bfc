"""After inspection, settlement takes the return on at once: what was accepted is refunded (or
exchanged), what was refused goes back to the customer in its own parcel."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.logistics.hooks import shipment_hooks
from banpum.logistics.models import OutboundKind, OutboundShipment
from banpum.policy.types import Condition, Resolution, ReturnType
from banpum.returns.models import FeeSettlement, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.settlement.models import Exchange, Refund, RefundKind
from banpum.settlement.services.fees import return_fee_waive
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
    return_inspect,
)
from tests.returns.helpers import open_return
from tests.warehouse.helpers import WORKER, at, received_return, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Actor:
    user = django_user_model.objects.create_user(username="manager-park", password=None)
    return Actor.staff(user, StoreMembership.objects.create(user=user, store=store, role="manager"))


def _inspect(
    return_request: ReturnRequest,
    accepted: int,
    fee: FeeConfirmation | None = None,
    **given: Any,
) -> ReturnRequest:
    line = return_request.lines.get()
    refused = line.quantity - accepted
    dispositions = []
    if accepted:
        dispositions.append(DispositionIn(accepted, DispositionAction.DISPOSE))
    if refused:
        dispositions.append(DispositionIn(refused, DispositionAction.RETURN_TO_CUSTOMER))
    fields: dict[str, Any] = {
        "return_line_id": line.pk,
        "quantity_received": line.quantity,
        "quantity_accepted": accepted,
        "grade": Grade.A if accepted else Grade.D,
        "condition": Condition.UNOPENED,
        "outcome": InspectionOutcome.ACCEPT if accepted else InspectionOutcome.REJECT,
        "reject_reason": RejectReason.WRONG_ITEM if refused else "",
        "dispositions": tuple(dispositions),
        **given,
    }
    return_inspect(
        return_request=return_request,
        lines=[LineInspectionIn(**fields)],
        fee=fee,
        actor=WORKER,
        now=at(7),
    )
    return ReturnRequest.objects.get(pk=return_request.pk)


def test_accepted_units_are_refunded_at_once(order: Any) -> None:
    return_request = _inspect(received_return(order, ((1, 2),)), accepted=2)

    assert return_request.status == S.REFUND_PENDING
    refund = Refund.objects.get(return_request=return_request)
    assert (refund.kind, refund.amount) == (RefundKind.RETURN, return_request.refund_estimate)
    assert not OutboundShipment.objects.filter(return_request=return_request).exists()


def test_refused_units_go_back_and_only_the_accepted_are_refunded(order: Any) -> None:
    return_request = _inspect(received_return(order, ((1, 2),)), accepted=1)

    assert return_request.status == S.REFUND_PENDING
    refund = Refund.objects.get(return_request=return_request)
    assert refund.lines.get().quantity == 1
    shipment = OutboundShipment.objects.get(return_request=return_request)
    assert shipment.kind == OutboundKind.SEND_BACK
    assert [item["quantity"] for item in shipment.items] == [1]


def test_everything_refused_is_sent_back_and_completes_when_its_parcel_is_booked(
    order: Any,
) -> None:
    """Seller at fault: no fee is owed, so the booked parcel home ends the return."""
    return_request = _inspect(
        received_return(order, ((1, 2),), reason_code="defective", photo_count=1), accepted=0
    )

    assert return_request.status == S.SENT_BACK
    assert not Refund.objects.filter(return_request=return_request).exists()
    shipment = OutboundShipment.objects.get(return_request=return_request)
    shipment_hooks().booked(shipment=shipment, actor=Actor.system("carrier"), now=at(8))
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.COMPLETED


def test_a_sent_back_change_of_mind_waits_for_its_fee(order: Any, manager: Any) -> None:
    """Nothing to deduct the buyer's fee from: it is outstanding until paid or waived."""
    return_request = _inspect(received_return(order, ((1, 2),)), accepted=0)
    assert return_request.fee_settlement == FeeSettlement.OUTSTANDING
    shipment = OutboundShipment.objects.get(return_request=return_request)
    shipment_hooks().booked(shipment=shipment, actor=Actor.system("carrier"), now=at(8))
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.SENT_BACK

    waived = return_fee_waive(
        return_request=return_request, reason="단골 고객, 배송비 면제", actor=manager, now=at(9)
    )
    assert (waived.status, waived.fee_settlement) == (S.COMPLETED, FeeSettlement.WAIVED)


def test_a_deduction_that_takes_it_all_completes_with_nothing_to_pay(order: Any) -> None:
    return_request = received_return(order, ((1, 1),))
    line = return_request.lines.get()
    return_request = _inspect(
        return_request,
        accepted=1,
        grade=Grade.C,
        outcome=InspectionOutcome.ACCEPT_WITH_DEDUCTION,
        deduction_amount=line.order_line.paid_amount // line.order_line.quantity,
        deduction_reason=DeductionReason.USED,
    )

    assert return_request.status == S.COMPLETED
    assert not Refund.objects.filter(return_request=return_request).exists()
    actions = list(
        return_request.events.filter(type="status_changed").values_list("data__action", flat=True)
    )
    assert actions[-3:] == ["start_refund", "refund_paid", "complete"]


def test_an_exchange_waits_for_its_replacement(order: Any) -> None:
    return_request = walk(
        open_return(order, ((1, 1),), type=ReturnType.EXCHANGE, resolution=Resolution.EXCHANGE),
        S.RECEIVED,
        at(6),
    )
    # The exchange fee came in the box (동봉).
    return_request = _inspect(return_request, accepted=1, fee=FeeConfirmation(received=True))

    assert return_request.status == S.EXCHANGE_PENDING
    assert Exchange.objects.get(return_request=return_request).waiting_reason == "out_of_stock"
