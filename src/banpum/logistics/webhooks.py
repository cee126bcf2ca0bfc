"""Inbound carrier tracking webhooks: ``POST /hooks/carriers/<account id>/tracking``.

Signed like Stripe's and GitHub's: ``X-Banpum-Timestamp`` (unix seconds) and
``X-Banpum-Signature: sha256=<hex HMAC-SHA256(account.webhook_secret, "<timestamp>.<body>")>``.
Unsigned, badly signed or stale (more than five minutes off) requests are refused with 401 and
logged; nothing they carry is stored. An account id that does not exist gets the very same 401,
so the ids of accounts cannot be probed. The body holds a batch of one or more events:
``{"events": [{"waybill_number", "status", "occurred_at", "event_id"?, "raw_status"?,
"description"?, "location"?, "exception_code"?}]}``; ``occurred_at`` is ISO 8601 with a UTC
offset. Events only reach the account's own store's parcels.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from typing import Annotated

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from banpum.core.middleware import error_json, payload_too_large
from banpum.core.schemas import check_datetime_range

# The signing scheme is the one the carrier simulator (and any carrier we onboard) uses.
from banpum.core.signing import webhook_signature_problem
from banpum.core.validation import validation_message
from banpum.logistics import errors
from banpum.logistics.models import CarrierAccount
from banpum.logistics.services.tracking import IncomingEvent, tracking_events_ingest

logger = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1_000_000
MAX_EVENTS = 500


Clock = Callable[[], float]
"""Unix seconds now; the view takes one so tests decide what time it is."""


class _EventIn(BaseModel):
    waybill_number: str = Field(min_length=1, max_length=64)
    status: str = Field(min_length=1, max_length=32)
    # A time without an offset is ambiguous: refused.
    occurred_at: Annotated[AwareDatetime, AfterValidator(check_datetime_range)]
    event_id: str = Field(default="", max_length=128)
    raw_status: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=500)
    location: str = Field(default="", max_length=200)
    exception_code: str = Field(default="", max_length=24)


class _BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[_EventIn] = Field(min_length=1, max_length=MAX_EVENTS)


def webhook_request_verify(
    *, secret: str, timestamp: str, signature: str, body: bytes, now: float
) -> str | None:
    """None when the request is authentic at ``now`` (unix seconds), else why not (for the log)."""
    return webhook_signature_problem(
        secret=secret,
        timestamp=timestamp,
        body=body,
        signature=signature,
        now=now,
        tolerance_seconds=MAX_SKEW_SECONDS,
    )


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _unauthorized() -> HttpResponse:
    # One answer for every failure, an unknown account included: nothing to probe.
    return error_json(errors.WEBHOOK_BAD_SIGNATURE())


def carrier_tracking_webhook_view(clock: Clock) -> Callable[[HttpRequest, int], HttpResponse]:
    """The webhook view, reading the time from ``clock`` (``time.time`` in production)."""

    @csrf_exempt
    def carrier_tracking_webhook(request: HttpRequest, account_id: int) -> HttpResponse:
        if request.method != "POST":
            response = error_json(errors.WEBHOOK_POST_ONLY())
            response["Allow"] = "POST"
            return response
        if _content_length(request) > MAX_BODY_BYTES:
            return payload_too_large(MAX_BODY_BYTES)
        try:
            body = request.body
        except RequestDataTooBig:
            return payload_too_large()
        if len(body) > MAX_BODY_BYTES:
            return payload_too_large(MAX_BODY_BYTES)
        account = CarrierAccount.objects.select_related("carrier").filter(pk=account_id).first()
        now = clock()
        failure = (
            webhook_request_verify(
                secret=account.webhook_secret,
                timestamp=request.headers.get("X-Banpum-Timestamp", ""),
                signature=request.headers.get("X-Banpum-Signature", ""),
                body=body,
                now=now,
            )
            if account is not None
            else "no such account"
        )
        if account is None or failure is not None:
            logger.warning(
                "rejected carrier webhook account=%s from=%s: %s",
                account_id,
                request.META.get("REMOTE_ADDR"),
                failure,
            )
            return _unauthorized()
        return _ingest(account, body, now=dt.datetime.fromtimestamp(now, tz=dt.UTC))

    return carrier_tracking_webhook


def _ingest(account: CarrierAccount, body: bytes, *, now: dt.datetime) -> HttpResponse:
    try:
        batch = _BatchIn.model_validate(json.loads(body))
    except (ValueError, ValidationError) as error:
        fields: dict[str, list[str]] = {}
        if isinstance(error, ValidationError):
            for item in error.errors():
                path = ".".join(str(part) for part in item["loc"]) or "__all__"
                fields.setdefault(path, []).append(validation_message(item))
        fields = fields or {"__all__": [errors.WEBHOOK_NOT_JSON.render()]}
        return error_json(errors.WEBHOOK_INVALID_BATCH(extra={"fields": fields}))
    result = tracking_events_ingest(
        carrier_code=account.carrier.code,
        store_id=account.store_id,
        now=now,
        events_in=[
            IncomingEvent(
                tracking_number=event.waybill_number,
                status=event.status,
                occurred_at=event.occurred_at,
                raw_status=event.raw_status,
                description=event.description,
                location=event.location,
                event_id=event.event_id,
                exception_code=event.exception_code,
            )
            for event in batch.events
        ],
    )
    return JsonResponse(
        {
            "created": result.created,
            "duplicates": result.duplicates,
            "unmatched": sorted(set(result.unmatched)),
        }
    )


carrier_tracking_webhook = carrier_tracking_webhook_view(time.time)
