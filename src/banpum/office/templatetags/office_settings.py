"""``{% if membership|settings_allowed %}``: whether the nav shows the settings link."""

from __future__ import annotations

from django import template

from banpum.accounts.capabilities import ROLE_CAPABILITIES, Role
from banpum.office.store_settings.common import SETTINGS_CAPABILITIES

register = template.Library()


@register.filter
def settings_allowed(membership: object) -> bool:
    try:
        role = Role(str(getattr(membership, "role", "")))
    except ValueError:
        return False
    return bool(ROLE_CAPABILITIES[role] & SETTINGS_CAPABILITIES)
