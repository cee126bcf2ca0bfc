"""Errors of the policy services and selectors; translated when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, field_message

POLICY_MISSING = ErrorCode(
    NotFound,
    "policy_missing",
    _("Store '%(store)s' has no return policy yet; create one in the admin."),
)

# The store's blocklist (fraud signals).
PHONE_EMPTY = field_message(_("Enter a phone number: it has no digits."))
EMAIL_INVALID = field_message(_("Enter a valid email address."))
ADDRESS_EMPTY = field_message(_("Enter an address."))
BLOCKLIST_DUPLICATE = ErrorCode(
    Conflict, "blocklist_duplicate", _("This %(kind)s is already on the store's blocklist.")
)
BLOCKLIST_ENTRY_NOT_FOUND = ErrorCode(
    NotFound, "blocklist_entry_not_found", _("No blocklist entry %(id)s in this store.")
)

# The store's extra holidays (임시공휴일).
HOLIDAY_NAME_EMPTY = field_message(_("Name the holiday."))
HOLIDAY_DUPLICATE = ErrorCode(
    Conflict, "holiday_duplicate", _("%(date)s is already one of the store's extra holidays.")
)
HOLIDAY_IS_PUBLIC = ErrorCode(
    Conflict,
    "holiday_is_public",
    _("%(date)s is already a public holiday (%(name)s): deadlines skip it without an entry."),
)
HOLIDAY_NOT_FOUND = ErrorCode(
    NotFound, "holiday_not_found", _("%(date)s is not one of the store's extra holidays.")
)
