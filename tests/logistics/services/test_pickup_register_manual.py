"""A waybill typed in by CS (unlinked carrier or self-ship): the return is on its way, and the
carrier's tracking events for that number take it to the warehouse door."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from banpum.core.errors import Conflict, ValidationFailed
from banpum.logistics.models import CarrierAccount, CarrierRule, Parcel, PickupStatus
from banpum.logistics.services.pickups import pickup_register_manual
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.timeline import event_text
from tests.factories import StoreFactory, make_policy
from tests.logistics.helpers import (
    CS,
    address_order,
    approve,
    carrier,
    journey,
    reload,
    store_with_return_address,
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
        return_request=return_request,
        actor=CS,
        waybill_number=waybill,
        carrier_code=carrier_code,
        now=timezone.now(),
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
    assert (event.note, event.data["carrier"]) == ("", "kr.hanjin")
    with translation.override("en"):
        assert event_text(event) == "Waybill entered: Hanjin 512345678901."
    assert event.data["waybill_number"] == "512345678901"


def test_tracking_for_the_typed_waybill_takes_the_return_to_arrived(
    awaiting: ReturnRequest,
) -> None:
    pickup = register(awaiting, "512345678901")
    result = tracking_events_ingest(
        carrier_code="kr.hanjin", events_in=journey("512345678901"), now=timezone.now()
    )
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


def test_a_waybill_of_another_customer_is_refused(store: Any, awaiting: ReturnRequest) -> None:
    register(awaiting, "512345678901")
    other = approve(address_order(store))  # another order, another customer
    with pytest.raises(Conflict) as refused:
        register(other, "5123-4567-8901")
    assert (refused.value.code, refused.value.status_code) == ("waybill_taken", 409)
    assert reload(other).status == S.AWAITING_SHIPMENT
    assert not other.pickups.exists()


def test_a_waybill_open_in_another_store_is_refused(awaiting: ReturnRequest) -> None:
    register(awaiting, "512345678901")
    elsewhere: Any = store_with_return_address(StoreFactory.create())
    make_policy(elsewhere)
    unlinked_account(elsewhere)
    other = approve(address_order(elsewhere))
    with pytest.raises(Conflict) as refused:
        register(other, "512345678901", "kr.hanjin")
    assert refused.value.code == "waybill_taken"


def test_one_box_carries_several_returns_of_one_customer(
    store: Any, order: Any, hanjin: CarrierAccount
) -> None:
    second_order = address_order(store, customer=order.customer)
    first, second = approve(order), approve(second_order)
    one = register(first, "512345678901")
    two = register(second, "512345678901")
    assert one.parcel_id == two.parcel_id is not None

    tracking_events_ingest(
        carrier_code="kr.hanjin", events_in=journey("512345678901"), now=timezone.now()
    )

    # One event moves every return in the box.
    assert [reload(p).status for p in (one, two)] == [PickupStatus.DELIVERED] * 2
    assert [reload(r).status for r in (first, second)] == [S.ARRIVED, S.ARRIVED]
    assert reload(one).parcel.is_open is False  # delivered: the number is free again


def test_a_delivered_parcels_number_may_come_again(store: Any, awaiting: ReturnRequest) -> None:
    register(awaiting, "512345678901")
    tracking_events_ingest(
        carrier_code="kr.hanjin", events_in=journey("512345678901"), now=timezone.now()
    )
    later = approve(address_order(store))
    assert register(later, "512345678901").parcel_id != reload(awaiting).pickups.get().parcel_id


def test_the_database_holds_one_open_parcel_per_waybill(store: Any) -> None:
    hanjin = carrier("kr.hanjin")
    Parcel.objects.create(store=store, carrier=hanjin, tracking_number="5123", sender_key="a")
    Parcel.objects.create(
        store=store, carrier=hanjin, tracking_number="5123", sender_key="a", is_open=False
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Parcel.objects.create(store=store, carrier=hanjin, tracking_number="5123", sender_key="b")


def test_the_waybill_follows_the_carrier_chosen_for_the_return(store: Any) -> None:
    """A Jeju return routed to 우체국 keeps 우체국 for its waybill, not the store's default."""
    unlinked_account(store, name="CJ (수동)", code="kr.cjlogistics")  # the default
    epost = unlinked_account(store, name="우체국 (제주)", code="kr.epost", is_default=False)
    CarrierRule.objects.create(store=store, priority=10, account=epost, postcode_prefixes=["63"])
    jeju = approve(address_order(store, shipping_postcode="63100"))
    assert jeju.status == S.AWAITING_SHIPMENT

    pickup = register(jeju, "6012345678901")

    assert (pickup.carrier.code, pickup.account) == ("kr.epost", epost)
    assert pickup.parcel.carrier.code == "kr.epost"


def test_the_carrier_the_client_names_wins(store: Any, awaiting: ReturnRequest) -> None:
    unlinked_account(store, name="우체국", code="kr.epost", is_default=False)
    pickup = register(awaiting, "6012345678901", "kr.epost")
    assert (pickup.carrier.code, pickup.account.carrier.code) == ("kr.epost", "kr.epost")


@pytest.mark.parametrize("code", ["kr.cvsnet", "kr.lotte"])
def test_any_catalogue_carrier_is_accepted_without_an_account(
    awaiting: ReturnRequest, code: str
) -> None:
    carrier(code)
    pickup = register(awaiting, "312345678901", code)
    assert (pickup.carrier.code, pickup.account, pickup.manual) == (code, None, True)
    assert reload(awaiting).status == S.IN_TRANSIT

    tracking_events_ingest(carrier_code=code, events_in=journey("312345678901"), now=timezone.now())
    assert reload(pickup).status == PickupStatus.DELIVERED


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
