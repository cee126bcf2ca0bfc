"""The carrier API and the control API: routing and one method per endpoint.

``_Endpoints`` is the top layer under ``CarrierSimulator``; it reads and changes the
simulator's state under its lock and answers with ``_Reply`` values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from banpum.integrations.carriers.simulator_server.http import (
    _booked_json,
    _delivery_validate,
    _error,
    _json_body,
    _pickup_validate,
    _Reply,
)
from banpum.integrations.carriers.simulator_server.journey import _Journeys, _region, _sorting_code


class _Endpoints(_Journeys):
    """The HTTP endpoints of ``CarrierSimulator``: ``dispatch`` routes a request here."""

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
            ("deliveries", 2): {"POST": self._delivery_create},
            ("deliveries", 3): {"GET": self._pickup_get},
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
            fields["secret"] = "a non-empty secret is required"  # noqa: S105 - a message
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

    def _delivery_create(self, tenant_id: str, payload: dict[str, Any]) -> _Reply:
        """A forward booking: the same idempotency (a repeated key answers the first booking),
        the same journey machinery and tracking, from the warehouse to the customer."""
        request, fields = _delivery_validate(payload)
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
            receiver = request["receiver"]
            parts = (receiver["postcode"], receiver["address1"], receiver["address2"])
            if marker and any(marker in part for part in parts):
                return _error(
                    422,
                    "address_not_found",
                    "주소를 확인할 수 없어 택배 예약을 할 수 없습니다",
                    fields={"receiver": "주소불명"},
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
            if booking.cancelled_at is None:
                raise RuntimeError("a cancelled booking has its cancel time")
            body = {
                "reference": booking.reference,
                "waybill_number": booking.waybill_number,
                "status": "cancelled",
                "already_cancelled": already,
                "cancelled_at": booking.cancelled_at.isoformat(timespec="seconds"),
            }
        self._wake.set()
        return _Reply(200, body)

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
