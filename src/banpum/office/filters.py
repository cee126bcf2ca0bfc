"""The return list's filters: status, reason, origin, one search box, a created range, a queue."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.office.queues import QUEUE_LABELS, Queue, queue_filter
from banpum.office.status_tabs import TAB_LABELS, TAB_STATUSES, Tab
from banpum.policy import texts as policy_texts
from banpum.policy.models import ReturnPolicy
from banpum.policy.selectors import policy_rules
from banpum.returns.models import HOLD_REASON_CHOICES, Origin, ReturnRequest, ReturnStatus
from banpum.returns.selectors import ReturnFilters, return_request_list


def reason_choices(store: Store) -> list[tuple[str, str]]:
    """The reasons of the store's latest policy, in the reader's language."""
    policy = ReturnPolicy.objects.filter(store=store).order_by("-version").first()
    if policy is None:
        return []
    return [
        (reason.code, policy_texts.reason_label(reason, reason.code))
        for reason in policy_rules(policy).reasons
    ]


class ReturnFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={"placeholder": _("Return or order number, name, phone"), "type": "search"}
        ),
    )
    tab = django_filters.ChoiceFilter(
        label=_("Tab"),
        method="filter_tab",
        choices=[(tab.value, label) for tab, label in TAB_LABELS.items()],
        widget=forms.HiddenInput,
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReturnStatus.choices)
    hold_reason = django_filters.ChoiceFilter(label=_("Hold reason"), choices=HOLD_REASON_CHOICES)
    reason_code = django_filters.ChoiceFilter(label=_("Reason"), choices=[])
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=Origin.choices)
    created_from = django_filters.DateFilter(
        label=_("Created from"),
        method="filter_created_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = django_filters.DateFilter(
        label=_("Created until"),
        method="filter_created_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    queue = django_filters.ChoiceFilter(
        label=_("Queue"),
        method="filter_queue",
        choices=list(QUEUE_LABELS.items()),
    )

    class Meta:
        model = ReturnRequest
        fields: list[str] = []

    def __init__(self, *args: Any, store: Store, now: dt.datetime, **kwargs: Any) -> None:
        self.store = store
        self.now = now
        super().__init__(*args, **kwargs)
        self.filters["reason_code"].extra["choices"] = reason_choices(store)

    def filter_q(self, queryset: QuerySet[ReturnRequest], name: str, value: str) -> Any:
        """The returns search of the API (numbers as typed or scanned, phones with or without
        hyphens), so that the office finds what the API finds."""
        found = return_request_list(store=self.store, filters=ReturnFilters(q=value))
        return queryset.filter(pk__in=found.values("pk"))

    def _day_start(self, day: dt.date) -> dt.datetime:
        # The store's calendar day: staff type dates in the store's time zone.
        naive = dt.datetime.combine(day, dt.time.min)
        return timezone.make_aware(naive, ZoneInfo(self.store.timezone))

    def filter_created_from(
        self, queryset: QuerySet[ReturnRequest], name: str, value: dt.date
    ) -> Any:
        return queryset.filter(created_at__gte=self._day_start(value))

    def filter_created_to(
        self, queryset: QuerySet[ReturnRequest], name: str, value: dt.date
    ) -> Any:
        return queryset.filter(created_at__lt=self._day_start(value + dt.timedelta(days=1)))

    def filter_tab(self, queryset: QuerySet[ReturnRequest], name: str, value: str) -> Any:
        return queryset.filter(status__in=TAB_STATUSES[Tab(value)])

    def filter_queue(self, queryset: QuerySet[ReturnRequest], name: str, value: str) -> Any:
        return queryset.filter(queue_filter(store=self.store, queue=Queue(value), now=self.now))
