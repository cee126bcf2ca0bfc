"""The portal's forms: one question per screen, labels and errors beside each field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import OrderLine, Product
from banpum.commerce.options import options_label
from banpum.integrations.banks.accounts import bank_account_check
from banpum.integrations.banks.codes import BANKS
from banpum.integrations.errors import account_problem_fields
from banpum.policy.types import Condition, Method, PolicyRules, Resolution
from banpum.portal.texts import day, reason_choices


class LookupForm(forms.Form):
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=100,
        help_text=_("The phone number or email you ordered with."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "text"}),
    )


class ItemsForm(forms.Form):
    """How many units of each line: 0 to what is still returnable."""

    def __init__(self, *args: Any, lines: Sequence[tuple[OrderLine, int]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.line_fields: list[tuple[str, OrderLine, int]] = []
        for line, returnable in lines:
            if returnable <= 0:
                continue
            name = f"line_{line.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=line.name,
                choices=[(n, str(n)) for n in range(returnable + 1)],
                coerce=int,
                initial=0,
                required=False,
                empty_value=0,  # type: ignore[arg-type]
                help_text=_("Up to %(count)s") % {"count": returnable},
            )
            self.line_fields.append((name, line, returnable))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.line_fields and not any(cleaned.get(name) for name, _, _ in self.line_fields):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return cleaned

    def chosen(self) -> dict[int, int]:
        return {
            line.pk: int(self.cleaned_data.get(name) or 0) for name, line, _ in self.line_fields
        }


CONDITION_CHOICES = [
    (Condition.UNOPENED.value, _("Unopened, as it came")),
    (Condition.OPENED.value, _("Opened, not used")),
    (Condition.TAGS_REMOVED.value, _("Tags removed")),
    (Condition.USED.value, _("Used")),
    (Condition.DAMAGED.value, _("Damaged")),
]


class ReasonForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Why are you returning it?"), widget=forms.RadioSelect)
    condition = forms.ChoiceField(
        label=_("What state is it in?"), choices=CONDITION_CHOICES, widget=forms.RadioSelect
    )
    reason_detail = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, rules: PolicyRules, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = reason_choices(rules)  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; the service checks each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class PhotosForm(forms.Form):
    photos = MultipleFileField(label=_("Photos of the problem"), required=False)


class ResolutionForm(forms.Form):
    resolution = forms.ChoiceField(label=_("What would you like?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, allowed: Sequence[Resolution], **kwargs: Any):
        super().__init__(*args, **kwargs)
        words = {
            Resolution.REFUND: _("My money back"),
            Resolution.EXCHANGE: _("An exchange (another size or colour, or the same again)"),
            Resolution.STORE_CREDIT: _("Store credit"),
        }
        self.fields["resolution"].choices = [  # type: ignore[attr-defined]
            (r.value, words[r]) for r in allowed
        ]


class OptionForm(forms.Form):
    """For each exchanged line with options: which variant to send instead."""

    def __init__(self, *args: Any, lines: Sequence[tuple[OrderLine, list[Product]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.variants: dict[str, dict[int, Product]] = {}
        for line, variants in lines:
            name = f"line_{line.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=line.name,
                choices=[(v.pk, options_label(v.options) or v.name) for v in variants],
                coerce=int,
                initial=line.product_id,
            )
            self.variants[name] = {v.pk: v for v in variants}

    def chosen(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): int(self.cleaned_data[name]) for name in self.variants
        }


METHOD_WORDS = {
    Method.CARRIER_PICKUP: _("A courier picks it up at my address"),
    Method.CVS_DROP_OFF: _("I drop it off at a convenience store"),
    Method.SELF_SHIP: _("I send it myself with a carrier of my choice"),
    Method.IN_STORE: _("I bring it to the store"),
}


class MethodForm(forms.Form):
    method = forms.ChoiceField(label=_("How does it come back?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, allowed: Sequence[Method], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [  # type: ignore[attr-defined]
            (m.value, METHOD_WORDS[m]) for m in allowed
        ]


class PickupForm(forms.Form):
    preferred_date = forms.TypedChoiceField(
        label=_("Pickup day"), coerce=dt.date.fromisoformat, empty_value=None
    )
    contact_name = forms.CharField(label=_("Name"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Phone"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    address1 = forms.CharField(label=_("Address"), max_length=200)
    address2 = forms.CharField(label=_("Address detail"), max_length=200, required=False)
    memo = forms.CharField(
        label=_("Note for the courier (optional)"), max_length=300, required=False
    )

    def __init__(self, *args: Any, days: Sequence[dt.date], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["preferred_date"].choices = [  # type: ignore[attr-defined]
            (d.isoformat(), day(d)) for d in days
        ]

    def clean_contact_phone(self) -> str:
        phone = str(self.cleaned_data["contact_phone"]).strip()
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not 9 <= len(digits) <= 12 or any(ch not in "0123456789- " for ch in phone):
            raise forms.ValidationError(_("Enter a phone number, e.g. 010-1234-5678."))
        return phone


class RebookForm(PickupForm):
    """A pickup that failed, booked again: a new day, or the address corrected."""


class AccountForm(forms.Form):
    bank_code = forms.ChoiceField(label=_("Bank"))
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    holder_name = forms.CharField(label=_("Account holder"), max_length=60)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["bank_code"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *((bank.code, bank.name()) for bank in BANKS.values()),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        check = bank_account_check(
            bank_code=cleaned["bank_code"],
            account_number=cleaned["account_number"],
            holder_name=cleaned["holder_name"],
        )
        for field, messages in account_problem_fields(check.problems).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


class WaybillForm(forms.Form):
    carrier_code = forms.ChoiceField(label=_("Carrier"), required=False)
    waybill_number = forms.CharField(
        label=_("Waybill number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, carriers: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["carrier_code"].choices = [  # type: ignore[attr-defined]
            ("", _("The store's carrier")),
            *carriers,
        ]
