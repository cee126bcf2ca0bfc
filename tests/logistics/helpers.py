"""Building blocks for the logistics tests: carriers, accounts, returns with an address, and
eyes on the carrier simulator (its bookings, the requests it answered)."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from django.utils import timezone

from banpum.commerce.models import Order, Store
from banpum.core.actors import Actor
from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.catalogue import carrier_rows
from banpum.logistics.models import Carrier, CarrierAccount, Gateway, Pickup
from banpum.logistics.services.tracking import IncomingEvent
from banpum.returns.models import ReturnRequest
from banpum.returns.services import return_request_approve
from tests.factories import make_order
from tests.returns.helpers import open_return

CS = Actor.system("cs-test")
CJ = "kr.cjlogistics"
EPOST = "kr.epost"
SEOUL = {
    "shipping_name": "홍길동",
    "shipping_phone": "010-1234-5678",
    "shipping_postcode": "06236",
    "shipping_address1": "서울특별시 강남구 테헤란로 152",
    "shipping_address2": "12층",
}
BOXES = [
    {"code": "small", "label": "소형", "max_cm": 80, "fare": 3500},
    {"code": "medium", "label": "중형", "max_cm": 120, "fare": 4000},
]


def carrier(code: str = CJ) -> Carrier:
    """The catalogue's carrier (seeded by migration; re-created after a transactional flush)."""
    row = next(row for row in carrier_rows() if row["code"] == code)
    found, _ = Carrier.objects.get_or_create(code=code, defaults=row)
    return found


def store_with_return_address(store: Store) -> Store:
    store.return_address_name = "반품센터"
    store.return_address_phone = "031-123-4567"
    store.return_address_postcode = "17383"
    store.return_address_line1 = "경기도 이천시 마장면 덕평로 1"
    store.return_address_line2 = "B동"
    store.save()
    return store


def linked_account(
    store: Store,
    simulator: CarrierSimulator | str,
    *,
    name: str = "CJ 반품 계약",
    code: str = CJ,
    is_default: bool = True,
    **fields: Any,
) -> CarrierAccount:
    """An account booked through the simulator, with its own API key (its own tenant there)."""
    base_url = simulator if isinstance(simulator, str) else simulator.base_url
    return CarrierAccount.objects.create(
        store=store,
        carrier=carrier(code),
        name=name,
        gateway=Gateway.SIMULATOR,
        api_base_url=base_url,
        credentials={"api_key": f"key-{uuid.uuid4().hex}"},
        webhook_secret=f"whsec-{uuid.uuid4().hex}",
        customer_code="30123456",
        box_sizes=BOXES,
        is_default=is_default,
        **fields,
    )


def unlinked_account(store: Store, *, code: str = "kr.hanjin", **fields: Any) -> CarrierAccount:
    defaults: dict[str, Any] = {
        "name": "한진 (수동)",
        "is_default": True,
        "instructions": "한진택배 앱에서 반품 예약 후 송장번호를 알려 주세요.",
        "return_name": "반품센터",
        "return_phone": "031-123-4567",
        "return_postcode": "17383",
        "return_address1": "경기도 이천시 마장면 덕평로 1",
    }
    return CarrierAccount.objects.create(
        store=store, carrier=carrier(code), gateway=Gateway.NONE, **{**defaults, **fields}
    )


def address_order(store: Store, **changes: Any) -> Order:
    """Two units at 10,000 each (unless ``lines`` says), delivered two days ago, to Seoul."""
    changes.setdefault("lines", [{"quantity": 2, "unit_price": 10000}])
    return make_order(store=store, **{**SEOUL, **changes})


def approve(order: Order, **ask: Any) -> ReturnRequest:
    """A change-of-mind carrier-pickup return for one unit, approved by CS."""
    return return_request_approve(
        now=timezone.now(), return_request=open_return(order, **ask), actor=CS
    )


def book(return_request: ReturnRequest, waybill: str = "612345678901") -> Pickup:
    """Apply a carrier's booking answer directly: an accepted pickup, no carrier involved.

    Its after-commit jobs (the tracking refresh) never run in a test that does not commit.
    """
    from banpum.integrations.carriers.base import PickupBooked
    from banpum.logistics.services.pickups import pickup_booking_apply

    pickup = pickup_of(return_request)
    return pickup_booking_apply(
        pickup_id=pickup.pk, result=PickupBooked(f"PK-{waybill}", waybill), now=timezone.now()
    )


def reload(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def incoming(
    waybill: str,
    status: str,
    hours: float,
    *,
    start: dt.datetime | None = None,
    event_id: str = "",
    **fields: Any,
) -> IncomingEvent:
    """An event ``hours`` after ``start`` (default: two days ago), as a webhook would carry it."""
    start = start or timezone.now() - dt.timedelta(days=2)
    return IncomingEvent(
        tracking_number=waybill,
        status=status,
        occurred_at=start + dt.timedelta(hours=hours),
        event_id=event_id or f"{waybill}-{status}-{hours}",
        **fields,
    )


def journey(waybill: str, start: dt.datetime | None = None) -> list[IncomingEvent]:
    """A whole parcel journey, from the booking to the warehouse door."""
    steps = [
        ("INFORMATION_RECEIVED", 0, "접수"),
        ("AT_PICKUP", 1, "집하완료"),
        ("IN_TRANSIT", 6, "간선상차"),
        ("IN_TRANSIT", 12, "간선하차"),
        ("OUT_FOR_DELIVERY", 20, "배달출발"),
        ("DELIVERED", 24, "배달완료"),
    ]
    return [incoming(waybill, s, h, start=start, raw_status=raw) for s, h, raw in steps]


# --- the simulator seen from outside --------------------------------------------------------


def sim_bookings(account: CarrierAccount) -> list[dict[str, Any]]:
    """Every booking the simulator holds for this account's API key (``GET /v1/pickups``)."""
    response = httpx.get(
        f"{account.api_base_url}/v1/pickups",
        headers={"Authorization": f"Bearer {account.credentials['api_key']}"},
        timeout=10,
    )
    response.raise_for_status()
    return list(response.json()["pickups"])


def sim_tracking(account: CarrierAccount, waybill: str) -> dict[str, Any]:
    response = httpx.get(
        f"{account.api_base_url}/v1/tracking/{waybill}",
        headers={"Authorization": f"Bearer {account.credentials['api_key']}"},
        timeout=10,
    )
    response.raise_for_status()
    return dict(response.json())


def sim_requests(caplog: pytest.LogCaptureFixture, method: str, prefix: str) -> list[str]:
    """The simulator's log line per request it answered: ``DELETE /v1/pickups/PK… → 200 …``."""
    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == "banpum.integrations.carriers.simulator_server"
    ]
    return [line for line in lines if line.startswith(f"{method} {prefix}")]


@contextmanager
def running_simulator(**config: Any) -> Iterator[CarrierSimulator]:
    from banpum.integrations.carriers.simulator_server import SimulatorConfig

    simulator = CarrierSimulator(host="127.0.0.1", port=0, config=SimulatorConfig(**config))
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


@contextmanager
def real_queue(huey: Any, storage: Any = None) -> Iterator[Any]:
    """Make the project's Huey a queue that nothing runs until a consumer is started.

    Tests run jobs immediately (tests/conftest.py). Here the jobs go into ``storage`` (memory
    unless given, e.g. a ``SqliteStorage`` in tmp_path shared with a worker process) and wait
    for a consumer. Assigning ``storage`` ourselves, with ``immediate_use_memory`` off, keeps
    Huey from opening the queue the settings name (var/jobs.sqlite3, a developer's own).
    """
    from huey.storage import MemoryStorage

    previous = huey.storage, huey.immediate_use_memory
    huey.immediate_use_memory = False
    huey.immediate = False
    huey.storage = storage if storage is not None else MemoryStorage(huey.name)
    try:
        yield huey
    finally:
        close = getattr(huey.storage, "close", None)
        if callable(close):
            close()
        huey.immediate = True
        huey.storage, huey.immediate_use_memory = previous


def wait_until(check: Callable[[], Any], *, timeout: float = 30.0, what: str = "") -> Any:
    """Poll ``check`` until it returns something truthy; fail (not hang) after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or check}")
        time.sleep(0.05)


def pickup_of(return_request: ReturnRequest) -> Pickup:
    """The return's newest pickup."""
    return Pickup.objects.filter(return_request=return_request).latest("id")
