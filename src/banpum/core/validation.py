"""Field messages for what pydantic refuses, in the active language.

Pydantic words its errors in English only (``Input should be greater than or equal to 1``).
Each error carries a stable ``type`` and its parameters in ``ctx``; the API renders the common
types from these templates instead, and keeps pydantic's text for the rare ones. Our own
validators raise ``PydanticCustomError(type, english, ctx)`` with a type listed here, so the API
and the file importer word them the same way in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, field_message

# By pydantic error type (pydantic's own, then ours). Placeholders name keys of the error's ctx.
MESSAGES: dict[str, ErrorCode] = {
    "missing": field_message(_("is required")),
    "extra_forbidden": field_message(_("is not a field of this request")),
    "greater_than_equal": field_message(_("must be at least %(ge)s")),
    "greater_than": field_message(_("must be more than %(gt)s")),
    "less_than_equal": field_message(_("must be at most %(le)s")),
    "less_than": field_message(_("must be less than %(lt)s")),
    "string_too_long": field_message(_("must be at most %(max_length)s characters")),
    "string_too_short": field_message(_("must be at least %(min_length)s characters")),
    "string_empty": field_message(_("must not be empty")),
    "too_long": field_message(_("must have at most %(max_length)s items")),
    "too_short": field_message(_("must have at least %(min_length)s items")),
    "list_empty": field_message(_("must have at least one item")),
    "string_type": field_message(_("must be text")),
    "string_pattern_mismatch": field_message(_("does not have the expected form")),
    "int_type": field_message(_("must be a whole number")),
    "int_parsing": field_message(_("must be a whole number")),
    "int_from_float": field_message(_("must be a whole number (no decimals)")),
    "bool_type": field_message(_("must be true or false")),
    "bool_parsing": field_message(_("must be true or false")),
    "list_type": field_message(_("must be a list")),
    "dict_type": field_message(_("must be an object")),
    "model_type": field_message(_("must be an object")),
    "model_attributes_type": field_message(_("must be an object")),
    "datetime_type": field_message(_("must be a date and time")),
    "datetime_parsing": field_message(
        _("is not a date and time (write 2026-03-01T14:30:00+09:00)")
    ),
    "datetime_from_date_parsing": field_message(
        _("is not a date and time (write 2026-03-01T14:30:00+09:00)")
    ),
    "date_type": field_message(_("must be a date")),
    "date_parsing": field_message(_("is not a date (write 2026-03-01)")),
    "date_from_datetime_parsing": field_message(_("is not a date (write 2026-03-01)")),
    "date_from_datetime_inexact": field_message(_("is not a date (write 2026-03-01)")),
    "timezone_aware": field_message(_("needs a time zone offset")),
    "enum": field_message(_("must be one of %(expected)s")),
    "literal_error": field_message(_("must be one of %(expected)s")),
    "json_invalid": field_message(_("is not valid JSON")),
    "json_type": field_message(_("is not valid JSON")),
    # Ours (PydanticCustomError types).
    "whole_number": field_message(
        _("must be a whole number (no decimals, no quotes), not %(value)s")
    ),
    "negative": field_message(_("must not be negative")),
    "too_small": field_message(_("must be at least %(minimum)s")),
    "too_large": field_message(_("must be at most %(maximum)s")),
    "phone": field_message(_("is not a phone number")),
    "email": field_message(_("is not an email address")),
    "customer_empty": field_message(_("give a name, phone or email")),
    "discount_too_large": field_message(
        _("is more than the line's price (%(total)s = unit_price × quantity)")
    ),
    "shipment_empty": field_message(_("give a tracking number or a shipped/delivered time")),
    "too_many_orders": field_message(
        _("at most %(limit)s orders per request; split the batch (got %(count)s)")
    ),
    "datetime_out_of_range": field_message(_("must lie between 2000-01-01 and 2100-12-31")),
    "date_out_of_range": field_message(_("must lie between 2000-01-01 and 2100-12-31")),
    "order_reference": field_message(_("give order_id or order_number")),
    "invalid_cursor": field_message(_("Invalid cursor; start again without it.")),
    "payment_method": field_message(
        _(
            "is not a payment method we know: %(value)s (card, easy_pay, mobile, "
            "virtual_account, bank_transfer, marketplace, or 신용카드, 카카오페이, 가상계좌 …)"
        )
    ),
    "line_reference": field_message(_("give order_line_id or line_number")),
}


_AT_LEAST_ONE = {"string_too_short": "string_empty", "too_short": "list_empty"}


def validation_message(error: Mapping[str, Any]) -> str:
    """One pydantic error (``ValidationError.errors()`` item) as a field message."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _AT_LEAST_ONE and ctx.get("min_length") == 1:
        kind = _AT_LEAST_ONE[kind]
    entry = MESSAGES.get(kind)
    if entry is not None:
        names = entry.placeholders()
        if all(name in ctx for name in names):
            return entry.render(**{name: ctx[name] for name in names})
    # A rare type: pydantic's words. It prefixes what a validator raised; keep only those words.
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")
