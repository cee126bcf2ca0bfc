"""The carrier simulator and its gateway, over real HTTP on 127.0.0.1.

A second small HTTP server plays the seller's webhook receiver: it records every call and
checks the signature with its own HMAC, so the tests pin the wire contract rather than trust
the helpers that share the code with the simulator.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from banpum.core.signing import webhook_signature_verify
from banpum.integrations.carriers.base import (
    Address,
    GatewayError,
    LabelInfo,
    PickupBooked,
    PickupCancelled,
    PickupItem,
    PickupOrder,
    TrackedEvent,
)
from banpum.integrations.carriers.simulator import (
    RAW_STATUS_EXCEPTION_CODES,
    SimulatorGateway,
    WebhookEvent,
    webhook_events_parse,
)
from banpum.integrations.carriers.simulator_server import CarrierSimulator, SimulatorConfig

SECRET = "whsec-test"
JOURNEY = [
    ("INFORMATION_RECEIVED", "접수"),
    ("AT_PICKUP", "집하완료"),
    ("IN_TRANSIT", "간선상차"),
    ("IN_TRANSIT", "간선하차"),
    ("OUT_FOR_DELIVERY", "배달출발"),
    ("DELIVERED", "배달완료"),
]
TWO_DAYS = 2 * 24 * 3600


def _order(
    key: str = "pickup-1", postcode: str = "06236", phone: str = "010-1234-5678"
) -> PickupOrder:
    return PickupOrder(
        idempotency_key=key,
        return_number="RT-2025-0001",
        customer_code="30123456",
        sender=Address("홍길동", phone, postcode, "서울특별시 강남구 테헤란로 152", "12층"),
        receiver=Address("반품센터", "031-123-4567", "17383", "경기도 이천시 마장면 덕평로 1"),
        items=(PickupItem("면 티셔츠 (L)", 2),),
        box_size="small",
        preferred_date=dt.date(2025, 6, 2),
    )


def _wait_until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


# --- the webhook receiver -------------------------------------------------------------------


@dataclass
class Call:
    headers: dict[str, str]
    body: bytes

    @property
    def events(self) -> list[dict[str, Any]]:
        return list(json.loads(self.body)["events"])


@dataclass
class Receiver:
    url: str
    calls: list[Call] = field(default_factory=list)
    fail_next: int = 0  # answer 503 to this many calls first
    lock: threading.Lock = field(default_factory=threading.Lock)

    def event_ids(self) -> list[str]:
        with self.lock:
            return [e["event_id"] for call in self.calls for e in call.events]

    def wait_for_events(self, count: int, timeout: float = 5.0) -> list[str]:
        return list(_wait_until(lambda: len(ids := self.event_ids()) >= count and ids, timeout))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                failing = state.fail_next > 0
                state.fail_next -= 1 if failing else 0
                if not failing:
                    state.calls.append(Call(dict(self.headers.items()), body))
            self.send_response(503 if failing else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/carrier")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


# --- the simulator --------------------------------------------------------------------------


@pytest.fixture
def start_simulator() -> Iterator[Callable[..., CarrierSimulator]]:
    """Start simulators on free ports; stop them all and check that no thread is left."""
    before = set(threading.enumerate())
    started: list[CarrierSimulator] = []

    def start(state_path: Path | None = None, **config: Any) -> CarrierSimulator:
        settings = {"speed": 1.0, "seed": 7, "webhook_backoff_seconds": 0.05, **config}
        simulator = CarrierSimulator("127.0.0.1", 0, SimulatorConfig(**settings), state_path)
        started.append(simulator.start())
        return simulator

    yield start
    for simulator in started:
        simulator.stop()
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leftover, f"threads left running: {leftover}"


@pytest.fixture
def simulator(start_simulator: Callable[..., CarrierSimulator]) -> CarrierSimulator:
    return start_simulator()


@pytest.fixture
def gateway(simulator: CarrierSimulator) -> Iterator[SimulatorGateway]:
    with SimulatorGateway(simulator.base_url, "tenant-a", timeout=2.0) as gateway:
        yield gateway


def _api(simulator: CarrierSimulator, key: str = "tenant-a") -> httpx.Client:
    return httpx.Client(base_url=simulator.base_url, headers={"Authorization": f"Bearer {key}"})


def _faults(simulator: CarrierSimulator, **changes: Any) -> None:
    response = httpx.post(f"{simulator.base_url}/v1/_faults", json=changes)
    assert response.status_code == 200, response.text


def _advance(simulator: CarrierSimulator, seconds: float) -> None:
    response = httpx.post(f"{simulator.base_url}/v1/_advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def _booked(result: PickupBooked | GatewayError) -> PickupBooked:
    assert isinstance(result, PickupBooked), result
    return result


def _error(result: object) -> GatewayError:
    assert isinstance(result, GatewayError), result
    return result


def _pickups(simulator: CarrierSimulator, key: str = "tenant-a") -> list[dict[str, Any]]:
    with _api(simulator, key) as api:
        return list(api.get("/v1/pickups").json()["pickups"])


# --- booking --------------------------------------------------------------------------------


def test_booking_returns_reference_and_cj_style_waybill(
    simulator: CarrierSimulator, gateway: SimulatorGateway
) -> None:
    booked = _booked(gateway.request_pickup(_order()))

    waybill = booked.waybill_number
    assert len(waybill) == 12
    assert waybill.isdigit()
    assert int(waybill[:11]) % 7 == int(waybill[11])  # CJ's check digit
    assert booked.carrier_reference.startswith("PK")
    assert booked.fare_amount == 3500
    with _api(simulator) as api:
        pickup = api.get(f"/v1/pickups/{booked.carrier_reference}").json()
    assert pickup["status"] == "accepted"
    assert pickup["return_number"] == "RT-2025-0001"
    assert [e["raw_status"] for e in pickup["events"]] == ["접수"]
    label = gateway.label(waybill_number=waybill)
    assert isinstance(label, LabelInfo)
    assert label.waybill_number == waybill
    assert label.terminal == "경기터미널"
    assert label.sorting_code == "1H38-4"
    assert label.extra == {"reference": booked.carrier_reference}


def test_same_idempotency_key_returns_the_same_booking(simulator: CarrierSimulator) -> None:
    body = {
        "idempotency_key": "k-1",
        "return_number": "RT-1",
        "sender": {
            "name": "홍길동",
            "phone": "01012345678",
            "postcode": "06236",
            "address1": "서울 강남구 1",
        },
        "receiver": {
            "name": "창고",
            "phone": "0311234567",
            "postcode": "17383",
            "address1": "경기 이천시 1",
        },
        "items": [{"name": "셔츠", "quantity": 1}],
    }
    with _api(simulator) as api, _api(simulator, "tenant-b") as other:
        first = api.post("/v1/pickups", json=body)
        again = api.post("/v1/pickups", json=body)
        theirs = other.post("/v1/pickups", json=body)
        peek = other.get(f"/v1/pickups/{first.json()['reference']}")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["waybill_number"] == first.json()["waybill_number"]
    assert first.json()["status"] == "accepted"
    assert len(_pickups(simulator)) == 1
    # Keys and bookings belong to one API key: another tenant neither shares nor sees them.
    assert theirs.status_code == 201
    assert theirs.json()["waybill_number"] != first.json()["waybill_number"]
    assert peek.status_code == 404


def test_lost_reply_then_retry_returns_the_same_booking(simulator: CarrierSimulator) -> None:
    _faults(simulator, timeout_rate=1.0, timeout_seconds=3.0)
    with SimulatorGateway(simulator.base_url, "tenant-a", timeout=0.3) as impatient:
        lost = _error(impatient.request_pickup(_order()))
        assert (lost.code, lost.retryable) == ("timeout", True)
        _faults(simulator, timeout_rate=0.0)
        retried = _booked(impatient.request_pickup(_order()))

    [only] = _pickups(simulator)
    assert only["waybill_number"] == retried.waybill_number
    assert only["reference"] == retried.carrier_reference


def test_server_errors_are_retryable_and_book_nothing(
    simulator: CarrierSimulator, gateway: SimulatorGateway
) -> None:
    _faults(simulator, error_rate=1.0)
    error = _error(gateway.request_pickup(_order()))
    _faults(simulator, error_rate=0.0)

    assert (error.code, error.retryable) == ("http_500", True)
    assert error.carrier_words
    assert _pickups(simulator) == []


def test_address_not_found_is_a_permanent_rejection(gateway: SimulatorGateway) -> None:
    error = _error(gateway.request_pickup(_order(postcode="00000")))

    assert (error.code, error.retryable) == ("address_not_found", False)
    assert "주소" in error.carrier_words


def test_invalid_request_names_the_fields(
    simulator: CarrierSimulator, gateway: SimulatorGateway
) -> None:
    with _api(simulator) as api:
        response = api.post("/v1/pickups", json={"idempotency_key": "x", "box_count": 0})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert {"return_number", "sender", "receiver", "items", "box_count"} <= set(
        response.json()["fields"]
    )

    error = _error(gateway.request_pickup(_order(phone="call me")))
    assert (error.code, error.retryable) == ("invalid", False)
    assert "sender.phone" in error.carrier_words


def test_requests_without_a_key_get_401(simulator: CarrierSimulator) -> None:
    response = httpx.post(f"{simulator.base_url}/v1/pickups", json={})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"

    with SimulatorGateway(simulator.base_url, "") as anonymous:
        error = _error(anonymous.track("123456789012"))
    assert (error.code, error.retryable) == ("auth", False)


# --- cancel ---------------------------------------------------------------------------------


def test_cancel_before_pickup_is_idempotent_and_stops_playback(
    simulator: CarrierSimulator, gateway: SimulatorGateway
) -> None:
    booked = _booked(gateway.request_pickup(_order()))

    first = gateway.cancel_pickup(carrier_reference=booked.carrier_reference, waybill_number="")
    again = gateway.cancel_pickup(carrier_reference="", waybill_number=booked.waybill_number)
    _advance(simulator, TWO_DAYS)

    assert first == PickupCancelled(booked.carrier_reference, already_cancelled=False)
    assert again == PickupCancelled(booked.carrier_reference, already_cancelled=True)
    events = gateway.track(booked.waybill_number)
    assert isinstance(events, list)
    assert [e.status for e in events] == ["INFORMATION_RECEIVED"]
    assert _pickups(simulator)[0]["status"] == "cancelled"


def test_cancel_after_pickup_is_refused(
    simulator: CarrierSimulator, gateway: SimulatorGateway
) -> None:
    booked = _booked(gateway.request_pickup(_order()))
    _advance(simulator, 3 * 3600)

    error = _error(
        gateway.cancel_pickup(
            carrier_reference=booked.carrier_reference, waybill_number=booked.waybill_number
        )
    )
    assert (error.code, error.retryable) == ("already_picked_up", False)
    assert error.carrier_words == "이미 집하된 반품은 취소할 수 없습니다"


def test_unknown_parcels_are_not_found(gateway: SimulatorGateway) -> None:
    for result in (
        gateway.track("999999999999"),
        gateway.label(waybill_number="999999999999"),
        gateway.cancel_pickup(carrier_reference="PK0", waybill_number=""),
    ):
        error = _error(result)
        assert (error.code, error.retryable) == ("not_found", False)


# --- playback and webhooks ------------------------------------------------------------------


def test_fast_clock_plays_the_journey_to_delivered(
    start_simulator: Callable[..., CarrierSimulator],
) -> None:
    simulator = start_simulator(speed=200_000.0)  # a day in under half a second
    with SimulatorGateway(simulator.base_url, "tenant-a") as gateway:
        booked = _booked(gateway.request_pickup(_order()))

        def delivered() -> list[TrackedEvent] | None:
            events = gateway.track(booked.waybill_number)
            assert isinstance(events, list)
            return events if events and events[-1].status == "DELIVERED" else None

        events = _wait_until(delivered)

    assert [(e.status, e.raw_status) for e in events] == JOURNEY
    assert all(e.occurred_at.utcoffset() == dt.timedelta(hours=9) for e in events)
    times = [e.occurred_at for e in events]
    assert times == sorted(times)
    assert dt.timedelta(hours=19) < times[-1] - times[0] < dt.timedelta(hours=29)
    assert len({e.dedupe_key for e in events}) == 6
    assert events[1].location == "서울강남"
    assert events[-1].location == "경기이천"


def _signature_ok(call: Call) -> bool:
    timestamp = call.headers["X-Banpum-Timestamp"]
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256)
    return hmac.compare_digest(call.headers["X-Banpum-Signature"], f"sha256={digest.hexdigest()}")


def test_webhooks_deliver_every_event_signed(
    simulator: CarrierSimulator, gateway: SimulatorGateway, receiver: Receiver
) -> None:
    assert gateway.register_webhook(receiver.url, SECRET) is None
    booked = _booked(gateway.request_pickup(_order()))
    receiver.wait_for_events(1)
    _advance(simulator, TWO_DAYS)
    ids = receiver.wait_for_events(6)

    assert ids == [f"{booked.carrier_reference}-{n:02d}" for n in range(1, 7)]
    assert all(_signature_ok(call) for call in receiver.calls)
    assert all(abs(int(c.headers["X-Banpum-Timestamp"]) - time.time()) < 60 for c in receiver.calls)
    assert all(c.headers["Content-Type"].startswith("application/json") for c in receiver.calls)
    first = receiver.calls[0]
    assert set(first.events[0]) == {
        "event_id",
        "reference",
        "waybill_number",
        "status",
        "raw_status",
        "description",
        "location",
        "occurred_at",
    }
    parsed = webhook_events_parse(first.body)
    assert isinstance(parsed, list)
    assert parsed[0] == WebhookEvent(
        reference=booked.carrier_reference,
        waybill_number=booked.waybill_number,
        event=parsed[0].event,
    )
    assert parsed[0].event.status == "INFORMATION_RECEIVED"
    timestamp, signature = first.headers["X-Banpum-Timestamp"], first.headers["X-Banpum-Signature"]
    assert webhook_signature_verify(
        secret=SECRET, timestamp=timestamp, body=first.body, signature=signature
    )
    assert not webhook_signature_verify(
        secret=SECRET, timestamp=timestamp, body=first.body + b" ", signature=signature
    )
    assert not webhook_signature_verify(
        secret=SECRET,
        timestamp=timestamp,
        body=first.body,
        signature=signature,
        now=int(timestamp) + 3600,
    )


def test_failed_webhook_calls_are_retried(
    simulator: CarrierSimulator, gateway: SimulatorGateway, receiver: Receiver
) -> None:
    assert gateway.register_webhook(receiver.url, SECRET) is None
    receiver.fail_next = 2
    _booked(gateway.request_pickup(_order()))
    receiver.wait_for_events(1)

    assert receiver.calls[0].headers["X-Banpum-Attempt"] == "3"
    assert _signature_ok(receiver.calls[0])
    log = httpx.get(f"{simulator.base_url}/v1/_deliveries").json()["deliveries"]
    assert [entry["outcome"] for entry in log] == ["HTTP 503", "HTTP 503", "HTTP 204"]


def test_duplicate_events_are_injected(
    start_simulator: Callable[..., CarrierSimulator], receiver: Receiver
) -> None:
    simulator = start_simulator(duplicate_rate=1.0)
    with SimulatorGateway(simulator.base_url, "tenant-a") as gateway:
        assert gateway.register_webhook(receiver.url, SECRET) is None
        booked = _booked(gateway.request_pickup(_order()))
    _advance(simulator, TWO_DAYS)
    ids = receiver.wait_for_events(12)

    expected = [f"{booked.carrier_reference}-{n:02d}" for n in range(1, 7)]
    assert ids == [event_id for event_id in expected for _ in range(2)]
    assert len(receiver.calls) == 12  # each copy is its own call, as after a lost ack


def test_reordered_events_are_injected(
    start_simulator: Callable[..., CarrierSimulator], receiver: Receiver
) -> None:
    simulator = start_simulator(reorder_rate=1.0)
    with SimulatorGateway(simulator.base_url, "tenant-a") as gateway:
        assert gateway.register_webhook(receiver.url, SECRET) is None
        booked = _booked(gateway.request_pickup(_order()))
        _advance(simulator, TWO_DAYS)
        ids = receiver.wait_for_events(6)
        tracked = gateway.track(booked.waybill_number)

    assert [i[-2:] for i in ids] == ["02", "01", "04", "03", "06", "05"]
    arrival = [e["occurred_at"] for call in receiver.calls for e in call.events]
    assert arrival != sorted(arrival)
    assert isinstance(tracked, list)  # polling still sees them in order
    assert [e.dedupe_key[-2:] for e in tracked] == ["01", "02", "03", "04", "05", "06"]


def test_batched_webhook_calls(simulator: CarrierSimulator, receiver: Receiver) -> None:
    _faults(simulator, batch=10)
    with SimulatorGateway(simulator.base_url, "tenant-a") as gateway:
        assert gateway.register_webhook(receiver.url, SECRET) is None
        _booked(gateway.request_pickup(_order()))
        receiver.wait_for_events(1)
        _advance(simulator, TWO_DAYS)
        receiver.wait_for_events(6)

    assert [len(call.events) for call in receiver.calls] == [1, 5]
    assert all(_signature_ok(call) for call in receiver.calls)


def test_pickup_exception_stops_playback(
    start_simulator: Callable[..., CarrierSimulator], receiver: Receiver
) -> None:
    simulator = start_simulator(exception_rate=1.0, exception_codes=("customer_absent",))
    with SimulatorGateway(simulator.base_url, "tenant-a") as gateway:
        assert gateway.register_webhook(receiver.url, SECRET) is None
        booked = _booked(gateway.request_pickup(_order()))
        _advance(simulator, 3 * 24 * 3600)
        receiver.wait_for_events(2)
        time.sleep(0.3)  # nothing else may follow
        events = gateway.track(booked.waybill_number)
        cancelled = gateway.cancel_pickup(
            carrier_reference=booked.carrier_reference, waybill_number=""
        )

    assert isinstance(events, list)
    assert [(e.status, e.raw_status) for e in events] == [
        ("INFORMATION_RECEIVED", "접수"),
        ("ATTEMPT_FAIL", "고객부재"),
    ]
    assert RAW_STATUS_EXCEPTION_CODES[events[-1].raw_status] == "customer_absent"
    assert len(receiver.event_ids()) == 2
    assert receiver.calls[-1].events[0]["exception_code"] == "customer_absent"
    assert isinstance(cancelled, PickupCancelled)  # not picked up, so it can still be cancelled


# --- state, determinism, controls -----------------------------------------------------------


def test_state_survives_a_restart(
    start_simulator: Callable[..., CarrierSimulator], receiver: Receiver, tmp_path: Path
) -> None:
    state = tmp_path / "carrier.json"
    first = start_simulator(state_path=state)
    with SimulatorGateway(first.base_url, "tenant-a") as gateway:
        assert gateway.register_webhook(receiver.url, SECRET) is None
        booked = _booked(gateway.request_pickup(_order()))
        receiver.wait_for_events(1)
    first.stop()
    assert state.exists()

    second = start_simulator(state_path=state)
    with SimulatorGateway(second.base_url, "tenant-a") as gateway:
        assert _booked(gateway.request_pickup(_order())) == booked
        assert _booked(gateway.request_pickup(_order("pickup-2"))).carrier_reference != (
            booked.carrier_reference
        )
        _advance(second, TWO_DAYS)
        ids = receiver.wait_for_events(12)  # 1 before the restart, 5 + 6 after
        events = gateway.track(booked.waybill_number)

    assert isinstance(events, list)
    assert [e.status for e in events][-1] == "DELIVERED"
    # The event sent before the restart is not sent again; the rest arrive after it.
    assert len(ids) == 12
    assert sorted(i for i in ids if i.startswith(booked.carrier_reference)) == [
        f"{booked.carrier_reference}-{n:02d}" for n in range(1, 7)
    ]
    assert len(_pickups(second)) == 2


def test_a_seed_replays_the_same_run(start_simulator: Callable[..., CarrierSimulator]) -> None:
    def run() -> tuple[str, list[tuple[str, float]]]:
        simulator = start_simulator(seed=42, exception_rate=0.5)
        with SimulatorGateway(simulator.base_url, "tenant-a") as gateway:
            booked = [_booked(gateway.request_pickup(_order(f"k{n}"))) for n in range(4)]
            _advance(simulator, TWO_DAYS)
            journeys: list[tuple[str, float]] = []
            for parcel in booked:
                events = gateway.track(parcel.waybill_number)
                assert isinstance(events, list)
                start = events[0].occurred_at
                journeys += [
                    (e.raw_status, (e.occurred_at - start).total_seconds()) for e in events
                ]
        return ",".join(b.waybill_number for b in booked), journeys

    assert run() == run()


def test_faults_endpoint_validates_and_reports(simulator: CarrierSimulator) -> None:
    bad = httpx.post(f"{simulator.base_url}/v1/_faults", json={"error_rate": 2, "colour": "red"})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"error_rate", "colour"}

    _faults(simulator, latency_ms=150, exception_codes=["refused"])
    current = httpx.get(f"{simulator.base_url}/v1/_faults").json()
    assert current["latency_ms"] == 150
    assert current["exception_codes"] == ["refused"]
    assert current["error_rate"] == 0.0
    started = time.monotonic()
    with _api(simulator) as api:
        assert api.get("/v1/pickups").status_code == 200
    assert time.monotonic() - started >= 0.15


def test_advance_moves_the_clock(simulator: CarrierSimulator) -> None:
    before = dt.datetime.fromisoformat(httpx.get(f"{simulator.base_url}/v1/_clock").json()["now"])
    _advance(simulator, 3600)
    after = dt.datetime.fromisoformat(httpx.get(f"{simulator.base_url}/v1/_clock").json()["now"])
    assert dt.timedelta(hours=1) <= after - before < dt.timedelta(hours=1, minutes=1)


# --- the gateway's error mapping ------------------------------------------------------------


def test_unreachable_carrier_is_a_retryable_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connection refused
        with SimulatorGateway(f"http://127.0.0.1:{port}", "k", timeout=1.0) as gateway:
            error = _error(gateway.track("123456789012"))
    assert (error.code, error.retryable) == ("connection", True)


@pytest.mark.parametrize(
    ("status", "body", "code", "retryable"),
    [
        (429, b'{"code":"rate_limited","message":"slow down"}', "rate_limited", True),
        (503, b"<html>down</html>", "http_503", True),
        (409, b'{"code":"already_picked_up","message":"picked up"}', "already_picked_up", False),
        (200, b"not json", "bad_response", True),
        (200, b'{"events": [{"status": "DELIVERED"}]}', "bad_response", True),
    ],
)
def test_gateway_maps_every_answer_to_a_result_or_error(
    status: int, body: bytes, code: str, retryable: bool
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    with SimulatorGateway("http://carrier.test", "k", transport=transport) as gateway:
        error = _error(gateway.track("123456789012"))
    assert (error.code, error.retryable) == (code, retryable)


def test_gateway_sends_the_documented_booking_body() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"reference": "PK1", "waybill_number": "1", "fare": 0})

    transport = httpx.MockTransport(answer)
    with SimulatorGateway("http://carrier.test/base", "key-1", transport=transport) as gateway:
        assert gateway.request_pickup(_order()) == PickupBooked("PK1", "1", 0)

    [request] = seen
    assert str(request.url) == "http://carrier.test/base/v1/pickups"
    assert request.headers["Authorization"] == "Bearer key-1"
    body = json.loads(request.content)
    assert body["preferred_date"] == "2025-06-02"
    assert body["items"] == [{"name": "면 티셔츠 (L)", "quantity": 2}]
    assert body["sender"]["address2"] == "12층"


# --- places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "branch"),
    [
        ("전라남도 순천시 중앙로 1", "전남순천"),
        ("전라남도 무안군 삼향읍 오룡길 1", "전남무안"),
        ("경상북도 포항시 남구 대잠동", "경북포항"),
        ("충청남도 천안시 동남구 1", "충남천안"),
        ("강원특별자치도 춘천시 중앙로 1", "강원춘천"),
        ("전북특별자치도 전주시 완산구 1", "전북전주"),
        ("제주특별자치도 제주시 첨단로 242", "제주제주"),
        ("서울특별시 강남구 테헤란로 152", "서울강남"),
        ("서울특별시 중구 세종대로 110", "서울중구"),
        ("부산광역시 해운대구 1", "부산해운대"),
        ("세종특별자치시 한누리대로 2130", "세종"),
        ("경기도 이천시 마장면 덕평로 1", "경기이천"),
        ("서울 강남구 1", "서울강남"),
        ("", "본사"),
    ],
)
def test_branch_names_abbreviate_whole_province_names(address: str, branch: str) -> None:
    from banpum.integrations.carriers.simulator_server.journey import _branch

    assert _branch(address) == branch
