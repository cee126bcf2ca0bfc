"""The ``CarrierGateway`` for Banpum's carrier simulator, and the simulator's wire contract.

The simulator (``simulator_server``) is a real HTTP server, so this client is written like an
adapter for a real carrier: every httpx exception and every unexpected answer becomes a
``GatewayError`` that says whether a retry may help, because the pickup job decides between
"retry with backoff" and "hand to CS" on that flag alone. Retrying ``request_pickup`` is safe:
the simulator answers a repeated ``idempotency_key`` with the booking it already made.

The webhook payload parser at the bottom is the receiving side of the simulator's tracking
webhooks; their signature is ``banpum.core.signing``'s, shared by sender and receiver.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from banpum.integrations.carriers.base import (
    TRACKING_STATUSES,
    Address,
    DeliveryBooked,
    DeliveryOrder,
    GatewayError,
    LabelInfo,
    PickupBooked,
    PickupCancelled,
    PickupOrder,
    TrackedEvent,
)
from banpum.integrations.http import (
    http_json,
    http_json_object,
    http_send,
    http_status_error,
)

# The carrier's words for a failed pickup and Banpum's PickupException code for each. ``track``
# only returns ``TrackedEvent`` (which has no exception code), so a poller maps ``raw_status``.
RAW_STATUS_EXCEPTION_CODES = {
    "고객부재": "customer_absent",
    "주소불명": "address_not_found",
    "회수거부": "refused",
    "상품미준비": "item_not_ready",
}

PROVIDER = "carrier simulator"

# Korea has no daylight saving time; a fixed offset avoids depending on tzdata.
KST = dt.timezone(dt.timedelta(hours=9), "KST")


class SimulatorGateway:
    """``CarrierGateway`` over HTTP to a ``CarrierSimulator`` (or anything speaking its API).

    ``transport`` lets tests plug in ``httpx.MockTransport``; production passes nothing.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"User-Agent": "banpum-carrier-gateway/1"}
        if api_key:  # without one the simulator answers 401, which maps to code "auth"
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SimulatorGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- CarrierGateway ---------------------------------------------------------------------

    def request_pickup(self, order: PickupOrder) -> PickupBooked | GatewayError:
        answer = self._call("POST", "/v1/pickups", json=pickup_order_payload(order))
        if isinstance(answer, GatewayError):
            return answer
        reference, waybill = answer.get("reference"), answer.get("waybill_number")
        fare = answer.get("fare")
        if not isinstance(reference, str) or not isinstance(waybill, str) or not waybill:
            return _bad_response("booking without reference or waybill_number", answer)
        return PickupBooked(
            carrier_reference=reference,
            waybill_number=waybill,
            fare_amount=fare if isinstance(fare, int) and not isinstance(fare, bool) else None,
        )

    def book_delivery(self, order: DeliveryOrder) -> DeliveryBooked | GatewayError:
        answer = self._call("POST", "/v1/deliveries", json=delivery_order_payload(order))
        if isinstance(answer, GatewayError):
            return answer
        reference, waybill = answer.get("reference"), answer.get("waybill_number")
        fare = answer.get("fare")
        if not isinstance(reference, str) or not isinstance(waybill, str) or not waybill:
            return _bad_response("delivery without reference or waybill_number", answer)
        return DeliveryBooked(
            carrier_reference=reference,
            waybill_number=waybill,
            fare_amount=fare if isinstance(fare, int) and not isinstance(fare, bool) else None,
        )

    def cancel_pickup(
        self, *, carrier_reference: str, waybill_number: str
    ) -> PickupCancelled | GatewayError:
        # The simulator finds a booking by reference or by waybill; the reference is preferred
        # because it exists even if a waybill were ever reissued.
        key = carrier_reference or waybill_number
        if not key:
            return GatewayError(
                code="invalid",
                message="nothing to cancel: no reference or waybill",
                retryable=False,
            )
        answer = self._call("DELETE", f"/v1/pickups/{_segment(key)}")
        if isinstance(answer, GatewayError):
            return answer
        return PickupCancelled(
            carrier_reference=str(answer.get("reference") or carrier_reference),
            already_cancelled=bool(answer.get("already_cancelled", False)),
        )

    def track(self, tracking_number: str) -> list[TrackedEvent] | GatewayError:
        answer = self._call("GET", f"/v1/tracking/{_segment(tracking_number)}")
        if isinstance(answer, GatewayError):
            return answer
        raw_events = answer.get("events")
        if not isinstance(raw_events, list):
            return _bad_response("tracking answer without an events list", answer)
        events: list[TrackedEvent] = []
        for raw in raw_events:
            event = tracked_event_parse(raw)
            if isinstance(event, GatewayError):
                return event
            events.append(event)
        return events

    def label(self, *, waybill_number: str) -> LabelInfo | GatewayError:
        answer = self._call("GET", f"/v1/labels/{_segment(waybill_number)}")
        if isinstance(answer, GatewayError):
            return answer
        extra = {
            key: str(value)
            for key, value in answer.items()
            if key not in {"waybill_number", "sorting_code", "terminal"} and value is not None
        }
        return LabelInfo(
            waybill_number=str(answer.get("waybill_number") or waybill_number),
            sorting_code=str(answer.get("sorting_code") or ""),
            terminal=str(answer.get("terminal") or ""),
            extra=extra,
        )

    # --- beyond the protocol ----------------------------------------------------------------

    def register_webhook(self, url: str, secret: str) -> GatewayError | None:
        """Point the simulator's tracking webhooks for this API key at ``url``.

        A real carrier takes this in its partner portal; the simulator takes it over the API so
        the demo and the tests can wire it up without a person.
        """
        answer = self._call("PUT", "/v1/webhook", json={"url": url, "secret": secret})
        return answer if isinstance(answer, GatewayError) else None

    # --- plumbing ---------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, *, json: dict[str, Any] | None = None
    ) -> dict[str, Any] | GatewayError:
        response = http_send(self._client, method, path, provider=PROVIDER, json=json)
        if isinstance(response, GatewayError):
            return response
        if response.is_success:
            return http_json_object(response, provider=PROVIDER)
        return _error_from_response(response)


def _address(a: Address) -> dict[str, str]:
    return {
        "name": a.name,
        "phone": a.phone,
        "postcode": a.postcode,
        "address1": a.address1,
        "address2": a.address2,
    }


def delivery_order_payload(order: DeliveryOrder) -> dict[str, Any]:
    """The simulator's ``POST /v1/deliveries`` body for one ``DeliveryOrder``."""
    return {
        "idempotency_key": order.idempotency_key,
        "reference": order.reference,
        "customer_code": order.customer_code,
        "sender": _address(order.sender),
        "receiver": _address(order.receiver),
        "items": [{"name": item.name, "quantity": item.quantity} for item in order.items],
        "box_count": order.box_count,
        "box_size": order.box_size,
        "fare_type": order.fare_type,
        "memo": order.memo,
    }


def pickup_order_payload(order: PickupOrder) -> dict[str, Any]:
    """The simulator's ``POST /v1/pickups`` body for one ``PickupOrder``."""
    address = _address
    swap: dict[str, Any] = {}
    if order.swap:
        swap = {
            "swap": True,
            "delivery_items": [
                {"name": item.name, "quantity": item.quantity} for item in order.delivery_items
            ],
        }
    return {
        **swap,
        "idempotency_key": order.idempotency_key,
        "return_number": order.return_number,
        "customer_code": order.customer_code,
        "sender": address(order.sender),
        "receiver": address(order.receiver),
        "items": [{"name": item.name, "quantity": item.quantity} for item in order.items],
        "box_count": order.box_count,
        "box_size": order.box_size,
        "fare_type": order.fare_type,
        "preferred_date": order.preferred_date.isoformat() if order.preferred_date else None,
        "memo": order.memo,
        "original_waybill": order.original_waybill,
    }


def tracked_event_parse(raw: Any) -> TrackedEvent | GatewayError:
    """One simulator event (GET or webhook) as a ``TrackedEvent``; unknown statuses → UNKNOWN."""
    if not isinstance(raw, dict):
        return _bad_response("event is not an object", raw)
    occurred_at = _parse_time(raw.get("occurred_at"))
    if occurred_at is None:
        return _bad_response("event without a valid occurred_at", raw)
    status = raw.get("status")
    return TrackedEvent(
        status=status if status in TRACKING_STATUSES else "UNKNOWN",
        raw_status=str(raw.get("raw_status") or ""),
        occurred_at=occurred_at,
        description=str(raw.get("description") or ""),
        location=str(raw.get("location") or ""),
        dedupe_key=str(raw.get("event_id") or ""),
        exception_code=str(raw.get("exception_code") or ""),
    )


# --- webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookEvent:
    """One event of a simulator webhook call: the parcel it belongs to, and what happened."""

    reference: str
    waybill_number: str
    event: TrackedEvent
    exception_code: str = ""  # a PickupException value on a failed pickup, else ""


def webhook_events_parse(body: bytes) -> list[WebhookEvent] | GatewayError:
    """The events of one webhook call (``{"events": [...]}``), in the order they were sent."""
    try:
        payload = json.loads(body)
    except ValueError:
        return GatewayError(code="bad_request", message="webhook body is not JSON", retryable=False)
    raw_events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(raw_events, list):
        return GatewayError(code="bad_request", message="webhook without events", retryable=False)
    parsed: list[WebhookEvent] = []
    for raw in raw_events:
        event = tracked_event_parse(raw)
        if isinstance(event, GatewayError):
            return event
        parsed.append(
            WebhookEvent(
                reference=str(raw.get("reference") or ""),
                waybill_number=str(raw.get("waybill_number") or ""),
                event=event,
                exception_code=str(raw.get("exception_code") or ""),
            )
        )
    return parsed


# --- helpers --------------------------------------------------------------------------------


def _segment(value: str) -> str:
    """A path segment, escaped so that a stray ``/`` or ``?`` cannot change the route."""
    return quote(value, safe="")


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    # An offset-less time from a Korean carrier means Korean time; keep datetimes aware.
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


def _bad_response(message: str, payload: Any) -> GatewayError:
    return GatewayError(
        code="bad_response",
        message=f"unexpected answer from the carrier simulator: {message}",
        retryable=True,
        carrier_words=json.dumps(payload, ensure_ascii=False, default=str)[:500],
    )


def _error_from_response(response: httpx.Response) -> GatewayError:
    """A non-2xx answer, mapped as every adapter maps it; the simulator's code and field
    errors (what CS must fix in the address or items) are kept in the words."""
    body = http_json(response)
    body = body if isinstance(body, dict) else {}
    words = str(body.get("message") or response.text[:500] or response.reason_phrase)
    fields = body.get("fields")
    if isinstance(fields, dict) and fields:
        words += " (" + "; ".join(f"{name}: {why}" for name, why in fields.items()) + ")"
    code = body.get("code")
    body_code = code if isinstance(code, str) else ""
    return http_status_error(response, provider=PROVIDER, words=words, provider_code=body_code)
