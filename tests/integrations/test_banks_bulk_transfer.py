"""The 대량이체 workbook and CSV a seller uploads, and the bank's result file read back."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from banpum.core.errors import ValidationFailed
from banpum.integrations.banks.bulk_transfer import (
    COLUMNS,
    TransferOutcome,
    TransferRow,
    transfer_csv,
    transfer_result_match,
    transfer_result_parse,
    transfer_workbook,
)

ROWS = [
    TransferRow("088", "110-123-456789", "홍길동", 35_000, "반품환불", "R-0001"),
    TransferRow("004", "012345-01-234567", "김영희", 12_900, "반품환불", "R-0002", memo="부분"),
    TransferRow("90", "3333-01-1234567", "Lee Min", 1_000_000, "환불", "R-0003"),
]


def read(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_the_workbook_has_one_header_and_one_row_per_transfer() -> None:
    exported = transfer_workbook(ROWS)

    sheet = read(exported.content)["대량이체"]
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == COLUMNS
    assert values[1:] == [
        ("088", "신한은행", "110123456789", "홍길동", 35000, "반품환불", "R-0001", None),
        ("004", "KB국민은행", "01234501234567", "김영희", 12900, "반품환불", "R-0002", "부분"),
        ("090", "카카오뱅크", "3333011234567", "Lee Min", 1000000, "환불", "R-0003", None),
    ]  # an empty memo is an empty cell
    assert sheet.max_row == 4, "no total row under the transfers"
    assert (exported.count, exported.total) == (3, 1_047_900)


def test_codes_and_account_numbers_are_text_cells_and_amounts_integers() -> None:
    sheet = read(transfer_workbook(ROWS).content)["대량이체"]

    for row in sheet.iter_rows(min_row=2):
        code, _, account, _, amount, *_ = row
        assert code.data_type == "s"
        assert code.number_format == "@"
        assert account.data_type == "s"
        assert account.number_format == "@"
        assert amount.data_type == "n"
        assert type(amount.value) is int
    assert sheet["C3"].value == "01234501234567", "the leading zero survives"
    assert sheet["A3"].value == "004"


def test_the_summary_sheet_carries_count_and_total() -> None:
    summary = read(transfer_workbook(ROWS).content)["합계"]

    assert [tuple(r) for r in summary.iter_rows(values_only=True)] == [
        ("건수", 3),
        ("합계금액", 1_047_900),
    ]


@given(st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=1, max_size=20))
def test_the_total_is_the_sum_of_the_amounts(amounts: list[int]) -> None:
    rows = [
        TransferRow("088", "110123456789", "홍길동", amount, "환불", f"R-{i}")
        for i, amount in enumerate(amounts)
    ]

    exported = transfer_workbook(rows)

    sheet = read(exported.content)["대량이체"]
    assert exported.total == sum(amounts)
    assert [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)] == amounts


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (TransferRow("999", "110123456789", "홍길동", 1000, "환불", "R"), "bank_unknown"),
        (TransferRow("088", "12", "홍길동", 1000, "환불", "R"), "too_short"),
        (TransferRow("088", "110123456789", "=cmd", 1000, "환불", "R"), "formula"),
        (TransferRow("088", "110123456789", "홍길동", 0, "환불", "R"), "positive int"),
        (TransferRow("088", "110123456789", "홍길동", -5, "환불", "R"), "positive int"),
        (TransferRow("088", "110123456789", "홍길동", 10.0, "환불", "R"), "positive int"),  # type: ignore[arg-type]
        (TransferRow("088", "110123456789", "홍길동", True, "환불", "R"), "positive int"),
        (TransferRow("088", "110123456789", "홍길동", 1000, "=1+1", "R"), "받는분통장표시"),
        (TransferRow("088", "110123456789", "홍길동", 1000, "환불", "@R"), "내통장표시"),
        (TransferRow("088", "110123456789", "홍길동", 1000, "환불", "R", "a\nb"), "메모"),
    ],
)
def test_a_bad_row_is_refused_without_showing_the_account(row: TransferRow, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        transfer_workbook([row])

    assert "110123456789" not in str(caught.value)


def test_the_csv_has_the_same_rows_in_cp949() -> None:
    exported = transfer_csv(ROWS)

    text = exported.content.decode("cp949")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    assert rows[2][:5] == ["004", "KB국민은행", "01234501234567", "김영희", "12900"]
    assert len(rows) == 4
    assert (exported.count, exported.total) == (3, 1_047_900)


def test_a_name_cp949_cannot_write_asks_for_another_encoding() -> None:
    row = TransferRow("088", "110123456789", "홍길동😀", 1000, "환불", "R")

    with pytest.raises(ValueError, match="xlsx"):
        transfer_csv([row])
    assert "홍길동😀".encode() in transfer_csv([row], encoding="utf-8-sig").content


# --- the result file ---------------------------------------------------------------------------


def result_workbook(rows: list[tuple[object, ...]], *, title: str | None = "이체결과조회") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append((title,))
        sheet.append(())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = (
    "입금은행코드",
    "입금계좌번호",
    "예금주",
    "이체금액",
    "내통장표시",
    "처리결과",
    "불능사유",
)


def test_a_result_workbook_reads_as_outcomes_per_row() -> None:
    content = result_workbook(
        [
            HEADER,
            ("088", "110123456789", "홍길동", 35000, "R-0001", "성공", ""),
            ("004", "01234501234567", "김영희", 12900, "R-0002", "실패", "계좌번호 오류"),
            ("090", "3333-01-1234567", "Lee Min", "1,000,000", "R-0003", "정상", None),
            (None, None, None, None, None, None, None),
            ("합계", None, None, 1048900, None, None, None),
        ]
    )

    outcomes = transfer_result_parse(content)

    assert [(o.row, o.account_number, o.amount, o.succeeded, o.reason) for o in outcomes] == [
        (4, "110123456789", 35000, True, ""),
        (5, "01234501234567", 12900, False, "계좌번호 오류"),
        (6, "3333011234567", 1000000, True, ""),
    ]
    assert outcomes[0].reference == "R-0001"
    assert outcomes[1].bank_code == "004"


def test_a_cp949_csv_result_reads_too() -> None:
    text = "\r\n".join(
        [
            "계좌번호,금액,결과,사유",
            "110123456789,35000,성공,",
            "01234501234567,12900,이체불능,예금주 불일치",
        ]
    )

    outcomes = transfer_result_parse(text.encode("cp949"))

    assert [(o.account_number, o.amount, o.succeeded, o.reason) for o in outcomes] == [
        ("110123456789", 35000, True, ""),
        ("01234501234567", 12900, False, "예금주 불일치"),
    ]


def test_a_utf8_csv_with_bom_reads() -> None:
    text = "입금계좌번호,이체금액,처리결과\n110123456789,35000,완료\n"

    outcomes = transfer_result_parse(text.encode("utf-8-sig"))

    assert outcomes[0].succeeded


def code_of(content: bytes) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        transfer_result_parse(content)
    return caught.value.code, caught.value.message


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([("계좌번호", "금액", "메모"), ("110123456789", 1000, "x")], "transfer_file_columns"),
        ([HEADER], "transfer_file_empty"),
        (
            [HEADER, ("088", "110123456789", "홍", 35000.5, "R", "성공", "")],
            "transfer_file_amount",
        ),
        (
            [HEADER, ("088", "110123456789", "홍", "삼만원", "R", "성공", "")],
            "transfer_file_amount",
        ),
        ([HEADER, ("088", "110123456789", "홍", -1000, "R", "성공", "")], "transfer_file_amount"),
        ([HEADER, ("088", "110123456789", "홍", None, "R", "성공", "")], "transfer_file_amount"),
        ([HEADER, ("088", "1101-ABC", "홍", 1000, "R", "성공", "")], "transfer_file_account"),
        ([HEADER, ("088", None, "홍", 1000, "R", "성공", "")], "transfer_file_account"),
        ([HEADER, ("088", "110123456789", "홍", 1000, "R", "처리중", "")], "transfer_file_result"),
        ([HEADER, ("088", "110123456789", "홍", 1000, "R", None, "")], "transfer_file_result"),
    ],
)
def test_malformed_result_workbooks_are_refused_with_a_code(
    rows: list[tuple[object, ...]], code: str
) -> None:
    assert code_of(result_workbook(rows))[0] == code


def test_errors_name_the_row_the_seller_can_find(english: None) -> None:
    content = result_workbook([HEADER, ("088", "110123456789", "홍", "1만", "R", "성공", "")])

    code, message = code_of(content)

    assert code == "transfer_file_amount"
    assert message.startswith("Row 4:")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("입금계좌번호,이체금액,처리결과\n1,2,성공\n".encode("utf-16"), "transfer_file_encoding"),
        (b"\xff\xfe\x00\x00garbage\x80\x81", "transfer_file_encoding"),
        (b"PK\x03\x04not really a zip", "transfer_file_unreadable"),
        (b"", "transfer_file_columns"),
        (b"a,b,c\n1,2,3\n", "transfer_file_columns"),
    ],
)
def test_unreadable_files_are_refused(content: bytes, code: str) -> None:
    assert code_of(content)[0] == code


def test_the_export_reads_back_once_the_bank_adds_its_result_column() -> None:
    workbook = read(transfer_workbook(ROWS).content)
    sheet = workbook["대량이체"]
    sheet["I1"] = "처리결과"
    sheet["J1"] = "실패사유"
    for row, result in zip(range(2, 5), ("성공", "실패", "성공"), strict=True):
        sheet[f"I{row}"] = result
    sheet["J3"] = "예금주 불일치"
    buffer = io.BytesIO()
    workbook.save(buffer)

    outcomes = transfer_result_parse(buffer.getvalue())
    confirmation = transfer_result_match(ROWS, outcomes)

    assert confirmation.paid == (ROWS[0], ROWS[2])
    assert confirmation.failed == ((ROWS[1], "예금주 불일치"),)
    assert confirmation.complete


def test_matching_reports_what_the_result_does_not_account_for() -> None:
    outcomes = [
        TransferOutcome(row=2, account_number="110123456789", amount=35000, succeeded=True),
        TransferOutcome(row=3, account_number="999999999999", amount=500, succeeded=True),
        TransferOutcome(
            row=4, account_number="3333011234567", amount=1_000_000, succeeded=True,
            reference="R-9999",
        ),
    ]  # fmt: skip

    confirmation = transfer_result_match(ROWS, outcomes)

    assert confirmation.paid == (ROWS[0],)
    assert confirmation.missing == (ROWS[1], ROWS[2]), "a different reference is not a match"
    assert [o.row for o in confirmation.unexpected] == [3, 4]
    assert not confirmation.complete


def test_two_equal_transfers_each_use_their_own_outcome() -> None:
    twice = [ROWS[0], TransferRow("088", "110123456789", "홍길동", 35_000, "반품환불", "R-0001")]
    outcomes = [
        TransferOutcome(row=2, account_number="110123456789", amount=35000, succeeded=True),
        TransferOutcome(row=3, account_number="110123456789", amount=35000, succeeded=False),
    ]

    confirmation = transfer_result_match(twice, outcomes)

    assert len(confirmation.paid) == 1
    assert len(confirmation.failed) == 1
    assert confirmation.complete
