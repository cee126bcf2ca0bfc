"""The merchant webhook event catalogue: which return events are published, and as what.

Banpum's outbox is ``returns.ReturnEvent`` (a type plus data). A merchant subscribes to public
event names (``return.approved``, ``refund.paid``, …) that stay stable whatever Banpum renames
inside: this module is the one mapping from an event row's type (and its action or logistics
kind) to a public name. Every action of the return lifecycle, every logistics kind and every
event type is either published here or listed as unpublished with the reason, so a new one
added to ``returns`` fails at import until someone decides.

The payload of each name (``webhooks.payloads``) is fixed for a catalogue version. A change
that would break a consumer (a renamed or removed field, a changed meaning) is a new version,
and subscriptions keep the version they were created with; adding an event or an optional
field is not. ``docs/WEBHOOKS.md`` documents each event with an example.

One name comes from no return event: ``webhook.test``, sent only when a manager asks for it
(``webhooks.services.sending.webhook_subscription_send_test``), so a seller can check an
endpoint before real returns flow. It is not subscribable (no pattern names it, not even
``*``): it goes to the one subscription it was asked for, whatever that subscription's events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from banpum.returns.events import LogisticsKind
from banpum.returns.models import EventType
from banpum.returns.transitions import Action

VERSION = "2026-11-30"
VERSIONS = (VERSION,)
ALL = "*"


class EventName(StrEnum):
    RETURN_REQUESTED = "return.requested"
    RETURN_APPROVED = "return.approved"
    RETURN_HELD = "return.held"
    RETURN_REJECTED = "return.rejected"
    RETURN_CANCELLED = "return.cancelled"
    RETURN_PICKUP_REQUESTED = "return.pickup_requested"
    RETURN_PICKUP_BOOKED = "return.pickup_booked"
    RETURN_PICKUP_FAILED = "return.pickup_failed"
    RETURN_PICKUP_REREQUESTED = "return.pickup_rerequested"
    RETURN_PICKUP_CANCELLED = "return.pickup_cancelled"
    RETURN_PICKUP_EXCEPTION = "return.pickup_exception"
    RETURN_AWAITING_SHIPMENT = "return.awaiting_shipment"
    RETURN_SWITCHED_TO_SELF_SHIP = "return.switched_to_self_ship"
    RETURN_IN_TRANSIT = "return.in_transit"
    RETURN_ARRIVED = "return.arrived"
    RETURN_PARTIALLY_RECEIVED = "return.partially_received"
    RETURN_RECEIVED = "return.received"
    RETURN_INSPECTED = "return.inspected"
    RETURN_ITEM_KEPT = "return.item_kept"
    RETURN_SENT_BACK = "return.sent_back"
    RETURN_FEE_SETTLED = "return.fee_settled"
    RETURN_COMPLETED = "return.completed"
    REFUND_STARTED = "refund.started"
    REFUND_PAID = "refund.paid"
    EXCHANGE_STARTED = "exchange.started"
    EXCHANGE_SHIPPED = "exchange.shipped"
    WEBHOOK_TEST = "webhook.test"


E = EventName

# ``status_changed`` events, by the action that moved the return: every action is published.
BY_ACTION: dict[Action, EventName] = {
    Action.APPROVE: E.RETURN_APPROVED,
    Action.HOLD: E.RETURN_HELD,
    Action.REJECT: E.RETURN_REJECTED,
    Action.CANCEL: E.RETURN_CANCELLED,
    Action.REQUEST_PICKUP: E.RETURN_PICKUP_REQUESTED,
    Action.AWAIT_SHIPMENT: E.RETURN_AWAITING_SHIPMENT,
    Action.SWITCH_TO_SELF_SHIP: E.RETURN_SWITCHED_TO_SELF_SHIP,
    Action.MARK_IN_TRANSIT: E.RETURN_IN_TRANSIT,
    Action.ARRIVE: E.RETURN_ARRIVED,
    Action.RECEIVE_PART: E.RETURN_PARTIALLY_RECEIVED,
    Action.RECEIVE: E.RETURN_RECEIVED,
    Action.INSPECT: E.RETURN_INSPECTED,
    Action.KEEP_ITEM: E.RETURN_ITEM_KEPT,
    Action.START_REFUND: E.REFUND_STARTED,
    Action.REFUND_PAID: E.REFUND_PAID,
    Action.SEND_BACK: E.RETURN_SENT_BACK,
    Action.START_EXCHANGE: E.EXCHANGE_STARTED,
    Action.SHIP_EXCHANGE: E.EXCHANGE_SHIPPED,
    Action.COMPLETE: E.RETURN_COMPLETED,
}
# ``logistics`` events, by their kind.
BY_KIND: dict[LogisticsKind, EventName] = {
    LogisticsKind.PICKUP_BOOKED: E.RETURN_PICKUP_BOOKED,
    LogisticsKind.PICKUP_FAILED: E.RETURN_PICKUP_FAILED,
    LogisticsKind.PICKUP_REREQUESTED: E.RETURN_PICKUP_REREQUESTED,
    LogisticsKind.PICKUP_CANCELLED: E.RETURN_PICKUP_CANCELLED,
    LogisticsKind.PICKUP_EXCEPTION: E.RETURN_PICKUP_EXCEPTION,
}
# Events of the other types, by type.
BY_TYPE: dict[EventType, EventName] = {
    EventType.CREATED: E.RETURN_REQUESTED,
    EventType.FEE_SETTLED: E.RETURN_FEE_SETTLED,
}
# What is never sent, and why: it is about the store's set-up or its staff, not the return.
UNPUBLISHED_KINDS: dict[LogisticsKind, str] = {
    LogisticsKind.NO_CARRIER: "the store has no carrier account: a set-up problem for CS",
    LogisticsKind.PICKUP_CANCEL_FAILED: "the carrier refused a cancel: CS calls the carrier",
}
UNPUBLISHED_TYPES: dict[EventType, str] = {
    EventType.NOTE_ADDED: "notes are what staff wrote to each other",
}
_BY_KEY = (EventType.STATUS_CHANGED, EventType.LOGISTICS)
# Names no return event makes, and when they are sent instead.
ON_REQUEST: dict[EventName, str] = {
    E.WEBHOOK_TEST: "a manager asked to check the endpoint (Send test event); about no return",
}
TEST_EVENT = E.WEBHOOK_TEST

if set(BY_ACTION) != set(Action):
    raise RuntimeError("every return action needs its webhook event")
if set(BY_KIND) | set(UNPUBLISHED_KINDS) != set(LogisticsKind):
    raise RuntimeError("every logistics kind is published or says why not")
if set(BY_TYPE) | set(UNPUBLISHED_TYPES) | set(_BY_KEY) != set(EventType):
    raise RuntimeError("every event type is published or says why not")
_SOURCES = [*BY_ACTION.values(), *BY_KIND.values(), *BY_TYPE.values()]
if len(_SOURCES) != len(set(_SOURCES)) or set(_SOURCES) & set(ON_REQUEST):
    raise RuntimeError("every webhook event comes from exactly one kind of return event")
if set(_SOURCES) | set(ON_REQUEST) != set(EventName):
    raise RuntimeError("every webhook event comes from a return event or is sent on request")
# What a subscription can ask for, in the catalogue's order.
SUBSCRIBABLE: tuple[EventName, ...] = tuple(name for name in EventName if name not in ON_REQUEST)

DESCRIPTIONS: dict[EventName, Promise] = {
    E.RETURN_REQUESTED: _("A return was requested (by the shopper, CS, the API or a channel)."),
    E.RETURN_APPROVED: _("The return was approved, by a person or the store's auto-approval."),
    E.RETURN_HELD: _("The return was put on hold, with the reason."),
    E.RETURN_REJECTED: _("The return was rejected, with the reason CS gave."),
    E.RETURN_CANCELLED: _("The return was cancelled before the goods were collected."),
    E.RETURN_PICKUP_REQUESTED: _("A carrier pickup is being booked for the return."),
    E.RETURN_PICKUP_BOOKED: _("The carrier booked the pickup: the waybill number is known."),
    E.RETURN_PICKUP_FAILED: _("The carrier could not book the pickup; CS has to act."),
    E.RETURN_PICKUP_REREQUESTED: _("The pickup was requested again (a new date or address)."),
    E.RETURN_PICKUP_CANCELLED: _("The pickup request was cancelled at the carrier."),
    E.RETURN_PICKUP_EXCEPTION: _(
        "The carrier could not collect the parcel (customer absent, refused, …)."
    ),
    E.RETURN_AWAITING_SHIPMENT: _(
        "The customer sends the parcel themselves (drop-off, self-ship)."
    ),
    E.RETURN_SWITCHED_TO_SELF_SHIP: _("CS gave up the carrier pickup: the customer sends it."),
    E.RETURN_IN_TRANSIT: _("The parcel is on its way back (collected, or a waybill was entered)."),
    E.RETURN_ARRIVED: _("The carrier delivered the parcel to the return address."),
    E.RETURN_PARTIALLY_RECEIVED: _("Some of the return's boxes were scanned in at the warehouse."),
    E.RETURN_RECEIVED: _("The warehouse received the return; the legal refund clock runs."),
    E.RETURN_INSPECTED: _("The warehouse inspected the goods: units accepted, refused, deducted."),
    E.RETURN_ITEM_KEPT: _("Refund without collecting: the customer keeps the item."),
    E.RETURN_SENT_BACK: _("Every item was refused at inspection and goes back to the customer."),
    E.RETURN_FEE_SETTLED: _("The customer's return shipping fee was settled (paid or waived)."),
    E.RETURN_COMPLETED: _("The return is completed: nothing is left to do."),
    E.REFUND_STARTED: _("The refund was worked out and is being paid."),
    E.REFUND_PAID: _("Every refund of the return has been paid."),
    E.EXCHANGE_STARTED: _("An exchange started: the replacement is being prepared."),
    E.EXCHANGE_SHIPPED: _("The replacement has shipped to the customer."),
    E.WEBHOOK_TEST: _("A test event a manager sent to check the endpoint; it is about no return."),
}
if set(DESCRIPTIONS) != set(EventName):
    raise RuntimeError("every webhook event needs its description")


NAMES: frozenset[str] = frozenset(name.value for name in SUBSCRIBABLE)


def event_name(type: str, data: Mapping[str, Any] | None) -> EventName | None:
    """The public name of a return event of ``type`` with ``data``, or None: not published."""
    data = data if isinstance(data, Mapping) else {}
    try:
        kind = EventType(type)
    except ValueError:
        return None
    if kind == EventType.STATUS_CHANGED:
        try:
            return BY_ACTION[Action(str(data.get("action")))]
        except ValueError:
            return None  # rows older than actions in the data: never published
    if kind == EventType.LOGISTICS:
        try:
            return BY_KIND.get(LogisticsKind(str(data.get("kind"))))
        except ValueError:
            return None
    return BY_TYPE.get(kind)


def groups() -> frozenset[str]:
    """The prefixes a subscription may take with ``.*`` (``return.*``, ``refund.*``, …)."""
    return frozenset(name.value.split(".", 1)[0] for name in SUBSCRIBABLE)


def pattern_valid(pattern: str) -> bool:
    """An event name, ``*`` for every event, or ``<group>.*`` for a group of them."""
    if pattern == ALL or pattern in NAMES:
        return True
    return pattern.endswith(".*") and pattern[:-2] in groups()


def subscribed(patterns: Iterable[str], name: str) -> bool:
    """Whether a subscription to ``patterns`` receives the event ``name`` (never one sent
    only on request: that goes to whoever asked)."""
    if name not in NAMES:
        return False
    group = name.split(".", 1)[0]
    return any(p in (ALL, name, f"{group}.*") for p in patterns)
