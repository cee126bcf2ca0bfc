"""Orders from a CSV or Excel file, one row per order line.

Rows are grouped into orders by (channel, order number), in the order they first appear, and
handed to ``services.order_bulk_upsert`` in one batch: a file is imported whole or not at all.
Every row is checked, and every problem is reported the way a seller finds it in the
spreadsheet, "row 7, quantity: must be at least 1" (the header is row 1), including problems
only the database can see (an unknown channel, a quantity below the units already returned).

CSV files may be UTF-8 (with or without the BOM Excel writes for "CSV UTF-8"), CP949 (what
Korean Excel writes for plain "CSV") or UTF-16 (Excel's "Unicode text"); the separator is a
comma, a tab or a semicolon. Excel files are ``.xlsx``, read in openpyxl's streaming mode, first
sheet. Headers are matched case-insensitively, ignoring spaces and underscores, and Korean
headers from the usual marketplace exports are understood (주문번호, 수량, 송장번호, …).

Order-level columns (channel, customer, address, payment, shipment) may be repeated on every
line of an order or filled on one line only; two different values for one order are an error.
On an update, columns missing from the file keep the stored values.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from banpum.commerce import errors as catalogue
from banpum.commerce.models import Store
from banpum.commerce.options import OptionsError, option_group_clean, options_parse
from banpum.commerce.schemas import OrderIn
from banpum.commerce.selectors import sales_channel_codes
from banpum.commerce.services import UpsertResult, order_bulk_upsert, unknown_channel_message
from banpum.core.errors import ValidationFailed
from banpum.core.validation import validation_message

logger = logging.getLogger(__name__)

# canonical column → accepted header spellings (compared after _normalise)
COLUMNS: dict[str, tuple[str, ...]] = {
    "channel": ("channel", "channel_code", "채널", "판매채널", "판매처", "채널코드"),
    "order_number": ("order_number", "order_no", "주문번호", "채널주문번호"),
    "ordered_at": ("ordered_at", "order_date", "주문일시", "주문일", "주문일자", "결제일시"),
    "customer_name": ("customer_name", "buyer_name", "주문자", "주문자명", "구매자", "구매자명"),
    "customer_phone": (
        "customer_phone",
        "buyer_phone",
        "주문자연락처",
        "주문자전화번호",
        "주문자휴대폰",
        "구매자연락처",
        "구매자전화번호",
    ),
    "customer_email": ("customer_email", "buyer_email", "email", "주문자이메일", "구매자이메일"),
    "shipping_name": (
        "shipping_name",
        "recipient",
        "수령인",
        "수령자",
        "수취인",
        "수취인명",
        "받는분",
    ),
    "shipping_phone": (
        "shipping_phone",
        "recipient_phone",
        "수령인연락처",
        "수취인연락처",
        "수취인전화번호",
        "받는분연락처",
    ),
    "shipping_postcode": ("shipping_postcode", "postcode", "zip", "우편번호"),
    "shipping_address1": ("shipping_address1", "address", "address1", "주소", "배송지", "기본주소"),
    "shipping_address2": ("shipping_address2", "address2", "상세주소", "배송지상세"),
    "shipping_fee": ("shipping_fee", "배송비"),
    "free_shipping": ("free_shipping", "무료배송"),
    "payment_method": ("payment_method", "결제수단", "결제방법"),
    "payment_reference": ("payment_reference", "payment_id", "결제번호", "거래번호", "결제키"),
    "line_number": ("line_number", "line", "라인번호", "품목번호", "상품순번"),
    "sku": ("sku", "product_code", "상품코드", "판매자상품코드", "품번"),
    "product_name": ("product_name", "product", "item_name", "상품명", "품명"),
    "category": ("category", "카테고리", "분류"),
    "option_group": ("option_group", "style_code", "옵션그룹", "스타일코드", "상품그룹코드"),
    "options": ("options", "option", "옵션", "옵션정보", "옵션명", "옵션내용"),
    "quantity": ("quantity", "qty", "수량", "주문수량"),
    "unit_price": ("unit_price", "price", "단가", "판매가", "판매단가"),
    "discount": ("discount", "할인", "할인금액", "할인액"),
    "paid_amount": ("paid_amount", "결제금액", "실결제금액", "상품결제금액"),
    "carrier": ("carrier", "carrier_code", "courier", "택배사", "배송사", "택배사코드"),
    "tracking_number": ("tracking_number", "tracking", "waybill", "송장번호", "운송장번호"),
    "shipped_at": ("shipped_at", "발송일시", "발송일", "출고일시", "출고일"),
    "delivered_at": ("delivered_at", "배송완료일시", "배송완료일"),
}
REQUIRED = (
    "channel",
    "order_number",
    "ordered_at",
    "sku",
    "product_name",
    "quantity",
    "unit_price",
)

_ORDER_TEXT = {
    "shipping_name": "shipping_name",
    "shipping_phone": "shipping_phone",
    "shipping_postcode": "shipping_postcode",
    "shipping_address1": "shipping_address1",
    "shipping_address2": "shipping_address2",
    "payment_method": "payment_method",
    "payment_reference": "payment_reference",
}
_CUSTOMER = {"customer_name": "name", "customer_phone": "phone", "customer_email": "email"}
_SHIPMENT = {
    "carrier": "carrier_code",
    "tracking_number": "tracking_number",
    "shipped_at": "shipped_at",
    "delivered_at": "delivered_at",
}
_LINE = {
    "line_number": "line_number",
    "sku": "sku",
    "product_name": "name",
    "category": "category",
    "option_group": "option_group",
    "options": "options",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "discount": "discount",
    "paid_amount": "paid_amount",
}
_ORDER_LEVEL = (
    "ordered_at",
    *_ORDER_TEXT,
    "shipping_fee",
    "free_shipping",
    *_CUSTOMER,
    *_SHIPMENT,
)
# How each column's cells are read; the rest are text.
_KINDS = {
    "ordered_at": "datetime",
    "shipped_at": "datetime",
    "delivered_at": "datetime",
    "shipping_fee": "money",
    "unit_price": "money",
    "discount": "money",
    "paid_amount": "money",
    "quantity": "quantity",
    "line_number": "line_number",
    "free_shipping": "bool",
    "customer_phone": "phone",
    "shipping_phone": "phone",
    "shipping_postcode": "postcode",
    "option_group": "option_group",
    "options": "options",
}
_TRUE = {"true", "t", "yes", "y", "1", "o", "예", "네", "무료", "무료배송"}
_FALSE = {"false", "f", "no", "n", "0", "x", "아니오", "아니요", "유료"}
_INTEGER = re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)$")


def _normalise(header: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", header.strip().lower())


_ALIASES = {_normalise(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class RowError:
    row: int | None  # as the spreadsheet shows it; the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return f"{self.column}: {self.message}"
        return catalogue.IMPORT_ROW_PROBLEM.render(
            row=self.row, column=self.column, message=self.message
        )


class ImportFailed(ValidationFailed):
    """Nothing was imported; ``extra["errors"]`` lists every problem as a line to show."""

    default_code = "import_failed"

    @property
    def errors(self) -> list[str]:
        return [str(error) for error in self.extra.get("errors", [])]

    @classmethod
    def file_error(cls, message: str) -> ImportFailed:
        return cls(message, extra={"errors": [message], "fields": {"file": [message]}})

    @classmethod
    def from_rows(cls, errors: Iterable[RowError], *, source: str) -> ImportFailed:
        unique = sorted(set(errors), key=lambda e: (e.row or 0, _column_rank(e.column)))
        fields: dict[str, list[str]] = {}
        for error in unique:
            fields.setdefault(f"rows.{error.row or 0}.{error.column}", []).append(error.message)
        message = catalogue.IMPORT_FAILED.render(count=len(unique), source=source)
        return cls(message, extra={"errors": [str(error) for error in unique], "fields": fields})


def _column_rank(column: str) -> int:
    order = list(COLUMNS)
    return order.index(column) if column in order else len(order)


@dataclass(frozen=True)
class ImportResult:
    upsert: UpsertResult
    rows: int  # order lines read from the file
    dry_run: bool

    @property
    def orders(self) -> int:
        return len(self.upsert.orders)


# --- Reading the table ----------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> str:
    encodings: tuple[str, ...]
    if raw.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # Korean Excel saves "CSV" as CP949; strict UTF-8 almost never decodes CP949 Hangul.
        encodings = ("utf-8", "cp949")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed.file_error(catalogue.IMPORT_NOT_TEXT.render(name=name))


def _read_csv(path: Path) -> list[list[Any]]:
    text = _decode(path.read_bytes(), path.name)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(path: Path) -> list[list[Any]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFailed.file_error(
            catalogue.IMPORT_NOT_XLSX.render(name=path.name, error=error)
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # Some exporters write a wrong sheet size; read whatever rows are really there.
        sheet.reset_dimensions()
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_table(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return _read_csv(path)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    if suffix == ".xls":
        raise ImportFailed.file_error(catalogue.IMPORT_OLD_XLS.render(name=path.name))
    raise ImportFailed.file_error(catalogue.IMPORT_UNKNOWN_TYPE.render(kind=suffix or path.name))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header's row number and each known column's position."""
    for number, cells in enumerate(rows, start=1):
        if all(_blank(cell) for cell in cells):
            continue
        positions: dict[str, int] = {}
        problems: list[str] = []
        for position, cell in enumerate(cells):
            if _blank(cell):
                continue
            name = _ALIASES.get(_normalise(str(cell)))
            if name is None:
                continue  # other columns of the export are ignored
            if name in positions:
                other = cells[positions[name]]
                problems.append(
                    catalogue.IMPORT_COLUMNS_SAME.render(first=other, second=cell, name=name)
                )
            positions.setdefault(name, position)
        missing = [name for name in REQUIRED if name not in positions]
        if missing:
            found = ", ".join(str(cell) for cell in cells if not _blank(cell))
            problems.insert(
                0,
                catalogue.IMPORT_COLUMNS_MISSING.render(missing=", ".join(missing), found=found),
            )
        if problems:
            raise ImportFailed.file_error(
                catalogue.IMPORT_HEADER_UNUSABLE.render(problems="; ".join(problems))
            )
        return number, positions
    raise ImportFailed.file_error(catalogue.IMPORT_EMPTY.render())


# --- Reading cells --------------------------------------------------------------------------


class _CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an order number typed into an Excel number cell
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def _integer(value: Any, minimum: int) -> int:
    if isinstance(value, bool):
        raise _CellError(catalogue.IMPORT_WHOLE_NUMBER.render())
    if isinstance(value, float):
        if not value.is_integer():
            raise _CellError(catalogue.IMPORT_NO_DECIMALS.render(value=value))
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(" ", "").removesuffix("원").lstrip("₩")
        if not _INTEGER.match(text):
            if re.match(r"^-?\d+[.,]\d+$", text):
                raise _CellError(catalogue.IMPORT_NO_DECIMALS.render(value=value))
            raise _CellError(catalogue.IMPORT_NOT_A_NUMBER.render(value=value))
        number = int(text.replace(",", ""))
    if number < minimum:
        if minimum == 0:
            raise _CellError(catalogue.IMPORT_NEGATIVE.render())
        raise _CellError(catalogue.IMPORT_TOO_SMALL.render(minimum=minimum))
    return number


def _datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = str(value).strip()
    # 2024.05.01 13:45 and 2024/05/01 are how Korean exports often write dates.
    date_part, _, rest = text.partition(" ")
    if re.match(r"^\d{4}[./]\d{1,2}[./]\d{1,2}\.?$", date_part):
        year, month, day = re.split(r"[./]", date_part.rstrip("."))[:3]
        text = f"{year}-{int(month):02d}-{int(day):02d}" + (f" {rest.strip()}" if rest else "")
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _CellError(catalogue.IMPORT_NOT_DATETIME.render(value=value)) from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError(catalogue.IMPORT_NOT_BOOL.render(value=value))


def _phone(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel drops the leading zero of a phone typed as a number: 1012345678 was 010….
        digits = str(int(value))
        return f"0{digits}" if len(digits) in (9, 10) and not digits.startswith("0") else digits
    return _text(value)


def _cell(kind: str, value: Any) -> Any:
    if kind == "money":
        return _integer(value, 0)
    if kind == "quantity":
        return _integer(value, 1)
    if kind == "line_number":
        return _integer(value, 1)
    if kind == "datetime":
        return _datetime(value)
    if kind == "bool":
        return _bool(value)
    if kind == "phone":
        return _phone(value)
    if kind in ("options", "option_group"):
        try:
            text = _text(value)
            return options_parse(text) if kind == "options" else option_group_clean(text)
        except OptionsError as error:
            message = catalogue.OPTIONS_MESSAGES[error.kind].render(**error.params)
            raise _CellError(message) from None
    if kind == "postcode" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:05d}"  # Korean postcodes keep their leading zero (06234)
    return _text(value)


# --- Grouping rows into orders --------------------------------------------------------------


@dataclass
class _Group:
    """One order's rows and, for each order-level value, the row it came from."""

    channel: str
    order_number: str
    first_row: int
    values: dict[str, Any] = field(default_factory=dict)
    source: dict[str, int] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)
    line_rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def row_of(self, column: str) -> int:
        return self.source.get(column, self.first_row)

    def locate(self, path: list[str | int], message: str) -> RowError:
        """The file cell a schema or service error path (``lines.2.quantity``) points at."""
        head = path[0] if path else ""
        if head == "lines":
            if len(path) > 1 and isinstance(path[1], int) and path[1] < len(self.line_rows):
                names = {value: key for key, value in _LINE.items()}
                column = names.get(str(path[2]), str(path[2])) if len(path) > 2 else "sku"
                return RowError(self.line_rows[path[1]], column, message)
            return RowError(self.first_row, "line_number", message)
        if head == "customer":
            names = {value: key for key, value in _CUSTOMER.items()}
            column = names.get(str(path[1]), "customer_name") if len(path) > 1 else "customer_name"
            return RowError(self.row_of(column), column, message)
        if head == "shipment":
            names = {value: key for key, value in _SHIPMENT.items()}
            column = (
                names.get(str(path[1]), "tracking_number") if len(path) > 1 else "tracking_number"
            )
            return RowError(self.row_of(column), column, message)
        column = str(head) or "order_number"
        return RowError(self.row_of(column), column, message)

    def to_input(self) -> dict[str, Any]:
        data: dict[str, Any] = {"channel": self.channel, "order_number": self.order_number}
        for column in ("ordered_at", "shipping_fee", "free_shipping", *_ORDER_TEXT):
            if column in self.values:
                data[column] = self.values[column]
        customer = {_CUSTOMER[c]: self.values[c] for c in _CUSTOMER if self.values.get(c)}
        if customer:
            data["customer"] = customer
        shipment = {_SHIPMENT[c]: self.values[c] for c in _SHIPMENT if self.values.get(c)}
        if shipment:
            data["shipment"] = shipment
        data["lines"] = self.lines
        return data


_FRIENDLY = {
    "missing": catalogue.IMPORT_REQUIRED,
    "string_too_short": catalogue.IMPORT_REQUIRED,
    "datetime_parsing": catalogue.IMPORT_NOT_DATETIME_BARE,
    "datetime_from_date_parsing": catalogue.IMPORT_NOT_DATETIME_BARE,
}


def _friendly(error: Any) -> str:
    """Pydantic's messages, reworded for a spreadsheet user where they read like code."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _FRIENDLY:
        return _FRIENDLY[kind].render()
    if kind == "string_too_long":
        return catalogue.IMPORT_TOO_LONG.render(max_length=ctx.get("max_length"))
    if kind == "too_long":
        return catalogue.IMPORT_TOO_MANY_LINES.render(max_length=ctx.get("max_length"))
    return validation_message(error)


@dataclass
class ParsedFile:
    """The file's orders, ready for the service, and the problems found reading it."""

    source: str
    orders: list[OrderIn]
    groups: list[_Group]  # groups[i] produced orders[i]
    errors: list[RowError]
    rows: int
    unbuilt: list[_Group] = field(default_factory=list)  # orders a bad row kept from building

    def locate(self, error: ValidationFailed) -> list[RowError]:
        """Turn a service error (``orders.3.lines.0.quantity``) into row errors."""
        located: list[RowError] = []
        for path, messages in (error.extra.get("fields") or {"__all__": [error.message]}).items():
            parts: list[str | int] = [int(p) if p.isdigit() else p for p in str(path).split(".")]
            for message in messages:
                if len(parts) >= 2 and parts[0] == "orders" and isinstance(parts[1], int):
                    located.append(self.groups[parts[1]].locate(parts[2:], message))
                else:
                    located.append(RowError(None, str(path), message))
        return located


def orders_read(path: Path | str) -> ParsedFile:
    """Read and check every row; file-level problems raise ``ImportFailed`` at once."""
    path = Path(path)
    table = _read_table(path)
    header_row, positions = _header(table)
    groups: dict[tuple[str, str], _Group] = {}
    errors: list[RowError] = []
    rows = 0
    for number, cells in enumerate(table[header_row:], start=header_row + 1):
        if all(_blank(cell) for cell in cells):
            continue
        rows += 1
        parsed, row_errors = _parse_row(number, cells, positions)
        errors.extend(row_errors)
        channel, order_number = parsed.get("channel"), parsed.get("order_number")
        if not channel or not order_number:
            continue
        group = groups.get((channel, order_number))
        if group is None:
            group = _Group(channel=channel, order_number=order_number, first_row=number)
            groups[(channel, order_number)] = group
        _add_row(group, number, parsed, positions, failed={e.column for e in row_errors})
    if rows == 0:
        raise ImportFailed.file_error(catalogue.IMPORT_NO_LINES.render(name=path.name))

    parsed_file = ParsedFile(source=path.name, orders=[], groups=[], errors=errors, rows=rows)
    bad_rows = {error.row for error in errors}
    for group in groups.values():
        errors.extend(group.errors)
        if group.errors or bad_rows.intersection(group.line_rows):
            # An order with a bad row is not built: its other rows may depend on it.
            parsed_file.unbuilt.append(group)
            continue
        try:
            order = OrderIn.model_validate(group.to_input())
        except ValidationError as error:
            for item in error.errors():
                errors.append(group.locate(list(item["loc"]), _friendly(item)))
            continue
        parsed_file.orders.append(order)
        parsed_file.groups.append(group)
    return parsed_file


def _parse_row(
    number: int, cells: list[Any], positions: dict[str, int]
) -> tuple[dict[str, Any], list[RowError]]:
    parsed: dict[str, Any] = {}
    errors: list[RowError] = []
    for column, position in positions.items():
        value = cells[position] if position < len(cells) else None
        if _blank(value):
            continue
        try:
            parsed[column] = _cell(_KINDS.get(column, "text"), value)
        except _CellError as error:
            errors.append(RowError(number, column, str(error)))
    for column in ("channel", "order_number", "sku", "product_name", "quantity", "unit_price"):
        if column not in parsed and not any(e.column == column for e in errors):
            errors.append(RowError(number, column, catalogue.IMPORT_REQUIRED.render()))
    return parsed, errors


def _add_row(
    group: _Group,
    number: int,
    parsed: dict[str, Any],
    positions: dict[str, int],
    failed: set[str],
) -> None:
    for column in _ORDER_LEVEL:
        if column not in positions or column in failed:
            continue
        value = parsed.get(column)
        if value is None:
            # A blank cell: the value may be on another line of the order; a text column that
            # is blank on every line means "blank" and is sent so an update clears it.
            if column in _ORDER_TEXT:
                group.values.setdefault(column, "")
            continue
        current = group.values.get(column)
        if column not in group.source:
            group.values[column] = value
            group.source[column] = number
        elif current != value:
            group.errors.append(
                RowError(
                    number,
                    column,
                    catalogue.IMPORT_ORDER_VALUE_DIFFERS.render(
                        value=value, row=group.source[column], current=current
                    ),
                )
            )
    line = {_LINE[column]: parsed[column] for column in _LINE if column in parsed}
    group.lines.append(line)
    group.line_rows.append(number)


def orders_import(*, store: Store, path: Path | str, dry_run: bool = False) -> ImportResult:
    """Import a file whole or not at all; ``ImportFailed`` lists every problem by row.

    When some rows are wrong, the orders that read well are still checked against the
    database (in a transaction that is rolled back), so one run reports everything.
    """
    parsed = orders_read(path)
    if parsed.errors:
        if parsed.orders:
            try:
                order_bulk_upsert(store=store, orders=parsed.orders, dry_run=True)
            except ValidationFailed as error:
                parsed.errors.extend(parsed.locate(error))
        known = sales_channel_codes(store=store)
        parsed.errors.extend(
            RowError(group.first_row, "channel", unknown_channel_message(group.channel, known))
            for group in parsed.unbuilt
            if group.channel not in known
        )
        raise ImportFailed.from_rows(parsed.errors, source=parsed.source)
    try:
        result = order_bulk_upsert(store=store, orders=parsed.orders, dry_run=dry_run)
    except ValidationFailed as error:
        raise ImportFailed.from_rows(parsed.locate(error), source=parsed.source) from error
    logger.info(
        "orders file imported store=%s file=%s rows=%d orders=%d dry_run=%s",
        store.slug,
        parsed.source,
        parsed.rows,
        len(result.orders),
        dry_run,
    )
    return ImportResult(upsert=result, rows=parsed.rows, dry_run=dry_run)
