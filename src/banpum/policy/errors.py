"""Errors of the policy services and selectors; translated when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, NotFound

POLICY_MISSING = ErrorCode(
    NotFound,
    "policy_missing",
    _("Store '%(store)s' has no return policy yet; create one in the admin."),
)
