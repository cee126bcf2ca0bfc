"""회수 요청 in the office: the form, the live decision, the submit and everything it refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.commerce.models import Order
from banpum.logistics.models import Pickup
from banpum.policy.models import ReturnPolicy
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import CustomerFactory, make_order, make_policy
from tests.logistics.helpers import linked_account, store_with_return_address, unlinked_account
from tests.office.conftest import member
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db

NOTE = "고객 통화: 사이즈가 작아서 반품 원함. 박스 보관 중, 내일 오전 수거 희망."


def text(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return str(response.content.decode())


@pytest.fixture
def auto_policy(store: Any) -> ReturnPolicy:
    """A policy that approves what is eligible by itself, so a submit books the pickup."""
    policy: ReturnPolicy = make_policy(store, auto_approval={"enabled": True})
    return policy


@pytest.fixture
def order(store: Any) -> Order:
    store_with_return_address(store)
    customer = CustomerFactory(store=store, name="김철수", phone="01012345678")
    return make_order(
        store=store,
        customer=customer,
        channel_order_number="ORD-1001",
        shipping_name="김철수",
        shipping_phone="01012345678",
        shipping_postcode="06236",
        shipping_address1="서울특별시 강남구 테헤란로 152",
        shipping_address2="12층",
        lines=[
            {"quantity": 2, "unit_price": 20000, "name": "면 티셔츠"},
            {"quantity": 1, "unit_price": 30000, "name": "청바지"},
        ],
    )


@pytest.fixture
def order2(store2: Any) -> Order:
    return make_order(store=store2, channel_order_number="ORD-2002")


def line_id(order: Order, number: int) -> int:
    return int(order.lines.get(line_number=number).pk)


def form_data(order: Order, **changes: Any) -> dict[str, Any]:
    """One unit of the first line, the rest none; a change of mind, picked up."""
    data: dict[str, Any] = {
        f"qty_{line.pk}": "1" if line.line_number == 1 else "0" for line in order.lines.all()
    }
    data |= {
        "reason": "change_of_mind",
        "resolution": "refund",
        "method": "carrier_pickup",
        "note": NOTE,
        "fee_payer": "",
        "fee_amount": "",
        "fee_collection": "",
        "contact_name": "김철수",
        "contact_phone": "",
        "postcode": "06236",
        "address1": "서울특별시 강남구 테헤란로 152",
        "address2": "12층",
        "preferred_date": "",
        "memo": "",
        "token": "form-token-1",
    }
    data.update(changes)
    return data


def create_url(order: Order) -> str:
    return f"/office/orders/{order.pk}/return/"


def preview_url(order: Order) -> str:
    return f"/office/orders/{order.pk}/return/preview/"


def returns_of(order: Order) -> list[ReturnRequest]:
    return list(ReturnRequest.objects.filter(order=order))


# --- The form -----------------------------------------------------------------------------


def test_the_form_offers_only_returnable_units_and_the_policys_reasons(
    office: Client, order: Order
) -> None:
    open_return(order, ((2, 1),))  # the jeans are already in a return
    page = text(office.get(create_url(order)))
    assert f'name="qty_{line_id(order, 1)}"' in page
    assert f'name="qty_{line_id(order, 2)}"' not in page
    assert 'max="2"' in page
    assert "단순 변심" in page  # the policy's reasons, in Korean
    assert "상품 불량" in page
    assert 'value="서울특별시 강남구 테헤란로 152"' in page  # the pickup address prefilled
    assert 'name="token"' in page
    assert 'hx-post="/office/orders/' in page


# --- The live decision ---------------------------------------------------------------------


def test_the_preview_shows_an_eligible_decision_in_words(office_en: Client, order: Order) -> None:
    page = text(office_en.post(preview_url(order), form_data(order)))
    assert "Eligible" in page
    assert "Changed my mind" in page
    assert "paid by Buyer" in page  # a change of mind: the buyer pays the shipping
    assert "Refund estimate" in page
    assert "Request by" in page
    assert not returns_of(order)  # a preview opens nothing


def test_the_preview_in_korean_writes_won_and_the_reason(office: Client, order: Order) -> None:
    page = text(office.post(preview_url(order), form_data(order)))
    assert "단순 변심" in page
    assert "원" in page


def test_the_preview_shows_why_not(office_en: Client, store: Any) -> None:
    late = make_order(store=store, delivered_days_ago=40, lines=[{"quantity": 1}])
    page = text(office_en.post(preview_url(late), form_data(late)))
    assert "Not eligible" in page
    assert "had to be requested by" in page


def test_the_preview_shows_the_fee_cs_sets(office_en: Client, order: Order) -> None:
    data = form_data(order, fee_payer="buyer", fee_amount="2500", fee_collection="enclose_in_box")
    page = text(office_en.post(preview_url(order), data))
    assert "₩2,500, paid by Buyer (Cash enclosed in the box)" in page


def test_the_preview_of_an_unfinished_form_asks_for_more(office_en: Client, order: Order) -> None:
    page = text(office_en.post(preview_url(order), form_data(order, reason="")))
    assert "the policy's answer shows here" in page
    assert "Eligible" not in page
    page = text(
        office_en.post(preview_url(order), form_data(order, **{f"qty_{line_id(order, 1)}": "9"}))
    )
    assert "less than or equal to 2" in page


# --- Submit ------------------------------------------------------------------------------


def test_submit_opens_the_return_books_the_pickup_and_keeps_note_and_fee(
    office_en: Client, order: Order, auto_policy: Any, store: Any
) -> None:
    linked_account(store, "http://127.0.0.1:9")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = form_data(
        order,
        fee_payer="buyer",
        fee_amount="5000",
        fee_collection="enclose_in_box",
        preferred_date=tomorrow,
        memo="경비실에 맡겨 주세요",
        address2="12층 1201호",
    )
    response = office_en.post(create_url(order), data, follow=True)
    [created] = returns_of(order)
    assert response.redirect_chain == [(f"/office/returns/{created.number}/", 302)]
    page = text(response)
    assert f"Return {created.number} approved; pickup requested from" in page
    assert created.status == S.PICKUP_REQUESTED
    assert created.origin == "cs"
    assert (created.fee_payer, created.fee_amount, created.fee_collection) == (
        "buyer",
        5000,
        "enclose_in_box",
    )
    note = created.events.get(type=EventType.NOTE_ADDED)
    assert note.note == NOTE
    assert note.actor_label  # the agent who wrote it
    pickup = Pickup.objects.get(return_request=created)
    assert pickup.preferred_date == dt.date.fromisoformat(tomorrow)
    assert pickup.memo == "경비실에 맡겨 주세요"
    assert pickup.address2 == "12층 1201호"
    assert pickup.contact_phone == "01012345678"  # blank: the order's phone


def test_submit_with_an_unlinked_carrier_says_to_instruct_the_customer(
    office_en: Client, order: Order, auto_policy: Any, store: Any
) -> None:
    unlinked_account(store)
    page = text(office_en.post(create_url(order), form_data(order), follow=True))
    [created] = returns_of(order)
    assert created.status == S.AWAITING_SHIPMENT
    assert "the customer sends the parcel" in page


def test_submit_without_auto_approval_waits_for_review(office_en: Client, order: Order) -> None:
    page = text(office_en.post(create_url(order), form_data(order), follow=True))
    [created] = returns_of(order)
    assert created.status == S.REQUESTED
    assert "it waits for approval" in page


def test_an_ineligible_request_kept_as_an_exception_is_held(office_en: Client, store: Any) -> None:
    late = make_order(store=store, delivered_days_ago=40, lines=[{"quantity": 1}])
    data = form_data(late, allow_ineligible="on")
    page = text(office_en.post(create_url(late), data, follow=True))
    [created] = returns_of(late)
    assert created.status == S.ON_HOLD
    assert "is on hold: Outside the policy" in page


def test_double_submit_opens_one_return(office: Client, order: Order) -> None:
    first = office.post(create_url(order), form_data(order))
    second = office.post(create_url(order), form_data(order))
    [created] = returns_of(order)
    assert first["Location"] == second["Location"] == f"/office/returns/{created.number}/"


def test_double_submit_of_every_unit_lands_on_the_return(office_en: Client, order: Order) -> None:
    everything = form_data(order, **{f"qty_{line_id(order, 1)}": "2"})
    office_en.post(create_url(order), everything)
    again = office_en.post(create_url(order), everything, follow=True)
    [created] = returns_of(order)
    assert again.redirect_chain == [(f"/office/returns/{created.number}/", 302)]
    assert f"Return {created.number} opened" in text(again)


def test_a_store_without_a_policy_says_so(office_en: Client, order: Order) -> None:
    ReturnPolicy.objects.filter(store=order.store).delete()
    response = office_en.get(create_url(order), follow=True)
    assert response.redirect_chain == [(f"/office/orders/{order.pk}/", 302)]
    assert "no return policy" in text(response)
    assert "no return policy" in text(office_en.post(preview_url(order), form_data(order)))


def test_a_new_form_opens_a_new_return(office: Client, order: Order) -> None:
    office.post(create_url(order), form_data(order, token="a"))
    office.post(create_url(order), form_data(order, token="b"))
    assert len(returns_of(order)) == 2  # two of the two shirts


# --- Bad input: errors next to the fields, the note kept -------------------------------------


def refused(client: Client, order: Order, **changes: Any) -> str:
    page = text(client.post(create_url(order), form_data(order, **changes)), status=422)
    assert NOTE in page, "the consultation note must survive an error"
    assert not returns_of(order)
    return page


def test_zero_quantity_is_refused(office_en: Client, order: Order) -> None:
    page = refused(office_en, order, **{f"qty_{line_id(order, 1)}": "0"})
    assert "Choose at least one unit to return." in page


def test_more_than_returnable_is_refused_next_to_the_line(office_en: Client, order: Order) -> None:
    page = refused(office_en, order, **{f"qty_{line_id(order, 1)}": "3"})
    assert "less than or equal to 2" in page
    assert 'class="has-error"' in page


def test_a_negative_quantity_is_refused(office_en: Client, order: Order) -> None:
    page = refused(office_en, order, **{f"qty_{line_id(order, 1)}": "-1"})
    assert "greater than or equal to 0" in page


def test_a_missing_reason_is_refused(office_en: Client, order: Order) -> None:
    page = refused(office_en, order, reason="")
    assert 'id="field-reason"' in page
    assert "This field is required." in page


def test_an_unknown_reason_is_refused(office_en: Client, order: Order) -> None:
    page = refused(office_en, order, reason="because")
    assert "Select a valid choice." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee_payer": "buyer", "fee_amount": "-100"}, "greater than or equal to 0"),
        ({"fee_payer": "buyer", "fee_amount": "삼천원"}, "Enter a whole number."),
        ({"fee_payer": "buyer", "fee_amount": ""}, "Enter the fee you agreed"),
        ({"fee_payer": "", "fee_amount": "3000"}, "Say who pays the fee you entered."),
        ({"fee_payer": "nobody", "fee_amount": "3000"}, "Select a valid choice."),
        # Within the field's range, above what the policy lets a buyer be charged.
        ({"fee_payer": "buyer", "fee_amount": "900000"}, "can be charged at most"),
    ],
)
def test_a_bad_fee_is_refused(
    office_en: Client, order: Order, changes: dict[str, str], message: str
) -> None:
    page = refused(office_en, order, **changes)
    assert message in page


def test_a_past_pickup_date_is_refused(office_en: Client, order: Order) -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page = refused(office_en, order, preferred_date=yesterday)
    assert "or a later day." in page


def test_an_ineligible_request_is_refused_with_the_policys_reason(
    office_en: Client, store: Any
) -> None:
    late = make_order(store=store, delivered_days_ago=40, lines=[{"quantity": 1}])
    data = form_data(late)
    page = text(office_en.post(create_url(late), data), status=422)
    assert "had to be requested by" in page
    assert NOTE in page
    assert not returns_of(late)


def test_units_claimed_meanwhile_are_refused_next_to_the_line(
    office_en: Client, order: Order
) -> None:
    page = text(office_en.get(create_url(order)))  # the form offers two shirts…
    assert 'max="2"' in page
    open_return(order, ((1, 2),))  # …and another agent returns both meanwhile
    page = text(office_en.post(create_url(order), form_data(order)), status=422)
    assert NOTE in page


# --- Who may ------------------------------------------------------------------------------


def test_a_role_without_return_create_gets_403(
    django_user_model: Any, store: Any, order: Order
) -> None:
    client = Client()
    client.force_login(member(django_user_model, "wh", store, role="warehouse"))
    text(client.get(create_url(order)), status=403)
    text(client.post(create_url(order), form_data(order)), status=403)
    text(client.post(preview_url(order), form_data(order)), status=403)
    assert not returns_of(order)


def test_another_stores_order_is_a_404_for_every_view(office: Client, order2: Order) -> None:
    text(office.get(create_url(order2)), status=404)
    text(office.post(create_url(order2), form_data(order2)), status=404)
    text(office.post(preview_url(order2), form_data(order2)), status=404)
    assert not returns_of(order2)


def test_the_preview_takes_only_posts(office: Client, order: Order) -> None:
    text(office.get(preview_url(order)), status=405)
