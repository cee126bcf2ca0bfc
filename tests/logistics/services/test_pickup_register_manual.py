"""A waybill typed in by CS (unlinked carrier or self-ship): the return is on its way, and the
carrier's tracking events for that number take it to the warehouse door."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.core.errors import Conflict, ValidationFailed
from banpum.logistics.models import CarrierAccount, PickupStatus
from banpum.logistics.services.pickups import pickup_register_manual
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.logistics.helpers import (
    CS,
    address_order,
    approve,
    journey,
    reload,
    unlinked_account,
)
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanjin(store: Any) -> CarrierAccount:
    return unlinked_account(store)


@pytest.fixture
def awaiting(order: Any, hanjin: CarrierAccount) -> ReturnRequest:
    approved = approve(order)
    assert approved.status == S.AWAITING_SHIPMENT
    return approved


def register(return_request: ReturnRequest, waybill: str, carrier_code: str = "") -> Any:
    return pickup_register_manual(
        return_request=return_request, actor=CS, waybill_number=waybill, carrier_code=carrier_code
    )


def test_a_typed_waybill_puts_the_return_in_transit(
    awaiting: ReturnRequest, hanjin: CarrierAccount
) -> None:
    pickup = register(awaiting, " 5123-4567 8901 ", "kr.hanjin")
    assert (pickup.status, pickup.manual, pickup.account) == (PickupStatus.ACCEPTED, True, hanjin)
    assert pickup.waybill_number == "512345678901"
    assert pickup.accepted_at is not None
    assert pickup.next_attempt_at is None
    assert pickup.selection_reason == "waybill entered by hand"
    returned = reload(awaiting)
    assert returned.status == S.IN_TRANSIT
    event = returned.events.get(to_status=S.IN_TRANSIT)
    assert event.note == "송장번호 등록: 한진택배 512345678901"
    assert event.data["waybill_number"] == "512345678901"


def test_tracking_for_the_typed_waybill_takes_the_return_to_arrived(
    awaiting: ReturnRequest,
) -> None:
    pickup = register(awaiting, "512345678901")
    result = tracking_events_ingest(carrier_code="kr.hanjin", events_in=journey("512345678901"))
    assert (result.created, result.unmatched) == (6, [])
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.DELIVERED
    assert pickup.picked_up_at is not None
    assert pickup.delivered_at is not None
    assert reload(awaiting).status == S.ARRIVED


@pytest.mark.parametrize(
    "waybill",
    [
        "12345",
        "1234567890123456789012345678901",
        "송장번호123456",
        "１２３４５６７８",
        "1234/5678",
        "",
    ],
)
def test_a_bad_waybill_is_refused_naming_the_field(awaiting: ReturnRequest, waybill: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        register(awaiting, waybill)
    assert list(refused.value.extra["fields"]) == ["waybill_number"]
    assert reload(awaiting).status == S.AWAITING_SHIPMENT
    assert not awaiting.pickups.exists()


def test_a_waybill_of_another_return_is_refused(store: Any, awaiting: ReturnRequest) -> None:
    register(awaiting, "512345678901")
    other = approve(address_order(store))
    with pytest.raises(ValidationFailed) as refused:
        register(other, "5123-4567-8901")
    assert refused.value.extra["fields"] == {
        "waybill_number": ["This waybill number belongs to another return."]
    }


def test_an_unknown_carrier_is_refused(awaiting: ReturnRequest) -> None:
    with pytest.raises(ValidationFailed) as refused:
        register(awaiting, "512345678901", "kr.nowhere")
    assert list(refused.value.extra["fields"]) == ["carrier_code"]


def test_an_approved_return_without_a_carrier_goes_through_awaiting_shipment(
    store: Any, order: Any
) -> None:
    approved = approve(order)
    assert approved.status == S.APPROVED  # no carrier yet
    unlinked_account(store)
    register(approved, "512345678901")
    statuses = list(
        reload(approved)
        .events.exclude(to_status="")
        .order_by("id")
        .values_list("to_status", flat=True)
    )
    assert statuses[-2:] == [S.AWAITING_SHIPMENT, S.IN_TRANSIT]


def test_a_waybill_needs_a_return_waiting_for_its_parcel(order: Any, hanjin: Any) -> None:
    requested = open_return(order)
    with pytest.raises(Conflict) as refused:
        register(requested, "512345678901")
    assert refused.value.code == "not_awaiting_shipment"
