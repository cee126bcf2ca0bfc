"""Forms of the warehouse pages: a scan, a receipt, an unidentified parcel, an inspection.

They check only the shape of what was typed (numbers, choices, lengths); the rules (what may
be received, accepted, deducted, restocked) are the warehouse services', whose refusals the
views put back next to these fields (``office.form_errors``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.policy.types import Condition
from banpum.returns.models import CONDITION_CHOICES, ReturnLine
from banpum.warehouse.models import (
    DeductionReason,
    DispositionAction,
    Grade,
    InspectionOutcome,
    RejectReason,
)
from banpum.warehouse.services import DispositionIn, LineInspectionIn

QUANTITY_MAX = 100_000
DEDUCTION_MAX = 10_000_000_000
BLANK: list[tuple[str, Any]] = [("", "—")]


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan or type a waybill, return number or barcode"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "search",
                "class": "scan-input",
                "id": "scan-code",
            }
        ),
    )


class ReceiveForm(forms.Form):
    # Left empty, one box: the scanner's usual case.
    boxes_received = forms.IntegerField(
        label=_("Boxes in this scan"), min_value=1, max_value=99, initial=1, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class UnidentifiedForm(forms.Form):
    code = forms.CharField(label=_("Scanned code or waybill"), max_length=64, required=False)
    sender_name = forms.CharField(
        label=_("Sender's name on the box"), max_length=100, required=False
    )
    sender_phone = forms.CharField(
        label=_("Sender's phone on the box"), max_length=32, required=False
    )
    note = forms.CharField(
        label=_("What is in the box, anything else"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MatchForm(forms.Form):
    return_number = forms.CharField(label=_("Return number"), max_length=40)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field (Django's documented pattern); the service checks each."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleImageInput(
                attrs={"accept": "image/*", "capture": "environment", "multiple": True}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


# The disposition actions as one quantity field each: how many units go where.
DISPOSITION_FIELDS = [(f"to_{action.value}", action) for action in DispositionAction]


class LineInspectionForm(forms.Form):
    """One return line: what came back, in what state, what is refunded, where units go."""

    quantity_received = forms.IntegerField(
        label=_("Units received"), min_value=0, max_value=QUANTITY_MAX
    )
    quantity_accepted = forms.IntegerField(
        label=_("Units accepted"), min_value=0, max_value=QUANTITY_MAX
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=CONDITION_CHOICES)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=InspectionOutcome.choices, widget=forms.RadioSelect
    )
    deduction_amount = forms.IntegerField(
        label=_("Deduction (won)"), min_value=0, max_value=DEDUCTION_MAX, required=False
    )
    deduction_reason = forms.ChoiceField(
        label=_("Deduction reason"), choices=BLANK + DeductionReason.choices, required=False
    )
    reject_reason = forms.ChoiceField(
        label=_("Why refused or missing"), choices=BLANK + RejectReason.choices, required=False
    )
    reject_text = forms.CharField(label=_("Refusal detail"), max_length=500, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField(label=_("Photos"), required=False)

    def __init__(self, *args: Any, line: ReturnLine, **kwargs: Any) -> None:
        self.line = line
        self.kept_photos: list[Any] = []  # photos of the line kept already (thumbnails)
        kwargs.setdefault("prefix", f"line-{line.pk}")
        kwargs.setdefault(
            "initial",
            {
                "quantity_received": line.quantity,
                "quantity_accepted": line.quantity,
                "condition": line.condition,
                "grade": Grade.A,
                "outcome": InspectionOutcome.ACCEPT,
                "deduction_amount": 0,
                f"to_{DispositionAction.RESTOCK.value}": line.quantity,
            },
        )
        super().__init__(*args, **kwargs)
        for name, action in DISPOSITION_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=action.label, min_value=0, max_value=QUANTITY_MAX, required=False
            )

    def disposition_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _action in DISPOSITION_FIELDS]

    def detail_fields(self) -> list[forms.BoundField]:
        names = ("deduction_amount", "deduction_reason", "reject_reason", "reject_text")
        return [self[name] for name in names]

    def inspection(self) -> LineInspectionIn:
        """The service's input from a valid form."""
        data = self.cleaned_data
        deduction = data.get("deduction_reason") or ""
        reject = data.get("reject_reason") or ""
        return LineInspectionIn(
            return_line_id=self.line.pk,
            quantity_received=data["quantity_received"],
            quantity_accepted=data["quantity_accepted"],
            grade=Grade(data["grade"]),
            condition=Condition(data["condition"]),
            outcome=InspectionOutcome(data["outcome"]),
            deduction_amount=data.get("deduction_amount") or 0,
            deduction_reason=DeductionReason(deduction) if deduction else None,
            reject_reason=RejectReason(reject) if reject else None,
            reject_text=data.get("reject_text") or "",
            note=data.get("note") or "",
            dispositions=tuple(
                DispositionIn(data[name], action)
                for name, action in DISPOSITION_FIELDS
                if data.get(name)
            ),
        )


FEE_RECEIVED_CHOICES = [
    ("", _("Choose")),
    ("yes", _("Yes, the fee was received")),
    ("no", _("No, the fee is still owed")),
]


class InspectionForm(forms.Form):
    """What belongs to the whole return: the fee's word (when the policy needs it), a note."""

    fee_received = forms.ChoiceField(
        label=_("Was the return fee received?"), choices=FEE_RECEIVED_CHOICES, required=False
    )
    note = forms.CharField(
        label=_("Note on the inspection"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def fee_received_value(self) -> bool | None:
        chosen = self.cleaned_data.get("fee_received")
        return None if not chosen else chosen == "yes"
