"""The message template editor's form, its rows in the overview, and the preview in figures.

The form only carries what was typed: ``notify.services.templates`` decides what may be saved
(an unknown variable, an empty text, a bad 알림톡 code), so its refusal is shown on the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from banpum.notify.catalogue import (
    DESCRIPTIONS,
    STAFF_EVENTS,
    VARIABLES,
    Channel,
    Language,
    NotifyEvent,
    channels_of,
)
from banpum.notify.channels.kakao import SMS_BYTES, sms_channel
from banpum.notify.rendering import Rendered
from banpum.notify.services.templates import EffectiveTemplate, templates_of_store

LMS_BYTES = 2000  # what one LMS carries, in EUC-KR bytes
SAMPLE_MAX = 40


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        widget=forms.TextInput(attrs={"data-accepts-variables": "", "autocomplete": "off"}),
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 9, "data-accepts-variables": ""}),
    )
    alimtalk_code = forms.CharField(
        label=_("알림톡 template code"),
        required=False,
        max_length=64,
        help_text=_("The code the provider registered this template under."),
    )
    sample = forms.CharField(
        label=_("Preview on the return"), required=False, max_length=SAMPLE_MAX
    )

    def __init__(self, *args: Any, channel: Channel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channel != Channel.EMAIL:
            del self.fields["subject"]
        if channel != Channel.ALIMTALK:
            del self.fields["alimtalk_code"]

    def value(self, name: str) -> str:
        """What was typed (valid or not), for a preview; empty for a field this channel lacks."""
        if name not in self.fields:
            return ""
        if self.is_bound:
            return str(self[name].value() or "")
        return str(self.initial.get(name) or "")


def template_key(
    event: str, channel: str, language: str
) -> tuple[NotifyEvent, Channel, Language] | None:
    """The (event, channel, language) of an editor's address, or None if messages have none."""
    try:
        key = NotifyEvent(event), Channel(channel), Language(language)
    except ValueError:
        return None
    return key if key[1] in channels_of(key[0]) else None


@dataclass(frozen=True)
class OverviewRow:
    """One (event, channel) of the overview, its template in each language."""

    event: NotifyEvent
    description: Promise
    staff: bool
    channel: Channel
    first_of_event: bool
    span: int
    templates: list[EffectiveTemplate]


def overview_rows(store: Any) -> list[OverviewRow]:
    by_key = {(t.event, t.channel, t.language): t for t in templates_of_store(store)}
    rows: list[OverviewRow] = []
    events = sorted(NotifyEvent, key=lambda event: event in STAFF_EVENTS)  # shoppers first
    for event in events:
        channels = channels_of(event)
        for index, channel in enumerate(channels):
            rows.append(
                OverviewRow(
                    event=event,
                    description=DESCRIPTIONS[event],
                    staff=event in STAFF_EVENTS,
                    channel=channel,
                    first_of_event=index == 0,
                    span=len(channels),
                    templates=[by_key[(event, channel, language)] for language in Language],
                )
            )
    return rows


def variables_of(event: NotifyEvent) -> list[str]:
    return sorted(VARIABLES[event])


def euc_kr_bytes(text: str) -> int:
    return len(text.encode("euc-kr", errors="replace"))


@dataclass(frozen=True)
class PhoneFigures:
    """How a phone message goes: its length as carriers count it, and SMS or LMS."""

    bytes: int
    characters: int
    lms: bool
    too_long: bool
    sms_bytes: int = SMS_BYTES
    lms_bytes: int = LMS_BYTES


def phone_figures(rendered: Rendered) -> PhoneFigures:
    size = euc_kr_bytes(rendered.text)
    return PhoneFigures(
        bytes=size,
        characters=len(rendered.text),
        lms=sms_channel(rendered.text).value == "lms",
        too_long=size > LMS_BYTES,
    )
