"""The 회수 요청 form: what a CS agent agrees with the customer on the phone, in one form.

One quantity field per order line that still has returnable units (``qty_<line id>``), the
reason from the store's active policy, the consultation note (상담 내용), the return fee as
agreed (payer, amount, how collected), the method the policy allows, and where and when the
carrier should come. The form turns itself into the services' inputs (``ask``, ``fee``,
``pickup``); their refusals come back onto its fields (``add_service_error``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Order
from banpum.core.errors import ApplicationError
from banpum.office.orders import LineRow
from banpum.policy import texts
from banpum.policy.types import (
    FeeCollection,
    FeePayer,
    LineRequest,
    Method,
    PolicyRules,
    Resolution,
    ReturnAsk,
    ReturnType,
)
from banpum.returns.pickup_wish import LIMITS as MAX_LENGTHS
from banpum.returns.pickup_wish import PickupWish
from banpum.returns.services import FeeOverride

# The methods a CS agent arranges on the phone: the carrier comes, or the customer sends it.
CS_METHODS = (Method.CARRIER_PICKUP, Method.SELF_SHIP)
# Exchanges need a replacement chosen with the customer: a page of their own, not this form.
CS_RESOLUTIONS = (Resolution.REFUND, Resolution.STORE_CREDIT)
# How a buyer-paid fee reaches the seller, as Korean CS agrees it: 차감 / 동봉 / 송금.
CS_COLLECTIONS = (
    FeeCollection.DEDUCT_FROM_REFUND,
    FeeCollection.ENCLOSE_IN_BOX,
    FeeCollection.BANK_TRANSFER,
)
FEE_MAX = 10_000_000
NOTE_MAX = 5000

# Where a service's field paths show in this form.
SERVICE_FIELDS = {
    "reason_code": "reason",
    "method": "method",
    "resolution": "resolution",
    "fee.amount": "fee_amount",
    "fee.payer": "fee_payer",
    "note": "note",
    "idempotency_key": None,
    **{f"pickup.{name}": name for name in (*MAX_LENGTHS, "preferred_date")},
}


def quantity_field_name(line_id: int) -> str:
    return f"qty_{line_id}"


def token_new() -> str:
    return secrets.token_urlsafe(18)


class ReturnCreateForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"))
    resolution = forms.ChoiceField(label=_("Resolution"))
    method = forms.ChoiceField(label=_("Method"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Consultation notes"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the customer said and what you agreed; kept on the return's timeline."),
    )
    fee_payer = forms.ChoiceField(
        label=_("Return fee: who pays"),
        required=False,
        help_text=_("Leave it to the policy, or set what you agreed with the customer."),
    )
    fee_amount = forms.IntegerField(
        label=_("Return fee amount (원)"), required=False, min_value=0, max_value=FEE_MAX
    )
    fee_collection = forms.ChoiceField(label=_("How the fee is collected"), required=False)
    contact_name = forms.CharField(
        label=_("Pickup contact"), required=False, max_length=MAX_LENGTHS["contact_name"]
    )
    contact_phone = forms.CharField(
        label=_("Pickup phone"), required=False, max_length=MAX_LENGTHS["contact_phone"]
    )
    postcode = forms.CharField(
        label=_("Postcode"), required=False, max_length=MAX_LENGTHS["postcode"]
    )
    address1 = forms.CharField(
        label=_("Pickup address"), required=False, max_length=MAX_LENGTHS["address1"]
    )
    address2 = forms.CharField(
        label=_("Address detail"), required=False, max_length=MAX_LENGTHS["address2"]
    )
    preferred_date = forms.DateField(
        label=_("Preferred pickup date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    memo = forms.CharField(
        label=_("Memo for the driver"), required=False, max_length=MAX_LENGTHS["memo"]
    )
    allow_ineligible = forms.BooleanField(
        label=_("If the policy refuses it, keep it on hold as an exception"), required=False
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        data: Any = None,
        *,
        order: Order,
        lines: list[LineRow],
        rules: PolicyRules,
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.order = order
        self.today = today
        self.returnable = {row.line.pk: row for row in lines if row.returnable > 0}
        for line_id, row in self.returnable.items():
            self.fields[quantity_field_name(line_id)] = forms.IntegerField(
                label=row.line.name,
                required=False,
                min_value=0,
                max_value=row.returnable,
                initial=0,
                widget=forms.NumberInput(attrs={"min": 0, "max": row.returnable}),
            )
        reasons = [(r.code, texts.reason_label(r)) for r in rules.reasons]
        self.fields["reason"].choices = [("", _("Choose a reason")), *reasons]  # type: ignore[attr-defined]
        self.fields["resolution"].choices = [  # type: ignore[attr-defined]
            (r.value, texts.label(texts.RESOLUTION_LABELS, r.value))
            for r in CS_RESOLUTIONS
            if r in rules.allowed_resolutions
        ]
        methods = [m for m in CS_METHODS if m in rules.allowed_methods] or [Method.CARRIER_PICKUP]
        self.fields["method"].choices = [  # type: ignore[attr-defined]
            (m.value, texts.label(texts.METHOD_LABELS, m.value)) for m in methods
        ]
        self.fields["fee_payer"].choices = [  # type: ignore[attr-defined]
            ("", _("As the policy decides")),
            *((p.value, texts.label(texts.FEE_PAYER_LABELS, p.value)) for p in FeePayer),
        ]
        self.fields["fee_collection"].choices = [  # type: ignore[attr-defined]
            ("", _("As the policy decides")),
            *((c.value, texts.label(texts.FEE_COLLECTION_LABELS, c.value)) for c in CS_COLLECTIONS),
        ]
        self.fields["preferred_date"].widget.attrs["min"] = today.isoformat()
        if not self.is_bound:
            self.initial.update(
                {
                    "resolution": Resolution.REFUND.value,
                    "method": methods[0].value,
                    "contact_name": order.shipping_name
                    or (order.customer.name if order.customer else ""),
                    "postcode": order.shipping_postcode,
                    "address1": order.shipping_address1,
                    "address2": order.shipping_address2,
                    "token": token_new(),
                }
            )

    def quantity_fields(self) -> list[tuple[LineRow, forms.BoundField]]:
        return [(row, self[quantity_field_name(pk)]) for pk, row in self.returnable.items()]

    def clean_preferred_date(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("preferred_date")
        if day is not None and day < self.today:
            raise ValidationError(
                _("Choose today (%(today)s) or a later day."),
                params={"today": self.today.isoformat()},
            )
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        names = [quantity_field_name(pk) for pk in self.returnable]
        if not any(cleaned.get(name) for name in names) and not any(
            self.has_error(name) for name in names
        ):
            self.add_error(
                None, ValidationError(_("Choose at least one unit to return."), code="no_lines")
            )
        if cleaned.get("fee_payer"):
            if cleaned.get("fee_amount") is None and not self.has_error("fee_amount"):
                self.add_error("fee_amount", _("Enter the fee you agreed (0 for none)."))
        elif cleaned.get("fee_amount") or cleaned.get("fee_collection"):
            self.add_error("fee_payer", _("Say who pays the fee you entered."))
        return cleaned

    # --- What the services take ------------------------------------------------------------

    def ask(self) -> ReturnAsk:
        data = self.cleaned_data
        return ReturnAsk(
            type=ReturnType.RETURN,
            reason_code=data["reason"],
            resolution=Resolution(data["resolution"]),
            method=Method(data["method"]),
            lines=tuple(
                LineRequest(order_line_id=pk, quantity=data[quantity_field_name(pk)])
                for pk in self.returnable
                if data.get(quantity_field_name(pk))
            ),
        )

    def fee(self) -> FeeOverride | None:
        data = self.cleaned_data
        if not data.get("fee_payer"):
            return None
        collection = data.get("fee_collection")
        return FeeOverride(
            payer=FeePayer(data["fee_payer"]),
            amount=int(data.get("fee_amount") or 0),
            collection=FeeCollection(collection) if collection else None,
        )

    def pickup(self) -> PickupWish:
        data = self.cleaned_data
        return PickupWish(
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            postcode=data.get("postcode", ""),
            address1=data.get("address1", ""),
            address2=data.get("address2", ""),
            preferred_date=data.get("preferred_date"),
            memo=data.get("memo", ""),
        )

    def add_service_error(self, error: ApplicationError) -> None:
        """A service's refusal, next to the fields it names (a line's problem on its quantity);
        the rest above the form. The typed values stay as they are."""
        fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
        problems = error.extra.get("problems") if isinstance(error.extra, dict) else None
        placed = False
        for problem in problems or []:
            line_id = problem.get("order_line_id")
            name = quantity_field_name(line_id) if line_id is not None else None
            if name in self.fields:
                self.add_error(name, str(problem.get("message", "")))
                placed = True
            elif (target := SERVICE_FIELDS.get(str(problem.get("field")))) in self.fields:
                self.add_error(target, str(problem.get("message", "")))
                placed = True
            else:
                self.add_error(None, str(problem.get("message", "")))
                placed = True
        if not placed and isinstance(fields, dict):
            for path, messages in fields.items():
                target = SERVICE_FIELDS.get(path)
                for message in messages:
                    self.add_error(target if target in self.fields else None, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.message)
