"""The 회수 요청 form: what a CS agent agrees with the customer on the phone, in one form.

One quantity field per order line that still has returnable units (``qty_<line id>``), the
reason from the store's active policy, the consultation note (상담 내용), the return fee as
agreed (payer, amount, how collected), the method the policy allows, and where and when the
carrier should come. When the policy allows exchanges, each line of a product also has the
variant to send instead (``replacement_<line id>``: the product's options with their stock,
the same one first chosen, as a defective item is exchanged for the same). The form turns itself
into the services' inputs (``ask``, ``fee``, ``pickup``, ``replacements``); their refusals come
back onto its fields (``add_service_error``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Order
from banpum.core.errors import ApplicationError
from banpum.office.orders import LineRow
from banpum.office.variants import variant_words
from banpum.policy import texts
from banpum.policy.types import (
    FeeCollection,
    FeePayer,
    LineRequest,
    Method,
    PolicyRules,
    Resolution,
    ReturnAsk,
    return_type_for,
)
from banpum.returns.pickup_wish import LIMITS as MAX_LENGTHS
from banpum.returns.pickup_wish import PickupWish
from banpum.returns.services import FeeOverride
from banpum.settlement.errors import EXCHANGE_OUT_OF_STOCK
from banpum.settlement.exchanges.selectors import VariantStock

# The methods a CS agent arranges on the phone: the carrier comes, or the customer sends it.
CS_METHODS = (Method.CARRIER_PICKUP, Method.SELF_SHIP)
# An exchange names its replacement per line, on this form (``replacement_<line id>``).
CS_RESOLUTIONS = (Resolution.REFUND, Resolution.STORE_CREDIT, Resolution.EXCHANGE)
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


def replacement_field_name(line_id: int) -> str:
    return f"replacement_{line_id}"


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
        variants: Mapping[int, Sequence[VariantStock]] | None = None,
        **kwargs: Any,
    ) -> None:
        """``variants``: each ordered product's variants with their stock, by product id
        (``settlement.exchanges.selectors.product_variants``); needed when the policy allows
        exchanges."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.order = order
        self.today = today
        self.returnable = {row.line.pk: row for row in lines if row.returnable > 0}
        # Per line of a product: the variants on offer, by product id.
        self.offered: dict[int, dict[int, VariantStock]] = {}
        if Resolution.EXCHANGE in rules.allowed_resolutions:
            for line_id, row in self.returnable.items():
                product_id = row.line.product_id
                if product_id is not None:
                    self.offered[line_id] = {
                        v.product.pk: v for v in (variants or {}).get(product_id, ())
                    }
        for line_id, row in self.returnable.items():
            self.fields[quantity_field_name(line_id)] = forms.IntegerField(
                label=row.line.name,
                required=False,
                min_value=0,
                max_value=row.returnable,
                initial=0,
                widget=forms.NumberInput(attrs={"min": 0, "max": row.returnable}),
            )
        for line_id, offered in self.offered.items():
            row = self.returnable[line_id]
            # Any product id is taken here: one that is not an option of the ordered product
            # is refused by the returns service, in its words, on this field.
            self.fields[replacement_field_name(line_id)] = forms.IntegerField(
                label=_("Replacement for %(item)s") % {"item": row.line.name},
                required=False,
                initial=row.line.product_id,
                widget=forms.Select(choices=[(pk, variant_words(v)) for pk, v in offered.items()]),
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

    def quantity_fields(self) -> list[tuple[LineRow, forms.BoundField, forms.BoundField | None]]:
        """Per returnable line: its quantity and, when it can be exchanged, its replacement."""
        return [
            (
                row,
                self[quantity_field_name(pk)],
                self[replacement_field_name(pk)] if pk in self.offered else None,
            )
            for pk, row in self.returnable.items()
        ]

    @property
    def offers_exchange(self) -> bool:
        """The policy allows exchanges and some line has a product to choose options of."""
        return bool(self.offered)

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
        if cleaned.get("resolution") == Resolution.EXCHANGE.value:
            self._clean_replacements(cleaned)
        return cleaned

    def _clean_replacements(self, cleaned: dict[str, Any]) -> None:
        """Every line exchanged names its replacement, and what is on offer is in stock for
        all the units asked (two lines may ask for the same variant). A product that is not on
        offer is left to the returns service, which says why."""
        wanted: dict[int, int] = {}
        asked_by: dict[int, list[str]] = {}
        for line_id, offered in self.offered.items():
            name = replacement_field_name(line_id)
            units = cleaned.get(quantity_field_name(line_id))
            if not units or self.has_error(name):
                continue
            chosen = cleaned.get(name)
            if chosen is None:
                self.add_error(
                    name,
                    ValidationError(
                        _("Choose the option to send instead."), code="replacement_missing"
                    ),
                )
            elif chosen in offered:
                wanted[chosen] = wanted.get(chosen, 0) + units
                asked_by.setdefault(chosen, []).append(name)
        variants = {pk: v for offered in self.offered.values() for pk, v in offered.items()}
        for product_id, units in wanted.items():
            variant = variants[product_id]
            if variant.available < units:
                message = EXCHANGE_OUT_OF_STOCK.render(
                    sku=variant.product.sku, available=max(variant.available, 0), wanted=units
                )
                for name in asked_by[product_id]:
                    self.add_error(name, ValidationError(message, code="out_of_stock"))

    # --- What the services take ------------------------------------------------------------

    def ask(self) -> ReturnAsk:
        data = self.cleaned_data
        resolution = Resolution(data["resolution"])
        return ReturnAsk(
            type=return_type_for(resolution),
            reason_code=data["reason"],
            resolution=resolution,
            method=Method(data["method"]),
            lines=tuple(
                LineRequest(order_line_id=pk, quantity=data[quantity_field_name(pk)])
                for pk in self.returnable
                if data.get(quantity_field_name(pk))
            ),
        )

    def replacements(self) -> dict[int, int]:
        """Order line id → the variant (product id) to send, for the lines exchanged."""
        data = self.cleaned_data
        if data.get("resolution") != Resolution.EXCHANGE.value:
            return {}
        return {
            line_id: data[replacement_field_name(line_id)]
            for line_id in self.offered
            if data.get(quantity_field_name(line_id))
            and data.get(replacement_field_name(line_id)) is not None
        }

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
                target = self._field_of(str(path))
                for message in messages:
                    self.add_error(target if target in self.fields else None, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.message)

    def _field_of(self, path: str) -> str | None:
        """The form's field for a service's path: ``replacements.<line id>`` is that line's
        replacement; ``replacements`` (sent without an exchange) the resolution."""
        prefix, _dot, rest = path.partition(".")
        if prefix == "replacements":
            if not rest:
                return "resolution"
            return replacement_field_name(int(rest)) if rest.isdigit() else None
        return SERVICE_FIELDS.get(path)
