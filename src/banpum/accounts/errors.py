"""Errors of staff roles, API keys and permission checks; translated when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, PermissionDenied, field_message

NO_ROLE_IN_STORE = ErrorCode(
    PermissionDenied, "forbidden", _("%(actor)s has no role in this store.")
)
NOT_ALLOWED = ErrorCode(
    PermissionDenied, "forbidden", _("%(actor)s may not do this (%(capability)s).")
)
ROLE_UNKNOWN = field_message(_("Choose one of: %(roles)s."))
KEY_ACTS_FOR_OTHER_STORE = field_message(_("A key can only act for a member of its own store."))
