"""The dashboard's filter bar: a GET form that works without JavaScript.

Every page and export of the insights reads the same form, so what a manager narrowed the
dashboard to is what they download. Missing dates default to the last three months by month;
a bad date, a range backwards, one longer than three years or a date outside 2000…next year is
a form error on the page, never a 500 in a report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.insights.reports import Filters, Period
from banpum.logistics.selectors import carrier_choices
from banpum.office.selectors import product_categories, sales_channel_choices

MAX_RANGE_DAYS = 3 * 366  # three years, leap days included
EARLIEST = dt.date(2000, 1, 1)  # before any store on Banpum sold anything

PERIOD_LABELS = {
    Period.DAY: _("By day"),
    Period.WEEK: _("By week"),
    Period.MONTH: _("By month"),
}


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def presets(today: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """The date presets beside the range (UI.md): key, label, from, to (inclusive)."""
    return [
        ("30d", str(_("Last 30 days")), today - dt.timedelta(days=29), today),
        ("month", str(_("This month")), today.replace(day=1), today),
        ("3m", str(_("Last 3 months")), _months_back(today, 2), today),
        ("12m", str(_("Last 12 months")), _months_back(today, 11), today),
    ]


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last three months, this one included: what a manager looks at on a Monday."""
    return _months_back(today, 2), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class InsightsFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=list(PERIOD_LABELS.items())
    )
    channel = forms.ChoiceField(label=_("Sales channel"), required=False, choices=[])
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[])
    carrier = forms.ChoiceField(label=_("Carrier"), required=False, choices=[])

    def __init__(self, data: Any, *, store: Store, today: dt.date) -> None:
        self.store = store
        self.today = today
        start, end = default_range(today)
        # Always bound: what is missing or blank takes its default, and the inputs show it.
        merged = {"date_from": start.isoformat(), "date_to": end.isoformat(), "period": "month"}
        merged.update({key: value for key, value in (data or {}).items() if value != ""})
        super().__init__(merged)
        everything: list[tuple[str, str]] = [("", str(_("All")))]
        categories = [(category, category) for category in product_categories(store=store)]
        for name, choices in (
            ("channel", sales_channel_choices(store=store)),
            ("category", categories),
            ("carrier", carrier_choices()),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = everything + choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latest = self.today.replace(year=self.today.year + 1, month=12, day=31)
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST <= day <= latest:
                self.add_error(
                    name,
                    _("Choose a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST.isoformat(), "last": latest.isoformat()},
                )
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if self.errors or date_from is None or date_to is None:
            return cleaned
        if date_from > date_to:
            self.add_error("date_to", _("The end of the range is before its start."))
        elif (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
            self.add_error("date_from", _("Choose a range of at most three years."))
        return cleaned

    def filters(self) -> Filters:
        """The valid form as the reports read it (call after ``is_valid``)."""
        data = self.cleaned_data
        return Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            period=Period(data.get("period") or Period.MONTH),
            channel=data.get("channel") or "",
            category=data.get("category") or "",
            carrier=data.get("carrier") or "",
        )
