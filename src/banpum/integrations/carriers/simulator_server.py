"""A carrier's return-pickup API (반품 회수 예약) on a local socket, with faults on demand.

Why it exists: Banpum books pickups and follows parcels through carriers' APIs, and the parts
that matter most (retries after a lost reply, idempotent re-booking, webhook signatures,
duplicate and out-of-order tracking events, failed pickups) are only exercised against a
carrier that misbehaves. Real carriers' test systems are contract-only and well-behaved, so the
demo and the tests run this one: real HTTP, an accelerated clock that plays each parcel's
journey, signed webhooks, and faults switched on at start or at runtime.

Carrier API (``Authorization: Bearer <key>``; any non-empty key is a tenant with its own
bookings and webhook): ``PUT|GET|DELETE /v1/webhook``, ``POST|GET /v1/pickups``,
``GET|DELETE /v1/pickups/{reference or waybill}``, ``GET /v1/tracking/{waybill}``,
``GET /v1/labels/{waybill}``. Control API (no auth, never faulted): ``GET|POST /v1/_faults``,
``POST /v1/_advance``, ``GET /v1/_clock``, ``GET /v1/_deliveries``. Webhook calls are
``POST {url}`` with ``{"events": [...]}`` signed as in ``simulator.webhook_signature``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import heapq
import itertools
import json
import logging
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from banpum.integrations.carriers.simulator import (
    DELIVERY_HEADER,
    KST,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    webhook_signature,
)

logger = logging.getLogger(__name__)

# A failed pickup: PickupException code → (the carrier's word, what the driver reports).
EXCEPTION_WORDS: dict[str, tuple[str, str]] = {
    "customer_absent": ("고객부재", "고객 부재로 반품 상품을 회수하지 못했습니다"),
    "address_not_found": ("주소불명", "주소를 찾을 수 없어 반품 상품을 회수하지 못했습니다"),
    "refused": ("회수거부", "고객이 반품 상품 인계를 거부했습니다"),
    "item_not_ready": ("상품미준비", "반품 상품이 포장되지 않아 회수하지 못했습니다"),
}
FARE_TYPES = ("prepaid", "collect", "credit")
FARES = {"xs": 3000, "small": 3500, "medium": 4000, "large": 5000, "xl": 6500}
DEFAULT_FARE = 4000
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
class SimulatorConfig:
    """How the simulated carrier behaves; every field can be changed by ``POST /v1/_faults``."""

    speed: float = 3600.0  # simulated seconds per real second
    latency_ms: int = 0
    error_rate: float = 0.0  # → 500 before anything is done
    timeout_rate: float = 0.0  # the work is done, the reply comes after timeout_seconds
    timeout_seconds: float = 30.0
    duplicate_rate: float = 0.0  # a webhook event is sent twice
    reorder_rate: float = 0.0  # a webhook event is sent after the one that follows it
    exception_rate: float = 0.0  # the pickup fails (ATTEMPT_FAIL) and playback stops
    exception_codes: tuple[str, ...] = tuple(EXCEPTION_WORDS)
    batch: int = 1  # at most this many due events per webhook call
    seed: int | None = None
    address_marker: str = "00000"  # in a postcode or address → 422 address_not_found
    # Stamp events with the wall-clock moment they became due (compressed, never in the
    # future) instead of the simulated clock, which runs days ahead in a long demo.
    wall_clock_stamps: bool = False
    webhook_retries: int = 4
    webhook_backoff_seconds: float = 0.5  # doubled after each failed attempt
    webhook_timeout_seconds: float = 5.0

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["exception_codes"] = list(self.exception_codes)
        return data


def _number(low: float, high: float | None = None) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if value < low or (high is not None and value > high):
            raise ValueError(f"must be between {low} and {high}" if high else f"must be ≥ {low}")
        return float(value)

    return check


def _integer(low: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"must be an integer ≥ {low}")
        return value

    return check


def _seed(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError("must be an integer or null")


def _marker(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _codes(value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list | tuple)
        or not value
        or any(v not in EXCEPTION_WORDS for v in value)
    ):
        raise ValueError(f"must be a non-empty list of {sorted(EXCEPTION_WORDS)}")
    return tuple(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


_CONFIG_RULES: dict[str, Callable[[Any], Any]] = {
    "speed": _number(0.001),
    "latency_ms": _integer(0),
    "error_rate": _number(0, 1),
    "timeout_rate": _number(0, 1),
    "timeout_seconds": _number(0),
    "duplicate_rate": _number(0, 1),
    "reorder_rate": _number(0, 1),
    "exception_rate": _number(0, 1),
    "exception_codes": _codes,
    "batch": _integer(1),
    "seed": _seed,
    "address_marker": _marker,
    "webhook_retries": _integer(0),
    "webhook_backoff_seconds": _number(0),
    "webhook_timeout_seconds": _number(0.01),
    "wall_clock_stamps": _flag,
}


def config_update(
    config: SimulatorConfig, changes: dict[str, Any]
) -> tuple[SimulatorConfig, dict[str, str]]:
    """A copy of ``config`` with ``changes`` applied, or the field errors."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in changes.items():
        rule = _CONFIG_RULES.get(key)
        if rule is None:
            errors[key] = "unknown setting"
            continue
        try:
            values[key] = rule(value)
        except ValueError as exc:
            errors[key] = str(exc)
    if "latency_ms" in values:
        values["latency_ms"] = int(values["latency_ms"])
    return (config if errors else dataclasses.replace(config, **values)), errors


# --- state ----------------------------------------------------------------------------------


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


@dataclass
class _Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sit on the reply (an injected timeout)
    note: str = ""


@dataclass
class _Delivery:
    delivery_id: str
    tenant_id: str
    events: list[dict[str, Any]]
    attempt: int = 1


def _error(http_status: int, code: str, message: str, **extra: Any) -> _Reply:
    return _Reply(http_status, {"code": code, "message": message, **extra})


# --- the simulator --------------------------------------------------------------------------


class CarrierSimulator:
    """The carrier: an HTTP server, a playback scheduler and a webhook sender, in threads.

    ``start()``/``stop()`` run it in the background (tests, an embedding ``banpum serve``);
    ``serve_forever()`` runs it in the foreground until Ctrl-C (``banpum simulate-carrier``).
    Port 0 picks a free port; read ``port``/``base_url`` after starting.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8010,
        config: SimulatorConfig | None = None,
        state_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.host = host
        self._port = port
        self.config = config or SimulatorConfig()
        self._state_path = Path(state_path) if state_path else None
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._rng = random.Random(self.config.seed)
        self._tenants: dict[str, _Tenant] = {}
        self._counter = 0
        self._salt = random.Random(self.config.seed).randrange(10**10)
        self._clock = _Clock(self.config.speed, dt.datetime.now(KST).replace(microsecond=0))
        self._outbox: list[tuple[float, int, _Delivery]] = []
        self._outbox_cv = threading.Condition()
        self._sequence = itertools.count(1)
        self._log: deque[dict[str, Any]] = deque(maxlen=500)
        self._httpd: _Server | None = None
        self._threads: list[threading.Thread] = []
        if self._state_path and self._state_path.exists():
            self._load()

    # --- running ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> CarrierSimulator:
        self._bind()
        self._spawn("http", self._serve_http)
        self._spawn_workers()
        return self

    def serve_forever(self) -> None:
        self._bind()
        self._spawn_workers()
        logger.info("carrier simulator listening on %s", self.base_url)
        try:
            assert self._httpd is not None
            self._httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop every thread this simulator started, waking any reply held by a fault."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._wake.set()
        with self._outbox_cv:
            self._outbox_cv.notify_all()
        if self._httpd is not None:
            if any(t.name.endswith("-http") for t in self._threads):
                self._httpd.shutdown()
            self._httpd.server_close()  # joins the request threads
        for thread in self._threads:
            thread.join(timeout=10)
        with self._lock:
            self._save()

    def _bind(self) -> None:
        self._httpd = _Server((self.host, self._port), _Handler)
        self._httpd.simulator = self

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=f"carrier-sim-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _spawn_workers(self) -> None:
        self._spawn("playback", self._playback_loop)
        self._spawn("webhooks", self._delivery_loop)

    def _serve_http(self) -> None:
        assert self._httpd is not None
        self._httpd.serve_forever(poll_interval=0.1)

    # --- in-process controls (the same as the /v1/_ endpoints) ------------------------------

    def faults_update(self, **changes: Any) -> dict[str, str]:
        """Change the behaviour at runtime; returns field errors (and changes nothing) if any."""
        with self._lock:
            config, errors = config_update(self.config, changes)
            if errors:
                return errors
            if config.speed != self.config.speed:
                self._clock.set_speed(config.speed)
            if config.seed != self.config.seed:
                self._rng = random.Random(config.seed)
            self.config = config
        self._wake.set()
        return {}

    def advance(self, seconds: float) -> dt.datetime:
        """Jump the simulated clock; events that fall due are sent at once."""
        with self._lock:
            self._clock.advance(seconds)
            now = self._clock.now()
        self._wake.set()
        return now

    def now(self) -> dt.datetime:
        with self._lock:
            return self._clock.now()

    # --- HTTP dispatch ----------------------------------------------------------------------

    def dispatch(self, method: str, path: str, authorization: str, body: bytes) -> _Reply:
        if path.startswith("/v1/_"):
            return self._control(method, path, body)
        with self._lock:
            config, fail = self.config, self._rng.random()
        if config.latency_ms:
            self._stopping.wait(config.latency_ms / 1000)
        if fail < config.error_rate:
            reply = _error(500, "internal_error", "일시적인 시스템 오류입니다. 다시 시도해 주세요.")
            reply.note = "injected 500"
            return reply
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            reply = _error(401, "unauthorized", "Authorization: Bearer <api key> is required")
            reply.headers["WWW-Authenticate"] = 'Bearer realm="carrier-simulator"'
            return reply
        tenant_id = hashlib.sha256(key.strip().encode()).hexdigest()[:16]
        reply = self._route(method, path, tenant_id, body)
        with self._lock:
            if self._rng.random() < self.config.timeout_rate:
                reply.delay, reply.note = self.config.timeout_seconds, "injected timeout"
        return reply

    def _route(self, method: str, path: str, tenant_id: str, body: bytes) -> _Reply:
        parts = [unquote(part) for part in path.strip("/").split("/")]
        routes: dict[tuple[str, int], dict[str, Callable[..., _Reply]]] = {
            ("webhook", 2): {
                "PUT": self._webhook_put,
                "GET": self._webhook_get,
                "DELETE": self._webhook_delete,
            },
            ("pickups", 2): {"POST": self._pickup_create, "GET": self._pickup_list},
            ("pickups", 3): {"GET": self._pickup_get, "DELETE": self._pickup_cancel},
            ("tracking", 3): {"GET": self._tracking_get},
            ("labels", 3): {"GET": self._label_get},
        }
        if len(parts) < 2 or parts[0] != "v1" or (parts[1], len(parts)) not in routes:
            return _error(404, "not_found", f"no such endpoint: {path}")
        handlers = routes[(parts[1], len(parts))]
        if method not in handlers:
            return _error(405, "method_not_allowed", f"{method} is not allowed on {path}")
        args: list[Any] = [tenant_id, *parts[2:]]
        if method in ("POST", "PUT"):
            payload = _json_body(body)
            if isinstance(payload, _Reply):
                return payload
            args.append(payload)
        return handlers[method](*args)

    # --- carrier endpoints ------------------------------------------------------------------

    def _webhook_put(self, tenant_id: str, payload: dict[str, Any]) -> _Reply:
        url, secret = payload.get("url"), payload.get("secret")
        fields = {}
        if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url):
            fields["url"] = "an http(s) URL is required"
        if not isinstance(secret, str) or not secret:
            fields["secret"] = "a non-empty secret is required"
        if fields:
            return _error(400, "invalid", "invalid webhook settings", fields=fields)
        with self._lock:
            tenant = self._tenant(tenant_id)
            tenant.webhook_url, tenant.webhook_secret = str(url), str(secret)
            self._save()
        return _Reply(200, {"url": url, "registered": True})

    def _webhook_get(self, tenant_id: str) -> _Reply:
        with self._lock:
            url = self._tenant_view(tenant_id).webhook_url
        return _Reply(200, {"url": url, "registered": bool(url)})

    def _webhook_delete(self, tenant_id: str) -> _Reply:
        with self._lock:
            tenant = self._tenant(tenant_id)
            tenant.webhook_url = tenant.webhook_secret = ""
            self._save()
        return _Reply(200, {"url": "", "registered": False})

    def _pickup_create(self, tenant_id: str, payload: dict[str, Any]) -> _Reply:
        request, fields = _pickup_validate(payload)
        if fields:
            return _error(400, "invalid", "요청 값이 올바르지 않습니다", fields=fields)
        with self._lock:
            tenant = self._tenant(tenant_id)
            now = self._clock.now()
            existing = tenant.by_key.get(request["idempotency_key"])
            if existing:
                booking = tenant.bookings[existing]
                return _Reply(200, _booked_json(booking, now), note="idempotent replay")
            marker = self.config.address_marker
            for side in ("sender", "receiver"):
                address = request[side]
                parts = (address["postcode"], address["address1"], address["address2"])
                if marker and any(marker in part for part in parts):
                    return _error(
                        422,
                        "address_not_found",
                        "주소를 확인할 수 없어 회수 예약을 할 수 없습니다",
                        fields={side: "주소불명"},
                    )
            booking = self._book(request, now)
            tenant.add(booking)
            self._save()
        self._wake.set()
        return _Reply(201, _booked_json(booking, now))

    def _pickup_list(self, tenant_id: str) -> _Reply:
        with self._lock:
            now = self._clock.now()
            bookings = list(self._tenant_view(tenant_id).bookings.values())
            return _Reply(200, {"pickups": [b.summary(now) for b in bookings]})

    def _pickup_get(self, tenant_id: str, reference: str) -> _Reply:
        with self._lock:
            booking = self._tenant_view(tenant_id).find(reference)
            if booking is None:
                return _error(404, "not_found", f"예약을 찾을 수 없습니다: {reference}")
            now = self._clock.now()
            events = [e.as_json(self._stamp()) for e in booking.visible(now)]
            return _Reply(200, {**booking.summary(now), "events": events})

    def _pickup_cancel(self, tenant_id: str, reference: str) -> _Reply:
        with self._lock:
            booking = self._tenant_view(tenant_id).find(reference)
            if booking is None:
                return _error(404, "not_found", f"예약을 찾을 수 없습니다: {reference}")
            now = self._clock.now()
            already = booking.cancelled_at is not None
            if not already and booking.picked_up(now):
                return _error(
                    409,
                    "already_picked_up",
                    "이미 집하된 반품은 취소할 수 없습니다",
                    status=booking.status(now),
                )
            if not already:
                booking.cancelled_at = now
                self._save()
            assert booking.cancelled_at is not None
            body = {
                "reference": booking.reference,
                "waybill_number": booking.waybill_number,
                "status": "cancelled",
                "already_cancelled": already,
                "cancelled_at": booking.cancelled_at.isoformat(timespec="seconds"),
            }
        self._wake.set()
        return _Reply(200, body)

    def _stamp(self) -> Callable[[dt.datetime], dt.datetime] | None:
        return self._clock.to_wall if self.config.wall_clock_stamps else None

    def _tracking_get(self, tenant_id: str, waybill: str) -> _Reply:
        with self._lock:
            tenant = self._tenant_view(tenant_id)
            booking = tenant.bookings.get(tenant.by_waybill.get(waybill, ""))
            if booking is None:
                return _error(404, "not_found", f"운송장을 찾을 수 없습니다: {waybill}")
            now = self._clock.now()
            return _Reply(
                200,
                {
                    "waybill_number": booking.waybill_number,
                    "reference": booking.reference,
                    "status": booking.status(now),
                    "events": [e.as_json(self._stamp()) for e in booking.visible(now)],
                },
            )

    def _label_get(self, tenant_id: str, waybill: str) -> _Reply:
        with self._lock:
            tenant = self._tenant_view(tenant_id)
            booking = tenant.bookings.get(tenant.by_waybill.get(waybill, ""))
            if booking is None:
                return _error(404, "not_found", f"운송장을 찾을 수 없습니다: {waybill}")
            postcode = booking.request["receiver"]["postcode"]
            return _Reply(
                200,
                {
                    "waybill_number": booking.waybill_number,
                    "sorting_code": _sorting_code(postcode),
                    "terminal": f"{_region(postcode)}터미널",
                    "reference": booking.reference,
                },
            )

    # --- control endpoints ------------------------------------------------------------------

    def _control(self, method: str, path: str, body: bytes) -> _Reply:
        route = (method, path.rstrip("/"))
        if route == ("GET", "/v1/_faults"):
            with self._lock:
                return _Reply(200, self.config.as_json())
        if route == ("POST", "/v1/_faults"):
            payload = _json_body(body)
            if isinstance(payload, _Reply):
                return payload
            errors = self.faults_update(**payload)
            if errors:
                return _error(400, "invalid", "invalid simulator settings", fields=errors)
            with self._lock:
                return _Reply(200, self.config.as_json())
        if route == ("POST", "/v1/_advance"):
            payload = _json_body(body)
            if isinstance(payload, _Reply):
                return payload
            seconds = payload.get("seconds")
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                return _error(400, "invalid", "seconds ≥ 0 required", fields={"seconds": "≥ 0"})
            return _Reply(200, {"now": self.advance(seconds).isoformat(timespec="seconds")})
        if route == ("GET", "/v1/_clock"):
            with self._lock:
                now, speed = self._clock.now(), self.config.speed
            return _Reply(200, {"now": now.isoformat(timespec="seconds"), "speed": speed})
        if route == ("GET", "/v1/_deliveries"):
            with self._outbox_cv:
                return _Reply(200, {"deliveries": list(self._log)})
        return _error(404, "not_found", f"no such endpoint: {method} {path}")

    # --- booking and playback ---------------------------------------------------------------

    def _tenant(self, tenant_id: str) -> _Tenant:
        return self._tenants.setdefault(tenant_id, _Tenant())

    def _tenant_view(self, tenant_id: str) -> _Tenant:
        """For reads: a key that never wrote anything does not become a stored tenant."""
        return self._tenants.get(tenant_id) or _Tenant()

    def _book(self, request: dict[str, Any], now: dt.datetime) -> _Booking:
        """Make the booking and plan its whole journey now, so a seed replays it exactly."""
        self._counter += 1
        number = self._counter
        config = self.config
        rng = (
            random.Random(f"{config.seed}:{number}") if config.seed is not None else random.Random()
        )
        reference = f"PK{now:%Y%m%d}{number:06d}"
        # CJ-style waybill: 11 digits and a check digit (the 11 digits mod 7).
        body = 60_000_000_000 + (self._salt + number * 7919) % 10_000_000_000
        waybill = f"{body}{body % 7}"
        steps: list[_Step] = list(PLAYBACK)
        exception_code = ""
        if rng.random() < config.exception_rate:
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
            deliveries, wait = self._release_due()
            for delivery in deliveries:
                self._outbox_put(delivery, delay=0.0)
            self._wake.wait(timeout=wait)

    # --- webhook delivery -------------------------------------------------------------------

    def _outbox_put(self, delivery: _Delivery, delay: float) -> None:
        with self._outbox_cv:
            due = time.monotonic() + delay
            heapq.heappush(self._outbox, (due, next(self._sequence), delivery))
            self._outbox_cv.notify_all()

    def _outbox_take(self) -> _Delivery | None:
        with self._outbox_cv:
            while not self._stopping.is_set():
                if self._outbox and self._outbox[0][0] <= time.monotonic():
                    return heapq.heappop(self._outbox)[2]
                timeout = self._outbox[0][0] - time.monotonic() if self._outbox else None
                self._outbox_cv.wait(timeout=timeout)
        return None

    def _delivery_loop(self) -> None:
        with httpx.Client() as client:
            while (delivery := self._outbox_take()) is not None:
                self._deliver(client, delivery)

    def _deliver(self, client: httpx.Client, delivery: _Delivery) -> None:
        with self._lock:
            tenant = self._tenants.get(delivery.tenant_id)
            url, secret = (tenant.webhook_url, tenant.webhook_secret) if tenant else ("", "")
            config = self.config
        record: dict[str, Any] = {
            "delivery_id": delivery.delivery_id,
            "attempt": delivery.attempt,
            "url": url,
            "event_ids": [e["event_id"] for e in delivery.events],
        }
        if not url:
            self._record({**record, "outcome": "no webhook registered"})
            return
        body = json.dumps({"events": delivery.events}, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "banpum-carrier-simulator/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: webhook_signature(secret, timestamp, body),
            DELIVERY_HEADER: delivery.delivery_id,
            "X-Banpum-Attempt": str(delivery.attempt),
        }
        try:
            response = client.post(
                url, content=body, headers=headers, timeout=config.webhook_timeout_seconds
            )
            outcome, ok = f"HTTP {response.status_code}", response.is_success
        except httpx.HTTPError as exc:
            outcome, ok = f"{type(exc).__name__}: {exc}", False
        self._record({**record, "outcome": outcome})
        if ok or self._stopping.is_set():
            return
        if delivery.attempt > config.webhook_retries:
            logger.warning(
                "webhook %s gave up after %d attempts", delivery.delivery_id, delivery.attempt
            )
            return
        delay = config.webhook_backoff_seconds * 2 ** (delivery.attempt - 1)
        self._outbox_put(dataclasses.replace(delivery, attempt=delivery.attempt + 1), delay=delay)

    def _record(self, entry: dict[str, Any]) -> None:
        with self._outbox_cv:
            self._log.append(entry)
        logger.info(
            "webhook %s attempt %d %s → %s",
            entry["delivery_id"],
            entry["attempt"],
            ",".join(entry["event_ids"]),
            entry["outcome"],
        )

    # --- persistence ------------------------------------------------------------------------

    def _save(self) -> None:
        """Write the whole state (caller holds the lock): small, and atomic by rename."""
        if self._state_path is None:
            return
        state = {
            "version": 1,
            "clock": self._clock.now().isoformat(),
            "counter": self._counter,
            "salt": self._salt,
            "tenants": {
                tenant_id: {
                    "webhook_url": tenant.webhook_url,
                    "webhook_secret": tenant.webhook_secret,
                    "bookings": [b.as_state() for b in tenant.bookings.values()],
                }
                for tenant_id, tenant in self._tenants.items()
            },
        }
        self._state_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._state_path.with_name(self._state_path.name + ".tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self._state_path)

    def _load(self) -> None:
        """Resume where the last run stopped; the simulated clock stood still while it was down."""
        assert self._state_path is not None
        state = json.loads(self._state_path.read_text(encoding="utf-8"))
        self._clock = _Clock(self.config.speed, dt.datetime.fromisoformat(state["clock"]))
        self._counter, self._salt = state["counter"], state["salt"]
        for tenant_id, data in state["tenants"].items():
            tenant = self._tenant(tenant_id)
            tenant.webhook_url, tenant.webhook_secret = data["webhook_url"], data["webhook_secret"]
            for booking in data["bookings"]:
                tenant.add(_Booking.from_state(booking))


# --- HTTP plumbing --------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    # Request threads are joined on close, so stop() leaves no thread behind.
    daemon_threads = False
    block_on_close = True
    simulator: CarrierSimulator


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "BanpumCarrierSimulator/1"
    timeout = 10  # a client that connects and says nothing does not hold a thread forever

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: ``_serve`` logs one richer line per request instead."""

    def _serve(self, method: str) -> None:
        started = time.monotonic()
        simulator = self.server.simulator
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1_000_000)) if length else b""
        path = urlsplit(self.path).path
        reply = simulator.dispatch(method, path, self.headers.get("Authorization", ""), body)
        if reply.delay:
            simulator._stopping.wait(reply.delay)  # the client has given up by now
        payload = json.dumps(reply.body, ensure_ascii=False).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            reply.note = (reply.note + ", " if reply.note else "") + "client gone"
        logger.info(
            "%s %s → %d (%.0f ms)%s",
            method,
            path,
            reply.status,
            (time.monotonic() - started) * 1000,
            f" [{reply.note}]" if reply.note else "",
        )


def _json_body(body: bytes) -> dict[str, Any] | _Reply:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return _error(400, "invalid", "the body is not valid JSON")
    if not isinstance(payload, dict):
        return _error(400, "invalid", "the body must be a JSON object")
    return payload


def _booked_json(booking: _Booking, now: dt.datetime) -> dict[str, Any]:
    return {
        "reference": booking.reference,
        "waybill_number": booking.waybill_number,
        "fare": booking.fare,
        "status": booking.status(now),
        "booked_at": booking.booked_at.isoformat(timespec="seconds"),
    }


def _text(
    payload: dict[str, Any], name: str, fields: dict[str, str], prefix: str = "", *, required: bool
) -> str:
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        fields[prefix + name] = "must be a string"
        return ""
    if required and not value.strip():
        fields[prefix + name] = "required"
    return value.strip()


def _pickup_validate(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The booking request, cleaned, and the field errors (``sender.phone`` style keys)."""
    fields: dict[str, str] = {}
    request: dict[str, Any] = {
        name: _text(payload, name, fields, required=name in ("idempotency_key", "return_number"))
        for name in (
            "idempotency_key",
            "return_number",
            "customer_code",
            "box_size",
            "memo",
            "original_waybill",
        )
    }
    if len(request["idempotency_key"]) > 100:
        fields["idempotency_key"] = "at most 100 characters"
    for side in ("sender", "receiver"):
        raw = payload.get(side)
        if not isinstance(raw, dict):
            fields[side] = "required"
            request[side] = {}
            continue
        address = {
            name: _text(raw, name, fields, f"{side}.", required=name != "address2")
            for name in ("name", "phone", "postcode", "address1", "address2")
        }
        digits = re.sub(r"[\s\-+()]", "", address["phone"])
        if address["phone"] and not (digits.isdigit() and 9 <= len(digits) <= 12):
            fields[f"{side}.phone"] = "전화번호 형식이 아닙니다"
        if address["postcode"] and not re.fullmatch(r"\d{5}", address["postcode"]):
            fields[f"{side}.postcode"] = "우편번호는 숫자 5자리입니다"
        request[side] = address
    items = payload.get("items")
    request["items"] = []
    if not isinstance(items, list) or not items:
        fields["items"] = "at least one item is required"
    else:
        for index, item in enumerate(items):
            name = item.get("name") if isinstance(item, dict) else None
            quantity = item.get("quantity") if isinstance(item, dict) else None
            if not isinstance(name, str) or not name.strip():
                fields[f"items.{index}.name"] = "required"
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                fields[f"items.{index}.quantity"] = "a positive integer is required"
            request["items"].append({"name": name, "quantity": quantity})
    box_count = payload.get("box_count", 1)
    if isinstance(box_count, bool) or not isinstance(box_count, int) or not 1 <= box_count <= 99:
        fields["box_count"] = "an integer from 1 to 99 is required"
    request["box_count"] = box_count
    fare_type = payload.get("fare_type") or "credit"
    if fare_type not in FARE_TYPES:
        fields["fare_type"] = f"one of {', '.join(FARE_TYPES)}"
    request["fare_type"] = fare_type
    preferred = payload.get("preferred_date")
    if preferred is not None:
        try:
            dt.date.fromisoformat(preferred)
        except (TypeError, ValueError):
            fields["preferred_date"] = "YYYY-MM-DD or null"
    request["preferred_date"] = preferred
    return request, fields


_SUFFIXES = ("특별자치시", "특별자치도", "특별시", "광역시", "도", "시", "군", "구")


def _branch(address: str) -> str:
    """A carrier-style branch name from an address: 서울특별시 강남구 … → 서울강남."""
    names = []
    for token in address.split()[:2]:
        for suffix in _SUFFIXES:
            if token.endswith(suffix) and len(token) > len(suffix):
                token = token[: -len(suffix)]
                break
        names.append(token)
    return "".join(names) or "본사"


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
