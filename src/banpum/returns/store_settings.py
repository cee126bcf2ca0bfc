"""The store's return policy, blocklist and extra holidays, as managers change them (the API
and the office's settings pages).

The data and its rules are the policy app's (``policy.services``); this module adds what policy
cannot see from below: the capability check (``accounts``, a sibling of policy) and, for a
holiday, the refund due dates of received returns it moves (``returns.refund_due``), in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.policy import selectors as policy_selectors
from banpum.policy import services as policy_services
from banpum.policy.models import BlocklistEntry, ExtraHoliday, ReturnPolicy
from banpum.policy.types import BlocklistKind
from banpum.returns.refund_due import return_refund_due_recompute


def store_policy_version_create(
    *, store: Store, actor: Actor, rules: dict[str, Any], note: str = ""
) -> ReturnPolicy:
    """Save ``rules`` as the store's next policy version, active for new returns at once.

    Earlier versions stay as they are: each return keeps the one it was decided under.
    """
    actor_require(actor, store.pk, Capability.POLICY_MANAGE)
    return policy_services.policy_version_create(
        store=store, rules=rules, note=note.strip()[:300], actor=actor.user
    )


def store_blocklist_add(
    *,
    store: Store,
    actor: Actor,
    kind: BlocklistKind,
    value: str,
    reason: str = "",
    now: dt.datetime,
) -> BlocklistEntry:
    actor_require(actor, store.pk, Capability.BLOCKLIST_MANAGE)
    return policy_services.blocklist_entry_add(
        store=store, kind=kind, value=value, reason=reason, created_by=actor.user, now=now
    )


def store_blocklist_remove(*, store: Store, actor: Actor, entry_id: int) -> None:
    actor_require(actor, store.pk, Capability.BLOCKLIST_MANAGE)
    entry = policy_selectors.blocklist_entry_get(store=store, entry_id=entry_id)
    policy_services.blocklist_entry_remove(entry=entry)


@transaction.atomic
def store_holiday_add(
    *, store: Store, actor: Actor, day: dt.date, name: str, now: dt.datetime
) -> ExtraHoliday:
    """Declare a store holiday; received returns due on or after it are due a day later."""
    actor_require(actor, store.pk, Capability.POLICY_MANAGE)
    holiday = policy_services.extra_holiday_add(
        store=store, day=day, name=name, created_by=actor.user, now=now
    )
    return_refund_due_recompute(store=store, now=now)
    return holiday


@transaction.atomic
def store_holiday_remove(*, store: Store, actor: Actor, day: dt.date, now: dt.datetime) -> None:
    """Take a store holiday back; the due dates it moved move back."""
    actor_require(actor, store.pk, Capability.POLICY_MANAGE)
    holiday = policy_selectors.extra_holiday_get(store=store, day=day)
    policy_services.extra_holiday_remove(holiday=holiday)
    return_refund_due_recompute(store=store, now=now)
