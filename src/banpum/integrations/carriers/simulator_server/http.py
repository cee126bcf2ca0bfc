"""The wire side of the carrier API: error replies and request-body checks (the booking
request's field errors), so the endpoint logic can work with plain dicts and ``_Reply`` values.
The server and handler are the simulators' shared ones (``integrations.simulator_http``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from banpum.integrations.carriers.simulator_server.config import FARE_TYPES
from banpum.integrations.carriers.simulator_server.state import _Booking
from banpum.integrations.simulator_http import SimReply

_Reply = SimReply  # the endpoints' name for it


def _error(http_status: int, code: str, message: str, **extra: Any) -> _Reply:
    return _Reply(http_status, {"code": code, "message": message, **extra})


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
    swap = payload.get("swap", False)
    if not isinstance(swap, bool):
        fields["swap"] = "true or false"
    request["swap"] = swap is True
    request["delivery_items"] = _items(payload, "delivery_items", fields, required=swap is True)
    return request, fields


def _items(
    payload: dict[str, Any], name: str, fields: dict[str, str], *, required: bool
) -> list[dict[str, Any]]:
    raw = payload.get(name)
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or (required and not raw):
        fields[name] = "at least one item is required"
        return []
    items = []
    for index, item in enumerate(raw):
        item_name = item.get("name") if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if not isinstance(item_name, str) or not item_name.strip():
            fields[f"{name}.{index}.name"] = "required"
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            fields[f"{name}.{index}.quantity"] = "a positive integer is required"
        items.append({"name": item_name, "quantity": quantity})
    return items


def _delivery_validate(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A forward booking (``POST /v1/deliveries``): the pickup's checks, with the seller's
    ``reference`` where a pickup has its return number, and no swap."""
    if "return_number" in payload or "swap" in payload:
        return {}, {"return_number" if "return_number" in payload else "swap": "not a field"}
    request, fields = _pickup_validate({**payload, "return_number": payload.get("reference", "")})
    if "return_number" in fields:
        fields["reference"] = fields.pop("return_number")
    for name in ("preferred_date", "original_waybill", "swap", "delivery_items"):
        request.pop(name, None)
    request["kind"] = "delivery"
    return request, fields
