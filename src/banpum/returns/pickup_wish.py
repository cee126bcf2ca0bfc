"""Where and when the customer wants the carrier to come, kept on the return until it is booked.

A return is often approved later than it is asked for (a person reviews it), and the pickup is
booked only then; so the address and date the customer gave are stored with the return
(``ReturnRequest.pickup_wish``) and logistics books from them whenever approval comes. Plain
data: empty fields mean "as on the order" (its shipping address) and "the carrier's first day".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Any

from banpum.core.errors import ValidationFailed
from banpum.returns import errors

# The lengths the pickup row keeps (``logistics.models.Pickup``).
LIMITS = {
    "contact_name": 100,
    "contact_phone": 32,
    "postcode": 10,
    "address1": 200,
    "address2": 200,
    "memo": 300,
}


@dataclass(frozen=True)
class PickupWish:
    contact_name: str = ""
    contact_phone: str = ""
    postcode: str = ""
    address1: str = ""
    address2: str = ""
    preferred_date: dt.date | None = None
    memo: str = ""

    def as_json(self) -> dict[str, Any]:
        data = {key: value for key, value in asdict(self).items() if value}
        if self.preferred_date is not None:
            data["preferred_date"] = self.preferred_date.isoformat()
        return data

    @classmethod
    def from_json(cls, data: object) -> PickupWish:
        """The stored wish; anything unreadable counts as not given (the order's address)."""
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)} - {"preferred_date"}
        values = {key: str(data[key]) for key in known if isinstance(data.get(key), str)}
        day = None
        if isinstance(data.get("preferred_date"), str):
            try:
                day = dt.date.fromisoformat(data["preferred_date"])
            except ValueError:
                day = None
        return cls(preferred_date=day, **values)


def pickup_wish_clean(wish: PickupWish, *, today: dt.date) -> PickupWish:
    """Trimmed, within the pickup's lengths, on a date not yet past; 422 naming each field."""
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = " ".join(str(getattr(wish, name)).split())
        if len(value) > limit:
            problems[f"pickup.{name}"] = [errors.PICKUP_FIELD_TOO_LONG.render(maximum=limit)]
        cleaned[name] = value
    if wish.preferred_date is not None and wish.preferred_date < today:
        problems["pickup.preferred_date"] = [
            errors.PICKUP_DATE_PAST.render(today=today.isoformat())
        ]
    if problems:
        raise ValidationFailed.for_fields(problems)
    return PickupWish(preferred_date=wish.preferred_date, **cleaned)
