"""Logistics reads: a return's pickups, the CS exception queue, and stalled returns at risk."""

from __future__ import annotations

import datetime as dt
import operator
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce

from django.db.models import Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from banpum.commerce.models import Store
from banpum.logistics import errors
from banpum.logistics.models import (
    Carrier,
    CarrierAccount,
    CarrierRule,
    Pickup,
    PickupStatus,
    TrackingEvent,
)
from banpum.policy.texts import reads_korean
from banpum.returns.models import ReturnLine, ReturnRequest, ReturnStatus
from banpum.returns.transitions import TRANSITIONS, Action, return_transition_allowed


@dataclass(frozen=True)
class StallThresholds:
    """How long each step may take before a return counts as stalled (env-configurable)."""

    not_booked_hours: int = int(os.environ.get("BANPUM_STALL_NOT_BOOKED_HOURS", "12"))
    not_collected_days: int = int(os.environ.get("BANPUM_STALL_NOT_COLLECTED_DAYS", "3"))
    not_shipped_days: int = int(os.environ.get("BANPUM_STALL_NOT_SHIPPED_DAYS", "7"))
    not_delivered_days: int = int(os.environ.get("BANPUM_STALL_NOT_DELIVERED_DAYS", "5"))
    exception_hours: int = int(os.environ.get("BANPUM_STALL_EXCEPTION_HOURS", "4"))


# A return whose parcel is still on its way to the warehouse (tracking may still move it);
# later ones are not stalled here. Read off the returns' transition table.
WAITING_FOR_PARCEL = tuple(
    status
    for status in ReturnStatus
    if return_transition_allowed(status, Action.MARK_IN_TRANSIT)
    or return_transition_allowed(status, Action.ARRIVE)
)
# Where requesting a pickup leaves a return: it waits for that pickup.
WAITING_FOR_PICKUP = tuple(t.target for t in TRANSITIONS if t.action == Action.REQUEST_PICKUP)
# Approved, with nothing arranged yet; told to send the parcel.
NOT_ARRANGED = tuple(s for s in ReturnStatus if return_transition_allowed(s, Action.REQUEST_PICKUP))
TOLD_TO_SEND = tuple(t.target for t in TRANSITIONS if t.action == Action.AWAIT_SHIPMENT)


# What each kind of stall is called where a person reads it (the queue, the staff digest).
STALL_KIND_LABELS: dict[str, Promise] = {
    "not_booked": gettext_lazy("No pickup booked"),
    "booking_failed": gettext_lazy("Pickup booking failed"),
    "exception": gettext_lazy("Pickup exception unanswered"),
    "not_collected": gettext_lazy("Carrier has not collected it"),
    "not_shipped": gettext_lazy("Customer has not sent it"),
    "not_delivered": gettext_lazy("Not delivered to the warehouse"),
}


def stall_kind_label(kind: str) -> str:
    return str(STALL_KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class StalledReturn:
    return_request: ReturnRequest
    # not_booked | booking_failed | exception | not_collected | not_shipped | not_delivered
    kind: str
    since: dt.datetime
    age: dt.timedelta
    value_at_risk: int
    pickup: Pickup | None
    # Paid back before the goods came back (선환불): lost too if the parcel never arrives.
    refunded_early: int = 0


def value_at_risk(return_request: ReturnRequest) -> int:
    """The goods' value while they are out of the seller's hands: what a loss would cost."""
    refund = (return_request.decision or {}).get("refund") or {}
    return int(refund.get("items", return_request.refund_estimate) or 0)


def _with_events() -> Prefetch[str, QuerySet[TrackingEvent], str]:
    """A pickup's events are its parcel's (``pickup_tracking_events``), shared by the box."""
    return Prefetch(
        "parcel__tracking_events", queryset=TrackingEvent.objects.order_by("occurred_at", "id")
    )


def pickup_tracking_events(pickup: Pickup) -> list[TrackingEvent]:
    """Every event of the pickup's parcel; none before it has a waybill."""
    if pickup.parcel_id is None or pickup.parcel is None:
        return []
    return list(pickup.parcel.tracking_events.all())


def pickups_for_return(*, return_request: ReturnRequest) -> QuerySet[Pickup]:
    return (
        return_request.pickups.select_related(
            "account__carrier", "carrier", "parcel", "return_request"
        )
        .prefetch_related(_with_events())
        .order_by("-id")
    )


def pickup_exceptions(*, store: Store) -> QuerySet[Pickup]:
    """The CS queue: pickups that failed or hit an exception while the return still waits."""
    return (
        Pickup.objects.filter(
            return_request__store=store,
            status__in=(PickupStatus.EXCEPTION, PickupStatus.FAILED),
            return_request__status__in=WAITING_FOR_PICKUP,
        )
        .select_related("return_request", "account__carrier", "carrier", "parcel")
        .prefetch_related(_with_events())
        .order_by("exception_at", "id")
    )


def _stalled_pickups(now: dt.datetime, limits: StallThresholds) -> dict[str, Q]:
    """The pickups that hold their return up, by the step that takes too long (on Pickup).

    In the order ``stalled_returns`` tries them: a return matched twice is told by the first.
    """
    waiting = Q(return_request__status__in=WAITING_FOR_PARCEL)
    # On its way: collected by the carrier, or sent by the customer under a typed-in waybill.
    not_delivered_since = now - dt.timedelta(days=limits.not_delivered_days)
    return {
        "exception": Q(
            status__in=(PickupStatus.EXCEPTION, PickupStatus.FAILED),
            return_request__status__in=WAITING_FOR_PICKUP,
            exception_at__lt=now - dt.timedelta(hours=limits.exception_hours),
        ),
        "not_delivered": waiting
        & (
            Q(
                status__in=(PickupStatus.PICKED_UP, PickupStatus.IN_TRANSIT),
                picked_up_at__lt=not_delivered_since,
            )
            | Q(status=PickupStatus.ACCEPTED, manual=True, accepted_at__lt=not_delivered_since)
        ),
        "not_collected": waiting
        & Q(
            status=PickupStatus.ACCEPTED,
            manual=False,
            accepted_at__lt=now - dt.timedelta(days=limits.not_collected_days),
        ),
        "not_booked": waiting
        & Q(
            status=PickupStatus.REQUESTED,
            requested_at__lt=now - dt.timedelta(hours=limits.not_booked_hours),
        ),
    }


def _stalled_without_pickup(now: dt.datetime, limits: StallThresholds) -> dict[str, Q]:
    """Returns stalled before any pickup: approved and not arranged, or told to send and not
    sent (on ReturnRequest)."""
    return {
        "not_booked": Q(
            status__in=NOT_ARRANGED,
            updated_at__lt=now - dt.timedelta(hours=limits.not_booked_hours),
        ),
        "not_shipped": Q(
            status__in=TOLD_TO_SEND,
            updated_at__lt=now - dt.timedelta(days=limits.not_shipped_days),
        ),
    }


def _any(conditions: dict[str, Q]) -> Q:
    return reduce(operator.or_, conditions.values())


# Every status a stalled return can be in (each rule above names its own).
_STALLABLE = tuple(
    dict.fromkeys((*WAITING_FOR_PICKUP, *WAITING_FOR_PARCEL, *NOT_ARRANGED, *TOLD_TO_SEND))
)


def stalled_return_ids(
    *, store: Store, now: dt.datetime, thresholds: StallThresholds | None = None
) -> QuerySet[ReturnRequest, int]:
    """The ids of the returns ``stalled_returns`` lists, as one query: to count them, or to
    filter a list (``pk__in=``) in the database without loading a return, a pickup or their
    orders."""
    limits = thresholds or StallThresholds()
    pickups = Pickup.objects.filter(return_request__store=store).filter(
        _any(_stalled_pickups(now, limits))
    )
    return (
        ReturnRequest.objects.filter(store=store, status__in=_STALLABLE)
        .filter(
            Q(pk__in=pickups.values("return_request_id"))
            | _any(_stalled_without_pickup(now, limits))
        )
        .order_by()
        .values_list("pk", flat=True)
    )


def stalled_returns(
    *, store: Store, now: dt.datetime, thresholds: StallThresholds | None = None
) -> list[StalledReturn]:
    limits = thresholds or StallThresholds()
    found: dict[int, StalledReturn] = {}

    def add(rr: ReturnRequest, kind: str, since: dt.datetime, pickup: Pickup | None) -> None:
        if rr.pk not in found:
            found[rr.pk] = StalledReturn(
                rr,
                kind,
                since,
                now - since,
                value_at_risk(rr),
                pickup,
                rr.refunded_early_amount,
            )

    returns = ReturnRequest.objects.filter(store=store).select_related("order", "customer")
    pickups = Pickup.objects.filter(return_request__store=store).select_related(
        "return_request__order", "return_request__customer", "account__carrier", "carrier"
    )
    held_up = _stalled_pickups(now, limits)
    for pickup in pickups.filter(held_up["exception"]):
        kind = "booking_failed" if pickup.status == PickupStatus.FAILED else "exception"
        add(pickup.return_request, kind, pickup.exception_at or pickup.requested_at, pickup)
    for pickup in pickups.filter(held_up["not_delivered"]):
        since = pickup.picked_up_at or pickup.accepted_at or pickup.requested_at
        add(pickup.return_request, "not_delivered", since, pickup)
    for pickup in pickups.filter(held_up["not_collected"]):
        add(pickup.return_request, "not_collected", pickup.accepted_at or now, pickup)
    for pickup in pickups.filter(held_up["not_booked"]):
        add(pickup.return_request, "not_booked", pickup.requested_at, pickup)
    not_arranged = _stalled_without_pickup(now, limits)
    for rr in returns.filter(not_arranged["not_booked"]):
        add(rr, "not_booked", rr.updated_at, None)
    for rr in returns.filter(not_arranged["not_shipped"]):
        add(rr, "not_shipped", rr.updated_at, None)
    return sorted(found.values(), key=lambda item: item.since)


# A pickup a label may be printed for: booked or being booked, and not over.
LABEL_PICKUP_STATUSES = (
    PickupStatus.REQUESTED,
    PickupStatus.ACCEPTED,
    PickupStatus.PICKED_UP,
    PickupStatus.IN_TRANSIT,
    PickupStatus.EXCEPTION,
)


def returns_for_labels(
    *, store: Store | None = None, numbers: Sequence[str] = (), ids: Sequence[int] = ()
) -> list[ReturnRequest]:
    """Returns with all a label prints, in a fixed number of queries however many there are.

    By ``numbers`` within ``store`` or by ``ids``, in the order asked, each once. Each return
    carries ``label_pickups``: its pickups a label may be printed for, newest first, with
    their account and carrier.
    """
    queryset = ReturnRequest.objects.select_related("store", "order").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line").order_by("id")),
        Prefetch(
            "pickups",
            queryset=Pickup.objects.filter(status__in=LABEL_PICKUP_STATUSES)
            .select_related("account__carrier", "carrier")
            .order_by("-id"),
            to_attr="label_pickups",
        ),
    )
    if numbers:
        if store is None:
            raise ValueError("returns_for_labels: numbers are looked up within a store")
        found = {rr.number: rr for rr in queryset.filter(store=store, number__in=set(numbers))}
        return [found[n] for n in dict.fromkeys(numbers) if n in found]
    if ids:
        by_id = {rr.pk: rr for rr in queryset.filter(pk__in=set(ids))}
        return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    return []


def carrier_choices() -> list[tuple[str, str]]:
    """Every carrier of the catalogue as (code, name in the reader's language), by name."""
    korean = reads_korean()
    return sorted(
        ((c.code, c.name_ko if korean else c.name_en) for c in Carrier.objects.all()),
        key=lambda pair: pair[1],
    )


# --- The store's carrier accounts and rules, for the office's settings pages -------------------


def carrier_list() -> QuerySet[Carrier]:
    return Carrier.objects.order_by("name_ko", "code")


def carrier_account_list(*, store: Store) -> QuerySet[CarrierAccount]:
    return CarrierAccount.objects.filter(store=store).select_related("carrier")


def carrier_account_get(*, store: Store, account_id: int) -> CarrierAccount:
    account = (
        CarrierAccount.objects.filter(store=store, pk=account_id).select_related("carrier").first()
    )
    if account is None:
        raise errors.ACCOUNT_NOT_FOUND()
    return account


def carrier_rule_list(*, store: Store) -> QuerySet[CarrierRule]:
    return CarrierRule.objects.filter(store=store).select_related("account__carrier")


def carrier_rule_get(*, store: Store, rule_id: int) -> CarrierRule:
    rule = CarrierRule.objects.filter(store=store, pk=rule_id).select_related("account").first()
    if rule is None:
        raise errors.RULE_NOT_FOUND()
    return rule


def order_ids_by_pickup_waybill(*, store: Store, waybills: list[str]) -> QuerySet[Pickup, int]:
    """The orders whose return parcels carry one of ``waybills`` (their ids), for the CS
    search: a customer reads the waybill of the return off their receipt."""
    return Pickup.objects.filter(
        return_request__store=store, waybill_number__in=waybills
    ).values_list("return_request__order_id", flat=True)


def carriers_by_code(codes: Iterable[str]) -> dict[str, Carrier]:
    """The catalogue's carriers named by tracking codes (``kr.cjlogistics``), in one query."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return {carrier.code: carrier for carrier in Carrier.objects.filter(code__in=wanted)}
