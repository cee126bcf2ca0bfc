"""What the simulator remembers: bookings and their planned events, tenants, the clock.

Plain data with its own (de)serialisation; the server holds it under one lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PICKED_UP = frozenset({"AT_PICKUP", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"})
BOOKING_STATUS = {
    "INFORMATION_RECEIVED": "accepted",
    "AT_PICKUP": "picked_up",
    "IN_TRANSIT": "in_transit",
    "OUT_FOR_DELIVERY": "out_for_delivery",
    "DELIVERED": "delivered",
    "ATTEMPT_FAIL": "exception",
}


@dataclass
class _Event:
    event_id: str
    at: dt.datetime  # on the simulated clock
    status: str
    raw_status: str
    description: str
    location: str
    exception_code: str = ""

    def as_json(self, stamp: Callable[[dt.datetime], dt.datetime] | None = None) -> dict[str, Any]:
        data = {
            "event_id": self.event_id,
            "status": self.status,
            "raw_status": self.raw_status,
            "description": self.description,
            "location": self.location,
            "occurred_at": (stamp(self.at) if stamp else self.at).isoformat(timespec="seconds"),
        }
        if self.exception_code:
            data["exception_code"] = self.exception_code
        return data


@dataclass
class _Booking:
    reference: str
    waybill_number: str
    idempotency_key: str
    request: dict[str, Any]
    fare: int
    booked_at: dt.datetime
    events: list[_Event]  # the whole planned journey; visible once the clock reaches each
    order: list[int]  # webhook delivery order: indices into events, repeats are duplicates
    released: int = 0  # how many of ``order`` have gone to the outbox
    cancelled_at: dt.datetime | None = None

    def visible(self, now: dt.datetime) -> list[_Event]:
        until = min(now, self.cancelled_at) if self.cancelled_at else now
        return [event for event in self.events if event.at <= until]

    def status(self, now: dt.datetime) -> str:
        if self.cancelled_at:
            return "cancelled"
        seen = self.visible(now)
        return BOOKING_STATUS.get(seen[-1].status, "accepted") if seen else "accepted"

    def picked_up(self, now: dt.datetime) -> bool:
        return any(event.status in PICKED_UP for event in self.visible(now))

    def release_at(self, position: int) -> dt.datetime:
        """An event held back (reordered) goes out with the event it was swapped with."""
        return max(self.events[i].at for i in self.order[: position + 1])

    def summary(self, now: dt.datetime) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "waybill_number": self.waybill_number,
            "status": self.status(now),
            "fare": self.fare,
            "return_number": self.request["return_number"],
            "kind": self.request.get("kind", "pickup"),
            "swap": bool(self.request.get("swap")),
            "idempotency_key": self.idempotency_key,
            "booked_at": self.booked_at.isoformat(timespec="seconds"),
            "cancelled_at": self.cancelled_at.isoformat(timespec="seconds")
            if self.cancelled_at
            else None,
        }

    def as_state(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["booked_at"] = self.booked_at.isoformat()
        data["cancelled_at"] = self.cancelled_at.isoformat() if self.cancelled_at else None
        data["events"] = [{**e.as_json(), "at": e.at.isoformat()} for e in self.events]
        return data

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> _Booking:
        events = [
            _Event(
                event_id=e["event_id"],
                at=dt.datetime.fromisoformat(e["at"]),
                status=e["status"],
                raw_status=e["raw_status"],
                description=e["description"],
                location=e["location"],
                exception_code=e.get("exception_code", ""),
            )
            for e in data["events"]
        ]
        cancelled = data.get("cancelled_at")
        return cls(
            reference=data["reference"],
            waybill_number=data["waybill_number"],
            idempotency_key=data["idempotency_key"],
            request=data["request"],
            fare=data["fare"],
            booked_at=dt.datetime.fromisoformat(data["booked_at"]),
            events=events,
            order=list(data["order"]),
            released=data["released"],
            cancelled_at=dt.datetime.fromisoformat(cancelled) if cancelled else None,
        )


@dataclass
class _Tenant:
    webhook_url: str = ""
    webhook_secret: str = ""
    bookings: dict[str, _Booking] = field(default_factory=dict)  # by reference
    by_key: dict[str, str] = field(default_factory=dict)  # idempotency key → reference
    by_waybill: dict[str, str] = field(default_factory=dict)

    def add(self, booking: _Booking) -> None:
        self.bookings[booking.reference] = booking
        self.by_key[booking.idempotency_key] = booking.reference
        self.by_waybill[booking.waybill_number] = booking.reference

    def find(self, reference_or_waybill: str) -> _Booking | None:
        reference = self.by_waybill.get(reference_or_waybill, reference_or_waybill)
        return self.bookings.get(reference)


class _Clock:
    """Simulated time: runs ``speed`` times faster than real time and can be pushed forward."""

    def __init__(self, speed: float, start: dt.datetime) -> None:
        self._speed = speed
        self._real = time.monotonic()
        self._sim = start

    def now(self) -> dt.datetime:
        return self._sim + dt.timedelta(seconds=(time.monotonic() - self._real) * self._speed)

    def set_speed(self, speed: float) -> None:
        self._sim, self._real, self._speed = self.now(), time.monotonic(), speed

    def advance(self, seconds: float) -> None:
        self._sim += dt.timedelta(seconds=seconds)

    def to_wall(self, moment: dt.datetime) -> dt.datetime:
        """When a simulated moment happened on the wall clock, at this clock's speed."""
        behind = (self.now() - moment).total_seconds() / self._speed
        return (dt.datetime.now(moment.tzinfo) - dt.timedelta(seconds=behind)).replace(
            microsecond=0
        )

    def real_seconds_until(self, moment: dt.datetime) -> float:
        return max(0.0, (moment - self.now()).total_seconds() / self._speed)
