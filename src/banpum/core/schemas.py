"""Shapes shared by every API schema: the input base, bounded times, API times out, the error body.

No ``from __future__ import annotations``: ninja and pydantic read these annotations at runtime.
"""

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo
from pydantic_core import PydanticCustomError

# Every time a client sends must lie in this range of wall-clock times. It keeps conversions to
# and from UTC (offsets up to ±24 h) and date arithmetic (windows of months) far from Python's
# year 1 and year 9999 limits, and no order, return or parcel of this system is outside it.
# Naive on purpose: a wall-clock range, compared with a value's wall clock (its offset dropped).
EARLIEST = dt.datetime(2000, 1, 1)  # noqa: DTZ001
LATEST = dt.datetime(2100, 12, 31, 23, 59, 59, 999999)  # noqa: DTZ001

TIME_FORMAT_HELP = (
    "Times are RFC 3339. In requests, a time without an offset is read in the store's time "
    "zone; times must lie between 2000-01-01 and 2100-12-31. In answers, every time carries "
    "the offset of the store's time zone (Asia/Seoul: +09:00)."
)


class InputSchema(Schema):
    """Base of every request body: a misspelt field is refused, never silently skipped."""

    model_config = ConfigDict(extra="forbid")


def _store_zone(info: ValidationInfo | None) -> ZoneInfo | None:
    """The calling store's time zone, when validating inside an API request."""
    context = getattr(info, "context", None) or {}
    request = context.get("request") if isinstance(context, dict) else None
    store = getattr(getattr(request, "auth", None), "store", None)
    return ZoneInfo(store.timezone) if store is not None else None


def check_datetime_range(value: dt.datetime) -> dt.datetime:
    """Refuse a time outside ``EARLIEST``..``LATEST`` (wall clock) before it reaches arithmetic."""
    if not EARLIEST <= value.replace(tzinfo=None) <= LATEST:
        raise PydanticCustomError(
            "datetime_out_of_range",
            str(_("must lie between 2000-01-01 and 2100-12-31")),
        )
    return value


def _bounded_in_store_zone(value: dt.datetime, info: ValidationInfo) -> dt.datetime:
    check_datetime_range(value)
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    zone = _store_zone(info)
    # Outside a request (the file importer) the service reads naive times in the store's zone.
    return value.replace(tzinfo=zone) if zone is not None else value


def _bounded_date(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise PydanticCustomError(
            "date_out_of_range", str(_("must lie between 2000-01-01 and 2100-12-31"))
        )
    return value


InDateTime = Annotated[
    dt.datetime,
    AfterValidator(_bounded_in_store_zone),
    Field(
        json_schema_extra={
            "description": "RFC 3339 between 2000-01-01 and 2100-12-31; no offset: store time"
        }
    ),
]
"""A time a client sends: bounded, and read in the store's time zone when it has no offset."""

InDate = Annotated[dt.date, AfterValidator(_bounded_date)]
"""A calendar date a client sends, within the same range as ``InDateTime``."""


def _in_store_zone(value: dt.datetime, info: ValidationInfo) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # stored times are UTC (USE_TZ)
    return value.astimezone(_store_zone(info) or ZoneInfo(settings.TIME_ZONE))


OutDateTime = Annotated[dt.datetime, AfterValidator(_in_store_zone)]
"""Every time the API answers: RFC 3339 with the offset of the calling store's time zone."""


class ErrorOut(Schema):
    """The one error body of the API and of the webhooks."""

    code: str = Field(description="Stable machine code, e.g. validation_error, return_not_found")
    message: str = Field(description="What went wrong, in the request's language")
    extra: dict[str, Any] = Field(
        description="Details; field errors under extra.fields by dotted path"
    )


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for the error statuses an endpoint answers, all in one shape."""
    return dict.fromkeys(statuses, ErrorOut)
