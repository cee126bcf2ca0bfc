"""Before the final tap the policy's answer in words; the tap opens the return as the customer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from banpum.commerce.models import Order, Product
from banpum.logistics.models import Pickup
from banpum.returns.models import ActorType, Origin, ReturnRequest, ReturnStatus
from banpum.settlement.models import RefundAccount
from tests.factories import make_policy
from tests.logistics.helpers import linked_account
from tests.portal.conftest import draft_of, jpeg, order_for, page
from tests.portal.helpers import first_pickup_day, lines_of, walk

pytestmark = pytest.mark.django_db

CONFIRM = "/portal/{}/return/confirm/"


def test_the_confirmation_shows_the_fee_and_the_refund_before_sending(
    found_en: Client, store: Any, order: Order
) -> None:
    walk(found_en, store, order)
    text = page(found_en.get(CONFIRM.format(store.slug)))
    # One T-shirt of two at 23,000 each; a change of mind: the buyer pays 3,000 one way,
    # deducted from the refund.
    assert "Refund estimate: ₩20,000" in text
    assert "Items: ₩23,000" in text
    assert "Return shipping deducted: −₩3,000" in text
    assert "Return shipping ₩3,000, paid by you: Deducted from the refund." in text
    assert "The store checks your request first" in text
    assert "Return window for this reason: until" in text
    assert "within 3 business days after the store receives the items" in text
    assert "Send my return request" in text
    assert ReturnRequest.objects.count() == 0  # a preview creates nothing


def test_the_confirmation_in_korean(found: Client, store: Any, order: Order) -> None:
    walk(found, store, order)
    text = page(found.get(CONFIRM.format(store.slug)))
    assert '<html lang="ko">' in text
    assert "20,000원" in text
    assert "3,000원" in text


def test_a_defect_is_free_for_the_shopper(found_en: Client, store: Any, order: Order) -> None:
    walk(found_en, store, order, reason="defective", condition="opened", photos=jpeg())
    text = page(found_en.get(CONFIRM.format(store.slug)))
    assert "Return shipping is free for you: the store pays it." in text
    assert "Refund estimate: ₩23,000" in text


def test_an_auto_approved_request_says_so(found_en: Client, store: Any, order: Order) -> None:
    make_policy(store, auto_approval={"enabled": True})
    walk(found_en, store, order)
    assert "Accepted as soon as you send the request." in page(
        found_en.get(CONFIRM.format(store.slug))
    )


def test_an_ineligible_request_says_why_and_cannot_be_sent(shopper_en: Client, store: Any) -> None:
    from tests.portal.conftest import find

    order = order_for(store, delivered_days_ago=30)
    assert find(shopper_en, store).status_code == 302
    walk(shopper_en, store, order)
    text = page(shopper_en.get(CONFIRM.format(store.slug)))
    assert "This return cannot be accepted as it is." in text
    assert "Returns for this reason had to be requested by" in text
    assert "Send my return request" not in text
    response = shopper_en.post(CONFIRM.format(store.slug))
    assert "Returns for this reason had to be requested by" in page(response, 422)
    assert ReturnRequest.objects.count() == 0


def test_sending_opens_the_return_as_the_customer_with_the_pickup_wish(
    found_en: Client, store: Any, order: Order
) -> None:
    walk(found_en, store, order, pickup={"memo": "경비실에 맡겨요"})
    response = found_en.post(CONFIRM.format(store.slug))
    created = ReturnRequest.objects.get()
    assert response["Location"] == f"/portal/{store.slug}/returns/{created.number}/"
    assert (created.origin, created.status, created.method) == (
        Origin.CUSTOMER,
        ReturnStatus.REQUESTED,
        "carrier_pickup",
    )
    event = created.events.get(type="created")
    assert (event.actor_type, event.actor_label) == (ActorType.CUSTOMER, "김철수")
    assert created.pickup_wish["address1"] == "서울특별시 중구 세종대로 110"
    assert created.pickup_wish["preferred_date"] == first_pickup_day(store)
    assert draft_of(found_en, store) == {}  # the draft is done
    text = page(found_en.get(response["Location"]))
    assert f"Your return {created.number} is registered." in text


def test_an_auto_approved_return_books_the_pickup_where_and_when_asked(
    found_en: Client, store: Any, order: Order
) -> None:
    make_policy(store, auto_approval={"enabled": True})
    linked_account(store, "http://127.0.0.1:9")  # booked by a job after commit: never here
    walk(found_en, store, order)
    found_en.post(CONFIRM.format(store.slug))
    created = ReturnRequest.objects.get()
    assert created.status == ReturnStatus.PICKUP_REQUESTED
    pickup = Pickup.objects.get(return_request=created)
    assert (pickup.address1, pickup.address2, pickup.postcode) == (
        "서울특별시 중구 세종대로 110",
        "3층",
        "04524",
    )
    assert pickup.preferred_date == dt.date.fromisoformat(first_pickup_day(store))
    assert pickup.memo == "문 앞에 둘게요"
    text = page(found_en.get(f"/portal/{store.slug}/returns/{created.number}/"))
    assert "A courier comes for the parcel on" in text
    assert "Return label (PDF)" in text


def test_an_exchange_keeps_the_option_asked_for(found: Client, store: Any, order: Order) -> None:
    large = Product.objects.get(store=store, sku="TEE-L")
    first = lines_of(order)[0]
    walk(
        found,
        store,
        order,
        reason="wrong_option",
        resolution="exchange",
        option={f"line_{first.pk}": large.pk},
    )
    found.post(CONFIRM.format(store.slug))
    created = ReturnRequest.objects.get()
    assert created.type == "exchange"
    assert created.lines.get().replacement_id == large.pk


def test_photos_are_attached_to_the_return_they_were_sent_for(
    found: Client, store: Any, order: Order
) -> None:
    walk(found, store, order, reason="defective", condition="opened", photos=jpeg())
    found.post(CONFIRM.format(store.slug))
    created = ReturnRequest.objects.get()
    assert created.photos.count() == 1
    assert created.status == ReturnStatus.REQUESTED  # not held for missing photos


def test_a_transfer_refund_keeps_the_account_given(
    found_en: Client, store: Any, order: Order
) -> None:
    order.payment_method = "virtual_account"
    order.save()
    walk(
        found_en,
        store,
        order,
        account={"bank_code": "088", "account_number": "110-123-456789", "holder_name": "김철수"},
    )
    text = page(found_en.get(CONFIRM.format(store.slug)))
    assert "********6789" in text or "6789" in text
    assert "110123456789" not in text
    found_en.post(CONFIRM.format(store.slug))
    account = RefundAccount.objects.get()
    assert account.return_request == ReturnRequest.objects.get()
    assert (account.bank_code, account.account_last4, account.created_by) == (
        "088",
        "6789",
        "김철수",
    )


def test_a_refusal_at_the_last_tap_shows_on_the_page(
    found_en: Client, store: Any, order: Order
) -> None:
    walk(found_en, store, order, units=(2, 0))
    # Meanwhile CS opened a return for the same units.
    from tests.returns.helpers import open_return

    open_return(order, ((1, 2),))
    response = found_en.post(CONFIRM.format(store.slug))
    assert "can still be returned" in page(response, 422)
