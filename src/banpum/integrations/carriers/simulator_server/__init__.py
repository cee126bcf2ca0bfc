"""A carrier's return-pickup API (반품 회수 예약) on a local socket, with faults on demand.

Why it exists: Banpum books pickups and follows parcels through carriers' APIs, and the parts
that matter most (retries after a lost reply, idempotent re-booking, webhook signatures,
duplicate and out-of-order tracking events, failed pickups) are only exercised against a
carrier that misbehaves. Real carriers' test systems are contract-only and well-behaved, so the
demo and the tests run this one: real HTTP, an accelerated clock that plays each parcel's
journey, signed webhooks, and faults switched on at start or at runtime.

Carrier API (``Authorization: Bearer <key>``; any non-empty key is a tenant with its own
bookings and webhook): ``PUT|GET|DELETE /v1/webhook``, ``POST|GET /v1/pickups``,
``GET|DELETE /v1/pickups/{reference or waybill}`` (a pickup with ``swap`` and
``delivery_items`` is a 맞교환 visit), ``POST /v1/deliveries`` and ``GET /v1/deliveries/{ref}``
(forward parcels from the seller to a customer), ``GET /v1/tracking/{waybill}``,
``GET /v1/labels/{waybill}``. Control API (no auth, never faulted): ``GET|POST /v1/_faults``,
``POST /v1/_advance``, ``GET /v1/_clock``, ``GET /v1/_deliveries``. Webhook calls are
``POST {url}`` with ``{"events": [...]}`` signed as in ``banpum.core.signing``.

Layout, each module building on the ones before it: ``config`` (settings and their checks),
``state`` (bookings, tenants, the clock), ``http`` (server, handler, request checks), ``core``
(shared state, in-process controls, the state file), ``webhooks`` (signed delivery with
retries), ``journey`` (planning and releasing events), ``endpoints`` (the carrier and control
APIs) and ``server`` (``CarrierSimulator``: threads and dispatch). The class is a chain,
``_SimulatorCore`` ← ``_WebhookSender`` ← ``_Journeys`` ← ``_Endpoints`` ← ``CarrierSimulator``.
"""

from banpum.integrations.carriers.simulator_server.config import (
    DEFAULT_FARE,
    EXCEPTION_WORDS,
    FARE_TYPES,
    FARES,
    SimulatorConfig,
    config_update,
)
from banpum.integrations.carriers.simulator_server.journey import HUB, PLAYBACK
from banpum.integrations.carriers.simulator_server.server import CarrierSimulator
from banpum.integrations.carriers.simulator_server.state import BOOKING_STATUS, PICKED_UP

__all__ = [
    "BOOKING_STATUS",
    "DEFAULT_FARE",
    "EXCEPTION_WORDS",
    "FARES",
    "FARE_TYPES",
    "HUB",
    "PICKED_UP",
    "PLAYBACK",
    "CarrierSimulator",
    "SimulatorConfig",
    "config_update",
]
