"""tracker.delivery (Delivery Tracker): one GraphQL API that tracks every Korean carrier.

Banpum uses it as its tracking-only provider: it answers ``track`` for any carrier id in its
registry (``kr.cjlogistics``, ``kr.epost``, …) and, on the hosted API, pushes a webhook when a
parcel moves. It cannot book or cancel a pickup, so ``TrackerDeliveryGateway`` answers those
with an ``unsupported`` error instead of pretending.

Sources, tagged as in ``reference/integration-apis.md`` §1.1:

- [V] ``track(carrierId, trackingNumber)``, the event shape, the ``TrackEventStatusCode`` enum
  and the ``ErrorCode`` enum (INTERNAL / BAD_REQUEST / NOT_FOUND) come from the public
  ``shlee322/delivery-tracker`` ``packages/api/src/schema/schema.graphql``.
- [V] ``registerTrackWebhook(input: {carrierId, trackingNumber, callbackUrl, expirationTime})``
  returning ``Boolean`` is from tracker.delivery/en/docs/tracking-webhook-api (hosted only).
- [S] The ``Authorization: TRACKQL-API-KEY {clientId}:{clientSecret}`` header, the
  ``UNAUTHENTICATED`` code and the "rate limit" message come from third-party client code.

Every call returns its result or a ``GatewayError``; no httpx exception escapes, because the
job that calls us decides on retries from ``GatewayError.retryable`` alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import httpx

from banpum.integrations.carriers.base import (
    TRACKING_STATUSES,
    DeliveryBooked,
    DeliveryOrder,
    GatewayError,
    LabelInfo,
    PickupBooked,
    PickupCancelled,
    PickupOrder,
    TrackedEvent,
    stable_key,
)
from banpum.integrations.http import http_json, http_send, http_status_error

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://apis.tracker.delivery/graphql"

#: tracker.delivery's ``TrackEventStatusCode`` enum [V], kept in ``base``.
STATUS_CODES = TRACKING_STATUSES

#: Events asked for per ``track`` call; a return parcel has far fewer, and the schema's
#: Relay ``last`` keeps the newest ones if a parcel ever has more.
EVENTS_LAST = 50

TRACK_QUERY = f"""
query Track($carrierId: ID!, $trackingNumber: String!) {{
  track(carrierId: $carrierId, trackingNumber: $trackingNumber) {{
    lastEvent {{
      status {{ code name }}
      time
      location {{ name }}
      description
    }}
    events(last: {EVENTS_LAST}) {{
      edges {{
        node {{
          status {{ code name }}
          time
          location {{ name }}
          description
        }}
      }}
    }}
  }}
}}
""".strip()

REGISTER_WEBHOOK_MUTATION = """
mutation RegisterTrackWebhook($input: RegisterTrackWebhookInput!) {
  registerTrackWebhook(input: $input)
}
""".strip()

# tracker.delivery documents no time zone for a timestamp without an offset (RFC3339 requires
# one); every carrier it tracks for us is Korean, so such a time is read as KST.
KST = dt.timezone(dt.timedelta(hours=9), "KST")


PROVIDER = "tracker.delivery"
# GraphQL NOT_FOUND: the carrier has no scan yet. Not HTTP 404 (``not_found``: a wrong
# endpoint), which must not pass for "no events yet".
NO_DATA = "no_data"


def _error(code: str, message: str, *, retryable: bool, words: str = "") -> GatewayError:
    return GatewayError(code=code, message=message, retryable=retryable, carrier_words=words)


class TrackerDeliveryClient:
    """The HTTP side of tracker.delivery: one POST per GraphQL operation.

    ``transport`` is for tests (``httpx.MockTransport``) and for proxies; production passes
    nothing and gets httpx's default. The client keeps one connection pool; call ``close()``
    (or use it as a context manager) when the owner is done with it.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        endpoint: str = DEFAULT_ENDPOINT,
        timeout: float = 10,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={
                # [S] header format; see the module docstring.
                "Authorization": f"TRACKQL-API-KEY {client_id}:{client_secret}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TrackerDeliveryClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- operations -------------------------------------------------------------------------

    def track(self, carrier_id: str, tracking_number: str) -> list[TrackedEvent] | GatewayError:
        """The parcel's events, oldest first; ``[]`` while the carrier has no data yet.

        NOT_FOUND is not an error here: a return waybill is typically tracked before the
        driver's first scan, and tracker.delivery answers NOT_FOUND until then [V].
        """
        answer = self._execute(
            TRACK_QUERY, {"carrierId": carrier_id, "trackingNumber": tracking_number}
        )
        if isinstance(answer, GatewayError):
            if answer.code == NO_DATA:
                return []
            return answer
        track = answer.get("track")
        if track is None:
            return []
        if not isinstance(track, Mapping):
            return _error("bad_response", "track is not an object", retryable=True)
        return _events_from_track(track)

    def register_track_webhook(
        self,
        carrier_id: str,
        tracking_number: str,
        callback_url: str,
        expiration_time: dt.datetime,
    ) -> bool | GatewayError:
        """Ask tracker.delivery to POST ``{carrierId, trackingNumber}`` to us when it moves.

        Registrations expire (the docs suggest now + 48h); calling again extends one and is
        idempotent, and a past ``expiration_time`` unregisters [V]. The time must be aware:
        the API's ``DateTime`` is RFC3339 with an offset, and a naive value would silently be
        read in the server's zone.
        """
        if expiration_time.tzinfo is None or expiration_time.utcoffset() is None:
            raise ValueError("expiration_time must be timezone-aware")
        answer = self._execute(
            REGISTER_WEBHOOK_MUTATION,
            {
                "input": {
                    "carrierId": carrier_id,
                    "trackingNumber": tracking_number,
                    "callbackUrl": callback_url,
                    "expirationTime": expiration_time.isoformat(),
                }
            },
        )
        if isinstance(answer, GatewayError):
            return answer
        registered = answer.get("registerTrackWebhook")
        if not isinstance(registered, bool):
            return _error("bad_response", "registerTrackWebhook is not a Boolean", retryable=True)
        return registered

    # -- transport and error mapping --------------------------------------------------------

    def _execute(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any] | GatewayError:
        """POST one operation; return ``data`` or the one ``GatewayError`` that explains it."""
        response = http_send(
            self._http,
            "POST",
            self.endpoint,
            provider=PROVIDER,
            json={"query": query, "variables": dict(variables)},
        )
        if isinstance(response, GatewayError):
            return response
        body = http_json(response)

        # GraphQL errors can come with 200 (the documented case) or with a 4xx/5xx; the error
        # code says more than the status, so it is read first.
        if isinstance(body, Mapping):
            errors = body.get("errors")
            data = body.get("data")
            if errors and not (isinstance(data, Mapping) and _has_non_null(data)):
                return _graphql_error(errors)
            if errors:
                logger.warning("tracker.delivery partial answer, errors ignored: %s", errors)

        if response.status_code != 200:
            return http_status_error(response, provider=PROVIDER, words=response.text[:200])
        if not isinstance(body, Mapping) or not isinstance(body.get("data"), Mapping):
            return _error(
                "bad_response",
                f"tracker.delivery answered 200 without data: {response.text[:200]!r}",
                retryable=True,
            )
        return dict(body["data"])


def _has_non_null(data: Mapping[str, Any]) -> bool:
    return any(value is not None for value in data.values())


def _graphql_error(errors: Any) -> GatewayError:
    """Map ``errors[]`` to one ``GatewayError``; the first recognised code decides.

    INTERNAL and rate limits are worth a retry with backoff; BAD_REQUEST will fail the same way
    again; UNAUTHENTICATED needs a person to fix the keys. An unknown code is not retried: CS
    sees the provider's words instead of the job hammering the API.
    """
    items = [e for e in errors if isinstance(e, Mapping)] if isinstance(errors, list) else []
    words = "; ".join(str(e.get("message", "")) for e in items if e.get("message"))
    codes = []
    for item in items:
        extensions = item.get("extensions")
        if isinstance(extensions, Mapping) and extensions.get("code"):
            codes.append(str(extensions["code"]).upper())

    if "UNAUTHENTICATED" in codes or "FORBIDDEN" in codes:
        return _error("auth", "tracker.delivery refused the API key", retryable=False, words=words)
    if "rate limit" in words.lower() or {"RATE_LIMITED", "TOO_MANY_REQUESTS"} & set(codes):
        return _error("rate_limited", "tracker.delivery rate limit", retryable=True, words=words)
    if "BAD_REQUEST" in codes:
        return _error(
            "bad_request", "tracker.delivery rejected the request", retryable=False, words=words
        )
    if "INTERNAL" in codes:
        return _error("internal", "tracker.delivery internal error", retryable=True, words=words)
    if "NOT_FOUND" in codes:
        return _error(NO_DATA, "tracker.delivery has no data", retryable=False, words=words)
    return _error(
        "graphql_error",
        f"tracker.delivery error {codes[0] if codes else '(no code)'}",
        retryable=False,
        words=words,
    )


# -- event parsing ------------------------------------------------------------------------------


def _events_from_track(track: Mapping[str, Any]) -> list[TrackedEvent]:
    """Events oldest first, plus ``lastEvent`` when ``events`` lacks it.

    The schema says ``lastEvent`` is "the most likely" latest event and may differ from the
    last edge (e.g. DELIVERED kept as last even if an OUT_FOR_DELIVERY scan comes after it), so
    it is merged in by dedupe key rather than trusted as the tail of the list.
    """
    nodes: list[Any] = []
    connection = track.get("events")
    if isinstance(connection, Mapping):
        for edge in connection.get("edges") or []:
            if isinstance(edge, Mapping) and edge.get("node") is not None:
                nodes.append(edge["node"])
    if track.get("lastEvent") is not None:
        nodes.append(track["lastEvent"])

    events: list[TrackedEvent] = []
    seen: set[str] = set()
    for node in nodes:
        event = _event_from_node(node)
        if event is None or event.dedupe_key in seen:
            continue
        seen.add(event.dedupe_key)
        events.append(event)
    # sorted() is stable: events with the same time keep the provider's order.
    return sorted(events, key=lambda e: e.occurred_at)


def _event_from_node(node: Any) -> TrackedEvent | None:
    """One ``TrackEvent`` → ``TrackedEvent``; ``None`` (logged) if it has no usable time."""
    if not isinstance(node, Mapping):
        return None
    raw_status = node.get("status")
    status: Mapping[str, Any] = raw_status if isinstance(raw_status, Mapping) else {}
    code = str(status.get("code") or "UNKNOWN")
    name = str(status.get("name") or "")
    occurred_at = parse_time(node.get("time"))
    if occurred_at is None:
        # TrackedEvent needs a time and the schema allows null; an undated event can't be
        # ordered or deduplicated, so it is dropped rather than stamped with "now".
        logger.warning("tracker.delivery event without a usable time skipped: %r", node)
        return None
    location_obj = node.get("location")
    location = str(location_obj.get("name") or "") if isinstance(location_obj, Mapping) else ""
    description = str(node.get("description") or "")
    return TrackedEvent(
        status=code if code in STATUS_CODES else "UNKNOWN",
        raw_status=name or code,
        occurred_at=occurred_at,
        description=description,
        location=location,
        dedupe_key=stable_key(
            occurred_at.astimezone(dt.UTC).isoformat(), code, location, description
        ),
    )


def parse_time(value: Any) -> dt.datetime | None:
    """RFC3339 → aware datetime; no offset means KST (see ``KST``); junk means ``None``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=KST)


# -- gateway ------------------------------------------------------------------------------------


class TrackerDeliveryGateway:
    """``CarrierGateway`` for a carrier Banpum only tracks, through tracker.delivery.

    tracker.delivery is tracking-only: pickups, cancels and labels answer ``unsupported``
    (not retryable), so a store that links such an account gets a clear message instead of a
    pickup that silently never happens.
    """

    def __init__(self, client: TrackerDeliveryClient, carrier_id: str) -> None:
        self.client = client
        self.carrier_id = carrier_id

    def track(self, tracking_number: str) -> list[TrackedEvent] | GatewayError:
        return self.client.track(self.carrier_id, tracking_number)

    def request_pickup(self, order: PickupOrder) -> PickupBooked | GatewayError:
        return _unsupported("request_pickup")

    def book_delivery(self, order: DeliveryOrder) -> DeliveryBooked | GatewayError:
        return _unsupported("book_delivery")

    def cancel_pickup(
        self, *, carrier_reference: str, waybill_number: str
    ) -> PickupCancelled | GatewayError:
        return _unsupported("cancel_pickup")

    def label(self, *, waybill_number: str) -> LabelInfo | GatewayError:
        return _unsupported("label")


def _unsupported(operation: str) -> GatewayError:
    return _error(
        "unsupported",
        f"tracker.delivery is tracking-only; {operation} needs the carrier's own API",
        retryable=False,
    )
