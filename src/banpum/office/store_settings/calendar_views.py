"""The store's extra holidays (임시공휴일) and its blocklist: list, add, remove.

Both go through ``returns.store_settings``, which checks the capability again and, for a
holiday, moves the refund due dates it changes in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError
from banpum.office.access import actor_of, needs
from banpum.office.formatting import phone_masked
from banpum.office.store_settings.common import (
    errors_onto_form,
    not_found_as_404,
    render_settings,
)
from banpum.policy import selectors
from banpum.policy.models import BLOCKLIST_KIND_CHOICES
from banpum.policy.types import BlocklistKind
from banpum.returns import store_settings


class HolidayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("e.g. 임시공휴일 (선거일)"),
    )

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise forms.ValidationError(gettext_lazy("Choose a day between 2000 and 2100."))
        return day


class BlocklistForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=BLOCKLIST_KIND_CHOICES)
    value = forms.CharField(label=gettext_lazy("Phone, email or address"), max_length=300)
    reason = forms.CharField(
        label=gettext_lazy("Why (for the CS team)"), max_length=300, required=False
    )


@needs(Capability.POLICY_MANAGE)
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = store_settings.store_holiday_add(
                store=membership.store,
                actor=actor_of(request, membership),
                day=form.cleaned_data["date"],
                name=form.cleaned_data["name"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(
                request,
                _("%(date)s is a holiday of the store now; refund due dates moved with it.")
                % {"date": holiday.date.isoformat()},
            )
            return redirect("office:settings-holidays")
    return render_settings(
        request,
        membership,
        "office/settings/holidays.html",
        {
            "form": form,
            "holidays": selectors.extra_holiday_list(store=membership.store).select_related(
                "created_by"
            ),
        },
        current="settings-holidays",
        status=422 if form.errors else 200,
    )


@needs(Capability.POLICY_MANAGE)
@require_POST
def holiday_remove(request: HttpRequest, membership: StoreMembership, day: str) -> HttpResponse:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    with not_found_as_404():
        store_settings.store_holiday_remove(
            store=membership.store,
            actor=actor_of(request, membership),
            day=date,
            now=timezone.now(),
        )
    messages.success(request, _("%(date)s is a working day again.") % {"date": day})
    return redirect("office:settings-holidays")


@needs(Capability.BLOCKLIST_MANAGE)
@require_http_methods(["GET", "POST"])
def blocklist(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    form = BlocklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            store_settings.store_blocklist_add(
                store=membership.store,
                actor=actor_of(request, membership),
                kind=BlocklistKind(form.cleaned_data["kind"]),
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("Added to the blocklist: their returns wait for a check."))
            return redirect("office:settings-blocklist")
    entries = [
        {
            "entry": entry,
            # Personal data: a list shows whose phone it is, not the number.
            "value": phone_masked(entry.value)
            if entry.kind == BlocklistKind.PHONE
            else entry.value,
        }
        for entry in selectors.blocklist_entry_list(store=membership.store).select_related(
            "created_by"
        )
    ]
    return render_settings(
        request,
        membership,
        "office/settings/blocklist.html",
        {"form": form, "entries": entries},
        current="settings-blocklist",
        status=422 if form.errors else 200,
    )


@needs(Capability.BLOCKLIST_MANAGE)
@require_POST
def blocklist_remove(
    request: HttpRequest, membership: StoreMembership, entry_id: int
) -> HttpResponse:
    with not_found_as_404():
        store_settings.store_blocklist_remove(
            store=membership.store, actor=actor_of(request, membership), entry_id=entry_id
        )
    messages.success(request, _("Taken off the blocklist."))
    return redirect("office:settings-blocklist")
