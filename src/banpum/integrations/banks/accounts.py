"""Checking a refund account before money is sent to it, and showing it masked.

The check is about form only (a bank code we know, digits of a plausible length, a holder
name); whether the account exists and belongs to the holder is the bank's 예금주조회 when the
seller uploads the transfer file. Problems come back as codes with parameters, one per field,
so the caller words them in the reader's language (``integrations.errors``) or maps them to
its own API fields.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from banpum.integrations.banks.codes import Bank, bank_get

HOLDER_NAME_MAX = 30
# What people and spreadsheets put between digit groups: hyphens, dashes and spaces.
_SEPARATORS = frozenset("- \u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u3000\t")
# Control, format (bidi overrides, zero-width), private, unassigned and line separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# A text starting with these is a formula to a spreadsheet (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class AccountProblem:
    """One thing wrong with an input: ``field`` is bank_code, account_number or holder_name."""

    field: str
    code: str
    params: Mapping[str, int | str] = dataclasses.field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True)
class BankAccount:
    """A refund account that passed the check: ``number`` holds digits only."""

    bank: Bank
    number: str
    holder_name: str

    @property
    def masked_number(self) -> str:
        return mask_account_number(self.number)

    def __repr__(self) -> str:
        return f"BankAccount(bank={self.bank.code}, number={self.masked_number!r})"

    __str__ = __repr__


@dataclass(frozen=True)
class AccountCheck:
    account: BankAccount | None
    problems: tuple[AccountProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.account is not None


def account_number_digits(text: str) -> str:
    """``text`` without the separators people type (``"110-123 456789"`` → ``"110123456789"``);
    anything else is kept, for the check to refuse."""
    return "".join(char for char in text if char not in _SEPARATORS)


def mask_account_number(number: str) -> str:
    """Only the last four digits shown: ``"110-123-456789"`` → ``"********6789"``.

    Separators are dropped first, so the mask never hints at the bank's grouping; a number of
    four digits or fewer is masked whole.
    """
    digits = account_number_digits(number)
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def _number_problems(bank: Bank | None, digits: str) -> list[AccountProblem]:
    if not digits:
        return [AccountProblem("account_number", "account_number_empty")]
    if not (digits.isascii() and digits.isdigit()):
        return [AccountProblem("account_number", "account_number_not_digits")]
    if bank is None:
        return []
    count = len(digits)
    if count < bank.digits_min:
        params = {"count": count, "minimum": bank.digits_min}
        return [AccountProblem("account_number", "account_number_too_short", params)]
    if count > bank.digits_max:
        params = {"count": count, "maximum": bank.digits_max}
        return [AccountProblem("account_number", "account_number_too_long", params)]
    return []


def holder_name_problems(name: str) -> list[AccountProblem]:
    """What is wrong with a holder name (already stripped), if anything."""
    if not name:
        return [AccountProblem("holder_name", "holder_name_empty")]
    if len(name) > HOLDER_NAME_MAX:
        params = {"count": len(name), "maximum": HOLDER_NAME_MAX}
        return [AccountProblem("holder_name", "holder_name_too_long", params)]
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        return [AccountProblem("holder_name", "holder_name_control_characters")]
    if name.startswith(FORMULA_STARTS):
        return [AccountProblem("holder_name", "holder_name_formula")]
    return []


def bank_account_check(*, bank_code: str, account_number: str, holder_name: str) -> AccountCheck:
    """The account when all three inputs are well-formed, else every problem found."""
    bank = bank_get(bank_code)
    problems: list[AccountProblem] = []
    if bank is None:
        problems.append(AccountProblem("bank_code", "bank_unknown", {"code": bank_code[:10]}))
    digits = account_number_digits(account_number.strip())
    problems += _number_problems(bank, digits)
    name = holder_name.strip()
    problems += holder_name_problems(name)
    if problems or bank is None:
        return AccountCheck(account=None, problems=tuple(problems))
    return AccountCheck(account=BankAccount(bank=bank, number=digits, holder_name=name))
