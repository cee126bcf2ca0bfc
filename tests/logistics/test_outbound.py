"""Outbound shipments: every (status, action) pair of the table, the log, the forward booking
over real HTTP to the simulator, and the swap pickup (맞교환) payload."""

from __future__ import annotations

import datetime as dt
import itertools

import httpx
import pytest

from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.errors import Conflict
from banpum.integrations.carriers.base import Address, DeliveryBooked, DeliveryOrder, PickupItem
from banpum.integrations.carriers.simulator import SimulatorGateway
from banpum.logistics.models import OutboundKind, OutboundShipment, OutboundStatus
from banpum.logistics.outbound.transitions import TABLE, OutboundAction, outbound_transition
from banpum.logistics.services.outbound import outbound_shipment_request
from tests.logistics.helpers import address_order, approve, running_simulator

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CS = Actor.system("cs-test")


def _shipment(store: Store, status: OutboundStatus) -> OutboundShipment:
    return_request = approve(address_order(store))
    shipment = outbound_shipment_request(
        return_request=return_request, kind=OutboundKind.SEND_BACK, actor=CS, now=NOW
    )
    OutboundShipment.objects.filter(pk=shipment.pk).update(status=status)  # test setup only
    return OutboundShipment.objects.get(pk=shipment.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(OutboundStatus, OutboundAction))
)
def test_every_pair_of_the_table(
    store: Store, status: OutboundStatus, action: OutboundAction
) -> None:
    shipment = _shipment(store, status)
    target = TABLE.get((status, action))
    if target is None:
        with pytest.raises(Conflict):
            outbound_transition(shipment=shipment, action=action, actor=CS, now=NOW)
        assert OutboundShipment.objects.get(pk=shipment.pk).status == status
        return
    moved = outbound_transition(shipment=shipment, action=action, actor=CS, now=NOW)
    assert moved.status == target
    change = moved.status_changes.last()
    assert change is not None
    assert (change.from_status, change.to_status, change.action) == (status, target, action)


@pytest.mark.django_db
def test_request_takes_the_orders_address_and_refuses_a_second_open_one(store: Store) -> None:
    return_request = approve(address_order(store))
    shipment = outbound_shipment_request(
        return_request=return_request, kind=OutboundKind.SEND_BACK, actor=CS, now=NOW
    )
    assert (shipment.receiver_name, shipment.postcode) == ("홍길동", "06236")
    assert shipment.items == [
        {"sku": shipment.items[0]["sku"], "name": shipment.items[0]["name"], "quantity": 1}
    ]
    with pytest.raises(Conflict):
        outbound_shipment_request(
            return_request=return_request, kind=OutboundKind.SEND_BACK, actor=CS, now=NOW
        )


def _order(key: str) -> DeliveryOrder:
    return DeliveryOrder(
        idempotency_key=key,
        reference="R-1-1",
        customer_code="30123456",
        sender=Address("반품센터", "031-123-4567", "17383", "경기도 이천시 마장면 덕평로 1"),
        receiver=Address("홍길동", "010-1234-5678", "06236", "서울특별시 강남구 테헤란로 152"),
        items=(PickupItem("티셔츠 검정 L", 1),),
    )


def test_simulator_books_forward_parcels_once_and_tracks_them_to_delivered() -> None:
    with (
        running_simulator(seed=1) as simulator,
        SimulatorGateway(simulator.base_url, "k") as gateway,
    ):
        first = gateway.book_delivery(_order("K-1"))
        again = gateway.book_delivery(_order("K-1"))
        assert isinstance(first, DeliveryBooked)
        assert first == again
        assert first.carrier_reference.startswith("DL")
        simulator.advance(40 * 3600)
        events = gateway.track(first.waybill_number)
        assert not isinstance(events, Exception)
        assert isinstance(events, list)
        assert [e.status for e in events][-1] == "DELIVERED"
        assert events[1].description == "판매자 창고에서 상품을 집하했습니다"
        bad = httpx.post(
            f"{simulator.base_url}/v1/deliveries",
            json={"idempotency_key": "K-2", "items": []},
            headers={"Authorization": "Bearer k"},
        )
        assert bad.status_code == 400
        assert {"reference", "items", "sender", "receiver"} <= set(bad.json()["fields"])


def test_simulator_swap_pickup_needs_delivery_items() -> None:
    with running_simulator(seed=1) as simulator:
        body = {
            "idempotency_key": "S-1",
            "return_number": "R-1",
            "sender": {
                "name": "a",
                "phone": "010-1234-5678",
                "postcode": "06236",
                "address1": "서울특별시 강남구",
            },
            "receiver": {
                "name": "b",
                "phone": "031-123-4567",
                "postcode": "17383",
                "address1": "경기도 이천시",
            },
            "items": [{"name": "x", "quantity": 1}],
            "swap": True,
        }
        headers = {"Authorization": "Bearer k"}
        refused = httpx.post(f"{simulator.base_url}/v1/pickups", json=body, headers=headers)
        assert refused.status_code == 400
        assert "delivery_items" in refused.json()["fields"]
        body["delivery_items"] = [{"name": "y", "quantity": 1}]
        booked = httpx.post(f"{simulator.base_url}/v1/pickups", json=body, headers=headers)
        assert booked.status_code == 201
        simulator.advance(3 * 3600)
        listed = httpx.get(f"{simulator.base_url}/v1/pickups", headers=headers).json()["pickups"]
        assert listed[0]["swap"] is True
        tracked = httpx.get(
            f"{simulator.base_url}/v1/tracking/{booked.json()['waybill_number']}", headers=headers
        ).json()
        assert tracked["events"][1]["raw_status"] == "교환집하"
