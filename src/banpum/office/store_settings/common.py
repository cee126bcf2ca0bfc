"""What every settings view shares: the nav, service errors shown on forms, 404s."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError, NotFound, ValidationFailed
from banpum.office.access import can


@dataclass(frozen=True)
class SettingsPage:
    url_name: str
    label: Promise
    capability: Capability


SETTINGS_PAGES = (
    SettingsPage("settings-policy", _("Return policy"), Capability.POLICY_MANAGE),
    SettingsPage("settings-holidays", _("Holidays"), Capability.POLICY_MANAGE),
    SettingsPage("settings-blocklist", _("Blocklist"), Capability.BLOCKLIST_MANAGE),
    SettingsPage("settings-carriers", _("Carriers"), Capability.CARRIERS_MANAGE),
    SettingsPage("settings-messages", _("Messages"), Capability.NOTIFY_TEMPLATES_EDIT),
    SettingsPage("settings-payment", _("Payment account"), Capability.PAYMENTS_MANAGE),
    SettingsPage("settings-people", _("People and roles"), Capability.USERS_MANAGE),
    SettingsPage("settings-api-keys", _("API keys"), Capability.API_KEYS_MANAGE),
    SettingsPage("settings-webhooks", _("Webhooks"), Capability.WEBHOOKS_MANAGE),
)
SETTINGS_CAPABILITIES = frozenset(page.capability for page in SETTINGS_PAGES)


def settings_nav(request: HttpRequest, membership: StoreMembership) -> list[SettingsPage]:
    """The settings pages this person may open, in the nav's order."""
    return [page for page in SETTINGS_PAGES if can(request, membership, page.capability)]


def render_settings(
    request: HttpRequest,
    membership: StoreMembership,
    template: str,
    context: Mapping[str, Any],
    *,
    current: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "membership": membership,
            "settings_nav": settings_nav(request, membership),
            "settings_current": current,
            **context,
        },
        status=status,
    )


def is_htmx(request: HttpRequest) -> bool:
    """Sent by htmx (``django_htmx``'s middleware sets ``request.htmx``): answer a fragment."""
    return bool(getattr(request, "htmx", False))


@contextmanager
def not_found_as_404() -> Iterator[None]:
    """Another store's object, or none: the service's NotFound becomes the office's 404."""
    try:
        yield
    except NotFound:
        raise Http404 from None


def errors_onto_form(
    form: forms.BaseForm, error: ApplicationError, fields: Mapping[str, str] | None = None
) -> None:
    """A service's refusal shown on the form: each field's messages next to that field (paths
    renamed by ``fields``), anything else above the form."""
    mapping = fields or {}
    if isinstance(error, ValidationFailed) and error.extra.get("fields"):
        for path, messages in error.extra["fields"].items():
            name = mapping.get(path, path)
            form.add_error(name if name in form.fields else None, list(messages))
        return
    form.add_error(None, error.message)
