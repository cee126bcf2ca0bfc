"""The return policy as a form: the common rules as fields, the reasons as a formset.

The form only parses what was typed (numbers, choices, lists); the limits are the policy's own
(``policy_rules_validate``), whose field errors come back onto the field they concern through
``FIELD_PATHS``. What the form reads and writes is the whole rules document, so a saved
version holds exactly what the page showed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ValidationFailed
from banpum.policy import texts
from banpum.policy.schemas import RepeatReturnerSchema
from banpum.policy.types import Condition, FeeCollection, Method, ReasonKind, Resolution

REASON_KIND_LABELS: dict[str, Any] = {
    ReasonKind.CHANGE_OF_MIND.value: _("Change of mind"),
    ReasonKind.DEFECT.value: _("Defect"),
    ReasonKind.WRONG_ITEM.value: _("Wrong item"),
    ReasonKind.NOT_AS_DESCRIBED.value: _("Not as described"),
    ReasonKind.DAMAGED_IN_TRANSIT.value: _("Damaged in transit"),
}
# Whose fault a reason is decides who pays the return shipping (``policy.fees``).
WHO_PAYS_LABELS: dict[str, Any] = {
    "buyer": _("Buyer pays (buyer's reason)"),
    "seller": _("Seller pays (seller's fault)"),
    "carrier": _("Seller pays (carrier's fault)"),
}


def _choices(labels: Mapping[str, Any], values: Sequence[str]) -> list[tuple[str, Any]]:
    return [(value, labels.get(value, value)) for value in values]


RESOLUTION_CHOICES = _choices(texts.RESOLUTION_LABELS, [r.value for r in Resolution])
METHOD_CHOICES = _choices(texts.METHOD_LABELS, [m.value for m in Method])
CONDITION_CHOICES = _choices(texts.CONDITION_LABELS, [c.value for c in Condition])
COLLECTION_CHOICES = _choices(texts.FEE_COLLECTION_LABELS, [c.value for c in FeeCollection])
KIND_CHOICES = _choices(REASON_KIND_LABELS, [k.value for k in ReasonKind])
WHO_PAYS_CHOICES = _choices(WHO_PAYS_LABELS, list(WHO_PAYS_LABELS))

# Form field -> where it lives in the rules document.
FIELD_PATHS: dict[str, tuple[str, ...]] = {
    "change_of_mind_days": ("change_of_mind_days",),
    "defect_months": ("defect_months",),
    "defect_known_days": ("defect_known_days",),
    "refund_business_days": ("refund_business_days",),
    "return_shipping_fee": ("return_shipping_fee",),
    "outbound_shipping_fee": ("outbound_shipping_fee",),
    "exchange_fee": ("exchange_fee",),
    "free_shipping_threshold": ("free_shipping_threshold",),
    "default_fee_collection": ("default_fee_collection",),
    "allowed_resolutions": ("allowed_resolutions",),
    "allowed_methods": ("allowed_methods",),
    "blocked_conditions": ("blocked_conditions",),
    "non_returnable_categories": ("non_returnable_categories",),
    "non_returnable_skus": ("non_returnable_skus",),
    "auto_enabled": ("auto_approval", "enabled"),
    "auto_max_refund": ("auto_approval", "max_refund"),
    "auto_reason_kinds": ("auto_approval", "reason_kinds"),
    "auto_methods": ("auto_approval", "methods"),
    "repeat_window_days": ("repeat_returner", "window_days"),
    "repeat_min_orders": ("repeat_returner", "min_orders"),
    "repeat_max_ratio": ("repeat_returner", "max_ratio"),
    "early_refund_max": ("refund_shortcuts", "early_refund_max"),
    "keep_item_max": ("refund_shortcuts", "keep_item_max"),
    "keep_item_categories": ("refund_shortcuts", "keep_item_categories"),
}
LIST_TEXT_FIELDS = ("non_returnable_categories", "non_returnable_skus", "keep_item_categories")
REPEAT_FIELDS = ("repeat_window_days", "repeat_min_orders", "repeat_max_ratio")
_SPLIT = re.compile(r"[,\n]")


def _number(label: Any, help_text: Any = "", *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _checkboxes(label: Any, choices: list[tuple[str, Any]], help_text: Any = "") -> Any:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )


def _list_text(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PolicyForm(forms.Form):
    """The policy's common rules; the sections follow the template's fieldsets."""

    # Windows.
    change_of_mind_days = _number(
        _("Change of mind: days after delivery"),
        _("The law allows at least 7 days (전자상거래법 제17조)."),
    )
    defect_months = _number(_("Defects: months after delivery"))
    defect_known_days = _number(_("Defects: days after the buyer noticed"))
    refund_business_days = _number(
        _("Refund within (business days after the goods are back)"),
        _("The law asks for 3 business days."),
    )
    # Fees.
    return_shipping_fee = _number(_("Return shipping fee, one way (won)"))
    outbound_shipping_fee = _number(_("Outbound shipping fee (won)"))
    exchange_fee = _number(
        _("Exchange fee (won)"), _("Empty: the return fee plus the outbound fee."), required=False
    )
    free_shipping_threshold = _number(
        _("Free shipping from (won)"),
        _("A return that leaves an order below it is charged the original shipping."),
        required=False,
    )
    default_fee_collection = forms.ChoiceField(
        label=_("How a buyer's fee is collected"), choices=COLLECTION_CHOICES
    )
    # What can be returned, and how.
    allowed_resolutions = _checkboxes(_("Resolutions offered"), RESOLUTION_CHOICES)
    allowed_methods = _checkboxes(_("Ways to send the goods back"), METHOD_CHOICES)
    blocked_conditions = _checkboxes(
        _("Conditions refused for a change of mind"), CONDITION_CHOICES
    )
    non_returnable_categories = _list_text(
        _("Categories never returnable for a change of mind"),
        _("Separate with commas or new lines."),
    )
    non_returnable_skus = _list_text(
        _("SKUs never returnable for a change of mind"), _("Separate with commas or new lines.")
    )
    # Auto-approval.
    auto_enabled = forms.BooleanField(
        label=_("Approve eligible returns automatically"), required=False
    )
    auto_max_refund = _number(
        _("Only up to this refund (won)"), _("Empty: any amount."), required=False
    )
    auto_reason_kinds = _checkboxes(
        _("Only for these kinds of reason"), KIND_CHOICES, _("None ticked: every kind.")
    )
    auto_methods = _checkboxes(
        _("Only for these ways back"), METHOD_CHOICES, _("None ticked: every way.")
    )
    # Fraud signals.
    repeat_enabled = forms.BooleanField(
        label=_("Hold returns of customers who return often"), required=False
    )
    repeat_window_days = _number(_("Counted over the last (days)"), required=False)
    repeat_min_orders = _number(_("From this many orders"), required=False)
    repeat_max_ratio = forms.FloatField(
        label=_("Hold above this many returns per order"),
        required=False,
        help_text=_("0.5: more than one return for every two orders."),
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
    )
    # Refunding early or without the goods.
    early_refund_max = _number(
        _("Refund at the pickup scan up to (won)"),
        _("선환불: empty turns it off."),
        required=False,
    )
    keep_item_max = _number(
        _("Refund without collecting up to (won)"),
        _("The customer keeps the item; empty turns it off."),
        required=False,
    )
    keep_item_categories = _list_text(
        _("… only in these categories"), _("Empty: any category. Commas or new lines.")
    )
    note = forms.CharField(
        label=_("What changed (for the version history)"), required=False, max_length=300
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in LIST_TEXT_FIELDS:
            if name in cleaned:
                cleaned[name] = split_list(cleaned.get(name) or "")
        return cleaned


def split_list(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in _SPLIT.split(text) if part.strip()))


class ReasonForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("What the API and channels send: lower-case letters, digits, _."),
    )
    label_ko = forms.CharField(label=_("Korean label"), max_length=100)
    label_en = forms.CharField(label=_("English label"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *KIND_CHOICES])
    fault = forms.ChoiceField(label=_("Who pays"), choices=[("", "—"), *WHO_PAYS_CHOICES])
    photos_required = forms.BooleanField(label=_("Photos required"), required=False)
    active = forms.BooleanField(label=_("Offered"), required=False, initial=True)


class BaseReasonFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() and not form.initial:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            code = form.cleaned_data.get("code")
            if code in seen:
                form.add_error("code", _("Another reason has this code."))
            if code:
                seen.add(code)


ReasonFormSet = forms.formset_factory(
    ReasonForm, formset=BaseReasonFormSet, extra=2, can_delete=True
)


class SampleOrderForm(forms.Form):
    sample_order = forms.CharField(
        label=_("Sample order number"),
        max_length=100,
        required=False,
        help_text=_("An order of this store: see what the draft decides for it."),
        widget=forms.TextInput(attrs={"list": "recent-orders", "autocomplete": "off"}),
    )


# --- document <-> form ----------------------------------------------------------------------


def _get(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def policy_initial(document: Mapping[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name, path in FIELD_PATHS.items():
        value = _get(document, path)
        if name in LIST_TEXT_FIELDS:
            value = "\n".join(str(item) for item in value or [])
        initial[name] = value
    repeat = document.get("repeat_returner")
    initial["repeat_enabled"] = repeat is not None
    if repeat is None:
        defaults = RepeatReturnerSchema()
        initial["repeat_window_days"] = defaults.window_days
        initial["repeat_min_orders"] = defaults.min_orders
        initial["repeat_max_ratio"] = defaults.max_ratio
    return initial


def reasons_initial(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, active in (("reasons", True), ("inactive_reasons", False)):
        for reason in document.get(key) or []:
            rows.append({**reason, "active": active})
    return rows


@dataclass(frozen=True)
class Draft:
    """A rules document built from the forms, and where each reason came from."""

    document: dict[str, Any]
    reason_rows: dict[tuple[str, int], int]  # ("reasons", 2) -> index of its form


def draft_from(
    base: Mapping[str, Any],
    cleaned: Mapping[str, Any],
    formset: forms.BaseFormSet,  # type: ignore[type-arg]
) -> Draft:
    document = copy.deepcopy(dict(base))
    for name, path in FIELD_PATHS.items():
        if path[0] == "repeat_returner":
            continue
        target = document
        for part in path[:-1]:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[path[-1]] = cleaned.get(name)
    if cleaned.get("repeat_enabled"):
        defaults = RepeatReturnerSchema()
        document["repeat_returner"] = {
            "window_days": _or(cleaned.get("repeat_window_days"), defaults.window_days),
            "min_orders": _or(cleaned.get("repeat_min_orders"), defaults.min_orders),
            "max_ratio": _or(cleaned.get("repeat_max_ratio"), defaults.max_ratio),
        }
    else:
        document["repeat_returner"] = None
    reasons: dict[str, list[dict[str, Any]]] = {"reasons": [], "inactive_reasons": []}
    rows: dict[tuple[str, int], int] = {}
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("code") or data.get("DELETE"):
            continue
        key = "reasons" if data.get("active") else "inactive_reasons"
        rows[(key, len(reasons[key]))] = index
        reasons[key].append(
            {
                "code": data["code"].strip(),
                "label_ko": data["label_ko"].strip(),
                "label_en": data["label_en"].strip(),
                "kind": data["kind"],
                "fault": data["fault"],
                "photos_required": bool(data.get("photos_required")),
            }
        )
    document.update(reasons)
    return Draft(document=document, reason_rows=rows)


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


_DOCUMENT_FIELDS = {"rules." + ".".join(path): name for name, path in FIELD_PATHS.items()}
_REASON_PATH = re.compile(r"^rules\.(reasons|inactive_reasons)\.(\d+)(?:\.(\w+))?")


def draft_errors_apply(
    error: ValidationFailed,
    draft: Draft,
    form: PolicyForm,
    formset: forms.BaseFormSet,  # type: ignore[type-arg]
) -> list[str]:
    """Each of the policy's field errors onto its field (a reason's onto its row); what belongs
    to no field is returned, for the top of the reasons."""
    general: list[str] = []
    for path, messages in (error.extra.get("fields") or {}).items():
        name = _field_for(path)
        if name is not None:
            form.add_error(name, list(messages))
            continue
        found = _REASON_PATH.match(path)
        if found is not None:
            index = draft.reason_rows.get((found.group(1), int(found.group(2))))
            if index is not None:
                row = formset.forms[index]
                part = found.group(3)
                row.add_error(part if part in row.fields else None, list(messages))
                continue
        general.extend(str(message) for message in messages)
    return general


def _field_for(path: str) -> str | None:
    """The form field of a document path, the longest match first (``rules.x.y.0`` -> x.y)."""
    parts = path.split(".")
    while len(parts) > 1:
        name = _DOCUMENT_FIELDS.get(".".join(parts))
        if name is not None:
            return name
        parts.pop()
    return None


MONEY_FIELDS = frozenset(
    {
        "return_shipping_fee",
        "outbound_shipping_fee",
        "exchange_fee",
        "free_shipping_threshold",
        "auto_max_refund",
        "early_refund_max",
        "keep_item_max",
    }
)


@dataclass(frozen=True)
class SummaryLine:
    label: str
    value: str


def policy_summary(document: Mapping[str, Any]) -> list[SummaryLine]:
    """A version's common rules in words, labelled as the form labels them."""
    initial = policy_initial(document)
    fields = PolicyForm.base_fields
    lines: list[SummaryLine] = []
    for name, field in fields.items():
        if name == "note" or (name in REPEAT_FIELDS and not initial.get("repeat_enabled")):
            continue
        value = initial.get(name)
        if isinstance(field, forms.MultipleChoiceField):
            labels = _labels(field)
            text = ", ".join(str(labels.get(v, v)) for v in value or []) or "—"
        elif isinstance(field, forms.ChoiceField):
            text = str(_labels(field).get(value, value))
        elif isinstance(field, forms.BooleanField):
            text = str(_("Yes") if value else _("No"))
        elif value is None or value == "":
            text = "—"
        elif name in MONEY_FIELDS and isinstance(value, int):
            text = texts.money(value)
        else:
            text = str(value).replace("\n", ", ")
        lines.append(SummaryLine(str(field.label), text))
    return lines


def _labels(field: forms.ChoiceField) -> dict[Any, Any]:
    choices: Any = field.choices
    return {value: label for value, label in choices}


def reason_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The version's reasons for a table, with the kind and who pays in words."""
    return [
        {
            **row,
            "kind_label": REASON_KIND_LABELS.get(str(row.get("kind")), row.get("kind")),
            "who_pays": WHO_PAYS_LABELS.get(str(row.get("fault")), row.get("fault")),
        }
        for row in reasons_initial(document)
    ]
