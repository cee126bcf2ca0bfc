"""The form of a store's message settings (channels, senders, language) and what the chosen
channels mean for a shopper, in a shape the page words.

The form only carries what was typed: ``notify.services.notify_settings`` decides what a sender
number or address may be, and its refusal is shown on the fields. An empty sender is the
default sender, so the form shows the store's own value (never the default frozen in) and
names the default beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.commerce.selectors import phone_digits
from banpum.notify.catalogue import Language
from banpum.notify.selectors import (
    PhoneReach,
    StoreChoices,
    default_sender_email,
    default_sender_phone,
    notify_settings_get,
)

CHANNEL_FIELDS = ("email_enabled", "alimtalk_enabled", "sms_enabled")


def phone_hyphenated(phone: str) -> str:
    """``0215880000`` → ``02-1588-0000``, ``15880000`` → ``1588-0000``, ``01012345678`` →
    ``010-1234-5678``: as sellers write their numbers (UI.md, "Formatting")."""
    digits = phone_digits(phone)
    if len(digits) == 8 and digits[0] == "1":
        return f"{digits[:4]}-{digits[4:]}"
    head = 2 if digits.startswith("02") else 4 if len(digits) == 12 else 3
    if len(digits) < head + 7:
        return phone
    return f"{digits[:head]}-{digits[head:-4]}-{digits[-4:]}"


class SendingForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("Email"),
        required=False,
        help_text=_("To shoppers who gave an email address, and the staff's alerts and digests."),
    )
    alimtalk_enabled = forms.BooleanField(
        label=_("KakaoTalk 알림톡"),
        required=False,
        help_text=_("To the shopper's phone, with the template approved at the provider."),
    )
    sms_enabled = forms.BooleanField(
        label=_("SMS"),
        required=False,
        help_text=_(
            "To the shopper's phone; with 알림톡 on, only when the 알림톡 is not delivered."
        ),
    )
    sender_email = forms.CharField(
        label=_("Sender email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    sender_phone = forms.CharField(
        label=_("Sender number (발신번호)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=_("Shoppers' language"),
        choices=Language.choices,
        help_text=_("Messages to shoppers and staff are written in it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sender_email"].help_text = _("Empty: %(default)s, the server's sender.") % {
            "default": default_sender_email()
        }
        self.fields["sender_phone"].help_text = _(
            "It must be registered as a sender number at your messaging provider "
            "(발신번호 사전등록). Empty: %(default)s, the server's number."
        ) % {"default": phone_hyphenated(default_sender_phone())}

    def channels(self) -> dict[str, bool]:
        """The channel boxes as they stand on the page (typed, or as saved)."""
        return {name: bool(self[name].value()) for name in CHANNEL_FIELDS}


def initial_of(choices: StoreChoices) -> dict[str, Any]:
    return {
        "email_enabled": choices.email,
        "alimtalk_enabled": choices.alimtalk,
        "sms_enabled": choices.sms,
        "sender_email": choices.own_sender_email,
        "sender_phone": phone_hyphenated(choices.own_sender_phone)
        if choices.own_sender_phone
        else "",
        "language": choices.language.value,
    }


@dataclass(frozen=True)
class Reach:
    """Who hears what with these channels on: the page words it."""

    email: bool
    phone: PhoneReach

    @property
    def silent(self) -> bool:
        return not self.email and self.phone is PhoneReach.NOTHING


def reach_of(*, email_enabled: bool, alimtalk_enabled: bool, sms_enabled: bool) -> Reach:
    return Reach(email_enabled, PhoneReach.of(alimtalk=alimtalk_enabled, sms=sms_enabled))


def sending_summary(store: Store) -> dict[str, Any]:
    """The store's sending settings as the templates overview sums them up."""
    current = notify_settings_get(store=store)
    return {
        "sending": current,
        "sending_phone": phone_hyphenated(current.sender_phone),
        "reach": reach_of(
            email_enabled=current.email,
            alimtalk_enabled=current.alimtalk,
            sms_enabled=current.sms,
        ),
    }
