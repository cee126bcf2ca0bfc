"""A return's events in words, in the reader's language: the one renderer of ``ReturnEvent``.

Events are stored as a type plus data (``returns.events``); this module words them when they
are shown (the API's ``text``, the admin's "what happened"), with gettext, so a Korean seller
reads Korean and an English client reads English from the same row. ``note`` is what a person
wrote and is shown beside the text, never translated.

Rows written before events carried their facts kept their words in ``note`` (Korean or English
sentences): for those the stored note is the text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banpum.policy import texts
from banpum.returns.events import LogisticsKind, StatusCause
from banpum.returns.models import EventType, FeeSettlement, Origin, ReturnEvent, ReturnStatus
from banpum.returns.transitions import Action

# The facts (``data`` keys) each logistics kind and each status-change cause carries, besides
# ``kind``/``cause``: the one list the writers, this renderer and its test share.
CARRIER_FACTS = ("carrier", "carrier_names")
UNLINKED_FACTS = (*CARRIER_FACTS, "account_id", "carrier_phone", "instructions", "return_to")
LOGISTICS_FACTS: dict[LogisticsKind, tuple[str, ...]] = {
    LogisticsKind.NO_CARRIER: (),
    LogisticsKind.PICKUP_BOOKED: ("pickup_id", "waybill_number", *CARRIER_FACTS),
    LogisticsKind.PICKUP_FAILED: ("pickup_id", "error", "attempts", "said", *CARRIER_FACTS),
    LogisticsKind.PICKUP_REREQUESTED: ("pickup_id", "previous_pickup_id", *CARRIER_FACTS),
    LogisticsKind.PICKUP_CANCELLED: ("pickup_ids",),
    LogisticsKind.PICKUP_CANCEL_FAILED: ("pickup_id", "error", "said", *CARRIER_FACTS),
    LogisticsKind.PICKUP_EXCEPTION: ("pickup_id", "exception_code", "said", *CARRIER_FACTS),
}
CAUSE_FACTS: dict[StatusCause, tuple[str, ...]] = {
    StatusCause.AUTO_APPROVAL: (),
    StatusCause.POLICY_EXCEPTION: ("problems",),
    StatusCause.POLICY_HOLD: ("signals",),
    StatusCause.METHOD: ("method",),
    StatusCause.CARRIER_UNLINKED: UNLINKED_FACTS,
    StatusCause.PICKUP_REQUESTED: ("pickup_id", *CARRIER_FACTS),
    StatusCause.WAYBILL_ENTERED: ("pickup_id", "waybill_number", *CARRIER_FACTS),
    StatusCause.PICKED_UP: ("pickup_id", "waybill_number", *CARRIER_FACTS),
    StatusCause.DELIVERED: ("pickup_id", "waybill_number", *CARRIER_FACTS),
}
# The actions each cause goes with.
CAUSE_ACTIONS: dict[StatusCause, tuple[Action, ...]] = {
    StatusCause.AUTO_APPROVAL: (Action.APPROVE,),
    StatusCause.POLICY_EXCEPTION: (Action.HOLD,),
    StatusCause.POLICY_HOLD: (Action.HOLD,),
    StatusCause.METHOD: (Action.AWAIT_SHIPMENT,),
    StatusCause.CARRIER_UNLINKED: (Action.AWAIT_SHIPMENT, Action.SWITCH_TO_SELF_SHIP),
    StatusCause.PICKUP_REQUESTED: (Action.REQUEST_PICKUP,),
    StatusCause.WAYBILL_ENTERED: (Action.MARK_IN_TRANSIT,),
    StatusCause.PICKED_UP: (Action.MARK_IN_TRANSIT,),
    StatusCause.DELIVERED: (Action.ARRIVE,),
}
if not set(CAUSE_ACTIONS) == set(CAUSE_FACTS) == set(StatusCause):
    raise RuntimeError("every status cause needs its facts and actions")
# Moves whose words only the system wrote, in the note, before events carried their facts.
_NOTED_BY_THE_SYSTEM = frozenset({Action.REQUEST_PICKUP, Action.MARK_IN_TRANSIT, Action.ARRIVE})
# Booking errors with words of their own (``integrations.carriers.base.GatewayError.code``).
BOOKING_ERRORS = ("unlinked", "gave_up")

# ``logistics.models.PickupException``, whose labels these are (logistics builds on returns,
# so returns cannot import them); a test keeps the two lists equal.
EXCEPTION_LABELS: dict[str, Promise] = {
    "customer_absent": gettext_lazy("Customer absent"),
    "address_not_found": gettext_lazy("Address not found"),
    "refused": gettext_lazy("Refused by the customer"),
    "item_not_ready": gettext_lazy("Item not ready"),
    "booking_failed": gettext_lazy("Booking failed"),
    "other": gettext_lazy("Other"),
}

# ``warehouse.models.RejectReason`` labels of the rejections that flag a customer (the
# warehouse builds on returns, so returns cannot import them); a warehouse test keeps them equal.
FLAG_REASON_LABELS: dict[str, Promise] = {
    "empty_box": gettext_lazy("Empty box"),
    "wrong_item": gettext_lazy("A different item was sent"),
}

Data = Mapping[str, Any]


def carrier_name(data: Data) -> str:
    """The carrier's name in the reader's language, from the names the event stored."""
    names = data.get("carrier_names")
    if isinstance(names, Mapping):
        korean, english = names.get("ko"), names.get("en")
        chosen = (korean or english) if texts.reads_korean() else (english or korean)
        if chosen:
            return str(chosen)
    return str(data.get("carrier") or "")


def _said(text: str, data: Data) -> str:
    """The carrier's own words (its language, as it sent them) after ours."""
    said = str(data.get("said") or "").strip()
    if not said:
        return text
    return text + " " + _("The carrier said: %(words)s") % {"words": said}


def unlinked_text(data: Data) -> str:
    """How a customer sends the parcel with a carrier we cannot book for them."""
    carrier = carrier_name(data)
    lines = [
        _(
            "%(carrier)s cannot be booked from here: the customer books the parcel with it and "
            "tells us the waybill number."
        )
        % {"carrier": carrier}
        if carrier
        else _("The customer books the parcel and tells us the waybill number.")
    ]
    if data.get("carrier_phone"):
        lines.append(_("Carrier's customer centre: %(phone)s") % {"phone": data["carrier_phone"]})
    to = data.get("return_to")
    if isinstance(to, Mapping) and any(to.values()):
        lines.append(
            _("Send to: %(name)s %(phone)s %(address)s")
            % {
                "name": to.get("name", ""),
                "phone": to.get("phone", ""),
                "address": to.get("address", ""),
            }
        )
    if str(data.get("instructions") or "").strip():
        lines.append(str(data["instructions"]).strip())  # the store's own words
    return "\n".join(line.strip() for line in lines)


def _with_carrier(with_name: str, without: str, data: Data, **params: object) -> str:
    """``with_name`` (translated) when the event names its carrier, else ``without``."""
    carrier = carrier_name(data)
    if carrier:
        return with_name % {"carrier": carrier, **params}
    return without % params if params else without


def _booking_failed(data: Data) -> str:
    error = str(data.get("error") or "")
    if error == "unlinked":
        text = _("This carrier account has no API to book with: book the pickup by phone.")
    elif error == "gave_up":
        text = _("No booking after %(attempts)s attempts.") % {"attempts": data.get("attempts")}
    else:
        text = _with_carrier(
            _("%(carrier)s could not book the pickup."),
            _("The carrier could not book the pickup."),
            data,
        )
    return _said(text + " " + _("CS must check it."), data)


_LOGISTICS: dict[LogisticsKind, Callable[[Data], str]] = {
    LogisticsKind.NO_CARRIER: lambda d: _(
        "No active carrier account: set one up, then the pickup is booked."
    ),
    LogisticsKind.PICKUP_BOOKED: lambda d: _with_carrier(
        _("%(carrier)s booked the pickup: waybill %(waybill)s."),
        _("The carrier booked the pickup: waybill %(waybill)s."),
        d,
        waybill=d.get("waybill_number", ""),
    ),
    LogisticsKind.PICKUP_FAILED: _booking_failed,
    LogisticsKind.PICKUP_REREQUESTED: lambda d: _with_carrier(
        _("Pickup requested again from %(carrier)s."), _("Pickup requested again."), d
    ),
    LogisticsKind.PICKUP_CANCELLED: lambda d: _("Pickup request cancelled."),
    LogisticsKind.PICKUP_CANCEL_FAILED: lambda d: _said(
        _with_carrier(
            _("%(carrier)s refused to cancel the pickup: CS must call the carrier."),
            _("The carrier refused to cancel the pickup: CS must call the carrier."),
            d,
        ),
        d,
    ),
    LogisticsKind.PICKUP_EXCEPTION: lambda d: _said(
        _("Pickup failed: %(exception)s.")
        % {"exception": texts.label(EXCEPTION_LABELS, d.get("exception_code") or "other")},
        d,
    ),
}
if not set(_LOGISTICS) == set(LogisticsKind) == set(LOGISTICS_FACTS):
    raise RuntimeError("every logistics kind needs its words and facts")


def _logistics(event: ReturnEvent, data: Data) -> str:
    try:
        kind = LogisticsKind(str(data.get("kind")))
    except ValueError:
        return event.note or str(data.get("kind") or "")
    if event.note and kind is not LogisticsKind.PICKUP_REREQUESTED:
        # Written before logistics events carried their facts: the note was the text.
        return event.note
    return _LOGISTICS[kind](data)


def _hold(data: Data) -> str:
    problems = data.get("problems")
    if isinstance(problems, list) and problems:
        words = " ".join(texts.problem_out(p)["message"] for p in problems if isinstance(p, dict))
        return _("On hold as a policy exception: %(problems)s") % {"problems": words}
    signals = data.get("signals")
    if isinstance(signals, list) and signals:
        said = " ".join(
            texts.signal_text(str(s.get("code")), s.get("params"))
            for s in signals
            if isinstance(s, Mapping)
        )
        return _("On hold: %(reason)s. %(signals)s") % {
            "reason": texts.label(texts.HOLD_REASON_LABELS, data.get("hold_reason") or "other"),
            "signals": said,
        }
    return _("On hold: %(reason)s.") % {
        "reason": texts.label(texts.HOLD_REASON_LABELS, data.get("hold_reason") or "other")
    }


def _approve(data: Data) -> str:
    if data.get("cause") == StatusCause.AUTO_APPROVAL or data.get("rule") == "auto_approval":
        return _("Approved automatically under the store's auto-approval rule.")
    return _("Approved.")


def _await_shipment(data: Data) -> str:
    cause = data.get("cause")
    if cause == StatusCause.CARRIER_UNLINKED:
        return unlinked_text(data)
    if cause == StatusCause.METHOD or data.get("method"):
        return _("Waiting for the customer to send the parcel (%(method)s).") % {
            "method": texts.label(texts.METHOD_LABELS, data.get("method"))
        }
    return _("Waiting for the customer to send the parcel.")


def _in_transit(data: Data) -> str:
    waybill = data.get("waybill_number", "")
    cause = data.get("cause")
    if cause == StatusCause.WAYBILL_ENTERED:
        return _with_carrier(
            _("Waybill entered: %(carrier)s %(waybill)s."),
            _("Waybill entered: %(waybill)s."),
            data,
            waybill=waybill,
        )
    if cause == StatusCause.PICKED_UP:
        return _with_carrier(
            _("%(carrier)s collected the parcel: waybill %(waybill)s."),
            _("The carrier collected the parcel: waybill %(waybill)s."),
            data,
            waybill=waybill,
        )
    return _("In transit.")


def _switch_to_self_ship(data: Data) -> str:
    text = _("Switched to self-ship: the customer sends the parcel.")
    if data.get("cause") == StatusCause.CARRIER_UNLINKED:
        text += "\n" + unlinked_text(data)
    return text


def _received_part(data: Data) -> str:
    if data.get("boxes_received") and data.get("box_count"):
        return _("%(received)s of %(count)s boxes received at the warehouse.") % {
            "received": data["boxes_received"],
            "count": data["box_count"],
        }
    return _("Part of the return received at the warehouse.")


def _inspected(data: Data) -> str:
    """Facts (``warehouse.services.inspection``): accepted, refused, deducted, fee_settlement,
    and ``flagged`` (a reject reason) when the customer was flagged."""
    text = _("Inspected.")
    flagged = data.get("flagged")
    if flagged:
        text += " " + _(
            "The customer was flagged (%(reason)s): their next requests wait for a person."
        ) % {"reason": texts.label(FLAG_REASON_LABELS, flagged)}
    return text


_STATUS: dict[Action, Callable[[Data], str]] = {
    Action.APPROVE: _approve,
    Action.HOLD: _hold,
    Action.REJECT: lambda d: _("Rejected."),
    Action.REQUEST_PICKUP: lambda d: _with_carrier(
        _("Pickup requested from %(carrier)s."), _("Pickup requested."), d
    ),
    Action.AWAIT_SHIPMENT: _await_shipment,
    Action.MARK_IN_TRANSIT: _in_transit,
    Action.SWITCH_TO_SELF_SHIP: _switch_to_self_ship,
    Action.ARRIVE: lambda d: _("Arrived at the return address; waiting for the warehouse scan."),
    Action.RECEIVE_PART: _received_part,
    Action.RECEIVE: lambda d: _("Received at the warehouse."),
    Action.INSPECT: _inspected,
    Action.KEEP_ITEM: lambda d: _("Refund without collecting: the customer keeps the item."),
    Action.START_REFUND: lambda d: _("Refund started."),
    Action.REFUND_PAID: lambda d: _("Refunded."),
    Action.SEND_BACK: lambda d: _("Every item was refused; sent back to the customer."),
    Action.START_EXCHANGE: lambda d: _("Exchange started: the replacement is being prepared."),
    Action.SHIP_EXCHANGE: lambda d: _("The replacement has shipped."),
    Action.COMPLETE: lambda d: _("Completed."),
    Action.CANCEL: lambda d: _("Cancelled."),
}
if set(_STATUS) != set(Action):
    raise RuntimeError("every action needs its words")


def _status_label(status: str) -> str:
    try:
        return str(ReturnStatus(status).label)
    except ValueError:
        return status


def _status_changed(event: ReturnEvent, data: Data) -> str:
    try:
        action = Action(str(data.get("action")))
    except ValueError:
        return _("Status changed: %(from)s → %(to)s.") % {
            "from": _status_label(event.from_status),
            "to": _status_label(event.to_status),
        }
    older = event.note and "cause" not in data
    if older and (
        action in _NOTED_BY_THE_SYSTEM or (action is Action.AWAIT_SHIPMENT and "carrier" in data)
    ):
        return event.note  # written before status changes carried their facts
    return _STATUS[action](data)


def _created(data: Data) -> str:
    try:
        origin = str(Origin(str(data.get("origin"))).label)
    except ValueError:
        return _("Return requested.")
    return _("Return requested (%(origin)s).") % {"origin": origin}


def _fee_settled(data: Data) -> str:
    try:
        how = str(FeeSettlement(str(data.get("fee_settlement"))).label)
    except ValueError:
        return _("Return fee settled.")
    return _("Return fee of %(amount)s: %(how)s.") % {
        "amount": texts.money(data.get("amount")),
        "how": how,
    }


def event_text(event: ReturnEvent) -> str:
    """What happened, in the active language (the request's; Korean by default)."""
    data: Data = event.data if isinstance(event.data, Mapping) else {}
    if event.type == EventType.LOGISTICS:
        return _logistics(event, data)
    if event.type == EventType.STATUS_CHANGED:
        return _status_changed(event, data)
    if event.type == EventType.CREATED:
        return _created(data)
    if event.type == EventType.NOTE_ADDED:
        return _("Note added.")
    if event.type == EventType.FEE_SETTLED:
        return _fee_settled(data)
    return event.note or event.type
