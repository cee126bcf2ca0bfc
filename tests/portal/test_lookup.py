"""Finding an order: number + phone or email, one answer for every miss, limited, 429 in words."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from banpum.commerce.models import Order
from tests.portal.conftest import EMAIL, NUMBER, PHONE, find, page

pytestmark = pytest.mark.django_db

MISS = "We could not find an order with this number and phone or email."


def test_the_lookup_page_is_korean_by_default(shopper: Client, store: Any) -> None:
    text = page(shopper.get(f"/portal/{store.slug}/"))
    assert '<html lang="ko">' in text
    assert "csrfmiddlewaretoken" in text
    assert store.name in text


@pytest.mark.parametrize("contact", [PHONE, "01012345678", " 010 1234 5678 ", EMAIL.upper()])
def test_number_and_phone_or_email_find_the_order(
    shopper: Client, store: Any, order: Order, contact: str
) -> None:
    response = find(shopper, store, contact=contact)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/{store.slug}/order/"
    text = page(shopper.get(response["Location"]))
    assert NUMBER in text
    assert "반팔 티셔츠" in text


def test_the_recipients_phone_finds_it_too(shopper: Client, store: Any, order: Order) -> None:
    order.customer.phone = "010-5555-6666"  # type: ignore[union-attr]
    order.customer.save()  # type: ignore[union-attr]
    assert find(shopper, store, contact=PHONE).status_code == 302  # the shipping phone


def test_a_wrong_number_and_a_wrong_phone_get_the_same_answer(
    shopper_en: Client, store: Any, order: Order
) -> None:
    wrong_number = find(shopper_en, store, number="ORD-9999")
    wrong_phone = find(shopper_en, store, contact="010-0000-0000")
    wrong_email = find(shopper_en, store, contact="someone@example.com")
    assert wrong_number.status_code == wrong_phone.status_code == wrong_email.status_code == 200
    bodies = [page(r) for r in (wrong_number, wrong_phone, wrong_email)]
    assert all(MISS in body for body in bodies)

    def without_typed(body: str) -> str:
        for typed in ("ORD-9999", NUMBER, "010-0000-0000", "someone@example.com", PHONE):
            body = body.replace(typed, "")
        return body.split('name="csrfmiddlewaretoken"')[0]

    assert without_typed(bodies[0]) == without_typed(bodies[1]) == without_typed(bodies[2])


def test_a_miss_keeps_what_was_typed(shopper_en: Client, store: Any, order: Order) -> None:
    text = page(find(shopper_en, store, number="ORD-9999"))
    assert 'value="ORD-9999"' in text


def test_empty_fields_are_refused_beside_them(shopper_en: Client, store: Any) -> None:
    text = page(shopper_en.post(f"/portal/{store.slug}/", {"order_number": "", "contact": ""}))
    assert text.count("This field is required.") == 2


def test_too_short_a_phone_is_a_miss_not_a_match(
    shopper_en: Client, store: Any, order: Order
) -> None:
    assert MISS in page(find(shopper_en, store, contact="5678"))


def test_another_stores_order_is_not_found(shopper_en: Client, store: Any, order2: Order) -> None:
    assert MISS in page(find(shopper_en, store, number="ORD-2002", contact="010-9999-8888"))


def test_an_unknown_store_is_404(shopper: Client) -> None:
    response = shopper.get("/portal/no-such-store/")
    assert response.status_code == 404
    assert '<html lang="ko">' in response.content.decode()


@override_settings(BANPUM_PORTAL_LOOKUPS_PER_ORDER="3/h", BANPUM_PORTAL_LOOKUPS_PER_ADDRESS="50/h")
def test_guessing_phones_for_one_order_is_limited(
    shopper_en: Client, store: Any, order: Order
) -> None:
    for guess in range(3):
        assert find(shopper_en, store, contact=f"010-0000-000{guess}").status_code == 200
    limited = find(shopper_en, store, contact="010-0000-0009")
    text = page(limited, 429)
    assert "Too many tries" in text
    # Even the right phone waits now: a guess that hits is not told apart.
    assert find(shopper_en, store).status_code == 429


@override_settings(BANPUM_PORTAL_LOOKUPS_PER_ORDER="50/h", BANPUM_PORTAL_LOOKUPS_PER_ADDRESS="3/h")
def test_trying_many_numbers_from_one_address_is_limited(
    shopper_en: Client, store: Any, order: Order
) -> None:
    for guess in range(3):
        assert find(shopper_en, store, number=f"ORD-000{guess}").status_code == 200
    assert find(shopper_en, store, number="ORD-0009").status_code == 429
    other_address = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.2")
    assert find(other_address, store).status_code == 302


def test_the_limit_page_is_korean_by_default(shopper: Client, store: Any, order: Order) -> None:
    with override_settings(BANPUM_PORTAL_LOOKUPS_PER_ORDER="1/h"):
        find(shopper, store, contact="010-0000-0000")
        response = find(shopper, store, contact="010-0000-0001")
    assert response.status_code == 429
    assert '<html lang="ko">' in response.content.decode()


def test_the_order_page_needs_the_lookup(shopper: Client, store: Any, order: Order) -> None:
    response = shopper.get(f"/portal/{store.slug}/order/")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/{store.slug}/"


def test_a_found_order_is_not_open_in_another_store(
    found: Client, store: Any, store2: Any, order: Order
) -> None:
    assert found.get(f"/portal/{store2.slug}/order/")["Location"] == f"/portal/{store2.slug}/"


def test_searching_again_closes_the_order(found: Client, store: Any) -> None:
    response = found.post(f"/portal/{store.slug}/leave/")
    assert response.status_code == 302
    assert found.get(f"/portal/{store.slug}/order/").status_code == 302


def test_the_lookup_form_needs_csrf(store: Any, order: Order) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/portal/{store.slug}/", {"order_number": NUMBER, "contact": PHONE})
    assert response.status_code == 403
