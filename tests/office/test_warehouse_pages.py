"""The warehouse's pages: scan to receive, unidentified parcels, inspection with photos.

Each view is tried as the role that may use it, as a role that may not (a 403 page), and from
another store (a 404, never a glimpse of the other store's return or photo).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from banpum.commerce.models import Order
from banpum.logistics.models import Pickup
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.settlement.models import Refund
from banpum.warehouse.models import InspectionPhoto, LineInspection, UnidentifiedParcel
from tests.logistics.helpers import approve, book, linked_account, store_with_return_address
from tests.office.conftest import member
from tests.returns.helpers import number_of
from tests.warehouse.helpers import received_return

pytestmark = pytest.mark.django_db

WAYBILL = "612300000777"
HTMX: dict[str, Any] = {"headers": {"HX-Request": "true"}}


@pytest.fixture(autouse=True)
def photo_dir(settings: Any, tmp_path: Path) -> Path:
    """Photos go to a fresh directory per test, never a developer's var/."""
    storages = dict(settings.STORAGES)
    storages["inspection_photos"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "photos")},
    }
    settings.STORAGES = storages
    return tmp_path / "photos"


@pytest.fixture
def order(store: Any) -> Order:
    from tests.factories import make_order

    store_with_return_address(store)
    order = make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}])
    line = order.lines.get()
    assert line.product is not None
    line.product.barcode = "8801234567890"
    line.product.save(update_fields=["barcode"])
    return order


@pytest.fixture
def booked(order: Order) -> ReturnRequest:
    """An approved pickup the carrier accepted, with its waybill: the box on its way."""
    linked_account(order.store, "http://127.0.0.1:9")
    return_request = approve(order)
    book(return_request, WAYBILL)
    return ReturnRequest.objects.get(pk=return_request.pk)


def client_for(user: Any, language: str = "ko") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def worker(django_user_model: Any, store: Any) -> Client:
    return client_for(member(django_user_model, "kim", store, role="warehouse"))


@pytest.fixture
def worker_en(django_user_model: Any, store: Any) -> Client:
    return client_for(member(django_user_model, "kim-en", store, role="warehouse"), "en")


@pytest.fixture
def cs(django_user_model: Any, store: Any) -> Client:
    return client_for(member(django_user_model, "cs", store, role="cs_agent"))


@pytest.fixture
def other_worker(django_user_model: Any, store2: Any) -> Client:
    return client_for(member(django_user_model, "lee", store2, role="warehouse"), "en")


def page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return str(response.content.decode())


def png(size: tuple[int, int] = (32, 24)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile("box.png", out.getvalue(), content_type="image/png")


# --- scanning ---------------------------------------------------------------------------------


def test_the_scan_page_is_korean_with_a_focused_scan_field(worker: Client) -> None:
    html = page(worker.get("/office/warehouse/scan/"))
    assert '<html lang="ko">' in html
    assert 'id="scan-code"' in html
    assert "autofocus" in html
    assert "office/warehouse.js" in html
    assert "<script>" not in html  # no inline script under the CSP


def test_a_waybill_scan_shows_the_return_and_the_box_at_once(
    worker_en: Client, booked: ReturnRequest
) -> None:
    html = page(worker_en.post("/office/warehouse/scan/", {"code": WAYBILL}, **HTMX))
    assert "<html" not in html  # the htmx answer is the result only
    assert "banner-ok" in html
    assert f"Found: {number_of(booked)}" in html
    line = booked.lines.get().order_line
    assert line.name in html
    assert "8801234567890" in html
    assert f"/office/returns/{number_of(booked)}/receive/" in html


def test_a_scan_without_javascript_answers_the_whole_page(
    worker: Client, booked: ReturnRequest
) -> None:
    html = page(worker.post("/office/warehouse/scan/", {"code": number_of(booked).lower()}))
    assert '<html lang="ko">' in html
    assert "banner-ok" in html
    assert number_of(booked) in html


def test_an_unknown_code_is_red_and_offers_an_unidentified_parcel(
    worker_en: Client, booked: ReturnRequest
) -> None:
    html = page(worker_en.post("/office/warehouse/scan/", {"code": "NOPE-123"}, **HTMX))
    assert "banner-error" in html
    assert "✖" in html  # an icon and words, not the colour alone
    assert "Nothing matches NOPE-123" in html
    assert 'value="NOPE-123"' in html  # the register form, filled in
    assert "/office/warehouse/unidentified/" in html


def test_an_empty_scan_says_so(worker_en: Client) -> None:
    html = page(worker_en.post("/office/warehouse/scan/", {"code": "  "}, **HTMX))
    assert "Scan or type a code." in html
    assert "banner-error" in html


def test_receiving_a_box(worker_en: Client, booked: ReturnRequest) -> None:
    number = number_of(booked)
    html = page(
        worker_en.post(
            f"/office/returns/{number}/receive/", {f"r-{booked.pk}-boxes_received": 1}, **HTMX
        )
    )
    assert f"Received: {number}" in html
    assert f"/office/returns/{number}/inspect/" in html
    assert ReturnRequest.objects.get(pk=booked.pk).status == S.RECEIVED


def test_receiving_without_javascript_redirects_with_a_message(
    worker_en: Client, booked: ReturnRequest
) -> None:
    number = number_of(booked)
    answer = worker_en.post(f"/office/returns/{number}/receive/", {})
    assert answer.status_code == 302
    assert answer["Location"] == "/office/warehouse/scan/"
    html = page(worker_en.get("/office/warehouse/scan/"))
    assert f"Received: {number}" in html


def test_a_second_box_of_two(worker_en: Client, booked: ReturnRequest) -> None:
    Pickup.objects.filter(return_request=booked).update(box_count=2)
    number = number_of(booked)
    html = page(worker_en.post(f"/office/returns/{number}/receive/", {}, **HTMX))
    assert f"Partially received: {number}" in html
    assert "1 of 2 boxes are in" in html
    assert ReturnRequest.objects.get(pk=booked.pk).status == S.PARTIALLY_RECEIVED
    html = page(worker_en.post(f"/office/returns/{number}/receive/", {}, **HTMX))
    assert f"Received: {number}" in html


def test_a_double_scan_names_who_received_it_and_when(
    worker_en: Client, booked: ReturnRequest
) -> None:
    number = number_of(booked)
    page(worker_en.post(f"/office/returns/{number}/receive/", {}, **HTMX))
    html = page(worker_en.post(f"/office/returns/{number}/receive/", {}, **HTMX))
    assert "banner-error" in html
    assert f"Return {number} was already received on" in html
    assert "kim-en" in html
    # Scanned again, the page says so before anyone presses receive.
    html = page(worker_en.post("/office/warehouse/scan/", {"code": WAYBILL}, **HTMX))
    assert f"Already received: {number}" in html
    assert "by kim-en" in html
    assert "/receive/" not in html


@pytest.mark.parametrize("boxes", ["0", "-1", "abc", "100"])
def test_a_bad_box_count_is_not_received(
    worker_en: Client, booked: ReturnRequest, boxes: str
) -> None:
    number = number_of(booked)
    html = page(
        worker_en.post(
            f"/office/returns/{number}/receive/", {f"r-{booked.pk}-boxes_received": boxes}, **HTMX
        )
    )
    assert "Not received" in html
    assert ReturnRequest.objects.get(pk=booked.pk).status == S.PICKUP_REQUESTED


def test_a_product_barcode_lists_the_returns_awaiting_it(
    worker_en: Client, booked: ReturnRequest
) -> None:
    html = page(worker_en.post("/office/warehouse/scan/", {"code": "8801234567890"}, **HTMX))
    assert number_of(booked) in html
    assert "banner-ok" in html


# --- unidentified parcels -----------------------------------------------------------------------


def test_register_and_match_an_unidentified_parcel(
    worker_en: Client, booked: ReturnRequest
) -> None:
    answer = worker_en.post(
        "/office/warehouse/unidentified/",
        {"code": "UNKNOWN-1", "sender_name": "홍길동", "note": "blue box"},
    )
    assert answer.status_code == 302
    parcel = UnidentifiedParcel.objects.get()
    html = page(worker_en.get("/office/warehouse/unidentified/"))
    assert "UNKNOWN-1" in html
    assert f"Unidentified parcel {parcel.pk} registered" in html
    answer = worker_en.post(
        f"/office/warehouse/unidentified/{parcel.pk}/match/",
        {f"p-{parcel.pk}-return_number": number_of(booked)},
    )
    assert answer.status_code == 302
    assert ReturnRequest.objects.get(pk=booked.pk).status == S.RECEIVED
    html = page(worker_en.get("/office/warehouse/unidentified/"))
    assert f"matched to {number_of(booked)} and received" in html


def test_an_empty_unidentified_parcel_is_refused(worker_en: Client) -> None:
    html = page(worker_en.post("/office/warehouse/unidentified/", {"code": ""}), 422)
    assert "Give the scanned code, the sender" in html
    assert not UnidentifiedParcel.objects.exists()


def test_matching_to_an_unknown_return_says_so(worker_en: Client, store: Any) -> None:
    parcel = UnidentifiedParcel.objects.create(
        store=store, code="X", received_at="2026-07-06T10:00:00+09:00"
    )
    worker_en.post(
        f"/office/warehouse/unidentified/{parcel.pk}/match/",
        {f"p-{parcel.pk}-return_number": "R-0"},
    )
    html = page(worker_en.get("/office/warehouse/unidentified/"))
    assert "message-error" in html
    assert UnidentifiedParcel.objects.get().matched_return is None


# --- inspection -------------------------------------------------------------------------------


def inspection_post(return_request: ReturnRequest, **changes: Any) -> dict[str, Any]:
    line = return_request.lines.get()
    prefix = f"line-{line.pk}"
    data: dict[str, Any] = {
        f"{prefix}-quantity_received": line.quantity,
        f"{prefix}-quantity_accepted": line.quantity,
        f"{prefix}-condition": "unopened",
        f"{prefix}-grade": "A",
        f"{prefix}-outcome": "accept",
        f"{prefix}-deduction_amount": "0",
        f"{prefix}-to_restock": line.quantity,
        "note": "",
    }
    data.update(
        {f"{prefix}-{k}" if not k.startswith("_") else k[1:]: v for k, v in changes.items()}
    )
    return data


def test_the_inspection_form_for_a_received_return(worker: Client, order: Order) -> None:
    received = received_return(order)
    html = page(worker.get(f"/office/returns/{number_of(received)}/inspect/"))
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*"' in html
    assert 'capture="environment"' in html
    assert "multiple" in html
    assert 'name="line-' in html


def test_inspecting_with_a_photo_starts_the_refund(worker_en: Client, order: Order) -> None:
    received = received_return(order)
    number = number_of(received)
    data = inspection_post(received, photos=png())
    answer = worker_en.post(f"/office/returns/{number}/inspect/", data)
    assert answer.status_code == 302, answer.content[:2000]
    assert answer["Location"] == f"/office/returns/{number}/inspect/"
    after = ReturnRequest.objects.get(pk=received.pk)
    assert after.status == S.REFUND_PENDING
    assert LineInspection.objects.get().grade == "A"
    photo = InspectionPhoto.objects.get()
    assert photo.return_line_id == received.lines.get().pk
    refund = Refund.objects.get(return_request=received)
    html = page(worker_en.get(f"/office/returns/{number}/inspect/"))
    assert "Refund started" in html
    assert f"{refund.amount:,}" in html
    assert f"/office/warehouse/photos/{photo.pk}/" in html


def test_a_file_that_is_not_an_image_is_refused_next_to_the_photos(
    worker_en: Client, order: Order
) -> None:
    received = received_return(order)
    bad = SimpleUploadedFile("box.png", b"not an image at all", content_type="image/png")
    html = page(
        worker_en.post(
            f"/office/returns/{number_of(received)}/inspect/", inspection_post(received, photos=bad)
        ),
        422,
    )
    assert "Not a JPEG, PNG or WebP image." in html
    assert ReturnRequest.objects.get(pk=received.pk).status == S.RECEIVED
    assert not InspectionPhoto.objects.exists()


def test_accepting_more_than_received_is_refused_and_the_typing_kept(
    worker_en: Client, order: Order
) -> None:
    received = received_return(order)
    data = inspection_post(
        received, quantity_received=0, quantity_accepted=1, to_restock=0, note="looked twice"
    )
    html = page(worker_en.post(f"/office/returns/{number_of(received)}/inspect/", data), 422)
    assert "Cannot accept more units (1) than were received (0)." in html
    assert "looked twice" in html
    assert ReturnRequest.objects.get(pk=received.pk).status == S.RECEIVED


@pytest.mark.parametrize(
    ("field", "value"), [("quantity_received", "-1"), ("grade", "E"), ("deduction_amount", "x")]
)
def test_malformed_inspection_input_is_a_form_error(
    worker_en: Client, order: Order, field: str, value: str
) -> None:
    received = received_return(order)
    data = inspection_post(received, **{field: value})
    page(worker_en.post(f"/office/returns/{number_of(received)}/inspect/", data), 422)
    assert ReturnRequest.objects.get(pk=received.pk).status == S.RECEIVED


def test_a_fee_in_the_box_must_be_confirmed(worker_en: Client, order: Order) -> None:
    from banpum.policy.types import FeeCollection, FeePayer
    from banpum.returns.services import FeeOverride

    received = received_return(
        order,
        create_kwargs={"fee": FeeOverride(FeePayer.BUYER, 3000, FeeCollection.ENCLOSE_IN_BOX)},
    )
    number = number_of(received)
    html = page(
        worker_en.post(f"/office/returns/{number}/inspect/", inspection_post(received)), 422
    )
    assert "Say whether the return fee of" in html
    data = inspection_post(received, _fee_received="yes")
    assert worker_en.post(f"/office/returns/{number}/inspect/", data).status_code == 302
    assert ReturnRequest.objects.get(pk=received.pk).fee_settlement == "enclosed"


def test_a_return_not_received_is_not_inspectable(worker_en: Client, booked: ReturnRequest) -> None:
    html = page(worker_en.get(f"/office/returns/{number_of(booked)}/inspect/"))
    assert "Not ready for inspection" in html
    assert 'name="line-' not in html


def test_a_refused_line_sends_the_goods_back(worker_en: Client, order: Order) -> None:
    received = received_return(order)
    data = inspection_post(
        received,
        quantity_accepted=0,
        outcome="reject",
        reject_reason="value_lost",
        grade="D",
        to_restock=0,
        to_return_to_customer=1,
    )
    answer = worker_en.post(f"/office/returns/{number_of(received)}/inspect/", data)
    assert answer.status_code == 302, answer.content[:3000]
    html = page(worker_en.get(answer["Location"]))
    assert "sent back to the customer" in html


# --- photos -------------------------------------------------------------------------------------


def _photo(worker: Client, order: Order) -> InspectionPhoto:
    received = received_return(order)
    worker.post(
        f"/office/returns/{number_of(received)}/inspect/", inspection_post(received, photos=png())
    )
    return InspectionPhoto.objects.get()


def test_a_photo_is_served_to_its_store_only(
    worker: Client, cs: Client, other_worker: Client, order: Order
) -> None:
    photo = _photo(worker, order)
    answer = worker.get(f"/office/warehouse/photos/{photo.pk}/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/png"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(answer.content)).size == (32, 24)
    assert cs.get(f"/office/warehouse/photos/{photo.pk}/").status_code == 200
    assert other_worker.get(f"/office/warehouse/photos/{photo.pk}/").status_code == 404
    assert worker.get("/office/warehouse/photos/999999/").status_code == 404


# --- who may ------------------------------------------------------------------------------------


def test_a_role_without_the_capability_gets_the_403_page(
    cs: Client, booked: ReturnRequest, order: Order
) -> None:
    number = number_of(booked)
    for response in (
        cs.get("/office/warehouse/scan/"),
        cs.post("/office/warehouse/scan/", {"code": WAYBILL}),
        cs.post(f"/office/returns/{number}/receive/", {}),
        cs.get("/office/warehouse/unidentified/"),
        cs.post("/office/warehouse/unidentified/", {"code": "X"}),
        cs.get(f"/office/returns/{number}/inspect/"),
        cs.post(f"/office/returns/{number}/inspect/", {}),
    ):
        assert response.status_code == 403
    assert ReturnRequest.objects.get(pk=booked.pk).status == S.PICKUP_REQUESTED
    assert not UnidentifiedParcel.objects.exists()


def test_another_store_sees_nothing_of_this_one(
    other_worker: Client, booked: ReturnRequest, store: Any
) -> None:
    number = number_of(booked)
    html = page(other_worker.post("/office/warehouse/scan/", {"code": WAYBILL}, **HTMX))
    assert "Nothing matches" in html
    assert number not in html
    assert other_worker.post(f"/office/returns/{number}/receive/", {}).status_code == 404
    assert other_worker.get(f"/office/returns/{number}/inspect/").status_code == 404
    assert other_worker.post(f"/office/returns/{number}/inspect/", {}).status_code == 404
    parcel = UnidentifiedParcel.objects.create(
        store=store, code="MINE", received_at="2026-07-06T10:00:00+09:00"
    )
    answer = other_worker.post(
        f"/office/warehouse/unidentified/{parcel.pk}/match/",
        {f"p-{parcel.pk}-return_number": number},
    )
    assert answer.status_code == 404
    assert "MINE" not in page(other_worker.get("/office/warehouse/unidentified/?all=1"))
    assert ReturnRequest.objects.get(pk=booked.pk).status == S.PICKUP_REQUESTED


def test_a_scan_answers_in_a_fixed_number_of_queries(
    worker: Client, booked: ReturnRequest, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(25):
        page(worker.post("/office/warehouse/scan/", {"code": WAYBILL}, **HTMX))
