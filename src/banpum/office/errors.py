"""Errors of the office's own commands (the personal-data reveal and its log)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, NotFound, ValidationFailed, field_message

REVEAL_NOTHING_CHOSEN = field_message(_("Choose which data to show."))
REVEAL_KIND_UNKNOWN = field_message(_("Unknown kind of data: %(kind)s."))
REVEAL_REASON_UNKNOWN = field_message(_("Choose why you need the data."))
REVEAL_DETAIL_MISSING = field_message(_("Say in a few words why you need the data."))
REVEAL_DETAIL_TOO_LONG = field_message(_("Keep the reason under %(limit)d characters."))
NO_REFUND_ACCOUNT = ErrorCode(
    NotFound, "refund_account_not_found", _("Return %(number)s has no refund account.")
)
RETENTION_TOO_SHORT = ErrorCode(
    ValidationFailed,
    "retention_too_short",
    _("The access log is kept at least %(days)d days; a shorter retention is refused."),
)
