"""The forms of the webhook settings pages: a subscription (URL, events by group, on/off) and
a secret rotation. The webhooks services check everything again (the URL against SSRF)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from banpum.webhooks import catalogue
from banpum.webhooks.models import DeliveryStatus
from banpum.webhooks.services.subscriptions import MAX_PREVIOUS_SECRET_HOURS, PREVIOUS_SECRET_HOURS


def _group_of(name: str) -> str:
    return name.split(".", 1)[0]


def event_choices() -> list[tuple[str, str]]:
    """Every pattern a subscription may take: all, each group, each event of the catalogue."""
    choices = [(catalogue.ALL, str(_("Every event, including ones added later")))]
    for group in sorted(catalogue.groups()):
        choices.append((f"{group}.*", f"{group}.*"))
    choices += [(name.value, name.value) for name in catalogue.SUBSCRIBABLE]
    return choices


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        help_text=_("Where the events are POSTed. Its host must resolve to public addresses only."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event, or every event.")},
    )

    def event_groups(self) -> list[dict[str, Any]]:
        """The event checkboxes grouped as the catalogue groups them, each with its words."""
        boxes: dict[str, BoundWidget] = {
            str(box.data["value"]): box for box in self["events"].subwidgets
        }
        groups = []
        for group in sorted(catalogue.groups()):
            groups.append(
                {
                    "group": group,
                    "all": boxes[f"{group}.*"],
                    "events": [
                        {"box": boxes[name.value], "words": catalogue.DESCRIPTIONS[name]}
                        for name in catalogue.SUBSCRIBABLE
                        if _group_of(name.value) == group
                    ],
                }
            )
        return groups

    def every_event_box(self) -> BoundWidget:
        return next(box for box in self["events"].subwidgets if box.data["value"] == catalogue.ALL)


class SubscriptionEditForm(SubscriptionForm):
    is_active = forms.BooleanField(
        label=_("Active (untick to pause: events meanwhile are not sent)"), required=False
    )


class RotateForm(forms.Form):
    previous_valid_hours = forms.TypedChoiceField(
        label=_("The old secret keeps signing for"), coerce=int, initial=PREVIOUS_SECRET_HOURS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["previous_valid_hours"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [
            (0, gettext("no time: stop it now (it leaked)")),
            *(
                (hours, gettext("%(hours)s hours") % {"hours": hours})
                for hours in (PREVIOUS_SECRET_HOURS, MAX_PREVIOUS_SECRET_HOURS)
            ),
        ]


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *DeliveryStatus.choices],
    )
