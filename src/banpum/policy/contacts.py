"""Contact details as the blocklist compares them: one spelling per phone, email and address.

Plain Python (no Django): the blocklist stores values normalised by these functions, and the
facts loader normalises the customer's details the same way before looking them up, so
``010-1234-5678`` matches ``01012345678`` and `` Kim@Example.COM`` matches ``kim@example.com``.
"""

from __future__ import annotations

import re

from banpum.policy.types import BlocklistKind

_NOT_DIGIT = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")


def normalise_phone(value: str) -> str:
    """Digits only: dashes, spaces, brackets and a leading + go."""
    return _NOT_DIGIT.sub("", value)


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_address(value: str) -> str:
    """Runs of whitespace (spaces, tabs, line breaks) become one space; ends are trimmed."""
    return _SPACES.sub(" ", value).strip()


NORMALISERS = {
    BlocklistKind.PHONE: normalise_phone,
    BlocklistKind.EMAIL: normalise_email,
    BlocklistKind.ADDRESS: normalise_address,
}


def normalise(kind: BlocklistKind, value: str) -> str:
    return NORMALISERS[kind](value)
