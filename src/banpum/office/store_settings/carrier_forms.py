"""Forms of a carrier account (secrets write-only) and of a carrier selection rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.logistics.models import Carrier, CarrierAccount, FareType, Gateway
from banpum.logistics.services.accounts import (
    BoxSize,
    CarrierAccountData,
    CarrierRuleData,
    SecretsChange,
)
from banpum.office.store_settings.policy_forms import split_list

# Write-only secrets: (form field, what the form calls it). The credentials' keys are the
# gateways' (``logistics.services.accounts.CREDENTIAL_KEYS``); the webhook secret is its own.
SECRETS = (
    ("api_key", _("API key")),
    ("biz_reg_num", _("Business registration number (CJ)")),
    ("webhook_secret", _("Webhook secret")),
)


def _secret_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=300,
        strip=True,
        # Never rendered back: the page says "set" or "not set" instead.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Write-only: type a new value to replace the saved one; empty keeps it."),
    )


class CarrierAccountForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"))
    name = forms.CharField(label=_("Name"), max_length=100)
    gateway = forms.ChoiceField(
        label=_("Link"),
        choices=Gateway.choices,
        help_text=_(
            "Linked: pickups are booked through the carrier's API. Not linked: the "
            "customer gets instructions and the waybill is typed in."
        ),
    )
    api_base_url = forms.CharField(label=_("API address"), max_length=200, required=False)
    customer_code = forms.CharField(
        label=_("Contract customer code"), max_length=64, required=False
    )
    fare_type = forms.ChoiceField(label=_("Fare type"), choices=FareType.choices)
    return_name = forms.CharField(label=_("Return addressee"), max_length=100, required=False)
    return_phone = forms.CharField(label=_("Return phone"), max_length=32, required=False)
    return_postcode = forms.CharField(label=_("Return postcode"), max_length=10, required=False)
    return_address1 = forms.CharField(label=_("Return address"), max_length=200, required=False)
    return_address2 = forms.CharField(
        label=_("Return address detail"), max_length=200, required=False
    )
    instructions = forms.CharField(
        label=_("Instructions for the customer (not linked)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    poll_tracking = forms.BooleanField(label=_("Poll tracking (no webhooks)"), required=False)
    supports_swap = forms.BooleanField(label=_("Swap at the door (맞교환)"), required=False)
    is_default = forms.BooleanField(label=_("The store's default carrier"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    api_key = _secret_field(_("API key"))
    clear_api_key = forms.BooleanField(label=_("Remove the saved API key"), required=False)
    biz_reg_num = _secret_field(_("Business registration number (CJ)"))
    clear_biz_reg_num = forms.BooleanField(
        label=_("Remove the saved registration number"), required=False
    )
    webhook_secret = _secret_field(_("Webhook secret"))
    clear_webhook_secret = forms.BooleanField(
        label=_("Remove the saved webhook secret"), required=False
    )

    def __init__(self, *args: Any, carriers: Iterable[Carrier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["carrier"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(c.code, f"{c.name_ko} · {c.name_en}") for c in carriers]

    def data_for(self, boxes: list[BoxSize]) -> CarrierAccountData:
        c = self.cleaned_data
        return CarrierAccountData(
            carrier_code=c["carrier"],
            name=c["name"],
            gateway=c["gateway"],
            api_base_url=c["api_base_url"],
            customer_code=c["customer_code"],
            fare_type=c["fare_type"],
            box_sizes=tuple(boxes),
            return_name=c["return_name"],
            return_phone=c["return_phone"],
            return_postcode=c["return_postcode"],
            return_address1=c["return_address1"],
            return_address2=c["return_address2"],
            instructions=c["instructions"],
            poll_tracking=c["poll_tracking"],
            supports_swap=c["supports_swap"],
            is_default=c["is_default"],
            is_active=c["is_active"],
        )

    def secrets_change(self) -> SecretsChange:
        c = self.cleaned_data

        def change(name: str) -> str | None:
            if c.get(f"clear_{name}"):
                return ""
            return c.get(name) or None

        return SecretsChange(
            credentials={"api_key": change("api_key"), "biz_reg_num": change("biz_reg_num")},
            webhook_secret=change("webhook_secret"),
        )


def account_initial(account: CarrierAccount) -> dict[str, Any]:
    """What the form shows of a saved account: everything but its secrets."""
    return {
        "carrier": account.carrier.code,
        "name": account.name,
        "gateway": account.gateway,
        "api_base_url": account.api_base_url,
        "customer_code": account.customer_code,
        "fare_type": account.fare_type,
        "return_name": account.return_name,
        "return_phone": account.return_phone,
        "return_postcode": account.return_postcode,
        "return_address1": account.return_address1,
        "return_address2": account.return_address2,
        "instructions": account.instructions,
        "poll_tracking": account.poll_tracking,
        "supports_swap": account.supports_swap,
        "is_default": account.is_default,
        "is_active": account.is_active,
    }


def secrets_saved(account: CarrierAccount | None) -> dict[str, bool]:
    """Whether each secret is set: all a page ever says about one."""
    credentials = (account.credentials or {}) if account is not None else {}
    return {
        "api_key": bool(credentials.get("api_key")),
        "biz_reg_num": bool(credentials.get("biz_reg_num")),
        "webhook_secret": bool(account.webhook_secret) if account is not None else False,
    }


class BoxForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    label = forms.CharField(label=_("Label"), max_length=40)
    max_cm = forms.IntegerField(label=_("Up to (cm, three sides)"), required=False, min_value=1)
    max_kg = forms.IntegerField(label=_("Up to (kg)"), required=False, min_value=1)
    fare = forms.IntegerField(label=_("Fare (won)"))


BoxFormSet = forms.formset_factory(BoxForm, extra=2, can_delete=True)


def boxes_from(formset: forms.BaseFormSet) -> list[BoxSize]:  # type: ignore[type-arg]
    boxes = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("code") or data.get("DELETE"):
            continue
        boxes.append(
            BoxSize(
                code=data["code"].strip(),
                label=data["label"],
                fare=data["fare"],
                max_cm=data.get("max_cm"),
                max_kg=data.get("max_kg"),
            )
        )
    return boxes


def boxes_initial(account: CarrierAccount) -> list[dict[str, Any]]:
    return [
        {key: box.get(key) for key in ("code", "label", "max_cm", "max_kg", "fare")}
        for box in account.box_sizes or []
    ]


class CarrierRuleForm(forms.Form):
    account = forms.TypedChoiceField(label=_("Carrier account"), coerce=int)
    priority = forms.IntegerField(
        label=_("Priority"), initial=100, help_text=_("Lower comes first; the first match wins.")
    )
    postcode_prefixes = forms.CharField(
        label=_("Postcodes starting with"),
        required=False,
        help_text=_("e.g. 63 for Jeju; commas between. Empty: any postcode."),
    )
    reason_codes = forms.MultipleChoiceField(
        label=_("Reasons"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any reason."),
    )
    box_sizes = forms.CharField(
        label=_("Box sizes"),
        required=False,
        help_text=_("Codes of the account's box sizes, commas between. Empty: any size."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        accounts: Iterable[CarrierAccount],
        reasons: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        account_field = self.fields["account"]
        reason_field = self.fields["reason_codes"]
        assert isinstance(account_field, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(reason_field, forms.MultipleChoiceField)  # noqa: S101
        account_field.choices = [(a.pk, a.name) for a in accounts]
        reason_field.choices = list(reasons)

    def rule_data(self) -> CarrierRuleData:
        c = self.cleaned_data
        return CarrierRuleData(
            account_id=c["account"],
            priority=c["priority"],
            postcode_prefixes=tuple(split_list(c["postcode_prefixes"])),
            reason_codes=tuple(c["reason_codes"]),
            box_sizes=tuple(split_list(c["box_sizes"])),
            note=c["note"],
        )
