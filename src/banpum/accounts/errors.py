"""Errors of staff roles, API keys and permission checks; translated when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, PermissionDenied, field_message

NO_ROLE_IN_STORE = ErrorCode(
    PermissionDenied, "forbidden", _("%(actor)s has no role in this store.")
)
NOT_ALLOWED = ErrorCode(
    PermissionDenied, "forbidden", _("%(actor)s may not do this (%(capability)s).")
)
ROLE_UNKNOWN = field_message(_("Choose one of: %(roles)s."))
KEY_ACTS_FOR_OTHER_STORE = field_message(_("A key can only act for a member of its own store."))

# The office's people and API key pages (``store_member_*``, ``store_api_key_*``).
MEMBER_NOT_FOUND = ErrorCode(NotFound, "member_not_found", _("No such member in this store."))
ALREADY_MEMBER = field_message(_("%(username)s already works in this store."))
USERNAME_TAKEN = field_message(
    _("This username is taken: to add that person, leave the password empty.")
)
USER_NOT_FOUND = field_message(_("No active person has this username."))
USERNAME_INVALID = field_message(_("Use up to 150 letters, digits and @ . + - _ for a username."))
ROLE_ABOVE_OWN = ErrorCode(
    PermissionDenied,
    "role_above_own",
    _("Only an admin can give, change or remove the admin role."),
)
LAST_ADMIN = ErrorCode(
    Conflict,
    "last_admin",
    _("The store needs at least one admin: make someone else admin first."),
)
SELF_DEMOTION = ErrorCode(
    Conflict,
    "self_demotion",
    _("You cannot take away your own right to manage people; ask another admin."),
)
API_KEY_NOT_FOUND = ErrorCode(NotFound, "api_key_not_found", _("No such API key in this store."))
API_KEY_NAME_EMPTY = field_message(_("Name the key after what uses it."))
