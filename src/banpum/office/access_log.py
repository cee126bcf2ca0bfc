"""The store's personal-data access log for its admins: who saw whose data, when and why.

Read-only by design: the log has no edit or delete anywhere in the office (the retention
purge is a management command with a floor of a year). Filterable by person and date,
paginated and exportable like every office list, so an admin can run the periodic check
Korean rules expect (접속기록 점검) in a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from banpum.accounts.capabilities import Capability, Role
from banpum.accounts.models import ROLE_LABELS, StoreMembership
from banpum.commerce.models import Store
from banpum.office.access import needs
from banpum.office.exports import page_query, table_export
from banpum.office.models import PersonalDataAccess, RevealReason
from banpum.office.selectors import personal_data_access_usernames, personal_data_accesses

PER_PAGE = 50


class AccessLogFilterSet(django_filters.FilterSet):
    username = django_filters.ChoiceFilter(label=_("Person"), choices=[])
    reason = django_filters.ChoiceFilter(label=_("Why"), choices=RevealReason.choices)
    at_from = django_filters.DateFilter(
        label=_("From"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    at_to = django_filters.DateFilter(
        label=_("Until"), method="filter_to", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = PersonalDataAccess
        fields: list[str] = []

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        self.store = store
        super().__init__(*args, **kwargs)
        self.filters["username"].extra["choices"] = [
            (name, name) for name in personal_data_access_usernames(store=store)
        ]

    def _day_start(self, day: dt.date) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time.min)
        return timezone.make_aware(naive, ZoneInfo(self.store.timezone))

    def filter_from(self, queryset: QuerySet[PersonalDataAccess], name: str, value: dt.date) -> Any:
        return queryset.filter(at__gte=self._day_start(value))

    def filter_to(self, queryset: QuerySet[PersonalDataAccess], name: str, value: dt.date) -> Any:
        return queryset.filter(at__lt=self._day_start(value + dt.timedelta(days=1)))


class AccessLogTable(tables.Table):
    at = tables.DateTimeColumn(
        verbose_name=pgettext_lazy("time of an event", "When"), format="Y.m.d H:i:s"
    )
    username = tables.Column(verbose_name=_("Person"))
    role = tables.Column(verbose_name=_("Role"))
    return_number = tables.Column(
        verbose_name=_("Return number"), accessor="return_request__number", orderable=False
    )
    kinds = tables.Column(verbose_name=_("Data shown"), orderable=False)
    reason = tables.Column(verbose_name=_("Why"))
    reason_detail = tables.Column(verbose_name=_("Details"), orderable=False)
    ip_address = tables.Column(verbose_name=_("IP address"), orderable=False)

    class Meta:
        model = PersonalDataAccess
        fields = (
            "at",
            "username",
            "role",
            "return_number",
            "kinds",
            "reason",
            "reason_detail",
            "ip_address",
        )
        order_by = ("-at",)
        attrs = {"class": "table"}
        empty_text = _("No one has revealed personal data yet.")

    def render_return_number(self, record: PersonalDataAccess) -> SafeString:
        number = record.return_request.number or ""
        url = reverse("office:return-detail", args=[number])
        return format_html('<a href="{}">{}</a>', url, number)

    def value_return_number(self, record: PersonalDataAccess) -> str:
        return record.return_request.number or ""

    def render_kinds(self, record: PersonalDataAccess) -> str:
        return record.kinds_display()

    def value_kinds(self, record: PersonalDataAccess) -> str:
        return record.kinds_display()

    def render_role(self, record: PersonalDataAccess) -> str:
        try:
            return str(ROLE_LABELS[Role(record.role)])
        except ValueError:
            return record.role  # a role this version does not know, as recorded

    def value_role(self, record: PersonalDataAccess) -> str:
        return self.render_role(record)

    def value_reason(self, record: PersonalDataAccess) -> str:
        return str(record.get_reason_display())


@needs(Capability.ACCESS_LOG_VIEW)
@require_http_methods(["GET"])
def access_log(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    filterset = AccessLogFilterSet(
        request.GET or None, queryset=personal_data_accesses(store=store), store=store
    )
    table = AccessLogTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    exported = table_export(request, table, store=store, name="access-log", now=timezone.now())
    if exported is not None:
        return exported
    return render(
        request,
        "office/access_log.html",
        {
            "membership": membership,
            "filter": filterset,
            "table": table,
            "query": page_query(request),
        },
    )
