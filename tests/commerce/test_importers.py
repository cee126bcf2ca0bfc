"""importers: CSV (UTF-8, BOM, CP949) and .xlsx, grouping, row-level errors, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import translation

from banpum.commerce.importers import ImportFailed, orders_import, orders_read
from banpum.commerce.models import Order, OrderLine, Product
from tests.commerce.helpers import HEADER, open_return, row, sample_rows, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the messages' words: in English, not the Korean default."""
    with translation.override("en"):
        yield


SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_csv_encodings(
    store: Any, channel: Any, coupang: Any, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "orders.csv", sample_rows(), encoding=encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = orders_import(store=store, path=path)

    assert (result.orders, result.upsert.created, result.upsert.updated, result.rows) == (
        3,
        3,
        0,
        4,
    )
    order = Order.objects.get(channel=channel, channel_order_number="A-1")
    assert order.customer is not None
    assert order.customer.name == "김민지"
    assert order.shipping_address1 == "서울특별시 강남구 테헤란로 152"
    assert order.ordered_at == dt.datetime(2025, 3, 2, 10, 15, tzinfo=SEOUL)
    assert order.payment_method == "card"
    assert order.free_shipping is False
    lines = list(order.lines.order_by("line_number"))
    assert [(ln.line_number, ln.sku, ln.name, ln.quantity, ln.paid_amount) for ln in lines] == [
        (1, "TS-RED-M", "티셔츠 레드 M", 2, 30000),
        (2, "CAP-01", "모자", 1, 12000),
    ]
    assert order.paid_total == 45000
    assert order.shipments.get().delivered_at == dt.datetime(2025, 3, 4, 15, 30, tzinfo=SEOUL)
    assert Order.objects.get(channel_order_number="A-3").channel == coupang


def test_reimport_updates_instead_of_duplicating(
    store: Any, channel: Any, coupang: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "orders.csv", sample_rows())
    orders_import(store=store, path=path)
    rows = sample_rows()
    rows[2] = row(sku="CAP-01", product_name="모자", quantity="3", unit_price="12000")
    result = orders_import(store=store, path=write_csv(tmp_path / "again.csv", rows))
    assert (result.upsert.created, result.upsert.updated) == (0, 3)
    assert Order.objects.count() == 3
    assert OrderLine.objects.count() == 4
    assert OrderLine.objects.get(order__channel_order_number="A-1", line_number=2).quantity == 3


def test_korean_headers_and_order_fields_on_first_line_only(
    store: Any, channel: Any, tmp_path: Path
) -> None:
    header = ["판매채널", "주문번호", "주문일시", "주문자명", "주문자연락처", "수취인명", "배송비",
              "상품코드", "상품명", "수량", "판매가", "할인금액", "송장번호", "택배사"]  # fmt: skip
    rows = [
        header,
        ["mall", "N-1", "2025.03.02 10:15", "이서준", "010-7777-8888", "이서준", "3,000",
         "SKU-1", "바지", "1", "39000", "4000", "700000000001", "kr.epost"],
        ["mall", "N-1", "", "", "", "", "", "SKU-2", "벨트", "2", "10000", "", "", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "스마트스토어.csv", rows, encoding="cp949")

    orders_import(store=store, path=path)

    order = Order.objects.get(channel_order_number="N-1")
    assert order.ordered_at == dt.datetime(2025, 3, 2, 10, 15, tzinfo=SEOUL)
    assert order.shipping_fee == 3000
    assert order.customer is not None
    assert order.customer.phone == "01077778888"
    assert list(order.lines.values_list("sku", "paid_amount").order_by("line_number")) == [
        ("SKU-1", 35000),
        ("SKU-2", 20000),
    ]
    assert order.shipments.get().carrier_code == "kr.epost"


def test_xlsx(store: Any, channel: Any, coupang: Any, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([column.upper() for column in HEADER])  # headers are case-insensitive
    sheet.append(
        row(
            ordered_at=dt.datetime(2025, 3, 2, 10, 15),  # noqa: DTZ001 - cells have no zone
            shipping_fee=3000,
            quantity=2,
            unit_price=15000,
            discount=0,
            customer_phone=1012345678,
            shipping_postcode=6234,
            free_shipping=True,
            order_number=20250302001,
        )
    )
    sheet.append(row(ordered_at=dt.datetime(2025, 3, 2, 10, 15), shipping_fee=3000,  # noqa: DTZ001
                     order_number=20250302001, sku="CAP-01", product_name="모자",
                     quantity=1, unit_price=12000.0, free_shipping=True,
                     customer_phone=1012345678, shipping_postcode=6234))  # fmt: skip
    path = tmp_path / "orders.xlsx"
    workbook.save(path)

    result = orders_import(store=store, path=path)

    assert (result.orders, result.rows) == (1, 2)
    order = Order.objects.get(channel_order_number="20250302001")
    assert order.free_shipping is True
    assert order.shipping_postcode == "06234"
    assert order.customer is not None
    assert order.customer.phone == "01012345678"
    assert order.ordered_at == dt.datetime(2025, 3, 2, 10, 15, tzinfo=SEOUL)
    assert order.paid_total == 30000 + 12000 + 3000


def test_row_errors_name_the_row_and_column(store: Any, channel: Any, tmp_path: Path) -> None:
    rows = [
        HEADER,
        row(),                                                    # row 2: fine
        row(sku="CAP-01", quantity="0"),                          # row 3
        row(order_number="A-2", unit_price="12.5"),               # row 4
        row(order_number="A-3", shipping_fee="-100"),             # row 5
        row(order_number="A-4", ordered_at="어제"),                # row 6
        row(order_number="A-5", sku=""),                          # row 7
        row(order_number="A-6", channel="nope"),                  # row 8
        row(order_number="A-7", customer_email="not-an-email"),   # row 9
        row(order_number="A-8", discount="99999"),                # row 10
        row(order_number="A-9", channel="shop", quantity="x"),    # row 11
    ]  # fmt: skip
    path = write_csv(tmp_path / "orders.csv", rows)

    with pytest.raises(ImportFailed) as exc:
        orders_import(store=store, path=path)

    assert exc.value.errors == [
        "row 3, quantity: must be at least 1",
        "row 4, unit_price: must be a whole number (no decimals), not 12.5",
        "row 5, shipping_fee: must not be negative",
        "row 6, ordered_at: is not a date and time (write 2024-05-01 13:45), not '어제'",
        "row 7, sku: is required",
        "row 8, channel: Unknown channel 'nope'; this store's channel codes: mall.",
        "row 9, customer_email: is not an email address",
        "row 10, discount: is more than the line's price (30000 = unit_price × quantity)",
        "row 11, channel: Unknown channel 'shop'; this store's channel codes: mall.",
        "row 11, quantity: must be a whole number, not 'x'",
    ]
    assert "10 problem(s) in orders.csv" in exc.value.message
    assert exc.value.extra["fields"]["rows.3.quantity"] == ["must be at least 1"]
    assert Order.objects.count() == 0
    assert Product.objects.count() == 0


def test_conflicting_order_values_are_reported(store: Any, channel: Any, tmp_path: Path) -> None:
    rows = [HEADER, row(), row(sku="CAP-01", shipping_fee="0")]
    with pytest.raises(ImportFailed) as exc:
        orders_import(store=store, path=write_csv(tmp_path / "o.csv", rows))
    assert exc.value.errors == [
        "row 3, shipping_fee: '0' differs from row 2 of the same order ('3000'); "
        "repeat the order's value or leave the cell blank"
    ]


def test_duplicate_line_numbers_point_at_the_row(store: Any, channel: Any, tmp_path: Path) -> None:
    rows = [HEADER, row(line_number="1"), row(line_number="1", sku="CAP-01")]
    with pytest.raises(ImportFailed) as exc:
        orders_import(store=store, path=write_csv(tmp_path / "o.csv", rows))
    assert exc.value.errors == [
        "row 3, line_number: Line number 1 is used twice in this order (also by lines.0)."
    ]


def test_quantity_below_claimed_units_points_at_the_row(
    store: Any, channel: Any, tmp_path: Path
) -> None:
    orders_import(store=store, path=write_csv(tmp_path / "o.csv", [HEADER, row(quantity="3")]))
    open_return(Order.objects.get(), {1: 2})
    rows = [HEADER, row(order_number="A-0"), row(quantity="1")]
    with pytest.raises(ImportFailed) as exc:
        orders_import(store=store, path=write_csv(tmp_path / "again.csv", rows))
    assert exc.value.errors == [
        "row 3, quantity: 2 unit(s) are claimed by returns; the quantity cannot drop below 2."
    ]
    assert not Order.objects.filter(channel_order_number="A-0").exists()


def test_missing_required_columns_is_one_error(store: Any, tmp_path: Path) -> None:
    rows = [
        ["channel", "주문번호", "ordered_at", "product_name", "unit_price"],
        ["mall", "1", "", "", ""],
    ]
    with pytest.raises(ImportFailed) as exc:
        orders_read(write_csv(tmp_path / "o.csv", rows))
    assert len(exc.value.errors) == 1
    assert exc.value.errors[0].startswith(
        "The header row is not usable: missing required column(s): sku, quantity"
    )
    assert exc.value.message == exc.value.errors[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("orders.txt", "Cannot import '.txt' files; use .csv or .xlsx."),
        ("orders", "Cannot import 'orders' files; use .csv or .xlsx."),
        ("orders.xls", "orders.xls is an old-style Excel file (.xls); save it as .xlsx or CSV."),
    ],
)
def test_unsupported_file_types(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    path.write_text("channel,order_number\n")
    with pytest.raises(ImportFailed) as exc:
        orders_read(path)
    assert exc.value.message == message


def test_broken_xlsx_and_empty_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ImportFailed, match=r"not a readable \.xlsx"):
        orders_read(broken)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportFailed, match="empty"):
        orders_read(empty)
    header_only = write_csv(tmp_path / "header.csv", [HEADER])
    with pytest.raises(ImportFailed, match="no order lines"):
        orders_read(header_only)


def test_undecodable_csv(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"channel,order_number\n\xff\xfe\xfa\n")
    with pytest.raises(ImportFailed, match="UTF-8 or CP949"):
        orders_read(path)


def test_dry_run_imports_nothing(store: Any, channel: Any, coupang: Any, tmp_path: Path) -> None:
    result = orders_import(
        store=store, path=write_csv(tmp_path / "o.csv", sample_rows()), dry_run=True
    )
    assert (result.orders, result.upsert.created, result.dry_run) == (3, 3, True)
    assert Order.objects.count() == 0
