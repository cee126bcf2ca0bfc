"""Where and when the customer wants a return collected, as CS (or the customer) gave it.

The wish is known when the return is opened, but the pickup is booked only at approval, which
may come later (a hold, a CS decision) or from the sweep. So it is kept on the return as plain
data, and logistics reads it when it books (``logistics.services.pickups``). Blank fields mean
"as on the order": the order's recipient, phone and shipping address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Any

from banpum.core.errors import ValidationFailed
from banpum.returns import errors

# The lengths of the pickup's own columns (``logistics.models.Pickup``), so that what is kept
# here can always be booked.
MAX_LENGTHS = {
    "contact_name": 100,
    "contact_phone": 32,
    "postcode": 10,
    "address1": 200,
    "address2": 200,
    "memo": 300,
}


@dataclass(frozen=True)
class PickupPreferences:
    contact_name: str = ""
    contact_phone: str = ""
    postcode: str = ""
    address1: str = ""
    address2: str = ""
    preferred_date: dt.date | None = None
    memo: str = ""

    def as_data(self) -> dict[str, Any]:
        """JSON for ``ReturnRequest.pickup_preferences``: only what was given."""
        data = {k: v.strip() for k, v in asdict(self).items() if isinstance(v, str) and v.strip()}
        if self.preferred_date is not None:
            data["preferred_date"] = self.preferred_date.isoformat()
        return data


def pickup_preferences_check(preferences: PickupPreferences, *, today: dt.date) -> None:
    """Refuse what a carrier could not take: overlong fields, a day already past."""
    problems: dict[str, list[str]] = {}
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(preferences, name).strip()) > limit:
            problems[f"pickup.{name}"] = [errors.TOO_LONG.render(maximum=limit)]
    if preferences.preferred_date is not None and preferences.preferred_date < today:
        problems["pickup.preferred_date"] = [
            errors.PICKUP_DATE_PAST.render(today=today.isoformat())
        ]
    if problems:
        raise ValidationFailed.for_fields(problems)


def pickup_preferences_read(data: object) -> PickupPreferences:
    """The stored wish; rows without one (or with unknown keys) read as "as on the order"."""
    if not isinstance(data, dict):
        return PickupPreferences()
    known = {f.name for f in fields(PickupPreferences)} - {"preferred_date"}
    values: dict[str, Any] = {k: str(v) for k, v in data.items() if k in known and v}
    day = data.get("preferred_date")
    if isinstance(day, str) and day:
        with contextlib.suppress(ValueError):  # not a date: as if none was given
            values["preferred_date"] = dt.date.fromisoformat(day)
    return PickupPreferences(**values)
