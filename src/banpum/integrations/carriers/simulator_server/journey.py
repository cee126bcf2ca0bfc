"""A parcel's journey: the steps it plays, where they happen, and releasing them when due.

``_Journeys`` plans every booking's events at booking time (so a seed replays exactly) and
turns the events the clock has reached into webhook deliveries; a layer of ``CarrierSimulator``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Any

from banpum.integrations.carriers.simulator_server.config import (
    DEFAULT_FARE,
    EXCEPTION_WORDS,
    FARES,
)
from banpum.integrations.carriers.simulator_server.state import _Booking, _Event
from banpum.integrations.carriers.simulator_server.webhooks import _Delivery, _WebhookSender

HUB = "곤지암Hub"


@dataclass(frozen=True)
class _Step:
    hours: float
    status: str
    raw_status: str
    description: str
    place: str  # "sender", "hub" or "receiver": where the event happens


# One parcel's journey from the customer's door to the seller's warehouse, CJ-style words.
PLAYBACK = (
    _Step(0, "INFORMATION_RECEIVED", "접수", "반품 회수 예약이 접수되었습니다", "sender"),
    _Step(1, "AT_PICKUP", "집하완료", "반품 상품을 집하했습니다", "sender"),
    _Step(6, "IN_TRANSIT", "간선상차", "터미널로 이동 중입니다", "sender"),
    _Step(12, "IN_TRANSIT", "간선하차", "허브 터미널에 도착했습니다", "hub"),
    _Step(20, "OUT_FOR_DELIVERY", "배달출발", "판매자 창고로 배달을 출발했습니다", "receiver"),
    _Step(24, "DELIVERED", "배달완료", "판매자 창고에 반품 상품이 도착했습니다", "receiver"),
)


# A forward parcel from the seller's warehouse to the customer (an exchange's replacement).
FORWARD_PLAYBACK = (
    _Step(0, "INFORMATION_RECEIVED", "접수", "택배 예약이 접수되었습니다", "sender"),
    _Step(2, "AT_PICKUP", "집하완료", "판매자 창고에서 상품을 집하했습니다", "sender"),
    _Step(8, "IN_TRANSIT", "간선상차", "터미널로 이동 중입니다", "sender"),
    _Step(14, "IN_TRANSIT", "간선하차", "허브 터미널에 도착했습니다", "hub"),
    _Step(22, "OUT_FOR_DELIVERY", "배달출발", "고객님께 배달을 출발했습니다", "receiver"),
    _Step(26, "DELIVERED", "배달완료", "고객님께 상품을 전달했습니다", "receiver"),
)
# 맞교환: the driver hands over the replacement at the door, then carries the return home.
SWAP_STEP = _Step(
    1, "AT_PICKUP", "교환집하", "교환 상품을 전달하고 반품 상품을 집하했습니다", "sender"
)


# Provinces and metropolitan cities as couriers abbreviate them (전라남도 → 전남, not 전라남).
_PROVINCES = {
    "서울특별시": "서울", "서울시": "서울", "부산광역시": "부산", "대구광역시": "대구",
    "인천광역시": "인천", "광주광역시": "광주", "대전광역시": "대전", "울산광역시": "울산",
    "세종특별자치시": "세종", "세종시": "세종", "경기도": "경기", "강원도": "강원",
    "강원특별자치도": "강원", "충청북도": "충북", "충청남도": "충남", "전라북도": "전북",
    "전북특별자치도": "전북", "전라남도": "전남", "경상북도": "경북", "경상남도": "경남",
    "제주특별자치도": "제주", "제주도": "제주",
}  # fmt: skip


def _branch(address: str) -> str:
    """A carrier-style branch name from an address: 서울특별시 강남구 … → 서울강남.

    The province is abbreviated as a whole word (전라남도 → 전남); the city, county or district
    after it loses its 시/군/구 unless that leaves one syllable (중구 stays 중구). A second word
    that is no city, county or district (세종's road names) is left out.
    """
    tokens = address.split()
    if not tokens:
        return "본사"
    names = [_PROVINCES.get(tokens[0], tokens[0])]
    if len(tokens) > 1 and tokens[1][-1] in "시군구":
        district = tokens[1]
        names.append(district[:-1] if len(district) > 2 else district)
    return "".join(names)


_REGIONS = (
    (9, "서울"), (20, "경기"), (23, "인천"), (26, "강원"), (29, "충북"), (30, "세종"),
    (33, "충남"), (35, "대전"), (40, "경북"), (43, "대구"), (45, "울산"), (49, "부산"),
    (53, "경남"), (56, "전북"), (60, "전남"), (62, "광주"), (63, "제주"),
)  # fmt: skip


def _region(postcode: str) -> str:
    """The region of a Korean 5-digit postcode, by its first two digits."""
    prefix = int(postcode[:2])
    return next((name for last, name in _REGIONS if prefix <= last), "제주")


def _sorting_code(postcode: str) -> str:
    """A label sorting code (분류코드) that is stable for a delivery area."""
    return f"{postcode[0]}{'ABCDEFGHJK'[int(postcode[1])]}{postcode[2:4]}-{int(postcode[4]) + 1}"


class _Journeys(_WebhookSender):
    """Booking and playback: plans each journey, releases due events to the outbox."""

    def _book(self, request: dict[str, Any], now: dt.datetime) -> _Booking:
        """Make the booking and plan its whole journey now, so a seed replays it exactly."""
        self._counter += 1
        number = self._counter
        config = self.config
        seed = f"{config.seed}:{number}" if config.seed is not None else None
        rng = random.Random(seed)  # noqa: S311 - a simulated journey, no secret; replayable
        forward = request.get("kind") == "delivery"
        reference = f"{'DL' if forward else 'PK'}{now:%Y%m%d}{number:06d}"
        # CJ-style waybill: 11 digits and a check digit (the 11 digits mod 7).
        body = 60_000_000_000 + (self._salt + number * 7919) % 10_000_000_000
        waybill = f"{body}{body % 7}"
        steps: list[_Step] = list(FORWARD_PLAYBACK if forward else PLAYBACK)
        if request.get("swap"):
            steps[1] = SWAP_STEP
        exception_code = ""
        if not forward and rng.random() < config.exception_rate:
            exception_code = rng.choice(config.exception_codes)
            raw, words = EXCEPTION_WORDS[exception_code]
            steps = [PLAYBACK[0], _Step(1, "ATTEMPT_FAIL", raw, words, "sender")]
        places = {
            "sender": _branch(request["sender"]["address1"]),
            "hub": HUB,
            "receiver": _branch(request["receiver"]["address1"]),
        }
        events: list[_Event] = []
        seconds = 0
        for index, step in enumerate(steps):
            if index:  # each leg takes its nominal time ±20 %, so no two parcels look alike
                leg = (step.hours - steps[index - 1].hours) * 3600
                seconds += max(60, round(leg * rng.uniform(0.8, 1.2)))
            events.append(
                _Event(
                    event_id=f"{reference}-{index + 1:02d}",
                    at=now + dt.timedelta(seconds=seconds),
                    status=step.status,
                    raw_status=step.raw_status,
                    description=step.description,
                    location=places[step.place],
                    exception_code=exception_code if step.status == "ATTEMPT_FAIL" else "",
                )
            )
        order = list(range(len(events)))
        position = 0
        while position < len(order) - 1:
            if rng.random() < config.reorder_rate:
                order[position], order[position + 1] = order[position + 1], order[position]
                position += 2
            else:
                position += 1
        with_duplicates: list[int] = []
        for index in order:
            with_duplicates.append(index)
            if rng.random() < config.duplicate_rate:
                with_duplicates.append(index)
        fare = FARES.get(request["box_size"], DEFAULT_FARE) * request["box_count"]
        return _Booking(
            reference=reference,
            waybill_number=waybill,
            idempotency_key=request["idempotency_key"],
            request=request,
            fare=fare,
            booked_at=now,
            events=events,
            order=with_duplicates,
        )

    def _release_due(self) -> tuple[list[_Delivery], float]:
        """Move due events to webhook deliveries; also how long (real) until the next is due."""
        due: list[tuple[dt.datetime, str, int, str, dict[str, Any]]] = []
        next_due: dt.datetime | None = None
        with self._lock:
            now = self._clock.now()
            for tenant_id, tenant in self._tenants.items():
                for booking in tenant.bookings.values():
                    while booking.released < len(booking.order):
                        event = booking.events[booking.order[booking.released]]
                        release = booking.release_at(booking.released)
                        if booking.cancelled_at is not None:
                            if event.at > booking.cancelled_at:
                                booking.released += 1  # never happened: cancelled before
                                continue
                            release = min(release, booking.cancelled_at)
                        if release > now:
                            next_due = release if next_due is None else min(next_due, release)
                            break
                        payload = {
                            "event_id": event.event_id,
                            "reference": booking.reference,
                            "waybill_number": booking.waybill_number,
                            **{
                                k: v
                                for k, v in event.as_json(self._stamp()).items()
                                if k != "event_id"
                            },
                        }
                        due.append(
                            (release, booking.reference, booking.released, tenant_id, payload)
                        )
                        booking.released += 1
            if due:
                self._save()
            batch = self.config.batch
            wait = 0.5 if next_due is None else min(0.5, self._clock.real_seconds_until(next_due))
        deliveries: list[_Delivery] = []
        for tenant_id, group in itertools.groupby(
            sorted(due, key=lambda item: item[3]), key=lambda item: item[3]
        ):
            payloads = [item[4] for item in sorted(group, key=lambda item: item[:3])]
            for start in range(0, len(payloads), batch):
                deliveries.append(
                    _Delivery(
                        delivery_id=f"dlv_{next(self._sequence):08d}",
                        tenant_id=tenant_id,
                        events=payloads[start : start + batch],
                    )
                )
        return deliveries, wait

    def _playback_loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            # stop() sets the flag before waking us: checked after clear(), a stop that came
            # in between is seen here, and one that comes later wakes the wait below.
            if self._stopping.is_set():
                break
            deliveries, wait = self._release_due()
            for delivery in deliveries:
                self._outbox_put(delivery, delay=0.0)
            self._wake.wait(timeout=wait)
