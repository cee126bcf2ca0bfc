"""The return list's status tabs (반품요청 · 보류 · 수거중 · 입고대기 · 검수대기 · 환불대기 · 완료),
each a group of return statuses, with counts from one grouped query.

Every status belongs to exactly one tab (checked at import), so the tabs' counts add up to
the list's total and a new status cannot fall between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S


class Tab(StrEnum):
    REQUESTED = "requested"
    ON_HOLD = "on_hold"
    COLLECTING = "collecting"
    ARRIVING = "arriving"
    INSPECTING = "inspecting"
    REFUNDING = "refunding"
    DONE = "done"
    CLOSED = "closed"


TAB_STATUSES: dict[Tab, tuple[S, ...]] = {
    # Waiting for a person, or approved with nothing arranged yet.
    Tab.REQUESTED: (S.REQUESTED, S.APPROVED),
    Tab.ON_HOLD: (S.ON_HOLD,),
    # The parcel is to be collected or on its way.
    Tab.COLLECTING: (S.PICKUP_REQUESTED, S.AWAITING_SHIPMENT, S.IN_TRANSIT),
    # At the door, or some of several boxes scanned in.
    Tab.ARRIVING: (S.ARRIVED, S.PARTIALLY_RECEIVED),
    Tab.INSPECTING: (S.RECEIVED, S.INSPECTED),
    # Money or a replacement still to go out.
    Tab.REFUNDING: (S.ITEM_KEPT, S.REFUND_PENDING, S.EXCHANGE_PENDING),
    # Settled: paid back, replaced or sent back (completing only closes the books).
    Tab.DONE: (S.REFUNDED, S.SENT_BACK, S.EXCHANGE_SHIPPED, S.COMPLETED),
    Tab.CLOSED: (S.REJECTED, S.CANCELLED),
}
TAB_LABELS: dict[Tab, Promise] = {
    Tab.REQUESTED: _("Return requests"),
    Tab.ON_HOLD: _("On hold"),
    Tab.COLLECTING: _("Collecting"),
    Tab.ARRIVING: _("Awaiting receipt"),
    Tab.INSPECTING: _("Awaiting inspection"),
    Tab.REFUNDING: _("Awaiting refund"),
    Tab.DONE: _("Done"),
    Tab.CLOSED: _("Rejected or cancelled"),
}
_SEEN = [status for statuses in TAB_STATUSES.values() for status in statuses]
if sorted(_SEEN) != sorted(S) or set(TAB_LABELS) != set(Tab):
    raise RuntimeError("every return status belongs to exactly one tab")
TAB_OF: dict[str, Tab] = {
    status.value: tab for tab, statuses in TAB_STATUSES.items() for status in statuses
}


@dataclass(frozen=True)
class TabCount:
    tab: str  # "" for all
    label: str
    count: int
    current: bool


def status_tabs(queryset: QuerySet[ReturnRequest], current: str) -> list[TabCount]:
    """All, then each tab with the number of ``queryset``'s returns in it: one query."""
    counts: dict[Tab, int] = dict.fromkeys(Tab, 0)
    rows = queryset.order_by().values("status").annotate(count=Count("id"))
    for row in rows:
        tab = TAB_OF.get(row["status"])
        if tab is not None:
            counts[tab] += row["count"]
    found = [TabCount("", str(_("All")), sum(counts.values()), current == "")]
    found += [TabCount(tab.value, str(TAB_LABELS[tab]), counts[tab], current == tab) for tab in Tab]
    return found
