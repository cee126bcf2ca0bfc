"""What a return label says: the dataclasses callers fill in, their validation, phone masking.

Kept apart from drawing so the data a label carries (and its checks) reads without reportlab.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

LabelLayout = Literal["A6", "A4"]

# The fare types of ``banpum.logistics.models.FareType``; Korean values pass through as given.
FARE_TYPE_LABELS = {"prepaid": "선불", "collect": "착불", "credit": "신용"}

# The box size codes carriers and ``CarrierAccount.box_sizes`` use, as Korean couriers say them.
BOX_SIZE_LABELS = {
    "xs": "극소",
    "extra_small": "극소",
    "small": "소",
    "medium": "중",
    "large": "대",
    "xl": "특대",
    "extra_large": "특대",
}

_MAX_BARCODE_LEN = 48
_MAX_URL_LEN = 1000


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelParty:
    """A person or place on the label: the customer (sender) or the return address."""

    name: str
    phone: str
    postcode: str
    address1: str
    address2: str = ""


@dataclass(frozen=True)
class LabelItem:
    name: str
    quantity: int
    sku: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise ValueError(f"item quantity must be an int, not {self.quantity!r}")
        if self.quantity < 1:
            raise ValueError(f"item quantity must be at least 1, not {self.quantity}")


@dataclass(frozen=True)
class ReturnLabel:
    """Everything printed on one return label.

    ``waybill_number`` is "" for a return whose pickup is not booked yet: the big barcode then
    encodes ``return_number``. ``fare_type`` is a ``FareType`` value (prepaid/collect/credit) or
    already Korean (선불/착불/신용). ``sorting_code`` and ``terminal`` are the carrier's (분류코드,
    도착 터미널), "" until the carrier has given them. ``created_on`` is the day the pickup was
    booked (접수일), in the store's time zone.
    """

    return_number: str
    waybill_number: str
    carrier_name: str
    carrier_code: str
    tracking_url: str
    sender: LabelParty
    receiver: LabelParty
    items: tuple[LabelItem, ...]
    box_count: int = 1
    box_size: str = ""
    fare_type: str = ""
    memo: str = ""
    sorting_code: str = ""
    terminal: str = ""
    order_number: str = ""
    store_name: str = ""
    created_on: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "return_number", self.return_number.strip())
        object.__setattr__(self, "waybill_number", self.waybill_number.strip())
        object.__setattr__(self, "tracking_url", self.tracking_url.strip())
        if not isinstance(self.items, tuple):
            object.__setattr__(self, "items", tuple(self.items))
        if not self.return_number:
            raise ValueError("a return label needs the return number")
        _check_barcode_value("return number", self.return_number)
        if self.waybill_number:
            _check_barcode_value("waybill number", self.waybill_number)
        if len(self.tracking_url) > _MAX_URL_LEN:
            raise ValueError(
                f"{self.return_number}: tracking URL longer than {_MAX_URL_LEN} characters"
            )
        for party in (self.sender, self.receiver):
            if not isinstance(party, LabelParty):
                raise TypeError(f"{self.return_number}: sender/receiver must be LabelParty")
        for item in self.items:
            if not isinstance(item, LabelItem):
                raise TypeError(f"{self.return_number}: items must be LabelItem, not {item!r}")
        if (
            isinstance(self.box_count, bool)
            or not isinstance(self.box_count, int)
            or not 1 <= self.box_count <= 999
        ):
            raise ValueError(f"{self.return_number}: box count must be 1-999, not {self.box_count}")

    @property
    def barcode_value(self) -> str:
        """What the big barcode encodes: the waybill number, else the return number."""
        return self.waybill_number or self.return_number

    @property
    def booked(self) -> bool:
        return bool(self.waybill_number)


def _check_barcode_value(what: str, value: str) -> None:
    if len(value) > _MAX_BARCODE_LEN:
        raise ValueError(f"{what} {value!r} is too long for a barcode (max {_MAX_BARCODE_LEN})")
    if not all(" " <= ch <= "~" for ch in value):
        raise ValueError(f"{what} {value!r} must be printable ASCII (Code128)")


# --------------------------------------------------------------------------------------------
# Phone masking
# --------------------------------------------------------------------------------------------


def _split_korean_number(digits: str) -> list[str] | None:
    n = len(digits)
    if digits.startswith("02") and n in (9, 10):
        return [digits[:2], digits[2:-4], digits[-4:]]
    if digits.startswith("050") and n in (11, 12):  # 안심번호 0504/0505…
        return [digits[:4], digits[4:-4], digits[-4:]]
    if digits.startswith("0") and n in (10, 11):
        return [digits[:3], digits[3:-4], digits[-4:]]
    return None


def mask_phone(phone: str) -> str:
    """Hide the middle part of a phone number: ``010-1234-5678`` → ``010-****-5678``.

    Works on hyphenated, spaced and bare numbers and on +82 numbers; anything it cannot split
    keeps only its last four digits.
    """
    text = phone.strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return text
    if text.startswith("+82"):
        digits = "0" + digits[2:].lstrip("0")
    groups = re.findall(r"\d+", text)
    if text.startswith("+82") or len(groups) < 3:
        groups = _split_korean_number(digits) or []
    if len(groups) >= 3:
        middle = ["*" * len(group) for group in groups[1:-1]]
        return "-".join([groups[0], *middle, groups[-1]])
    keep = 4 if len(digits) > 4 else max(len(digits) - 2, 0)
    return "*" * (len(digits) - keep) + digits[len(digits) - keep :]
