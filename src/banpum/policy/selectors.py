"""Policy reads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache

from django.db.models import Q, QuerySet

from banpum.commerce.models import Store
from banpum.policy import errors
from banpum.policy.contacts import normalise
from banpum.policy.errors import POLICY_MISSING
from banpum.policy.models import BlocklistEntry, ExtraHoliday, ReturnPolicy
from banpum.policy.schemas import PolicyRulesSchema
from banpum.policy.types import BlocklistKind, PolicyRules


def policy_current(*, store: Store) -> ReturnPolicy:
    policy = ReturnPolicy.objects.filter(store=store).order_by("-version").first()
    if policy is None:
        raise POLICY_MISSING(store=store.slug)
    return policy


@lru_cache(maxsize=1024)
def _rules_for(policy_id: int, version: int, document: str) -> PolicyRules:
    return PolicyRulesSchema.model_validate_json(document).to_rules(version)


def policy_rules(policy: ReturnPolicy) -> PolicyRules:
    """Parsed rules of a policy version; versions are immutable, so parsing is cached."""
    return _rules_for(policy.pk, policy.version, json.dumps(policy.rules, sort_keys=True))


def extra_holidays_for(store: Store) -> frozenset[dt.date]:
    """The store's own holidays, for every business-day count made for it."""
    return frozenset(ExtraHoliday.objects.filter(store=store).values_list("date", flat=True))


def extra_holiday_list(*, store: Store) -> QuerySet[ExtraHoliday]:
    return ExtraHoliday.objects.filter(store=store).order_by("date")


def extra_holiday_get(*, store: Store, day: dt.date) -> ExtraHoliday:
    holiday = ExtraHoliday.objects.filter(store=store, date=day).first()
    if holiday is None:
        raise errors.HOLIDAY_NOT_FOUND(date=day.isoformat())
    return holiday


def blocklist_entry_list(*, store: Store) -> QuerySet[BlocklistEntry]:
    return BlocklistEntry.objects.filter(store=store).order_by("-id")


def blocklist_entry_get(*, store: Store, entry_id: int) -> BlocklistEntry:
    entry = BlocklistEntry.objects.filter(store=store, pk=entry_id).first()
    if entry is None:
        raise errors.BLOCKLIST_ENTRY_NOT_FOUND(id=entry_id)
    return entry


def blocklist_matches(
    *, store: Store, contacts: Iterable[tuple[BlocklistKind, str]]
) -> frozenset[BlocklistKind]:
    """Which kinds of the given contact details are on the store's blocklist; one query.

    The details are normalised as the entries were; empty ones never match.
    """
    wanted = {(kind, normalise(kind, value)) for kind, value in contacts}
    wanted = {(kind, value) for kind, value in wanted if value}
    if not wanted:
        return frozenset()
    condition = Q()
    for kind, value in wanted:
        condition |= Q(kind=kind.value, value=value)
    found = BlocklistEntry.objects.filter(condition, store=store).values_list("kind", flat=True)
    return frozenset(BlocklistKind(kind) for kind in found)
