"""/api/v1 logistics endpoints: pickups with their tracking, waybill entry, re-request, switch to
self-ship, labels, and the CS queues. Mounted beside the returns router without clashing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.accounts.services import api_key_create
from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus
from banpum.logistics.services.tracking import tracking_events_ingest
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import StoreFactory, make_policy
from tests.logistics.helpers import (
    CJ,
    address_order,
    approve,
    book,
    journey,
    pickup_of,
    reload,
    sim_bookings,
    unlinked_account,
)
from tests.returns.api.conftest import JsonClient

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
NUMBER = "R2501-0000001"
ENDPOINTS = [
    ("get", f"/returns/{NUMBER}/pickups"),
    ("post", f"/returns/{NUMBER}/waybill"),
    ("post", "/pickups/1/rerequest"),
    ("post", f"/returns/{NUMBER}/switch-to-self-ship"),
    ("get", f"/returns/{NUMBER}/label.pdf"),
    ("post", "/labels"),
    ("get", "/logistics/exceptions"),
    ("get", "/logistics/stalled"),
]


@pytest.fixture
def client_json(api: Client) -> JsonClient:
    return JsonClient(api)


@pytest.fixture
def other_client(db: Any) -> JsonClient:
    other = StoreFactory(slug="other-store", name="다른 상점")
    make_policy(other)
    _, raw = api_key_create(store=other, name="other")
    return JsonClient(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"))


@pytest.fixture
def booked(order: Any, account: CarrierAccount, committed: Any) -> ReturnRequest:
    with committed():
        return approve(order)


def excepted(return_request: ReturnRequest) -> Pickup:
    pickup = pickup_of(return_request)
    Pickup.objects.filter(pk=pickup.pk).update(
        status=PickupStatus.EXCEPTION,
        exception_code="customer_absent",
        exception_message="고객부재",
        exception_at=timezone.now() - dt.timedelta(hours=6),
    )
    return reload(pickup)


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_needs_an_api_key(method: str, path: str) -> None:
    response = getattr(Client(), method)(V1 + path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("get", "/returns/{number}/pickups", "return_not_found"),
        ("post", "/returns/{number}/waybill", "return_not_found"),
        ("post", "/pickups/{pickup}/rerequest", "pickup_not_found"),
        ("post", "/returns/{number}/switch-to-self-ship", "return_not_found"),
        ("get", "/returns/{number}/label.pdf", "return_not_found"),
    ],
)
def test_another_stores_returns_and_pickups_are_not_found(
    booked: ReturnRequest, other_client: JsonClient, method: str, path: str, code: str
) -> None:
    pickup = pickup_of(booked)
    target = V1 + path.format(number=booked.number, pickup=pickup.pk)
    body = {"waybill_number": "512345678901"} if "waybill" in path else {}
    status, answer = (
        other_client.get(target) if method == "get" else other_client.post(target, body)
    )
    assert (status, answer["code"]) == (404, code)
    assert reload(pickup).status == PickupStatus.ACCEPTED


def test_another_stores_queues_are_empty(booked: ReturnRequest, other_client: JsonClient) -> None:
    excepted(booked)
    assert other_client.get(f"{V1}/logistics/exceptions") == (
        200,
        {"next": None, "previous": None, "results": []},
    )
    status, stalled = other_client.get(f"{V1}/logistics/stalled")
    assert (status, stalled["count"], stalled["value_at_risk"]) == (200, 0, 0)
    status, answer = other_client.post(f"{V1}/labels", {"numbers": [booked.number]})
    assert (status, answer["code"]) == (404, "return_not_found")


# --- no clash with the returns router -------------------------------------------------------


def test_the_returns_routes_still_answer_beside_the_logistics_ones(
    booked: ReturnRequest, client_json: JsonClient
) -> None:
    status, detail = client_json.get(f"{V1}/returns/{booked.number}")
    assert (status, detail["number"], detail["status"]) == (200, booked.number, "pickup_requested")
    status, pickups = client_json.get(f"{V1}/returns/{booked.number}/pickups")
    assert (status, len(pickups)) == (200, 1)
    status, _ = client_json.post(f"{V1}/returns/{booked.number}/notes", {"note": "통화함"})
    assert status == 201
    status, answer = client_json.get(f"{V1}/returns/{booked.number}/nothing-here")
    assert (status, answer["code"]) == (404, "endpoint_not_found")


def test_the_openapi_schema_lists_the_logistics_paths(store: Any) -> None:
    paths = Client().get(f"{V1}/openapi.json").json()["paths"]
    assert {V1 + path.replace(NUMBER, "{number}").replace("/1/", "/{pickup_id}/")
            for _, path in ENDPOINTS} <= set(paths)  # fmt: skip
    assert "/api/v1/returns/{number}" in paths


# --- pickups --------------------------------------------------------------------------------


def test_a_returns_pickups_with_their_tracking_in_time_order(
    order: Any,
    offline_account: CarrierAccount,
    client_json: JsonClient,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks():
        booked = approve(order)
        pickup = book(booked)
    steps = journey(pickup.waybill_number)
    tracking_events_ingest(
        carrier_code=CJ, events_in=[steps[2], steps[0], steps[1]], now=timezone.now()
    )

    with django_assert_max_num_queries(7):  # key, return (+ lines, events), pickups, tracking
        status, pickups = client_json.get(f"{V1}/returns/{booked.number}/pickups")

    assert status == 200
    [out] = pickups
    assert out["id"] == pickup.pk
    assert (out["status"], out["carrier"], out["carrier_name"]) == (
        "in_transit",
        "kr.cjlogistics",
        "CJ대한통운",
    )
    assert (out["return_number"], out["waybill_number"]) == (booked.number, pickup.waybill_number)
    assert out["selection_reason"] == "the store's default carrier → CJ 반품 계약"
    assert [e["status"] for e in out["tracking_events"]] == [
        "INFORMATION_RECEIVED",
        "AT_PICKUP",
        "IN_TRANSIT",
    ]
    assert out["tracking_events"][1]["raw_status"] == "집하완료"


def test_enter_a_waybill_by_hand(store: Any, order: Any, client_json: JsonClient) -> None:
    unlinked_account(store)
    awaiting = approve(order)
    status, out = client_json.post(
        f"{V1}/returns/{awaiting.number}/waybill",
        {"waybill_number": "5123-4567-8901", "carrier_code": "kr.hanjin"},
    )
    assert status == 201
    assert (out["waybill_number"], out["manual"], out["carrier"]) == (
        "512345678901",
        True,
        "kr.hanjin",
    )
    assert reload(awaiting).status == S.IN_TRANSIT

    status, again = client_json.post(
        f"{V1}/returns/{awaiting.number}/waybill", {"waybill_number": "512345678902"}
    )
    assert (status, again["code"]) == (409, "not_awaiting_shipment")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"waybill_number": "12"}, "waybill_number"), ({}, "waybill_number")],
)
def test_a_bad_waybill_is_a_422_naming_the_field(
    store: Any, order: Any, client_json: JsonClient, body: Any, field: str
) -> None:
    unlinked_account(store)
    awaiting = approve(order)
    status, answer = client_json.post(f"{V1}/returns/{awaiting.number}/waybill", body)
    assert (status, answer["code"]) == (422, "validation_error")
    assert list(answer["extra"]["fields"]) == [field]


def test_rerequest_an_excepted_pickup(
    booked: ReturnRequest, account: CarrierAccount, client_json: JsonClient, committed: Any
) -> None:
    old = excepted(booked)
    Pickup.objects.filter(pk=old.pk).update(box_count=3)
    next_week = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    with committed():
        status, out = client_json.post(
            f"{V1}/pickups/{old.pk}/rerequest",
            {"preferred_date": next_week, "memo": "경비실", "note": "고객 통화"},
        )
    assert status == 201
    assert out["id"] != old.pk
    assert (out["status"], out["preferred_date"], out["memo"]) == ("requested", next_week, "경비실")
    assert out["box_count"] == 3  # not given: kept
    assert pickup_of(booked).status == PickupStatus.ACCEPTED  # booked once the job ran
    assert len(sim_bookings(account)) == 2

    status, answer = client_json.post(f"{V1}/pickups/{out['id']}/rerequest", {})
    assert (status, answer["code"]) == (409, "pickup_not_failed")


def test_rerequest_validates_its_input(booked: ReturnRequest, client_json: JsonClient) -> None:
    old = excepted(booked)
    status, answer = client_json.post(
        f"{V1}/pickups/{old.pk}/rerequest", {"box_count": 0, "preferred_date": "다음 주"}
    )
    assert status == 422
    assert set(answer["extra"]["fields"]) == {"box_count", "preferred_date"}


def test_switch_to_self_ship(
    booked: ReturnRequest, client_json: JsonClient, committed: Any
) -> None:
    excepted(booked)
    with committed():
        status, pickups = client_json.post(
            f"{V1}/returns/{booked.number}/switch-to-self-ship", {"note": "직접 발송"}
        )
    assert status == 200
    assert [p["status"] for p in pickups] == ["cancelled"]
    returned = reload(booked)
    assert (returned.status, returned.method) == (S.AWAITING_SHIPMENT, "self_ship")


# --- labels ---------------------------------------------------------------------------------


def test_a_return_label_is_a_pdf(booked: ReturnRequest, api: Client) -> None:
    response = api.get(f"{V1}/returns/{booked.number}/label.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{booked.number}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_a_label_in_an_unknown_layout_is_refused(booked: ReturnRequest, api: Client) -> None:
    response = api.get(f"{V1}/returns/{booked.number}/label.pdf", {"layout": "B5"})
    assert response.status_code == 422
    assert list(response.json()["extra"]["fields"]) == ["layout"]


def test_labels_in_a_batch(store: Any, booked: ReturnRequest, api: Client) -> None:
    second = approve(address_order(store))
    response = api.post(
        f"{V1}/labels",
        {"numbers": [booked.number, second.number], "layout": "A4"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    empty = api.post(f"{V1}/labels", {"numbers": []}, content_type="application/json")
    assert empty.status_code == 422


# --- CS queues ------------------------------------------------------------------------------


def test_the_exception_queue(
    store: Any,
    booked: ReturnRequest,
    client_json: JsonClient,
    committed: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with committed():
        others = [approve(address_order(store)) for _ in range(3)]
    for return_request in [booked, *others]:
        excepted(return_request)
    with django_assert_max_num_queries(4):  # whatever the queue's length: no query per pickup
        status, page = client_json.get(f"{V1}/logistics/exceptions")
    assert status == 200
    queue = page["results"]
    assert [p["return_number"] for p in queue] == [
        r.number for r in sorted([booked, *others], key=lambda r: pickup_of(r).pk)
    ]
    assert queue[0]["exception_code"] == "customer_absent"

    status, first = client_json.get(f"{V1}/logistics/exceptions", {"page_size": 3})
    assert [p["return_number"] for p in first["results"]] == [p["return_number"] for p in queue[:3]]
    status, second = client_json.get(first["next"])
    assert [p["return_number"] for p in second["results"]] == [queue[3]["return_number"]]
    assert client_json.get(f"{V1}/logistics/exceptions", {"page_size": 0})[0] == 422


def test_stalled_returns_with_the_value_at_risk(
    store: Any,
    order: Any,
    account: CarrierAccount,
    client_json: JsonClient,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks():  # never booked
        stuck = approve(order)
    lost_at = timezone.now() - dt.timedelta(days=1)
    Pickup.objects.filter(return_request=stuck).update(requested_at=lost_at)
    account.is_active = False
    account.save()
    unbooked = approve(address_order(store))  # no active carrier for it
    ReturnRequest.objects.filter(pk=unbooked.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=2)
    )

    status, stalled = client_json.get(f"{V1}/logistics/stalled")

    assert status == 200
    assert stalled["count"] == 2
    by_number = {item["number"]: item for item in stalled["results"]}
    assert by_number[stuck.number]["kind"] == "not_booked"
    assert by_number[stuck.number]["age_hours"] == pytest.approx(24, abs=0.2)
    assert by_number[unbooked.number]["age_hours"] == pytest.approx(48, abs=0.2)
    assert by_number[stuck.number]["order_number"] == order.channel_order_number
    assert by_number[stuck.number]["carrier"] == "kr.cjlogistics"
    values = [item["value_at_risk"] for item in stalled["results"]]
    assert all(value > 0 for value in values)
    assert stalled["value_at_risk"] == sum(values)
    assert [item["number"] for item in stalled["results"]] == [unbooked.number, stuck.number]
    assert (stalled["next"], stalled["previous"]) == (None, None)

    # One a page: the totals still cover the whole queue.
    status, first = client_json.get(f"{V1}/logistics/stalled", {"page_size": 1})
    assert [item["number"] for item in first["results"]] == [unbooked.number]
    assert (first["count"], first["value_at_risk"]) == (2, stalled["value_at_risk"])
    status, second = client_json.get(first["next"])
    assert [item["number"] for item in second["results"]] == [stuck.number]
    assert (second["next"], second["value_at_risk"]) == (None, stalled["value_at_risk"])
    status, back = client_json.get(second["previous"])
    assert [item["number"] for item in back["results"]] == [unbooked.number]
    for bad in ({"page_size": 0}, {"page_size": 201}, {"cursor": "cD1hYmM="}):
        assert client_json.get(f"{V1}/logistics/stalled", bad)[0] == 422


def test_cancel_through_the_api_after_the_carrier_collected_is_a_409(
    booked: ReturnRequest, client_json: JsonClient, committed: Any
) -> None:
    waybill = pickup_of(booked).waybill_number
    with committed():
        tracking_events_ingest(carrier_code=CJ, events_in=journey(waybill)[:2], now=timezone.now())
    status, answer = client_json.post(f"{V1}/returns/{booked.number}/cancel", {"note": "취소"})
    assert (status, answer["code"]) == (409, "illegal_transition")
    assert answer["extra"]["status"] == "in_transit"
    assert pickup_of(booked).status == PickupStatus.PICKED_UP


def test_cancel_through_the_api_before_pickup_cancels_the_booking(
    booked: ReturnRequest, account: CarrierAccount, client_json: JsonClient, committed: Any
) -> None:
    with committed():
        status, answer = client_json.post(f"{V1}/returns/{booked.number}/cancel", {"note": "취소"})
    assert (status, answer["status"]) == (200, "cancelled")
    assert [b["status"] for b in sim_bookings(account)] == ["cancelled"]
    assert pickup_of(booked).cancel_confirmed is True
    # CS sees on the pickup that the carrier heard about it.
    status, pickups = client_json.get(f"{V1}/returns/{booked.number}/pickups")
    assert status == 200
    assert [(p["status"], p["cancel_state"], p["cancel_error"]) for p in pickups] == [
        ("cancelled", "confirmed", "")
    ]


def test_a_waybill_of_a_carrier_without_an_account_is_accepted(
    store: Any, client_json: JsonClient
) -> None:
    unlinked_account(store)
    awaiting = approve(address_order(store))
    status, pickup = client_json.post(
        f"{V1}/returns/{awaiting.number}/waybill",
        {"waybill_number": "312345678901", "carrier_code": "kr.cvsnet"},
    )
    assert status == 201, pickup
    assert (pickup["carrier"], pickup["account"], pickup["status"]) == (
        "kr.cvsnet",
        "",
        "accepted",
    )


def test_a_waybill_open_for_another_customer_is_a_409(store: Any, client_json: JsonClient) -> None:
    unlinked_account(store)
    first, second = approve(address_order(store)), approve(address_order(store))
    body = {"waybill_number": "512345678901", "carrier_code": "kr.hanjin"}
    assert client_json.post(f"{V1}/returns/{first.number}/waybill", body)[0] == 201
    status, answer = client_json.post(f"{V1}/returns/{second.number}/waybill", body)
    assert (status, answer["code"]) == (409, "waybill_taken")


def test_a_rerequest_for_a_past_day_is_a_422(
    booked: ReturnRequest, client_json: JsonClient
) -> None:
    pickup = excepted(booked)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    status, answer = client_json.post(
        f"{V1}/pickups/{pickup.pk}/rerequest", {"preferred_date": yesterday.isoformat()}
    )
    assert (status, list(answer["extra"]["fields"])) == (422, ["preferred_date"])
