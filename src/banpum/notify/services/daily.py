"""The daily sweep: one digest per store and day for its staff (stalled returns, refunds due
tomorrow, refunds late), and one late notice per return to the shopper.

What counts as stalled, due or late is the office's own definition, read through the
selectors that define it (``logistics.selectors.stalled_returns``, ``settlement.selectors.
refund_list``); this module only words it. A digest is keyed by store, event and day, a late
notice by return: the sweep may run every hour, the messages go once. Digests wait for the
store's 08:00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation
from django.utils.translation import ngettext

from banpum.commerce.models import Store
from banpum.logistics.selectors import stall_kind_label, stalled_returns
from banpum.notify.catalogue import NotifyEvent
from banpum.notify.jobs import jobs
from banpum.notify.models import Message
from banpum.notify.quiet import QUIET_UNTIL
from banpum.notify.selectors import notify_settings_get
from banpum.notify.services.messages import (
    Source,
    messages_created,
    shopper_addresses,
    shopper_messages,
    staff_emails,
    staff_messages,
)
from banpum.notify.variables import office_link, return_values
from banpum.policy.calendar import add_business_days
from banpum.policy.deadlines import local_date
from banpum.policy.selectors import extra_holidays_for
from banpum.policy.texts import money
from banpum.settlement.selectors import RefundQueue, refund_list

ITEMS_LISTED = 30
# Stalled kinds a shopper is told about: the carrier has not come for the parcel.
PICKUP_LATE_KINDS = ("not_collected", "exception")


def _days(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def _items(lines: list[str]) -> str:
    more = len(lines) - ITEMS_LISTED
    listed = lines[:ITEMS_LISTED] + ([f"… +{more}"] if more > 0 else [])
    return "\n".join(f"- {line}" for line in listed)


def store_daily(store: Store, *, now: dt.datetime) -> list[Message]:
    """The (unsaved) digests and late notices of one store for its local day."""
    today = local_date(now, store.timezone)
    choices = notify_settings_get(store=store)
    made: list[Message] = []
    stalled = stalled_returns(store=store, now=now)
    due_tomorrow = [
        (r, r.return_request)
        for r in refund_list(store=store, queue=RefundQueue.DUE_SOON, now=now).filter(
            due_on=today + dt.timedelta(days=1)
        )
        if r.return_request is not None
    ]
    late = [
        (r, r.return_request)
        for r in refund_list(store=store, queue=RefundQueue.LATE, now=now)
        if r.return_request is not None
    ]
    with translation.override(choices.language):
        stalled_lines = [
            f"{s.return_request.number} {stall_kind_label(s.kind)} ({_days(s.age.days)})"
            for s in stalled
        ]
    digests = {
        NotifyEvent.STAFF_STALLED: stalled_lines,
        NotifyEvent.STAFF_REFUNDS_DUE_TOMORROW: [
            f"{rr.number} {money(r.amount)} {r.due_on}" for r, rr in due_tomorrow
        ],
        NotifyEvent.STAFF_REFUNDS_LATE: [
            f"{rr.number} {money(r.amount)} {r.due_on}" for r, rr in late
        ],
    }
    recipients = staff_emails(store) if choices.email else []
    source = Source(f"digest:{store.pk}:{today.isoformat()}", store)
    for event, lines in digests.items():
        if not lines or not recipients:
            continue
        values = {
            "store_name": store.name,
            "date": today.isoformat(),
            "count": str(len(lines)),
            "items": _items(lines),
            "office_link": office_link(),
        }
        made += staff_messages(
            source, event, values, recipients=recipients, language=choices.language, now=now
        )
    # A late pickup or refund is promised for the next business day: the carrier is asked
    # again and the refund queue is worked the same day, so that is the date a shopper can hold
    # the store to (the staff digest says the same).
    expected = add_business_days(
        today, 1, store.country, extra_holidays=extra_holidays_for(store)
    ).isoformat()
    late_returns = [
        (NotifyEvent.RETURN_PICKUP_LATE, s.return_request)
        for s in stalled
        if s.kind in PICKUP_LATE_KINDS
    ] + [(NotifyEvent.REFUND_LATE, rr) for _r, rr in late]
    for event, return_request in late_returns:
        email, phone = shopper_addresses(return_request)
        if not (email or phone):
            continue
        values = return_values(
            event, return_request, language=choices.language, now=now,
            extra={"expected_date": expected},
        )  # fmt: skip
        kind = "pickup" if event == NotifyEvent.RETURN_PICKUP_LATE else "refund"
        made += shopper_messages(
            Source(f"late:{kind}:{return_request.pk}", store, return_request),
            event, values, choices=choices, email=email, phone=phone, now=now,
        )  # fmt: skip
    return made


def notify_daily_sweep(
    *, now: dt.datetime, stores: Iterable[Store] | None = None
) -> dict[str, int]:
    """Digests and late notices of every store whose local time is past 08:00; hourly."""
    created = 0
    for store in stores if stores is not None else Store.objects.order_by("id"):
        local = now.astimezone(ZoneInfo(store.timezone))
        if local.time() < QUIET_UNTIL:
            continue
        with transaction.atomic():
            queued = messages_created(store_daily(store, now=now), now=now)

            def enqueue(queued: list[int] = queued) -> None:
                for message_id in queued:
                    jobs().message_send(message_id)

            transaction.on_commit(enqueue)
        created += len(queued)
    return {"queued": created}
