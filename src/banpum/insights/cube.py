"""Reading the summary tables: sums over a store's days, months or both, honouring ``Filters``.

A range is read as whole months from the monthly table plus the days at either end from the
daily table, so two years cost 24 monthly slices and at most ~60 daily ones, whatever the
number of returns. Tables kept only per month are read by the months the range touches (the
report says so in a note).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import SalesChannel, Store
from banpum.logistics.models import Carrier
from banpum.policy import texts
from banpum.policy.selectors import policy_current, policy_rules
from banpum.policy.types import Reason

from .reports import Filters, Period

MONTHS_NOTE = _("Counted by whole months: the months the date range touches.")
CARRIER_NOTE = _("The carrier filter does not apply to orders sold.")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def period_of(day: dt.date, period: Period) -> dt.date:
    if period is Period.MONTH:
        return month_of(day)
    if period is Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day


def filters_q(model: type[models.Model], filters: Filters) -> Q:
    """The filters the table can apply (a table without carriers ignores the carrier)."""
    names = {f.name for f in model._meta.get_fields()}
    query = Q()
    for name in ("channel", "category", "carrier"):
        value = getattr(filters, name)
        if value and name in names:
            query &= Q(**{name: value})
    return query


def _split(date_from: dt.date, date_to: dt.date) -> tuple[list[tuple[dt.date, dt.date]], Q]:
    """The range as day spans (the ragged ends) and a Q over the whole months inside it."""
    first_full = date_from if date_from.day == 1 else next_month(date_from)
    end_full = (
        next_month(date_to)
        if next_month(date_to) - dt.timedelta(days=1) == date_to
        else (month_of(date_to))
    )
    if first_full >= end_full:
        return [(date_from, date_to)], Q(pk__in=[])
    spans = []
    if date_from < first_full:
        spans.append((date_from, first_full - dt.timedelta(days=1)))
    if end_full <= date_to:
        spans.append((end_full, date_to))
    return spans, Q(day__gte=first_full, day__lt=end_full)


def sums(
    day_model: type[models.Model],
    month_model: type[models.Model] | None,
    store: Store,
    filters: Filters,
    keys: Sequence[str],
    fields: Sequence[str],
    *,
    where: Q | None = None,
) -> list[dict[str, Any]]:
    """``fields`` summed per ``keys`` over the filters' range: rows of ``keys`` + ``fields``.

    With a ``day`` key and a monthly table, whole months come back as the month's first day."""
    base = filters_q(day_model, filters) & (where or Q())
    parts: list[Iterable[Mapping[str, Any]]] = []
    if month_model is None:
        spans, months = [(filters.date_from, filters.date_to)], Q(pk__in=[])
    else:
        spans, months = _split(filters.date_from, filters.date_to)
        parts.append(_grouped(month_model, store, base & months, keys, fields))
    days = Q(pk__in=[])
    for start, end in spans:
        days |= Q(day__gte=start, day__lte=end)
    parts.append(_grouped(day_model, store, base & days, keys, fields))
    totals: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(fields, 0))
    for part in parts:
        for row in part:
            cell = totals[tuple(row[k] for k in keys)]
            for name in fields:
                cell[name] += int(row[name] or 0)
    return [{**dict(zip(keys, key, strict=True)), **cell} for key, cell in totals.items()]


def month_sums(
    model: type[models.Model],
    store: Store,
    filters: Filters,
    keys: Sequence[str],
    fields: Sequence[str],
    *,
    where: Q | None = None,
) -> list[dict[str, Any]]:
    """Like ``sums`` over a table kept per month: the months the range touches."""
    span = Q(day__gte=month_of(filters.date_from), day__lte=filters.date_to)
    rows = _grouped(model, store, filters_q(model, filters) & span & (where or Q()), keys, fields)
    return [{**row, **{f: int(row[f] or 0) for f in fields}} for row in rows]


def _grouped(
    model: type[models.Model], store: Store, where: Q, keys: Sequence[str], fields: Sequence[str]
) -> list[dict[str, Any]]:
    queryset = model._default_manager.filter(where, store=store).order_by()
    if keys:
        return list(queryset.values(*keys).annotate(**{f"{f}": Sum(f) for f in fields}))
    return [queryset.aggregate(**{f: Sum(f) for f in fields})]


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def min_orders() -> int:
    """Orders a SKU needs before its return rate means anything (one return flags nothing)."""
    return int(settings.BANPUM_INSIGHTS_MIN_ORDERS)


# --- labels ---------------------------------------------------------------------------------


def reasons_of(store: Store) -> dict[str, Reason]:
    try:
        rules = policy_rules(policy_current(store=store))
    except Exception:  # noqa: BLE001 - a store without a policy shows codes
        return {}
    return {reason.code: reason for reason in rules.reasons}


def reason_name(reasons: Mapping[str, Reason], code: str) -> str:
    return texts.reason_label(reasons.get(code), code) if code else str(_("(none)"))


def carrier_names(codes: Iterable[str]) -> dict[str, str]:
    korean = texts.reads_korean()
    return {
        code: (ko if korean else en)
        for code, ko, en in Carrier.objects.filter(code__in=set(codes)).values_list(
            "code", "name_ko", "name_en"
        )
    }


def carrier_name(names: Mapping[str, str], code: str) -> str:
    return names.get(code, code) if code else str(_("No carrier (self-ship or drop-off)"))


def channel_names(store: Store) -> dict[str, str]:
    return dict(SalesChannel.objects.filter(store=store).values_list("code", "name"))


def text_or_none(value: str) -> str:
    return value if value else str(_("(none)"))
