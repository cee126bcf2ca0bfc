"""/office/settings/: the pages this person may use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from banpum.accounts.models import StoreMembership
from banpum.office.access import in_store
from banpum.office.store_settings.common import render_settings, settings_nav


@in_store
@require_http_methods(["GET"])
def settings_home(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    if not settings_nav(request, membership):
        return render(request, "office/forbidden.html", {"membership": membership}, status=403)
    return render_settings(
        request, membership, "office/settings/index.html", {}, current="settings-home"
    )
