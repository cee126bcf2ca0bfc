"""The forms of the return page's actions, the personal-data reveal and the list's bulk bar.

Forms check the shape of the input (lengths, choices, dates); the services check the rest
again with the actor, and their ``ApplicationError`` field messages land next to the same
fields through ``add_service_error``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ApplicationError
from banpum.logistics.models import Carrier
from banpum.office.models import DataKind, RevealReason
from banpum.returns.models import HOLD_REASON_CHOICES

NOTE_LIMIT = 2000
BULK_LIMIT = 200


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """The service's field messages next to their fields, the rest at the top of the form."""
    fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
    if not isinstance(fields, dict) or not fields:
        form.add_error(None, error.message)
        return
    for path, messages in fields.items():
        target = path if path in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, str(message))


class VersionedForm(forms.Form):
    """An action on the return as the page showed it: a newer version is "changed meanwhile"."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _note(*, required: bool, label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or (_("Note") if required else _("Note (optional)")),
        required=required,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApproveForm(VersionedForm):
    note = _note(required=False)


class HoldForm(VersionedForm):
    hold_reason = forms.ChoiceField(
        label=_("Hold reason"), choices=[("", "---------"), *HOLD_REASON_CHOICES]
    )
    note = _note(required=False)


class RejectForm(VersionedForm):
    note = _note(required=True, label=_("Why (the customer will be told)"))


class CancelForm(VersionedForm):
    note = _note(required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Consultation note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RerequestForm(VersionedForm):
    """A new date, a corrected address or contact; empty fields keep what the pickup had."""

    pickup = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    preferred_date = forms.DateField(
        label=_("New pickup date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_name = forms.CharField(label=_("Contact"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=32)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    address1 = forms.CharField(label=_("Address"), required=False, max_length=200)
    address2 = forms.CharField(label=_("Address detail"), required=False, max_length=200)
    box_count = forms.IntegerField(label=_("Boxes"), required=False, min_value=1, max_value=20)
    memo = forms.CharField(label=_("Memo for the driver"), required=False, max_length=300)
    note = _note(required=False)


class SelfShipForm(VersionedForm):
    note = _note(required=False)


def carrier_choices() -> list[tuple[str, Any]]:
    carriers = Carrier.objects.order_by("name_ko").values_list("code", "name_ko")
    return [("", _("The return's carrier")), *((code, name) for code, name in carriers)]


class WaybillForm(VersionedForm):
    carrier_code = forms.ChoiceField(label=_("Carrier"), required=False, choices=[])
    waybill_number = forms.CharField(label=_("Waybill number"), max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carrier_code"].choices = carrier_choices()  # type: ignore[attr-defined]


class RevealForm(forms.Form):
    """Which of the return's data to show in full, and why: both go into the access log."""

    kinds = forms.MultipleChoiceField(
        label=_("Show"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    reason = forms.ChoiceField(
        label=_("Why"), choices=RevealReason.choices, widget=forms.RadioSelect
    )
    reason_detail = forms.CharField(
        label=_("Details (required for Other)"), required=False, max_length=200
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(DataKind.choices)
        self.fields["kinds"].choices = [(k, labels[k]) for k in DataKind.values if k in kinds]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == RevealReason.OTHER and not data.get("reason_detail", "").strip():
            self.add_error("reason_detail", _("Say in a few words why you need the data."))
        return data


class BulkAction(forms.Form):
    """The list's bulk bar: the ticked rows (``number:version``); which button was pressed
    is the URL it posts to (approve or labels)."""

    selected = forms.Field(widget=forms.MultipleHiddenInput, required=False)
    layout = forms.ChoiceField(choices=(("A4", "A4"), ("A6", "A6")), required=False)

    def clean_selected(self) -> list[tuple[str, int | None]]:
        picked: list[tuple[str, int | None]] = []
        for value in self.cleaned_data.get("selected") or []:
            number, _sep, version = str(value).partition(":")
            number = number.strip()
            if not number or len(number) > 40:
                continue
            picked.append((number, int(version) if version.isdigit() else None))
        picked = list(dict.fromkeys(picked))
        if not picked:
            raise forms.ValidationError(_("Tick at least one return."))
        if len(picked) > BULK_LIMIT:
            raise forms.ValidationError(
                _("Pick at most %(limit)d returns at once.") % {"limit": BULK_LIMIT}
            )
        return picked
