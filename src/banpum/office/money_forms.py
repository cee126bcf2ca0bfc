"""Forms of the money pages: a refund account, a goodwill refund, the return fee, an exchange,
a bank-transfer confirmation. Shapes only; the settlement services decide (and refuse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.integrations.banks.codes import BANKS
from banpum.settlement.models import RefundReason, TransferBatchItem

AMOUNT_MAX = 10**12


def bank_choices() -> list[tuple[str, Any]]:
    """Every bank refunds are paid to, named in the reader's language."""
    return [("", _("Choose a bank"))] + [(code, bank.name()) for code, bank in BANKS.items()]


class RefundAccountForm(forms.Form):
    bank_code = forms.ChoiceField(label=_("Bank"), choices=bank_choices)
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    holder_name = forms.CharField(label=_("Account holder"), max_length=60)


class GoodwillForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (won)"), min_value=1, max_value=AMOUNT_MAX)
    reason = forms.ChoiceField(label=_("Reason"), choices=RefundReason.choices)
    note = forms.CharField(
        label=_("Why (required for 'Other')"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeeWaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why waive the fee"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


FEE_SETTLE_CHOICES = [
    ("enclosed", _("Enclosed in the box")),
    ("transferred", _("Transferred")),
    ("charged", _("Charged separately")),
]


class FeeSettleForm(forms.Form):
    how = forms.ChoiceField(label=_("How the fee was paid"), choices=FEE_SETTLE_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ExchangeForm(forms.Form):
    """Per return line: the replacement variant and how many (up to the line's quantity)."""

    def __init__(
        self, *args: Any, lines: list[tuple[Any, list[tuple[str, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line, variants in lines:
            self.fields[f"sku_{line.pk}"] = forms.ChoiceField(
                label=_("Replacement for %(item)s") % {"item": line.order_line.name},
                choices=variants,
            )
            self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=line.quantity, initial=line.quantity
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"sku_{line.pk}"], self[f"quantity_{line.pk}"]) for line, _v in self.lines]

    def choices_made(self) -> list[tuple[int, str, int]]:
        data = self.cleaned_data
        return [
            (line.pk, data[f"sku_{line.pk}"], data[f"quantity_{line.pk}"])
            for line, _variants in self.lines
        ]

    def field_for(self, path: str) -> str | None:
        """``lines.<i>.replacement_sku`` / ``.quantity`` (the service's paths) → this form's."""
        parts = path.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self.lines):
                line = self.lines[index][0]
                return {"replacement_sku": f"sku_{line.pk}", "quantity": f"quantity_{line.pk}"}.get(
                    parts[2]
                )
        return None


class ConvertForm(forms.Form):
    consent_note = forms.CharField(
        label=_("How and when the customer agreed to a refund instead"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- bank transfers -------------------------------------------------------------------------

OUTCOME_CHOICES = [("", _("Still pending")), ("paid", _("Paid")), ("failed", _("Failed"))]


class ConfirmForm(forms.Form):
    """One choice per pending transfer of a batch (and the bank's reason when it failed)."""

    def __init__(self, *args: Any, items: list[TransferBatchItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"outcome_{item.refund_id}"] = forms.ChoiceField(
                label=_("Refund %(id)s") % {"id": item.refund_id},
                choices=OUTCOME_CHOICES,
                required=False,
            )
            self.fields[f"reason_{item.refund_id}"] = forms.CharField(
                label=_("Bank's reason"), max_length=500, required=False
            )

    def rows(self) -> list[tuple[TransferBatchItem, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"outcome_{item.refund_id}"], self[f"reason_{item.refund_id}"])
            for item in self.items
        ]

    def decided(self) -> tuple[list[int], list[tuple[int, str]]]:
        paid: list[int] = []
        failed: list[tuple[int, str]] = []
        for item in self.items:
            outcome = self.cleaned_data.get(f"outcome_{item.refund_id}")
            if outcome == "paid":
                paid.append(item.refund_id)
            elif outcome == "failed":
                reason = self.cleaned_data.get(f"reason_{item.refund_id}") or ""
                failed.append((item.refund_id, reason))
        return paid, failed


class ResultFileForm(forms.Form):
    file = forms.FileField(
        label=_("The bank's result file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
