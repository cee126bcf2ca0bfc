"""The status page: a tracker for the shopper, and what they can do now; nobody else's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.commerce.models import Order
from banpum.logistics.models import Pickup, PickupStatus
from banpum.policy.types import Method
from banpum.returns import events
from banpum.returns.events import LogisticsKind
from banpum.returns.links import link_token
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.services import return_note_add, return_request_approve
from banpum.returns.transitions import Action, Move, return_transition
from tests.logistics.helpers import CS, carrier, linked_account
from tests.portal.conftest import page
from tests.portal.helpers import first_pickup_day, pickup_answers
from tests.returns.helpers import number_of, open_return

pytestmark = pytest.mark.django_db


def url(store: Any, rr: ReturnRequest, action: str = "") -> str:
    return f"/portal/{store.slug}/returns/{number_of(rr)}/" + (f"{action}/" if action else "")


@pytest.fixture
def requested(order: Order) -> ReturnRequest:
    return open_return(order)


@pytest.fixture
def booked(store: Any, order: Order) -> ReturnRequest:
    """Approved by CS, a linked carrier's pickup requested (the job never runs in a test)."""
    linked_account(store, "http://127.0.0.1:9")
    return return_request_approve(return_request=open_return(order), actor=CS, now=timezone.now())


@pytest.fixture
def excepted(booked: ReturnRequest) -> ReturnRequest:
    """The carrier found nobody home (as tracking reports it: the pickup and an event)."""
    Pickup.objects.filter(return_request=booked).update(
        status=PickupStatus.EXCEPTION, exception_code="customer_absent", exception_at=timezone.now()
    )
    events.event_logistics(
        booked,
        CS,
        kind=LogisticsKind.PICKUP_EXCEPTION,
        data={"exception_code": "customer_absent", "said": "고객 부재"},
        now=timezone.now(),
    )
    return booked


@pytest.fixture
def self_shipping(order: Order) -> ReturnRequest:
    return return_request_approve(
        return_request=open_return(order, method=Method.SELF_SHIP), actor=CS, now=timezone.now()
    )


def test_the_status_page_reads_like_a_parcel_tracker(
    found_en: Client, store: Any, booked: ReturnRequest
) -> None:
    return_note_add(
        return_request=booked, actor=CS, note="고객 통화: 박스 없음", now=timezone.now()
    )
    text = page(found_en.get(url(store, booked)))
    assert number_of(booked) in text
    assert "Pickup booked" in text
    assert '<p class="next"><strong>A courier comes for the parcel' in text
    assert 'class="tracker"' in text
    assert "Return requested (CS agent)." in text
    assert "Pickup requested from" in text
    assert "고객 통화" not in text  # CS notes are the staff's
    assert "Cancel this return" in text
    assert "?t=" in text  # the signed label link


def test_korean_by_default(found: Client, store: Any, requested: ReturnRequest) -> None:
    text = page(found.get(url(store, requested)))
    assert '<html lang="ko">' in text


def test_a_hold_shows_no_fraud_signals(
    found_en: Client, store: Any, requested: ReturnRequest
) -> None:
    from banpum.policy.types import HoldReason

    return_transition(
        return_request=requested,
        action=Action.HOLD,
        actor=CS,
        move=Move(
            hold_reason=HoldReason.REPEAT_RETURNER,
            data={"signals": [{"code": "repeat_returner", "params": {"returns": 5, "orders": 6}}]},
        ),
        now=timezone.now(),
    )
    text = page(found_en.get(url(store, requested)))
    assert "Being checked" in text
    assert "returned 5 of 6" not in text
    assert "Returns often" not in text


def test_only_the_session_that_found_the_order_sees_its_returns(
    store: Any, requested: ReturnRequest
) -> None:
    assert Client().get(url(store, requested)).status_code == 404


def test_another_order_of_the_same_store_is_404(
    found: Client, store: Any, requested: ReturnRequest
) -> None:
    from tests.portal.conftest import order_for

    other = open_return(order_for(store, number="ORD-3003", phone="010-3333-4444"))
    assert found.get(url(store, other)).status_code == 404
    assert found.get(f"/portal/{store.slug}/returns/NOPE-1234/").status_code == 404


def test_another_stores_return_is_404(
    found: Client, store: Any, store2: Any, order2: Order, requested: ReturnRequest
) -> None:
    theirs = open_return(order2)
    assert found.get(url(store, theirs)).status_code == 404
    assert found.get(url(store2, theirs)).status_code == 404
    assert found.get(url(store2, requested)).status_code == 404  # ours, through their slug
    token = link_token(store_id=store.pk, return_number=number_of(requested), now=timezone.now())
    assert Client().get(url(store2, requested) + f"?t={token}").status_code == 404
    for action in ("cancel", "waybill", "rebook", "self-ship"):
        assert found.post(url(store, theirs, action)).status_code == 404
    assert found.get(url(store, theirs) + "label.pdf").status_code == 404


def test_a_signed_token_opens_the_page_and_the_label(store: Any, booked: ReturnRequest) -> None:
    token = link_token(store_id=store.pk, return_number=number_of(booked), now=timezone.now())
    stranger = Client()
    assert stranger.get(url(store, booked) + f"?t={token}").status_code == 200
    label = stranger.get(url(store, booked) + f"label.pdf?t={token}")
    assert label.status_code == 200
    assert label["Content-Type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")
    assert stranger.get(url(store, booked) + f"label.pdf?t={token}x").status_code == 404
    expired = link_token(
        store_id=store.pk,
        return_number=number_of(booked),
        now=timezone.now() - dt.timedelta(days=400),
    )
    assert stranger.get(url(store, booked) + f"label.pdf?t={expired}").status_code == 404


def test_no_label_before_a_pickup_leads_to_the_status_page(
    found: Client, store: Any, requested: ReturnRequest
) -> None:
    response = found.get(url(store, requested) + "label.pdf", follow=True)
    assert response.redirect_chain == [(url(store, requested), 302)]
    assert "지금은 이 반품에 출력할 라벨이 없습니다." in response.content.decode()


def test_a_message_link_with_next_label_opens_the_label(store: Any, booked: ReturnRequest) -> None:
    token = link_token(store_id=store.pk, return_number=number_of(booked), now=timezone.now())
    opened = Client().get(f"/portal/{store.slug}/open/{token}/?next=label", follow=True)
    assert opened.redirect_chain[-1][0] == url(store, booked) + "label.pdf"
    assert opened.content.startswith(b"%PDF")


def test_the_shopper_cancels_while_allowed(
    found_en: Client, store: Any, booked: ReturnRequest
) -> None:
    response = found_en.post(url(store, booked, "cancel"))
    assert response["Location"] == url(store, booked)
    booked.refresh_from_db()
    assert booked.status == ReturnStatus.CANCELLED
    event = booked.events.filter(to_status="cancelled").get()
    assert event.actor_type == "customer"
    assert Pickup.objects.get(return_request=booked).status == PickupStatus.CANCELLED
    text = page(found_en.get(url(store, booked)))
    assert "Your return is cancelled." in text
    assert "Cancel this return" not in text
    again = found_en.post(url(store, booked, "cancel"))
    assert again.status_code == 302
    assert "Cannot cancel return" in page(found_en.get(url(store, booked)))


def test_cancel_needs_a_post(found: Client, store: Any, requested: ReturnRequest) -> None:
    assert found.get(url(store, requested, "cancel")).status_code == 405


def test_a_self_shipper_enters_the_waybill(
    found_en: Client, store: Any, self_shipping: ReturnRequest
) -> None:
    carrier("kr.cjlogistics")
    text = page(found_en.get(url(store, self_shipping)))
    assert "Send the parcel" in text
    assert "경기도 이천시 마장면 덕평로 1" in text  # the store's return address
    response = found_en.post(
        url(store, self_shipping, "waybill"),
        {"carrier_code": "kr.cjlogistics", "waybill_number": "6123-4567-8901"},
    )
    assert response["Location"] == url(store, self_shipping)
    self_shipping.refresh_from_db()
    assert self_shipping.status == ReturnStatus.IN_TRANSIT
    assert "612345678901" in page(found_en.get(url(store, self_shipping)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"waybill_number": ""}, "This field is required."),
        ({"waybill_number": "12"}, "waybill"),
        ({"waybill_number": "612345678901", "carrier_code": "nope"}, "Select a valid choice."),
    ],
)
def test_a_bad_waybill_is_refused_beside_its_field(
    found_en: Client, store: Any, self_shipping: ReturnRequest, data: dict[str, str], message: str
) -> None:
    response = found_en.post(url(store, self_shipping, "waybill"), data)
    assert message.lower() in page(response, 422).lower()
    self_shipping.refresh_from_db()
    assert self_shipping.status == ReturnStatus.AWAITING_SHIPMENT


def test_no_waybill_while_a_pickup_is_booked(
    found_en: Client, store: Any, booked: ReturnRequest
) -> None:
    response = found_en.post(
        url(store, booked, "waybill"), {"waybill_number": "612345678901", "carrier_code": ""}
    )
    assert response.status_code == 422


def test_a_failed_pickup_offers_the_three_answers(
    found_en: Client, store: Any, excepted: ReturnRequest
) -> None:
    text = page(found_en.get(url(store, excepted)))
    assert "The courier could not collect the parcel." in text
    assert "Book the pickup again" in text
    assert "I'll send it myself" in text
    assert "Pickup failed: Customer absent." in text


def test_a_new_day_books_the_pickup_again(
    found_en: Client, store: Any, excepted: ReturnRequest
) -> None:
    day = first_pickup_day(store)
    response = found_en.post(url(store, excepted, "rebook"), pickup_answers(store))
    assert response["Location"] == url(store, excepted)
    newest = Pickup.objects.filter(return_request=excepted).latest("id")
    assert (newest.status, newest.preferred_date) == (
        PickupStatus.REQUESTED,
        dt.date.fromisoformat(day),
    )
    assert Pickup.objects.filter(return_request=excepted).count() == 2


def test_a_corrected_address_books_the_pickup_there(
    found_en: Client, store: Any, excepted: ReturnRequest
) -> None:
    found_en.post(
        url(store, excepted, "rebook"),
        pickup_answers(store, address1="부산광역시 해운대구 센텀중앙로 79", postcode="48058"),
    )
    newest = Pickup.objects.filter(return_request=excepted).latest("id")
    assert (newest.address1, newest.postcode) == ("부산광역시 해운대구 센텀중앙로 79", "48058")


def test_a_bad_rebook_is_refused_beside_its_field(
    found_en: Client, store: Any, excepted: ReturnRequest
) -> None:
    response = found_en.post(
        url(store, excepted, "rebook"), pickup_answers(store, preferred_date="2020-01-01")
    )
    assert "Select a valid choice." in page(response, 422)
    assert Pickup.objects.filter(return_request=excepted).count() == 1


def test_send_it_myself_switches_to_self_ship(
    found_en: Client, store: Any, excepted: ReturnRequest
) -> None:
    response = found_en.post(url(store, excepted, "self-ship"))
    assert response["Location"] == url(store, excepted)
    excepted.refresh_from_db()
    assert (excepted.status, excepted.method) == (ReturnStatus.AWAITING_SHIPMENT, "self_ship")
    text = page(found_en.get(url(store, excepted)))
    assert "Save the waybill number" in text


def test_no_exception_answers_for_a_pickup_that_did_not_fail(
    found_en: Client, store: Any, booked: ReturnRequest
) -> None:
    assert found_en.post(url(store, booked, "rebook"), pickup_answers(store)).status_code == 422
    response = found_en.post(url(store, booked, "self-ship"))
    assert response.status_code == 302
    assert "There is no failed pickup to answer." in page(found_en.get(url(store, booked)))
    booked.refresh_from_db()
    assert booked.status == ReturnStatus.PICKUP_REQUESTED


def test_the_order_page_lists_its_returns(
    found_en: Client, store: Any, requested: ReturnRequest
) -> None:
    text = page(found_en.get(f"/portal/{store.slug}/order/"))
    assert url(store, requested) in text
    assert "Request received" in text
