"""The Korean standard bank codes (금융결제원 표준 은행코드) refunds are paid to.

Three-digit codes as internet banking, the bulk-transfer files and the open-banking APIs use
them. Checked against several independent published lists that agree (PortOne's bank enum,
apps' bank tables built from the 금융결제원 list); 031 is iM뱅크 since DGB대구은행 renamed itself
in 2024.

Bank names are proper nouns, not sentences: each bank carries its Korean and English name and
``Bank.name()`` picks by the active language, instead of putting them in the translation
catalogue (the integrations have no catalogue of their own words either).

Toss Payments' ``refundReceiveAccount.bank`` takes its own two-digit codes
(docs.tosspayments.com/codes/org-codes): mostly the last two digits of the standard code, but
KB국민은행 is "06" there, not "04". ``toss_bank_code`` maps; never derive it by slicing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.utils.translation import get_language

# Account numbers have 10 to 14 digits at most banks; the per-bank ranges below come from the
# account formats banks publish to 금융결제원 CMS (cmsedi.or.kr, 자료실), where they differ.
ACCOUNT_DIGITS_MIN = 10
ACCOUNT_DIGITS_MAX = 14


@dataclass(frozen=True)
class Bank:
    code: str  # 금융결제원 three-digit code
    name_ko: str
    name_en: str
    toss_code: str  # Toss Payments' two-digit code (refundReceiveAccount.bank)
    digits_min: int = ACCOUNT_DIGITS_MIN
    digits_max: int = ACCOUNT_DIGITS_MAX

    def name(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active one): Korean unless English."""
        chosen = (language or get_language() or "ko").lower()
        return self.name_en if chosen.startswith("en") else self.name_ko


_BANKS = (
    Bank("002", "KDB산업은행", "Korea Development Bank", "02"),
    Bank("003", "IBK기업은행", "Industrial Bank of Korea", "03"),
    Bank("004", "KB국민은행", "KB Kookmin Bank", "06"),
    Bank("007", "Sh수협은행", "Sh Suhyup Bank", "07"),
    Bank("011", "NH농협은행", "NH NongHyup Bank", "11"),
    Bank("012", "지역농·축협", "NongHyup local cooperatives", "12"),
    Bank("020", "우리은행", "Woori Bank", "20"),
    Bank("023", "SC제일은행", "SC First Bank", "23"),
    # Old Citibank Korea accounts have 9 digits (Y-ZZZZZZ-ZZC, CMS account formats).
    Bank("027", "한국씨티은행", "Citibank Korea", "27", digits_min=9),
    Bank("031", "iM뱅크(대구)", "iM Bank (Daegu)", "31"),
    Bank("032", "부산은행", "Busan Bank", "32"),
    Bank("034", "광주은행", "Kwangju Bank", "34"),
    Bank("035", "제주은행", "Jeju Bank", "35"),
    Bank("037", "전북은행", "Jeonbuk Bank", "37"),
    Bank("039", "경남은행", "Kyongnam Bank", "39"),
    Bank("045", "새마을금고", "MG Community Credit Cooperatives", "45"),
    Bank("048", "신협", "Shinhyup Credit Union", "48"),
    Bank("050", "저축은행", "Savings banks", "50"),
    Bank("064", "산림조합", "Korea Forestry Cooperatives", "64"),
    Bank("071", "우체국", "Korea Post", "71"),
    Bank("081", "하나은행", "Hana Bank", "81"),
    Bank("088", "신한은행", "Shinhan Bank", "88"),
    # The three internet-only banks have one account format each (CMS account formats):
    # K bank YYY-YNN-NNZZZZ, KakaoBank TYYY-ZZ-ZZZZZZZ, Toss Bank YYYZ-ZZZZ-ZZZC.
    Bank("089", "케이뱅크", "K bank", "89", digits_min=12, digits_max=12),
    Bank("090", "카카오뱅크", "KakaoBank", "90", digits_min=13, digits_max=13),
    Bank("092", "토스뱅크", "Toss Bank", "92", digits_min=12, digits_max=12),
)

BANKS: Mapping[str, Bank] = MappingProxyType({bank.code: bank for bank in _BANKS})
_BY_TOSS_CODE: Mapping[str, Bank] = MappingProxyType({bank.toss_code: bank for bank in _BANKS})


def bank_get(code: str | int) -> Bank | None:
    """The bank with this standard code; ``"88"`` and ``88`` (a spreadsheet's number) read as
    ``"088"``. None when unknown."""
    text = str(code).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        return None
    return BANKS.get(text.zfill(3))


def toss_bank_code(code: str) -> str:
    """The code Toss Payments wants in ``refundReceiveAccount.bank`` for a standard code."""
    bank = bank_get(code)
    if bank is None:
        raise KeyError(f"unknown bank code {code!r}")
    return bank.toss_code


def bank_from_toss_code(toss_code: str) -> Bank | None:
    """The bank behind a Toss Payments two-digit code (e.g. a virtual account's ``bankCode``)."""
    return _BY_TOSS_CODE.get(toss_code.strip())
