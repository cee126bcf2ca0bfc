"""What the nav shows a membership: ``{% if membership|settings_allowed %}`` for the settings
link, ``{% if membership|may:"refund_manage" %}`` for a page behind one capability. The pages
check again (``office.access.needs``); the nav only leaves out what would answer 403."""

from __future__ import annotations

from django import template

from banpum.accounts.capabilities import ROLE_CAPABILITIES, Capability, Role
from banpum.office.store_settings.common import SETTINGS_CAPABILITIES

register = template.Library()


def _capabilities(membership: object) -> frozenset[Capability]:
    try:
        role = Role(str(getattr(membership, "role", "")))
    except ValueError:
        return frozenset()
    return ROLE_CAPABILITIES[role]


@register.filter
def may(membership: object, capability: str) -> bool:
    return capability in _capabilities(membership)


@register.filter
def settings_allowed(membership: object) -> bool:
    return bool(_capabilities(membership) & SETTINGS_CAPABILITIES)
