"""Settings › Messages › Sending: which channels a store's messages go by, from which sender,
in which language (``notify.NotifySettings``, saved by ``notify_settings_save``).

The page says in words what the ticked channels mean for a shopper, and says loudly when
nothing will reach them. With htmx that summary follows the boxes as they are ticked; without
JavaScript it shows what was saved (or posted).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError
from banpum.notify.selectors import notify_settings_get
from banpum.notify.services.notify_settings import notify_settings_save
from banpum.office.access import actor_of, needs
from banpum.office.store_settings.common import errors_onto_form, render_settings
from banpum.office.store_settings.message_sending_forms import (
    SendingForm,
    initial_of,
    reach_of,
)

CURRENT = "settings-messages"
REACH = "office/settings/_message_reach.html"


@needs(Capability.NOTIFY_TEMPLATES_EDIT)
@require_http_methods(["GET", "POST"])
def message_sending(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    current = notify_settings_get(store=membership.store)
    if request.method == "POST":
        form = SendingForm(request.POST)
        if form.is_valid():
            try:
                notify_settings_save(
                    store=membership.store,
                    email_enabled=form.cleaned_data["email_enabled"],
                    sms_enabled=form.cleaned_data["sms_enabled"],
                    alimtalk_enabled=form.cleaned_data["alimtalk_enabled"],
                    sender_email=form.cleaned_data["sender_email"],
                    sender_phone=form.cleaned_data["sender_phone"],
                    language=form.cleaned_data["language"],
                    actor=actor_of(request, membership),
                    now=timezone.now(),
                )
            except ApplicationError as error:
                errors_onto_form(form, error)
            else:
                if reach_of(**form.channels()).silent:
                    messages.warning(
                        request,
                        _(
                            "Saved. Every channel is off: shoppers get no message about their "
                            "returns, and staff no alerts."
                        ),
                    )
                else:
                    messages.success(
                        request, _("Saved: messages from now on follow these settings.")
                    )
                return redirect("office:settings-message-sending")
    else:
        form = SendingForm(initial=initial_of(current))
    context = {
        "form": form,
        "current": current,
        "reach": reach_of(**form.channels()),
    }
    return render_settings(
        request, membership, "office/settings/message_sending.html", context, current=CURRENT,
        status=422 if form.errors else 200,
    )  # fmt: skip


@needs(Capability.NOTIFY_TEMPLATES_EDIT)
@require_POST
def message_sending_reach(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    """What the boxes as ticked would mean, for the page's htmx summary; saves nothing."""
    form = SendingForm(request.POST)
    return render_settings(
        request, membership, REACH, {"reach": reach_of(**form.channels())}, current=CURRENT
    )
