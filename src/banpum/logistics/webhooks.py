"""Inbound carrier tracking webhooks: ``POST /hooks/carriers/<account id>/tracking``.

Signed like Stripe's and GitHub's: ``X-Banpum-Timestamp`` (unix seconds) and
``X-Banpum-Signature: sha256=<hex HMAC-SHA256(account.webhook_secret, "<timestamp>.<body>")>``.
Unsigned, badly signed or stale (more than five minutes off) requests are refused with 401 and
logged; nothing they carry is stored. The body holds a batch of one or more events:
``{"events": [{"waybill_number", "status", "occurred_at", "event_id"?, "raw_status"?,
"description"?, "location"?, "exception_code"?}]}``; ``occurred_at`` is ISO 8601 with a UTC
offset. Events only reach the account's own store's parcels.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

# The signing scheme is the one the carrier simulator (and any carrier we onboard) uses.
from banpum.core.signing import webhook_signature
from banpum.logistics.models import CarrierAccount
from banpum.logistics.services.tracking import IncomingEvent, tracking_events_ingest

logger = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1_000_000
MAX_EVENTS = 500


class _EventIn(BaseModel):
    waybill_number: str = Field(min_length=1, max_length=64)
    status: str = Field(min_length=1, max_length=32)
    occurred_at: AwareDatetime  # a time without an offset is ambiguous: refused
    event_id: str = Field(default="", max_length=128)
    raw_status: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=500)
    location: str = Field(default="", max_length=200)
    exception_code: str = Field(default="", max_length=24)


class _BatchIn(BaseModel):
    events: list[_EventIn] = Field(min_length=1, max_length=MAX_EVENTS)


def _error(
    status: int, code: str, message: str, extra: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "extra": extra or {}}, status=status)


def _verify(request: HttpRequest, account: CarrierAccount) -> str | None:
    """None when the request is authentic, else why not."""
    if not account.webhook_secret:
        return "this account has no webhook secret"
    timestamp = request.headers.get("X-Banpum-Timestamp", "")
    signature = request.headers.get("X-Banpum-Signature", "")
    if not timestamp or not signature:
        return "missing signature headers"
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
        return "stale or malformed timestamp"
    expected = webhook_signature(account.webhook_secret, timestamp, request.body)
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch"
    return None


@csrf_exempt
def carrier_tracking_webhook(request: HttpRequest, account_id: int) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "Send tracking events with POST.")
        response["Allow"] = "POST"
        return response
    account = CarrierAccount.objects.select_related("carrier").filter(pk=account_id).first()
    if account is None:
        return _error(404, "not_found", "No such carrier account.")
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "too_large", "Send at most 1 MB per call.")
    if (failure := _verify(request, account)) is not None:
        logger.warning(
            "rejected carrier webhook account=%s from=%s: %s",
            account_id,
            request.META.get("REMOTE_ADDR"),
            failure,
        )
        return _error(401, "bad_signature", f"Webhook refused: {failure}.")
    try:
        batch = _BatchIn.model_validate(json.loads(request.body))
    except (ValueError, ValidationError) as error:
        fields: dict[str, list[str]] = {}
        if isinstance(error, ValidationError):
            for item in error.errors():
                path = ".".join(str(part) for part in item["loc"]) or "__all__"
                fields.setdefault(path, []).append(item["msg"])
        return _error(
            422,
            "validation_error",
            "The webhook body is not a valid event batch.",
            {"fields": fields or {"__all__": ["The body is not JSON."]}},
        )
    result = tracking_events_ingest(
        carrier_code=account.carrier.code,
        store_id=account.store_id,
        now=timezone.now(),
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
