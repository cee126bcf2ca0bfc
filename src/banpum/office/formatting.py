"""How the office writes phones, money and spreadsheet cells (UI.md, "Formatting")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from banpum.commerce.selectors import phone_digits
from banpum.policy import texts

# A spreadsheet reads a cell starting with one of these as a formula (CSV/Excel injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def phone_masked(phone: str) -> str:
    """``010-1234-5678`` -> ``010-****-5678``: lists show whose phone, not the number."""
    digits = phone_digits(phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    # Seoul numbers have a two-digit area code (02-123-4567); others three (010, 031, 070).
    head = digits[:2] if digits.startswith("02") else digits[:3]
    return f"{head}-{'*' * (len(digits) - len(head) - 4)}-{digits[-4:]}"


def money(amount: int | None) -> str:
    return texts.money(amount) if amount is not None else "-"


def local_naive(when: dt.datetime | None, zone: str) -> dt.datetime | None:
    """``when`` on the store's clock without its zone: a spreadsheet's date cell has none."""
    if when is None:
        return None
    return when.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def cell_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, quoted so that it reads as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def email_masked(email: str) -> str:
    """``kim.cs@example.com`` -> ``k*****@example.com``: whose mailbox, not the address."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return "*" * len(local)
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"


def address_masked(address: str) -> str:
    """The region only (``서울특별시 강남구 ***``): where to, not the door."""
    words = (address or "").split()
    if not words:
        return ""
    return " ".join([*words[:2], "***"])
