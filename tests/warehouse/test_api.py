"""The warehouse API: scan, receive, unidentified parcels, inspection, photos, stock."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from banpum.accounts.models import StoreMembership
from banpum.accounts.services import api_key_create
from banpum.returns.models import ReturnStatus as S
from banpum.warehouse.models import InspectionPhoto, StockMovement, UnidentifiedParcel
from banpum.warehouse.stock import stock_level_rebuilt
from tests.factories import StoreFactory, make_order, make_policy
from tests.logistics.helpers import approve, book, linked_account, reload
from tests.returns.helpers import number_of, open_return
from tests.warehouse.helpers import at, jpeg_bytes, png_with_exif, received_return, walk

pytestmark = pytest.mark.django_db


def _post(api: Client, path: str, body: dict[str, Any]) -> Any:
    return api.post(f"/api/v1{path}", body, content_type="application/json")


def test_a_waybill_scan_shows_what_should_be_in_the_box(api: Client, order: Any) -> None:
    linked_account(order.store, "http://127.0.0.1:9")
    return_request = approve(order)
    book(return_request, "612300000010")
    response = _post(api, "/warehouse/scan", {"code": "6123-0000-0010"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["matched_by"] == "waybill"
    [seen] = body["returns"]
    assert seen["number"] == return_request.number
    assert seen["receivable"] is True
    [line] = seen["lines"]
    assert (line["barcode"], line["quantity"]) == ("8801234567890", 1)
    assert seen["waybill_numbers"] == ["612300000010"]


def test_a_return_number_scans_in_any_case_without_hyphens(api: Client, order: Any) -> None:
    return_request = walk(open_return(order), S.AWAITING_SHIPMENT, at(3))
    typed = number_of(return_request).replace("-", "").lower()
    body = _post(api, "/warehouse/scan", {"code": typed}).json()
    assert body["matched_by"] == "return_number"
    assert [r["number"] for r in body["returns"]] == [return_request.number]


def test_a_product_barcode_lists_the_returns_awaiting_it(api: Client, order: Any) -> None:
    waiting = walk(open_return(order), S.AWAITING_SHIPMENT, at(3))
    body = _post(api, "/warehouse/scan", {"code": "8801234567890"}).json()
    assert body["matched_by"] == "product"
    assert [r["number"] for r in body["returns"]] == [waiting.number]


def test_an_unknown_code_is_a_404_that_says_what_to_do(api_en: Client, order: Any) -> None:
    response = _post(api_en, "/warehouse/scan", {"code": "NOPE-123"})
    assert response.status_code == 404
    assert response.json()["code"] == "scan_not_found"
    assert "unidentified" in response.json()["message"]


def test_receive_and_the_double_scan(api_en: Client, order: Any) -> None:
    number = number_of(walk(open_return(order), S.ARRIVED, at(3)))
    response = _post(api_en, f"/returns/{number}/receive", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "received"
    assert response.json()["boxes_received"] == 1
    again = _post(api_en, f"/returns/{number}/receive", {})
    assert again.status_code == 409
    assert again.json()["code"] == "already_received"
    assert "already received" in again.json()["message"]


def test_receive_refuses_a_bad_box_count_and_a_wrong_status(api: Client, order: Any) -> None:
    number = number_of(open_return(order))
    assert _post(api, f"/returns/{number}/receive", {"boxes_received": 0}).status_code == 422
    assert _post(api, f"/returns/{number}/receive", {"boxes": 1}).status_code == 422
    wrong = _post(api, f"/returns/{number}/receive", {})
    assert (wrong.status_code, wrong.json()["code"]) == (409, "illegal_transition")


@pytest.fixture
def other_store_return() -> Any:
    other = StoreFactory(slug="other-store")
    make_policy(other)
    return walk(open_return(make_order(store=other)), S.RECEIVED, at(6))


def test_another_stores_return_is_not_found(api: Client, other_store_return: Any) -> None:
    number = number_of(other_store_return)
    assert _post(api, f"/returns/{number}/receive", {}).status_code == 404
    assert api.get(f"/api/v1/returns/{number}/inspection").status_code == 404
    assert _post(api, "/warehouse/scan", {"code": number}).status_code == 404


def test_a_warehouse_capability_is_needed(store: Any, order: Any, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="cs-lee", password=None)
    membership = StoreMembership.objects.create(user=user, store=store, role="cs_agent")
    _, raw = api_key_create(store=store, name="cs", acts_for=membership)
    cs = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    number = number_of(walk(open_return(order), S.ARRIVED, at(3)))
    assert _post(cs, f"/returns/{number}/receive", {}).status_code == 403
    assert _post(cs, "/warehouse/scan", {"code": number}).status_code == 403
    assert _post(cs, "/stock/adjustments", {"sku": "X", "on_hand_change": 1}).status_code == 403


def test_an_unidentified_parcel_matched_later_is_received_when_it_arrived(
    api: Client, order: Any
) -> None:
    response = _post(
        api,
        "/warehouse/unidentified",
        {"code": "999000111", "sender_name": "홍길동", "note": "no slip"},
    )
    assert response.status_code == 201, response.content
    parcel_id = response.json()["id"]
    UnidentifiedParcel.objects.filter(pk=parcel_id).update(received_at=at(3, 15))
    listed = api.get("/api/v1/warehouse/unidentified?unmatched=true").json()
    assert [p["id"] for p in listed["results"]] == [parcel_id]

    return_request = walk(open_return(order), S.AWAITING_SHIPMENT, at(1))
    matched = _post(
        api,
        f"/warehouse/unidentified/{parcel_id}/match",
        {"return_number": return_request.number},
    )
    assert matched.status_code == 200, matched.content
    assert matched.json()["matched_return"] == return_request.number
    received = reload(return_request)
    assert (received.status, received.received_at) == (S.RECEIVED, at(3, 15))
    assert api.get("/api/v1/warehouse/unidentified?unmatched=true").json()["results"] == []
    again = _post(
        api,
        f"/warehouse/unidentified/{parcel_id}/match",
        {"return_number": return_request.number},
    )
    assert (again.status_code, again.json()["code"]) == (409, "unidentified_parcel_matched")


def test_an_empty_unidentified_registration_is_refused(api: Client) -> None:
    assert _post(api, "/warehouse/unidentified", {}).status_code == 422


def _inspection_body(line_id: int, **changes: Any) -> dict[str, Any]:
    line = {
        "return_line_id": line_id,
        "quantity_received": 1,
        "quantity_accepted": 1,
        "grade": "A",
        "condition": "unopened",
        "outcome": "accept",
        "dispositions": [{"quantity": 1, "action": "restock"}],
        **changes,
    }
    return {"lines": [line]}


def test_inspection_through_the_api(api_en: Client, order: Any) -> None:
    return_request = received_return(order)
    number = number_of(return_request)
    line_id = return_request.lines.get().pk
    response = _post(api_en, f"/returns/{number}/inspection", _inspection_body(line_id))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "refund_pending"  # settlement took it from inspected
    [line] = body["lines"]
    assert (line["grade"], line["grade_label"]) == ("A", "A: resellable as new")
    assert line["dispositions"] == [
        {"quantity": 1, "action": "restock", "action_label": "Restock", "location": "main"}
    ]
    assert api_en.get(f"/api/v1/returns/{number}/inspection").json() == body
    again = _post(api_en, f"/returns/{number}/inspection", _inspection_body(line_id))
    assert (again.status_code, again.json()["code"]) == (409, "not_inspectable")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity_accepted": 2}, "lines.0.quantity_accepted"),
        (
            {
                "grade": "C",
                "outcome": "accept_with_deduction",
                "deduction_amount": 500,
                "dispositions": [{"quantity": 1, "action": "dispose"}],
            },
            "lines.0.deduction_reason",
        ),
        (
            {
                "grade": "C",
                "outcome": "accept_with_deduction",
                "deduction_amount": 10001,
                "deduction_reason": "used",
                "dispositions": [{"quantity": 1, "action": "dispose"}],
            },
            "lines.0.deduction_amount",
        ),
        ({"dispositions": []}, "lines.0.dispositions"),
        ({"deduction_reason": "changed_mind"}, "lines.0.deduction_reason"),
    ],
)
def test_bad_inspections_are_422_with_the_field(
    api_en: Client, order: Any, changes: dict[str, Any], field: str
) -> None:
    return_request = received_return(order)
    line_id = return_request.lines.get().pk
    response = _post(
        api_en,
        f"/returns/{number_of(return_request)}/inspection",
        _inspection_body(line_id, **changes),
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["extra"]["fields"]


def _upload(api: Client, number: str, line_id: int, name: str, content: bytes) -> Any:
    upload = io.BytesIO(content)
    upload.name = name
    return api.post(f"/api/v1/returns/{number}/lines/{line_id}/photos", {"files": [upload]})


def test_a_photo_is_stored_without_its_exif_and_served_privately(api: Client, order: Any) -> None:
    return_request = received_return(order)
    line_id = return_request.lines.get().pk
    response = _upload(api, number_of(return_request), line_id, "box.png", png_with_exif())
    assert response.status_code == 201, response.content
    [photo] = response.json()["photos"]
    assert photo["content_type"] == "image/png"
    assert (photo["width"], photo["height"]) == (20, 40)  # turned upright by its orientation
    served = api.get(photo["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "private" in served["Cache-Control"]
    with Image.open(io.BytesIO(served.content)) as image:
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"SecretCam" not in served.content
    stored = InspectionPhoto.objects.get()
    assert stored.name.endswith(".png")
    assert "box" not in stored.name


def test_a_text_file_named_jpg_is_refused(api_en: Client, order: Any) -> None:
    return_request = received_return(order)
    line_id = return_request.lines.get().pk
    response = _upload(api_en, number_of(return_request), line_id, "x.jpg", b"hello, not a photo")
    assert response.status_code == 422
    assert response.json()["extra"]["fields"]["files.0"] == ["Not a JPEG, PNG or WebP image."]
    assert not InspectionPhoto.objects.exists()


def test_a_photo_over_the_limit_is_413(api_en: Client, order: Any, settings: Any) -> None:
    settings.BANPUM_INSPECTION_PHOTO_MAX_BYTES = 100
    return_request = received_return(order)
    line_id = return_request.lines.get().pk
    response = _upload(api_en, number_of(return_request), line_id, "big.jpg", jpeg_bytes())
    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert "100 bytes" in response.json()["message"]


def test_a_decompression_bomb_is_refused(api: Client, order: Any, settings: Any) -> None:
    settings.BANPUM_INSPECTION_PHOTO_MAX_PIXELS = 100
    return_request = received_return(order)
    line_id = return_request.lines.get().pk
    response = _upload(api, number_of(return_request), line_id, "a.jpg", jpeg_bytes((30, 30)))
    assert response.status_code == 422


def test_another_stores_photo_is_not_found(
    api: Client, order: Any, other_store_return: Any
) -> None:
    from banpum.warehouse.services import PhotoUpload, inspection_photos_add
    from tests.warehouse.helpers import WORKER

    [photo] = inspection_photos_add(
        store=other_store_return.store,
        uploads=[PhotoUpload("a.jpg", 10, io.BytesIO(jpeg_bytes()))],
        actor=WORKER,
        now=at(6),
    )
    assert api.get(f"/api/v1/warehouse/photos/{photo.pk}").status_code == 404
    assert api.get("/api/v1/warehouse/photos/999999").status_code == 404


def test_stock_balances_ledger_and_adjustments(api: Client, order: Any) -> None:
    return_request = received_return(order)
    line_id = return_request.lines.get().pk
    _post(api, f"/returns/{number_of(return_request)}/inspection", _inspection_body(line_id))
    sku = order.lines.get().sku
    adjusted = _post(api, "/stock/adjustments", {"sku": sku, "on_hand_change": 4, "note": "count"})
    assert adjusted.status_code == 201, adjusted.content
    assert adjusted.json()["on_hand_after"] == 5
    levels = api.get(f"/api/v1/stock?sku={sku}").json()["results"]
    assert [(lv["location"], lv["on_hand"], lv["available"]) for lv in levels] == [("main", 5, 5)]
    movements = api.get(f"/api/v1/stock/movements?sku={sku}").json()["results"]
    assert [m["kind"] for m in movements] == ["adjustment", "restock"]
    movement = StockMovement.objects.first()
    assert movement is not None
    assert stock_level_rebuilt(movement.product, movement.location) == (5, 0)
    too_many = _post(api, "/stock/adjustments", {"sku": sku, "on_hand_change": -6})
    assert (too_many.status_code, too_many.json()["code"]) == (409, "stock_not_enough")
    assert _post(api, "/stock/adjustments", {"sku": "NOPE", "on_hand_change": 1}).status_code == 404
    assert _post(api, "/stock/adjustments", {"sku": sku, "on_hand_change": 0}).status_code == 422
