"""The return wizard: one question per screen, answers kept, each screen's bad input refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.commerce.models import Order
from banpum.returns.models import ReturnPhoto
from tests.factories import make_policy
from tests.portal.conftest import draft_of, jpeg, page
from tests.portal.helpers import answer, lines_of, pickup_answers, step_url, walk

pytestmark = pytest.mark.django_db


def test_the_wizard_starts_at_the_items(found: Client, store: Any) -> None:
    response = found.get(f"/portal/{store.slug}/return/")
    assert response["Location"] == step_url(store, "items")


def test_the_wizard_needs_a_found_order(shopper: Client, store: Any, order: Order) -> None:
    for path in ("return/", "return/items/", "return/confirm/"):
        response = shopper.get(f"/portal/{store.slug}/{path}")
        assert response["Location"] == f"/portal/{store.slug}/"


def test_a_later_screen_waits_for_the_earlier_ones(found: Client, store: Any) -> None:
    for step in ("reason", "method", "pickup", "confirm"):
        response = found.get(step_url(store, step))
        assert response["Location"] == step_url(store, "items")


def test_the_items_screen_shows_progress_and_only_returnable_units(
    found_en: Client, store: Any, order: Order
) -> None:
    text = page(found_en.get(step_url(store, "items")))
    assert "Step 1 of" in text
    assert "Which items are you returning?" in text
    first = lines_of(order)[0]
    assert '<option value="2">2</option>' in text
    assert f'name="line_{first.pk}"' in text
    assert '<option value="3">' not in text


def test_items_need_at_least_one_unit(found_en: Client, store: Any, order: Order) -> None:
    first, second = lines_of(order)
    response = answer(found_en, store, "items", {f"line_{first.pk}": 0, f"line_{second.pk}": 0})
    assert "Choose at least one item to return." in page(response, 422)


def test_items_refuse_more_than_is_returnable(found_en: Client, store: Any, order: Order) -> None:
    first, second = lines_of(order)
    response = answer(found_en, store, "items", {f"line_{first.pk}": 3, f"line_{second.pk}": 0})
    assert "Select a valid choice." in page(response, 422)
    response = answer(found_en, store, "items", {f"line_{first.pk}": "x", f"line_{second.pk}": 0})
    assert "Select a valid choice." in page(response, 422)


def test_the_back_link_keeps_the_answers(found_en: Client, store: Any, order: Order) -> None:
    first, second = lines_of(order)
    response = answer(found_en, store, "items", {f"line_{first.pk}": 2, f"line_{second.pk}": 1})
    assert response["Location"] == step_url(store, "reason")
    text = page(found_en.get(step_url(store, "reason")))
    assert f'href="{step_url(store, "items")}"' in text  # back
    assert "Step 2 of" in text
    again = page(found_en.get(step_url(store, "items")))
    assert '<option value="2" selected>2</option>' in again
    assert '<option value="1" selected>1</option>' in again


def test_the_reason_comes_from_the_policy_in_the_shoppers_words(
    found: Client, found_en: Client, store: Any, order: Order
) -> None:
    first = lines_of(order)[0]
    answer(found, store, "items", {f"line_{first.pk}": 1})
    assert "단순 변심" in page(found.get(step_url(store, "reason")))
    answer(found_en, store, "items", {f"line_{first.pk}": 1})
    assert "Changed my mind" in page(found_en.get(step_url(store, "reason")))


def test_an_unknown_reason_is_refused(found_en: Client, store: Any, order: Order) -> None:
    first = lines_of(order)[0]
    answer(found_en, store, "items", {f"line_{first.pk}": 1})
    response = answer(
        found_en, store, "reason", {"reason_code": "because", "condition": "unopened"}
    )
    text = page(response, 422)
    assert "Select a valid choice. because is not one of the available choices." in text
    response = answer(found_en, store, "reason", {"reason_code": "change_of_mind"})
    assert "This field is required." in page(response, 422)  # the condition


def test_a_reason_without_photos_skips_the_photos(found: Client, store: Any, order: Order) -> None:
    first = lines_of(order)[0]
    answer(found, store, "items", {f"line_{first.pk}": 1})
    response = answer(found, store, "reason", {"reason_code": "wrong_item", "condition": "opened"})
    assert response["Location"] == step_url(store, "resolution")
    assert found.get(step_url(store, "photos"))["Location"] == step_url(store, "resolution")


def _to_photos(client: Client, store: Any, order: Order) -> None:
    first = lines_of(order)[0]
    answer(client, store, "items", {f"line_{first.pk}": 1})
    response = answer(client, store, "reason", {"reason_code": "defective", "condition": "opened"})
    assert response["Location"] == step_url(store, "photos")


def test_a_defect_needs_a_photo(found_en: Client, store: Any, order: Order) -> None:
    _to_photos(found_en, store, order)
    text = page(found_en.get(step_url(store, "photos")))
    assert 'enctype="multipart/form-data"' in text
    response = found_en.post(step_url(store, "photos"), {})
    assert "This reason needs at least one photo of the problem." in page(response, 422)


def test_a_file_that_is_not_an_image_is_refused(found_en: Client, store: Any, order: Order) -> None:
    _to_photos(found_en, store, order)
    from io import BytesIO

    fake = BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"
    response = found_en.post(step_url(store, "photos"), {"photos": fake})
    assert "Not a JPEG, PNG or WebP image." in page(response, 422)
    assert ReturnPhoto.objects.count() == 0


def test_one_bad_file_refuses_the_whole_send(found_en: Client, store: Any, order: Order) -> None:
    _to_photos(found_en, store, order)
    from io import BytesIO

    bad = BytesIO(b"GIF89a nope")
    bad.name = "b.gif"
    response = found_en.post(step_url(store, "photos"), {"photos": [jpeg(), bad]})
    assert "Not a JPEG, PNG or WebP image." in page(response, 422)
    assert ReturnPhoto.objects.count() == 0


def test_a_photo_is_kept_cleaned_and_shown_back(found_en: Client, store: Any, order: Order) -> None:
    _to_photos(found_en, store, order)
    response = found_en.post(step_url(store, "photos"), {"photos": jpeg()})
    assert response["Location"] == step_url(store, "resolution")
    photo = ReturnPhoto.objects.get()
    assert (photo.order_id, photo.return_request_id, photo.content_type) == (
        order.pk,
        None,
        "image/jpeg",
    )
    assert draft_of(found_en, store)["photo_ids"] == [photo.pk]
    text = page(found_en.get(step_url(store, "photos")))
    assert f"/portal/{store.slug}/photos/{photo.pk}/" in text
    served = found_en.get(f"/portal/{store.slug}/photos/{photo.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert Client().get(f"/portal/{store.slug}/photos/{photo.pk}/").status_code == 404


def test_more_than_five_photos_are_refused(found_en: Client, store: Any, order: Order) -> None:
    _to_photos(found_en, store, order)
    response = found_en.post(step_url(store, "photos"), {"photos": [jpeg() for _ in range(6)]})
    assert "Send at most 5 photos." in page(response, 422)


def test_a_resolution_the_policy_does_not_offer_is_refused(
    found_en: Client, store: Any, order: Order
) -> None:
    make_policy(store, allowed_resolutions=["refund"])
    first = lines_of(order)[0]
    answer(found_en, store, "items", {f"line_{first.pk}": 1})
    answer(found_en, store, "reason", {"reason_code": "change_of_mind", "condition": "unopened"})
    text = page(found_en.get(step_url(store, "resolution")))
    assert "My money back" in text
    assert "An exchange" not in text
    response = answer(found_en, store, "resolution", {"resolution": "exchange"})
    assert "Select a valid choice." in page(response, 422)


def test_an_exchange_asks_for_the_option_among_the_variants(
    found_en: Client, store: Any, order: Order
) -> None:
    from banpum.commerce.models import Product

    first = lines_of(order)[0]
    answer(found_en, store, "items", {f"line_{first.pk}": 1})
    answer(found_en, store, "reason", {"reason_code": "wrong_option", "condition": "unopened"})
    response = answer(found_en, store, "resolution", {"resolution": "exchange"})
    assert response["Location"] == step_url(store, "option")
    text = page(found_en.get(step_url(store, "option")))
    assert ">L<" in text
    assert ">XL<" in text
    stranger = Product.objects.create(store=store, sku="CAP", name="모자")
    response = answer(found_en, store, "option", {f"line_{first.pk}": stranger.pk})
    assert "Select a valid choice." in page(response, 422)
    large = Product.objects.get(store=store, sku="TEE-L")
    response = answer(found_en, store, "option", {f"line_{first.pk}": large.pk})
    assert response["Location"] == step_url(store, "method")


def test_a_method_the_policy_does_not_offer_is_refused(
    found_en: Client, store: Any, order: Order
) -> None:
    make_policy(store, allowed_methods=["carrier_pickup", "self_ship"])
    first = lines_of(order)[0]
    answer(found_en, store, "items", {f"line_{first.pk}": 1})
    answer(found_en, store, "reason", {"reason_code": "change_of_mind", "condition": "unopened"})
    answer(found_en, store, "resolution", {"resolution": "refund"})
    text = page(found_en.get(step_url(store, "method")))
    assert "A courier picks it up at my address" in text
    assert "convenience store" not in text
    response = answer(found_en, store, "method", {"method": "cvs_drop_off"})
    assert "Select a valid choice." in page(response, 422)
    response = answer(found_en, store, "method", {"method": "self_ship"})
    assert response["Location"] == step_url(store, "confirm")


def _to_pickup(client: Client, store: Any, order: Order) -> None:
    first = lines_of(order)[0]
    answer(client, store, "items", {f"line_{first.pk}": 1})
    answer(client, store, "reason", {"reason_code": "change_of_mind", "condition": "unopened"})
    answer(client, store, "resolution", {"resolution": "refund"})
    response = answer(client, store, "method", {"method": "carrier_pickup"})
    assert response["Location"] == step_url(store, "pickup")


def test_the_pickup_screen_starts_from_the_orders_address(
    found: Client, store: Any, order: Order
) -> None:
    _to_pickup(found, store, order)
    text = page(found.get(step_url(store, "pickup")))
    assert "서울특별시 강남구 테헤란로 152" in text
    assert 'value="홍길동"' in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contact_phone": "call me"}, "Enter a phone number, e.g. 010-1234-5678."),
        ({"contact_phone": "010"}, "Enter a phone number, e.g. 010-1234-5678."),
        ({"address1": ""}, "This field is required."),
        ({"preferred_date": "2020-01-01"}, "Select a valid choice."),
        ({"preferred_date": "tomorrow"}, "Select a valid choice."),
        ({"memo": "x" * 301}, "Ensure this value has at most 300 characters"),
    ],
)
def test_bad_pickup_answers_are_refused_beside_their_field(
    found_en: Client, store: Any, order: Order, changes: dict[str, str], message: str
) -> None:
    _to_pickup(found_en, store, order)
    response = answer(found_en, store, "pickup", pickup_answers(store, **changes))
    text = page(response, 422)
    assert message in text
    assert "서울특별시 중구 세종대로 110" in text or changes.get("address1") == ""  # kept


def test_a_bank_transfer_order_asks_for_the_refund_account(
    found_en: Client, store: Any, order: Order
) -> None:
    order.payment_method = "virtual_account"
    order.save()
    _to_pickup(found_en, store, order)
    response = answer(found_en, store, "pickup", pickup_answers(store))
    assert response["Location"] == step_url(store, "account")
    bad = answer(
        found_en,
        store,
        "account",
        {"bank_code": "088", "account_number": "12-34", "holder_name": "=SUM(A1)"},
    )
    text = page(bad, 422)
    assert "account numbers have at least" in text
    assert "must not start with =, +, - or @" in text
    unknown = answer(
        found_en,
        store,
        "account",
        {"bank_code": "999", "account_number": "110123456789", "holder_name": "김철수"},
    )
    assert "Select a valid choice." in page(unknown, 422)
    good = answer(
        found_en,
        store,
        "account",
        {"bank_code": "088", "account_number": "110-123-456789", "holder_name": "김철수"},
    )
    assert good["Location"] == step_url(store, "confirm")
    assert draft_of(found_en, store)["account"]["account_number"] == "110123456789"


def test_a_card_order_needs_no_account(found: Client, store: Any, order: Order) -> None:
    assert walk(found, store, order)["Location"].endswith("/return/confirm/")


def test_changing_an_early_answer_asks_the_new_screens(
    found_en: Client, store: Any, order: Order
) -> None:
    walk(found_en, store, order, method="self_ship")
    response = answer(found_en, store, "method", {"method": "carrier_pickup"})
    assert response["Location"] == step_url(store, "pickup")
    assert found_en.get(step_url(store, "confirm"))["Location"] == step_url(store, "pickup")


def test_every_wizard_form_carries_csrf(found: Client, store: Any, order: Order) -> None:
    assert "csrfmiddlewaretoken" in page(found.get(step_url(store, "items")))
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = found.cookies
    first = lines_of(order)[0]
    assert answer(csrf_client, store, "items", {f"line_{first.pk}": 1}).status_code == 403
