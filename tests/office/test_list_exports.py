"""The Excel/CSV downloads of the order search and the unidentified parcels (``office.exports``):
the filtered list of the person's store, every page of it, masked as the page is, typed cells,
formulas neutralised, bounded, and only for those who may see the list."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from banpum.commerce.models import Order
from banpum.office import exports, orders
from banpum.warehouse.models import UnidentifiedParcel
from tests.factories import CustomerFactory, make_order
from tests.office.conftest import member, return_for
from tests.returns.helpers import number_of

pytestmark = pytest.mark.django_db

ORDERS = "/office/orders/"
PARCELS = "/office/warehouse/unidentified/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# 15:30 UTC on 2 March is 00:30 on 3 March in Seoul: the export is on the store's clock.
ORDERED_AT = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)
SEOUL = ZoneInfo("Asia/Seoul")
# What a spreadsheet holds: the store's wall clock, without a zone (cells have none).
ORDERED_LOCAL = dt.datetime(2026, 3, 3, 0, 30, tzinfo=SEOUL).replace(tzinfo=None)
ARRIVED_AT = dt.datetime(2026, 3, 4, 1, 0, tzinfo=dt.UTC)
ARRIVED_LOCAL = dt.datetime(2026, 3, 4, 10, 0, tzinfo=SEOUL).replace(tzinfo=None)


def client_for(user: Any, language: str = "ko") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == CSV
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the Korean right
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def xlsx_rows(response: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return sheet, list(sheet.values)


def attachment(response: Any, name: str, extension: str) -> None:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert f'filename="{name}-test-store-' in disposition, disposition
    assert disposition.endswith(f'.{extension}"'), disposition


# --- order search ------------------------------------------------------------------------------


def order_for(store: Any, *, number: str, name: str, phone: str, paid_lines: int = 1) -> Order:
    customer = CustomerFactory(store=store, name=name, phone=phone)
    return make_order(
        store=store,
        customer=customer,
        channel_order_number=number,
        shipping_name=name,
        shipping_phone=phone,
        ordered_at=ORDERED_AT,
        lines=[{"quantity": 1, "unit_price": 10000}] * paid_lines,
    )


@pytest.fixture
def kims(store: Any, store2: Any) -> list[Order]:
    """Two of store A's orders by 김철수 (one named like a formula), one of someone else's,
    and a 김철수 of store B."""
    first = order_for(store, number="ORD-1", name="김철수", phone="010-1234-5678")
    second = order_for(store, number="=cmd|' /C calc'!A0", name="김철수", phone="010-2222-3333")
    order_for(store, number="ORD-3", name="이민수", phone="010-4444-5555")
    order_for(store2, number="ORD-B", name="김철수", phone="010-9999-8888")
    return [first, second]


@pytest.fixture
def cs_user(django_user_model: Any, store: Any) -> Any:
    return member(django_user_model, "cs", store, role="cs_agent")


@pytest.fixture
def cs(cs_user: Any) -> Client:
    return client_for(cs_user)


@pytest.fixture
def cs_en(cs_user: Any) -> Client:
    return client_for(cs_user, "en")


def test_the_order_search_exports_csv_masked_and_safe(cs_en: Client, kims: list[Order]) -> None:
    response = cs_en.get(ORDERS, {"q": "김철수", "_export": "csv"})
    rows = csv_rows(response)
    attachment(response, "orders", "csv")
    assert rows[0] == [
        "Order number",
        "Sales channel",
        "Ordered",
        "Customer",
        "Phone",
        "Recipient",
        "Amount paid",
    ]
    assert sorted(row[0] for row in rows[1:]) == sorted(["ORD-1", "'=cmd|' /C calc'!A0"])
    first = next(row for row in rows[1:] if row[0] == "ORD-1")
    assert first[2] == "2026-03-03 00:30:00"
    assert first[3:6] == ["김철수", "010-****-5678", "김철수"]
    assert first[6] == str(kims[0].paid_total)
    body = response.content.decode("utf-8")
    assert "1234" not in body
    assert "2222" not in body
    assert "ORD-B" not in body
    assert "ORD-3" not in body
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_order_search_exports_xlsx_with_typed_cells(cs: Client, kims: list[Order]) -> None:
    response = cs.get(ORDERS, {"q": "김철수", "_export": "xlsx"})
    sheet, rows = xlsx_rows(response)
    attachment(response, "orders", "xlsx")
    assert rows[0][0] == "주문 번호"  # headers in the reader's language
    assert "결제 금액" in rows[0]
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {"ORD-1", "'=cmd|' /C calc'!A0"}
    first = by_number["ORD-1"]
    assert first[2] == ORDERED_LOCAL  # a date cell on the store's clock
    assert first[4] == "010-****-5678"
    assert first[6] == kims[0].paid_total
    assert isinstance(first[6], int)
    money_cell = next(c for c in sheet["G"] if c.row > 1)
    assert money_cell.number_format == "#,##0"
    date_cell = next(c for c in sheet["C"] if c.row > 1)
    assert date_cell.is_date
    assert not any(isinstance(v, str) and v.startswith("=") for row in rows for v in row)


def test_the_order_export_has_every_page_not_the_visible_one(
    cs: Client, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        order_for(store, number=f"P-{n}", name="박지민", phone=f"010-7777-000{n}")
    monkeypatch.setattr(orders, "PER_PAGE", 2)
    page = cs.get(ORDERS, {"q": "박지민", "page": "2"}).content.decode()
    assert sum(f"P-{n}<" in page for n in range(3)) == 1  # page 2 of 2 shows one of three
    rows = csv_rows(cs.get(ORDERS, {"q": "박지민", "page": "2", "_export": "csv"}))
    assert sorted(row[0] for row in rows[1:]) == ["P-0", "P-1", "P-2"]


def test_a_single_hit_downloads_rather_than_opening_the_order(
    cs: Client, kims: list[Order]
) -> None:
    assert cs.get(ORDERS, {"q": "ORD-1"}).status_code == 302  # the page still jumps to it
    rows = csv_rows(cs.get(ORDERS, {"q": "ORD-1", "_export": "csv"}))
    assert [row[0] for row in rows[1:]] == ["ORD-1"]


def test_the_order_search_page_links_its_downloads(cs: Client, kims: list[Order]) -> None:
    page = cs.get(ORDERS, {"q": "김철수", "page": "1"}).content.decode()
    assert "?q=%EA%B9%80%EC%B2%A0%EC%88%98&amp;_export=xlsx" in page
    assert "?q=%EA%B9%80%EC%B2%A0%EC%88%98&amp;_export=csv" in page


def test_an_unknown_export_format_renders_the_page(cs: Client, kims: list[Order]) -> None:
    for wanted in ("pdf", "json", "", "XLSX"):
        response = cs.get(ORDERS, {"q": "김철수", "_export": wanted})
        assert response.status_code == 200, wanted
        assert response["Content-Type"].startswith("text/html"), wanted


def test_an_order_export_over_the_limit_is_refused_with_a_message(
    cs_en: Client, kims: list[Order], monkeypatch: pytest.MonkeyPatch
) -> None:
    en = cs_en
    monkeypatch.setattr(exports, "EXPORT_ROW_LIMIT", 1)
    response = en.get(ORDERS, {"q": "김철수", "sort": "-paid_total", "_export": "xlsx"})
    assert response.status_code == 302
    assert "_export" not in response["Location"]
    assert "q=%EA%B9%80%EC%B2%A0%EC%88%98" in response["Location"]
    assert "sort=-paid_total" in response["Location"]
    page = en.get(response["Location"]).content.decode()
    assert "This list has 2 rows and a download takes at most 1." in page
    assert "Narrow the search" in page
    # At the limit the file comes.
    monkeypatch.setattr(exports, "EXPORT_ROW_LIMIT", 2)
    assert en.get(ORDERS, {"q": "김철수", "_export": "csv"}).status_code == 200


def test_every_role_of_the_store_may_export_orders_and_no_one_else(
    django_user_model: Any, kims: list[Order]
) -> None:
    query = {"q": "김철수", "_export": "csv"}
    for role in ("warehouse", "manager"):
        user = member(django_user_model, f"u-{role}", kims[0].store, role=role)
        assert client_for(user).get(ORDERS, query).status_code == 200, role
    assert Client().get(ORDERS, query).status_code == 302  # to the sign-in page
    stranger = member(django_user_model, "nobody", None)
    assert client_for(stranger).get(ORDERS, query).status_code == 403


def test_store_b_exports_only_its_own_orders(
    django_user_model: Any, store2: Any, kims: list[Order]
) -> None:
    other = client_for(member(django_user_model, "cs-b", store2))
    rows = csv_rows(other.get(ORDERS, {"q": "김철수", "_export": "csv"}))
    assert [row[0] for row in rows[1:]] == ["ORD-B"]
    assert "store-2" in other.get(ORDERS, {"q": "김철수", "_export": "csv"})["Content-Disposition"]


def test_the_order_export_queries_do_not_grow_with_the_orders(cs: Client, store: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cs.get(ORDERS, {"q": "최", "_export": "xlsx"}).status_code == 200
        return len(captured.captured_queries)

    for n in range(2):
        order_for(store, number=f"Q-{n}", name="최지은", phone=f"010-6666-000{n}")
    few = queries()
    for n in range(2, 8):
        order_for(store, number=f"Q-{n}", name="최지은", phone=f"010-6666-000{n}")
    assert queries() == few


# --- unidentified parcels ----------------------------------------------------------------------


def parcel(store: Any, **facts: Any) -> UnidentifiedParcel:
    return UnidentifiedParcel.objects.create(store=store, received_at=ARRIVED_AT, **facts)


@pytest.fixture
def parcels(store: Any, store2: Any) -> dict[str, UnidentifiedParcel]:
    matched_to = return_for(store, name="김철수", phone="010-1234-5678", order_number="M-1")
    waiting = parcel(
        store, code="BOX-1", sender_name="홍길동", sender_phone="010-3333-4444", note="=cmd"
    )
    other = parcel(store, code="+BOX-2", sender_name="", sender_phone="", note="")
    matched = parcel(
        store,
        code="BOX-3",
        sender_name="김철수",
        sender_phone="01012345678",
        matched_return=matched_to,
        matched_at=ARRIVED_AT,
    )
    parcel(store2, code="BOX-B", sender_name="박영희", sender_phone="010-9999-8888")
    return {"waiting": waiting, "other": other, "matched": matched}


@pytest.fixture
def worker_user(django_user_model: Any, store: Any) -> Any:
    return member(django_user_model, "kim", store, role="warehouse")


@pytest.fixture
def worker(worker_user: Any) -> Client:
    return client_for(worker_user)


@pytest.fixture
def worker_en(worker_user: Any) -> Client:
    return client_for(worker_user, "en")


def test_the_waiting_parcels_export_as_csv_masked_and_safe(
    worker_en: Client, parcels: dict[str, UnidentifiedParcel]
) -> None:
    response = worker_en.get(PARCELS, {"_export": "csv"})
    rows = csv_rows(response)
    attachment(response, "unidentified-parcels", "csv")
    assert rows[0] == ["#", "Arrived", "Code", "Sender", "Note", "Return"]
    by_id = {row[0]: row for row in rows[1:]}
    # Only those waiting, as the page's default view; newest first.
    assert list(by_id) == [str(parcels["other"].pk), str(parcels["waiting"].pk)]
    waiting = by_id[str(parcels["waiting"].pk)]
    assert waiting[1:] == ["2026-03-04 10:00:00", "BOX-1", "홍길동 010-****-4444", "'=cmd", ""]
    assert by_id[str(parcels["other"].pk)][2] == "'+BOX-2"
    body = response.content.decode("utf-8")
    assert "3333" not in body  # the sender's phone is masked, as lists show phones
    assert "BOX-B" not in body
    assert "박영희" not in body


def test_all_parcels_export_as_xlsx_with_the_filter_and_typed_cells(
    worker: Client, parcels: dict[str, UnidentifiedParcel]
) -> None:
    response = worker.get(PARCELS, {"all": "1", "_export": "xlsx"})
    _sheet, rows = xlsx_rows(response)
    attachment(response, "unidentified-parcels", "xlsx")
    assert rows[0][1] == "도착일시"
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {p.pk for p in parcels.values()}
    matched = by_id[parcels["matched"].pk]
    assert matched[1] == ARRIVED_LOCAL
    assert matched[3] == "김철수 010-****-5678"
    matched_to = parcels["matched"].matched_return
    assert matched_to is not None
    assert matched[5] == number_of(matched_to)
    assert by_id[parcels["waiting"].pk][4] == "'=cmd"
    assert not any(isinstance(v, str) and v.startswith(("=", "+")) for row in rows for v in row)
    assert "BOX-B" not in str(rows)


def test_the_parcels_page_links_its_downloads_with_its_filter(
    worker: Client, parcels: dict[str, UnidentifiedParcel]
) -> None:
    page = worker.get(PARCELS, {"all": "1"}).content.decode()
    assert 'href="?all=1&amp;_export=xlsx"' in page
    assert 'href="?all=1&amp;_export=csv"' in page
    assert 'href="?_export=csv"' in worker.get(PARCELS).content.decode()


def test_an_unknown_parcel_export_format_renders_the_page(
    worker: Client, parcels: dict[str, UnidentifiedParcel]
) -> None:
    response = worker.get(PARCELS, {"_export": "ods"})
    assert response.status_code == 200
    assert "BOX-1" in response.content.decode()


def test_a_parcel_export_over_the_limit_is_refused_with_a_message(
    worker_en: Client, parcels: dict[str, UnidentifiedParcel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "EXPORT_ROW_LIMIT", 2)
    response = worker_en.get(PARCELS, {"all": "1", "_export": "csv"})
    assert response.status_code == 302
    assert response["Location"] == f"{PARCELS}?all=1"
    page = worker_en.get(response["Location"]).content.decode()
    assert "This list has 3 rows and a download takes at most 2." in page
    assert 'class="message message-warning"' in page
    # Those waiting are two: at the limit, the file comes.
    assert worker_en.get(PARCELS, {"_export": "csv"}).status_code == 200


def test_only_who_receives_parcels_may_export_them(
    django_user_model: Any, store: Any, parcels: dict[str, UnidentifiedParcel]
) -> None:
    agent = client_for(member(django_user_model, "agent", store, role="cs_agent"))
    refused = agent.get(PARCELS, {"_export": "csv"})
    assert refused.status_code == 403
    assert "BOX-1" not in refused.content.decode()
    manager = client_for(member(django_user_model, "boss", store, role="manager"))
    assert manager.get(PARCELS, {"_export": "xlsx"}).status_code == 200
    assert Client().get(PARCELS, {"_export": "csv"}).status_code == 302


def test_store_b_exports_only_its_own_parcels(
    django_user_model: Any, store2: Any, parcels: dict[str, UnidentifiedParcel]
) -> None:
    other = client_for(member(django_user_model, "lee", store2, role="warehouse"))
    rows = csv_rows(other.get(PARCELS, {"all": "1", "_export": "csv"}))
    assert [row[2] for row in rows[1:]] == ["BOX-B"]


def test_the_parcel_export_queries_do_not_grow_with_the_parcels(
    worker: Client, store: Any, parcels: dict[str, UnidentifiedParcel]
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert worker.get(PARCELS, {"all": "1", "_export": "csv"}).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(5):
        parcel(store, code=f"MORE-{n}", matched_return=parcels["matched"].matched_return)
    assert queries() == few


def test_a_control_character_in_a_note_does_not_break_the_sheet(worker: Client, store: Any) -> None:
    parcel(store, code="BELL", note="ring\x07 twice")
    _sheet, rows = xlsx_rows(worker.get(PARCELS, {"_export": "xlsx"}))
    assert rows[1][4] == "ring twice"


# --- the return list, through the same helper -------------------------------------------------


def test_the_return_list_exports_typed_cells_and_is_bounded_too(
    cs_en: Client, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = return_for(store, name="김철수", phone="010-1234-5678", order_number="R-1")
    response = cs_en.get("/office/returns/", {"_export": "xlsx"})
    sheet, rows = xlsx_rows(response)
    attachment(response, "returns", "xlsx")
    assert rows[1][0] == number_of(made)
    created = next(c for c in sheet["F"] if c.row > 1)
    assert created.is_date
    assert created.value.date() == made.created_at.astimezone(SEOUL).date()
    refund = next(c for c in sheet["G"] if c.row > 1)
    assert refund.value == made.refund_estimate
    assert refund.number_format == "#,##0"
    monkeypatch.setattr(exports, "EXPORT_ROW_LIMIT", 0)
    refused = cs_en.get("/office/returns/", {"status": "requested", "_export": "csv"})
    assert refused.status_code == 302
    assert refused["Location"] == "/office/returns/?status=requested"
