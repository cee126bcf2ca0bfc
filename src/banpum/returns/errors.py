"""Errors the returns services raise, with the codes API clients can branch on."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import (
    Conflict,
    ErrorCode,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
    field_message,
)
from banpum.policy.texts import problem_out
from banpum.policy.types import Problem

# Problems no one may override: they would claim units that are not there.
HARD_PROBLEMS = frozenset(
    {
        "unknown_line",
        "invalid_quantity",
        "quantity_exceeds_available",
        "duplicate_line",
        "no_lines",
        "unknown_reason",
        "type_resolution_mismatch",
        "not_delivered",
    }
)


class NotEligible(ValidationFailed):
    default_code = "not_eligible"

    @classmethod
    def from_problems(cls, problems: Iterable[Problem]) -> NotEligible:
        """The problems in the request's language; their codes and params stay for clients."""
        shown = [problem_out(problem) for problem in problems]
        fields: dict[str, list[str]] = {}
        for problem in shown:
            fields.setdefault(problem["field"] or "__all__", []).append(problem["message"])
        message = shown[0]["message"] if shown else NOT_ELIGIBLE.render()
        return cls(message, extra={"fields": fields, "problems": shown})


NOT_ELIGIBLE = ErrorCode(NotEligible, "not_eligible", _("The return is not eligible."))
RETURN_NOT_FOUND = ErrorCode(NotFound, "return_not_found", _("No return %(number)s in this store."))
STALE_VERSION = ErrorCode(
    Conflict,
    "stale_version",
    _(
        "Return %(number)s changed meanwhile (version %(version)s, you had %(expected)s); "
        "reload it and try again."
    ),
)
ILLEGAL_TRANSITION = ErrorCode(
    Conflict,
    "illegal_transition",
    _("Cannot %(action)s return %(number)s while it is “%(status)s”."),
)
# Field messages (code validation_error, or guard_failed from a transition guard).
HOLD_REASON_MISSING = ErrorCode(
    ValidationFailed, "guard_failed", _("A hold needs a reason (hold_reason).")
)
NOTE_MISSING = ErrorCode(
    ValidationFailed, "guard_failed", _("Say why in a note; the customer will be told.")
)
FEE_OUTSTANDING = ErrorCode(
    Conflict,
    "fee_outstanding",
    _(
        "The return fee (%(amount)s) has not been paid; it can be completed once the fee is "
        "settled or a manager waives it."
    ),
)
NOTE_EMPTY = ErrorCode(ValidationFailed, "validation_error", _("Write the note before saving it."))
NOTE_TOO_LONG = ErrorCode(
    ValidationFailed, "validation_error", _("Keep a note under 5,000 characters.")
)
FEE_NEGATIVE = ErrorCode(ValidationFailed, "validation_error", _("The fee cannot be negative."))
FEE_OVER_CAP = ErrorCode(
    ValidationFailed,
    "validation_error",
    _(
        "The buyer can be charged at most %(cap)s for the return shipping "
        "(the policy's round trip, and never more than was paid)."
    ),
)
INELIGIBLE_NOT_FOR_CUSTOMERS = ErrorCode(
    ValidationFailed,
    "validation_error",
    _("Only CS agents and API clients may keep a refused request."),
)
UNKNOWN_LINE_NUMBER = ErrorCode(
    ValidationFailed, "validation_error", _("The order has no line %(number)s.")
)
PICKUP_FIELD_TOO_LONG = field_message(_("Keep this under %(maximum)s characters."))
PICKUP_DATE_PAST = field_message(_("Choose a date from %(today)s on."))
REPLACEMENT_NOT_AN_EXCHANGE = field_message(
    _("Only an exchange sends a replacement; choose exchange or leave the option out.")
)
REPLACEMENT_NOT_A_VARIANT = field_message(
    _("%(sku)s is not an option of the product ordered on this line.")
)
# Photos the customer sends with a return.
PHOTO_NOT_AN_IMAGE = field_message(_("Not a JPEG, PNG or WebP image."))
PHOTO_TOO_MANY_PIXELS = field_message(_("The image is too large (over %(limit)s pixels)."))
PHOTO_TOO_LARGE = ErrorCode(
    PayloadTooLarge,
    "photo_too_large",
    _("%(name)s is larger than %(limit)s bytes: send a smaller photo."),
)
PHOTO_NONE = field_message(_("Send at least one photo."))
PHOTO_TOO_MANY = field_message(_("Send at most %(maximum)s photos."))
PHOTO_UNKNOWN = field_message(
    _("Photo %(id)s was not sent for this order, or is already part of a return.")
)
# The wording of the API's own length check (core.validation), already in both languages.
TOO_LONG = field_message(_("must be at most %(maximum)s characters"))
IDEMPOTENCY_KEY_REUSED = ErrorCode(
    Conflict,
    "idempotency_key_reused",
    _("This idempotency key already opened return %(number)s for another order."),
)
