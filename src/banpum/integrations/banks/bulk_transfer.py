"""The seller's bulk-transfer file (대량이체) and the bank's result file.

Korean internet banking pays many accounts at once from an uploaded spreadsheet: the bank's
"엑셀샘플" is filled in, uploaded ("PC 파일선택"), the holders are checked (예금주조회, 일괄),
then the batch runs (e.g. IBK 기업뱅킹, described at
https://namireview.tistory.com/entry/급여일-근로자-급여이체-방법-PC-파일선택과-등록내역-가져오기).
No bank publishes one standard layout, and we found none in the corpus we could search, so
the sheet is the common shape those samples share, with Korean headers a seller maps at
upload: 입금은행코드 · 입금은행 · 입금계좌번호 · 예금주 · 이체금액 · 받는분통장표시 ·
내통장표시 · 메모. Deliberately:

- one header row, then one row per transfer and nothing below: an upload reads every row
  under the header as a transfer, so a total row would be read as one more transfer. The
  count and the total are on a second sheet ("합계") to compare with the bank's confirmation;
- bank codes and account numbers are TEXT cells (format ``@``) so leading zeros survive
  ("004", "0123…"); amounts are integer cells, won without decimals;
- 내통장표시 (what the seller's own statement shows) carries the row's reference (the refund
  number), so the statement and the result file can be matched back to refunds;
- no text starts with ``=``, ``+``, ``-`` or ``@``: a spreadsheet would run it as a formula.

``transfer_result_parse`` reads back the bank's result file (or the seller's confirmation
sheet): the same kind of sheet with a result column (성공/실패 and a reason), in .xlsx or CSV
(UTF-8 or CP949, as Korean banks export), and ``transfer_result_match`` sets it against the
exported rows: paid, failed (with the bank's reason), missing, unexpected.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from banpum.integrations import errors
from banpum.integrations.banks.accounts import FORMULA_STARTS, bank_account_check

COLUMNS: Final = (
    "입금은행코드",
    "입금은행",
    "입금계좌번호",
    "예금주",
    "이체금액",
    "받는분통장표시",
    "내통장표시",
    "메모",
)
SHEET_TITLE: Final = "대량이체"
SUMMARY_TITLE: Final = "합계"
TEXT_FORMAT: Final = "@"
AMOUNT_FORMAT: Final = "#,##0"
# Above this a single transfer is surely a mistake (and beyond internet banking's limits).
AMOUNT_MAX: Final = 10_000_000_000


@dataclass(frozen=True)
class TransferRow:
    """One transfer to export: ``reference`` (the refund number) becomes 내통장표시."""

    bank_code: str
    account_number: str
    holder_name: str
    amount: int
    recipient_text: str
    reference: str
    memo: str = ""

    def __repr__(self) -> str:  # never the account number
        return f"TransferRow(reference={self.reference!r}, amount={self.amount})"


@dataclass(frozen=True)
class TransferFile:
    content: bytes
    count: int
    total: int


def _checked_text(value: str, *, what: str, index: int) -> str:
    text = value.strip()
    if text.startswith(FORMULA_STARTS):
        raise ValueError(f"row {index}: {what} must not start with =, +, - or @")
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in text):
        raise ValueError(f"row {index}: {what} must not contain control characters")
    return text


def _cells(rows: Sequence[TransferRow]) -> Iterator[tuple[str, str, str, str, int, str, str, str]]:
    """Each row as the sheet's values, checked: the rows come from stored, already validated
    refunds, so a bad one is a bug upstream and raises ``ValueError`` naming the row only."""
    for index, row in enumerate(rows, start=1):
        check = bank_account_check(
            bank_code=row.bank_code,
            account_number=row.account_number,
            holder_name=row.holder_name,
        )
        if check.account is None:
            codes = ", ".join(problem.code for problem in check.problems)
            raise ValueError(f"row {index} ({row.reference!r}): {codes}")
        if type(row.amount) is not int or not 0 < row.amount <= AMOUNT_MAX:
            raise ValueError(f"row {index} ({row.reference!r}): amount must be a positive int")
        account = check.account
        yield (
            account.bank.code,
            account.bank.name_ko,
            account.number,
            account.holder_name,
            row.amount,
            _checked_text(row.recipient_text, what="받는분통장표시", index=index),
            _checked_text(row.reference, what="내통장표시", index=index),
            _checked_text(row.memo, what="메모", index=index),
        )


def transfer_workbook(rows: Sequence[TransferRow]) -> TransferFile:
    """The 대량이체 workbook (.xlsx bytes) for ``rows``, with its count and total."""
    values = list(_cells(rows))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in values:
        sheet.append(line)
    for line_cells in sheet.iter_rows(min_row=2):
        for cell in line_cells:
            _format(cell)
    for letter, width in zip("ABCDEFGH", (12, 14, 18, 14, 12, 16, 16, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    total = sum(line[4] for line in values)
    summary = workbook.create_sheet(SUMMARY_TITLE)
    summary.append(("건수", len(values)))
    summary.append(("합계금액", total))
    summary["B2"].number_format = AMOUNT_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return TransferFile(content=buffer.getvalue(), count=len(values), total=total)


def _format(cell: Cell) -> None:
    if isinstance(cell.value, int):
        cell.number_format = AMOUNT_FORMAT
    else:
        # Text, whatever it looks like: keeps "004" and "0123…", and never a formula.
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT


def transfer_csv(rows: Sequence[TransferRow], *, encoding: str = "cp949") -> TransferFile:
    """The same transfers as CSV: CP949 by default, what Korean banks' uploads read; a name
    CP949 cannot write raises ``ValueError`` (export .xlsx instead, or pass "utf-8-sig")."""
    values = list(_cells(rows))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(values)
    try:
        content = text.getvalue().encode(encoding)
    except UnicodeEncodeError as error:
        raise ValueError(f"a text cannot be written in {encoding}: export .xlsx instead") from error
    return TransferFile(content=content, count=len(values), total=sum(v[4] for v in values))


# --- reading the bank's result ---------------------------------------------------------------

# Column names banks use in their result files, each mapped to ours.
_HEADER_ALIASES: Final = {
    "account": ("입금계좌번호", "입금계좌", "계좌번호"),
    "amount": ("이체금액", "입금금액", "금액"),
    "result": ("처리결과", "이체결과", "결과", "처리상태"),
    "reason": ("실패사유", "불능사유", "처리내용", "오류내용", "사유", "비고"),
    "bank_code": ("입금은행코드", "은행코드"),
    "holder": ("예금주", "예금주명", "받는분"),
    "reference": ("내통장표시", "출금통장표시"),
}
_REQUIRED: Final = ("account", "amount", "result")
_SUCCESS: Final = frozenset({"성공", "정상", "완료", "이체완료", "정상처리", "success", "ok"})
_FAILURE: Final = frozenset(
    {"실패", "불능", "오류", "에러", "이체불능", "처리불가", "failed", "fail"}
)
HEADER_SEARCH_ROWS: Final = 10


@dataclass(frozen=True)
class TransferOutcome:
    """One row of a result file; ``row`` is its line number in the file, for the seller."""

    row: int
    account_number: str
    amount: int
    succeeded: bool
    reason: str = ""
    bank_code: str = ""
    holder_name: str = ""
    reference: str = ""

    def __repr__(self) -> str:
        state = "ok" if self.succeeded else f"failed {self.reason!r}"
        return f"TransferOutcome(row={self.row}, amount={self.amount}, {state})"


def _normalise_header(value: Any) -> str:
    return "".join(str(value or "").split())


def _header_map(values: Sequence[Any]) -> dict[str, int] | None:
    names = [_normalise_header(value) for value in values]
    found: dict[str, int] = {}
    for key, aliases in _HEADER_ALIASES.items():
        for alias in aliases:
            if alias in names:
                found[key] = names.index(alias)
                break
    return found if all(key in found for key in _REQUIRED) else None


def _rows_of_workbook(content: bytes) -> list[tuple[Any, ...]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise errors.TRANSFER_FILE_UNREADABLE() from None
    sheet = workbook.worksheets[0]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _rows_of_csv(content: bytes) -> list[tuple[Any, ...]]:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise errors.TRANSFER_FILE_ENCODING()
    if "\x00" in text:
        raise errors.TRANSFER_FILE_UNREADABLE()
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise errors.TRANSFER_FILE_UNREADABLE() from None


def _amount(value: Any, row: int) -> int:
    if isinstance(value, bool):
        raise errors.TRANSFER_FILE_AMOUNT(row=row, value=repr(value), extra={"row": row})
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float) and value.is_integer():
        amount = int(value)
    else:
        text = str(value or "").strip().replace(",", "").removesuffix("원").strip()
        if not (text.isascii() and text.isdigit()):
            shown = str(value)[:20] if value is not None else "''"
            raise errors.TRANSFER_FILE_AMOUNT(row=row, value=shown, extra={"row": row})
        amount = int(text)
    if not 0 < amount <= AMOUNT_MAX:
        raise errors.TRANSFER_FILE_AMOUNT(row=row, value=str(amount), extra={"row": row})
    return amount


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def _outcome(values: Sequence[Any], columns: dict[str, int], row: int) -> TransferOutcome | None:
    def cell(key: str) -> Any:
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    if all(_text(value) == "" for value in values):
        return None
    account = "".join(ch for ch in _text(cell("account")) if ch not in "- ")
    first = _text(values[0]) if values else ""
    if not account and first.replace(" ", "") in {"합계", "계", "총계", "합계금액"}:
        return None  # a total row some banks add under the transfers
    if not (account.isascii() and account.isdigit()):
        raise errors.TRANSFER_FILE_ACCOUNT(row=row, extra={"row": row})
    amount = _amount(cell("amount"), row)
    result = _normalise_header(cell("result")).lower()
    if result in _SUCCESS:
        succeeded = True
    elif result in _FAILURE or result.startswith(("실패", "불능")):
        succeeded = False
    else:
        shown = _text(cell("result"))[:20] or "''"
        raise errors.TRANSFER_FILE_RESULT(row=row, value=shown, extra={"row": row})
    bank_code = _text(cell("bank_code"))
    return TransferOutcome(
        row=row,
        account_number=account,
        amount=amount,
        succeeded=succeeded,
        reason="" if succeeded else _text(cell("reason")),
        bank_code=bank_code.zfill(3) if bank_code.isdigit() else bank_code,
        holder_name=_text(cell("holder")),
        reference=_text(cell("reference")),
    )


def transfer_result_parse(content: bytes) -> list[TransferOutcome]:
    """Every transfer row of a bank's result file (.xlsx or CSV), in file order.

    The header row is searched in the first ten rows (banks put a title above it); it must
    name the account, the amount and the result. Raises the ``TRANSFER_FILE_*`` errors of
    ``integrations.errors`` (422s naming the row) for anything it cannot read exactly.
    """
    is_xlsx = content[:4] == b"PK\x03\x04"
    rows = _rows_of_workbook(content) if is_xlsx else _rows_of_csv(content)
    header_index = 0
    for header_index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):  # noqa: B007 - used below
        columns = _header_map(values)
        if columns is not None:
            break
    else:
        wanted = " · ".join(_HEADER_ALIASES[key][0] for key in _REQUIRED)
        raise errors.TRANSFER_FILE_COLUMNS(columns=wanted, rows=HEADER_SEARCH_ROWS)
    outcomes = [
        outcome
        for number, values in enumerate(rows[header_index + 1 :], start=header_index + 2)
        if (outcome := _outcome(values, columns, number)) is not None
    ]
    if not outcomes:
        raise errors.TRANSFER_FILE_EMPTY()
    return outcomes


@dataclass(frozen=True)
class TransferConfirmation:
    """A batch set against its result: what to mark paid, failed (and why), and what the
    result does not account for either way (for a person to look at)."""

    paid: tuple[TransferRow, ...]
    failed: tuple[tuple[TransferRow, str], ...]
    missing: tuple[TransferRow, ...]
    unexpected: tuple[TransferOutcome, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unexpected


def transfer_result_match(
    rows: Iterable[TransferRow], outcomes: Iterable[TransferOutcome]
) -> TransferConfirmation:
    """Pairs each exported row with its outcome by (account digits, amount), and by the
    reference (내통장표시) too when the result file carries it; each outcome is used once."""
    pending = list(outcomes)
    paid: list[TransferRow] = []
    failed: list[tuple[TransferRow, str]] = []
    missing: list[TransferRow] = []
    for row in rows:
        digits = "".join(ch for ch in row.account_number if ch.isdigit())

        def fits(outcome: TransferOutcome, row: TransferRow = row, digits: str = digits) -> bool:
            same_reference = not outcome.reference or outcome.reference == row.reference.strip()
            return (
                outcome.account_number == digits and outcome.amount == row.amount and same_reference
            )

        match = next((outcome for outcome in pending if fits(outcome)), None)
        if match is None:
            missing.append(row)
            continue
        pending.remove(match)
        if match.succeeded:
            paid.append(row)
        else:
            failed.append((row, match.reason))
    return TransferConfirmation(
        paid=tuple(paid), failed=tuple(failed), missing=tuple(missing), unexpected=tuple(pending)
    )
