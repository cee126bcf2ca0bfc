"""Bank codes, refund-account checks and masking."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from banpum.core.errors import ValidationFailed
from banpum.integrations.banks.accounts import (
    account_number_digits,
    bank_account_check,
    mask_account_number,
)
from banpum.integrations.banks.codes import (
    BANKS,
    bank_from_toss_code,
    bank_get,
    toss_bank_code,
)
from banpum.integrations.errors import (
    ACCOUNT_PROBLEMS,
    account_problem_fields,
    account_problems_error,
)


def test_the_standard_codes_name_the_right_banks() -> None:
    expected = {
        "002": "산업", "003": "기업", "004": "국민", "007": "수협", "011": "농협",
        "020": "우리", "023": "SC제일", "027": "씨티", "031": "대구", "032": "부산",
        "034": "광주", "035": "제주", "037": "전북", "039": "경남", "045": "새마을금고",
        "048": "신협", "071": "우체국", "081": "하나", "088": "신한", "089": "케이뱅크",
        "090": "카카오뱅크", "092": "토스뱅크",
    }  # fmt: skip
    for code, word in expected.items():
        assert word in BANKS[code].name_ko, code


def test_bank_names_follow_the_language() -> None:
    shinhan = BANKS["088"]

    assert shinhan.name() == "신한은행"  # Korean by default
    with translation.override("en"):
        assert shinhan.name() == "Shinhan Bank"
    assert shinhan.name("en") == "Shinhan Bank"


@pytest.mark.parametrize(
    ("given_code", "expected"), [("088", "088"), ("88", "088"), (" 4 ", "004"), (90, "090")]
)
def test_codes_read_as_typed_or_as_a_spreadsheet_number(
    given_code: str | int, expected: str
) -> None:
    bank = bank_get(given_code)

    assert bank is not None
    assert bank.code == expected


@pytest.mark.parametrize("code", ["", "999", "0088", "abc", "٠٨٨", "-88"])
def test_unknown_codes_are_none(code: str) -> None:
    assert bank_get(code) is None


def test_toss_codes_are_a_table_not_a_slice() -> None:
    assert toss_bank_code("088") == "88"
    assert toss_bank_code("004") == "06", "Toss numbers KB국민은행 06"
    assert toss_bank_code("090") == "90"
    assert bank_from_toss_code("06") is BANKS["004"]
    assert bank_from_toss_code("04") is None
    with pytest.raises(KeyError):
        toss_bank_code("999")
    assert len({bank.toss_code for bank in BANKS.values()}) == len(BANKS)


@pytest.mark.parametrize(
    ("bank_code", "number", "digits"),
    [
        ("088", "110-123-456789", "110123456789"),
        ("088", "110 123 456789", "110123456789"),
        ("004", "123456-01-234567", "12345601234567"),
        ("090", "3333-01-1234567", "3333011234567"),
        ("092", "1000 1234 5678", "100012345678"),
        ("027", "1-234567-890", "1234567890"),
        ("027", "123456789", "123456789"),
        ("020", "1002‐123‐456789", "1002123456789"),  # Unicode hyphens from a word processor
    ],
)
def test_good_accounts_pass_with_digits_only(bank_code: str, number: str, digits: str) -> None:
    check = bank_account_check(bank_code=bank_code, account_number=number, holder_name=" 홍길동 ")

    assert check.ok
    assert check.account is not None
    assert check.account.number == digits
    assert check.account.holder_name == "홍길동"
    assert digits not in repr(check.account)


@pytest.mark.parametrize(
    ("bank_code", "number", "code"),
    [
        ("088", "", "account_number_empty"),
        ("088", " - ", "account_number_empty"),
        ("088", "110-ABC-456789", "account_number_not_digits"),
        ("088", "110.123.456789", "account_number_not_digits"),
        ("088", "١١٠١٢٣٤٥٦٧٨٩", "account_number_not_digits"),
        ("088", "123456789", "account_number_too_short"),
        ("088", "123456789012345", "account_number_too_long"),
        ("090", "333301123456", "account_number_too_short"),
        ("090", "33330112345678", "account_number_too_long"),
        ("092", "1000123456789", "account_number_too_long"),
        ("027", "12345678", "account_number_too_short"),
    ],
)
def test_bad_account_numbers_are_refused_with_a_code(
    bank_code: str, number: str, code: str
) -> None:
    check = bank_account_check(bank_code=bank_code, account_number=number, holder_name="홍길동")

    assert not check.ok
    assert [(p.field, p.code) for p in check.problems] == [("account_number", code)]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "holder_name_empty"),
        ("   ", "holder_name_empty"),
        ("가" * 31, "holder_name_too_long"),
        ("홍길\n동", "holder_name_control_characters"),
        ("홍길동\u202e", "holder_name_control_characters"),
        ('=HYPERLINK("x")', "holder_name_formula"),
        ("@sum", "holder_name_formula"),
    ],
)
def test_bad_holder_names_are_refused(name: str, code: str) -> None:
    check = bank_account_check(bank_code="088", account_number="110123456789", holder_name=name)

    assert [(p.field, p.code) for p in check.problems] == [("holder_name", code)]


def test_every_problem_is_reported_at_once_including_an_unknown_bank() -> None:
    check = bank_account_check(bank_code="999", account_number="12ab", holder_name="")

    assert [(p.field, p.code) for p in check.problems] == [
        ("bank_code", "bank_unknown"),
        ("account_number", "account_number_not_digits"),
        ("holder_name", "holder_name_empty"),
    ]


def test_problems_are_worded_as_field_messages(english: None) -> None:
    check = bank_account_check(bank_code="088", account_number="1234", holder_name="가" * 31)

    fields = account_problem_fields(check.problems, prefix="refund_account.")

    assert fields == {
        "refund_account.account_number": [
            "has 4 digits; this bank's account numbers have at least 10"
        ],
        "refund_account.holder_name": ["must be at most 30 characters"],
    }
    error = account_problems_error(check.problems)
    assert isinstance(error, ValidationFailed)
    assert error.status_code == 422
    assert set(error.extra["fields"]) == {"account_number", "holder_name"}


def test_every_problem_code_has_words() -> None:
    codes = {
        p.code
        for number, name, bank in [
            ("", "", "x"),
            ("a", "가" * 31, "088"),
            ("1", "a\x00", "088"),
            ("1" * 20, "=1", "088"),
        ]
        for p in bank_account_check(
            bank_code=bank, account_number=number, holder_name=name
        ).problems
    }
    assert codes == set(ACCOUNT_PROBLEMS)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("11012345678", "*******5678"),
        ("110-123-456789", "********6789"),
        ("1234", "****"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_masking_shows_only_the_last_four_digits(number: str, masked: str) -> None:
    assert mask_account_number(number) == masked


@given(st.text(alphabet="0123456789- ", max_size=30))
def test_a_mask_never_reveals_more_than_the_last_four_digits(number: str) -> None:
    digits = account_number_digits(number)
    masked = mask_account_number(number)

    shown = [char for char in masked if char != "*"]
    assert len(shown) <= 4
    assert len(masked) == len(digits)
    if len(digits) > 4:
        assert masked.endswith(digits[-4:])
        assert masked[:-4] == "*" * (len(digits) - 4)
    else:
        assert set(masked) <= {"*"}
