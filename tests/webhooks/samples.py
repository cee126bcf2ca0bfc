"""One return event per webhook event of the catalogue, with the facts its writer stores
(``returns.events`` and the services that call it): the catalogue's and the payloads' tests
build every event from these."""

from __future__ import annotations

from typing import Any

from banpum.returns.events import LogisticsKind, StatusCause
from banpum.webhooks.catalogue import SUBSCRIBABLE
from banpum.webhooks.catalogue import EventName as E

CARRIER = {"carrier": "kr.cjlogistics", "carrier_names": {"ko": "CJ대한통운", "en": "CJ Logistics"}}

# name → (event type, data, note, from status, to status)
SAMPLES: dict[E, tuple[str, dict[str, Any], str, str, str]] = {
    E.RETURN_REQUESTED: (
        "created",
        {
            "origin": "customer",
            "outcome": "review",
            "number": "T-1",
            "type": "return",
            "reason_code": "change_of_mind",
            "resolution": "refund",
            "method": "carrier_pickup",
            "refund_estimate": 17000,
            "fee": {"payer": "buyer", "amount": 3000, "collection": "deduct_from_refund"},
        },
        "",
        "",
        "requested",
    ),
    E.RETURN_APPROVED: (
        "status_changed",
        {"action": "approve", "cause": StatusCause.AUTO_APPROVAL.value},
        "",
        "requested",
        "approved",
    ),
    E.RETURN_HELD: (
        "status_changed",
        {"action": "hold", "hold_reason": "photos_missing", "cause": "policy_hold"},
        "",
        "requested",
        "on_hold",
    ),
    E.RETURN_REJECTED: (
        "status_changed",
        {"action": "reject"},
        "사용 흔적이 있어 반품이 어렵습니다.",
        "on_hold",
        "rejected",
    ),
    E.RETURN_CANCELLED: ("status_changed", {"action": "cancel"}, "", "approved", "cancelled"),
    E.RETURN_PICKUP_REQUESTED: (
        "status_changed",
        {"action": "request_pickup", "cause": "pickup_requested", "pickup_id": 7, **CARRIER},
        "",
        "approved",
        "pickup_requested",
    ),
    E.RETURN_PICKUP_BOOKED: (
        "logistics",
        {
            "kind": LogisticsKind.PICKUP_BOOKED.value,
            "pickup_id": 7,
            "waybill_number": "612345678901",
            **CARRIER,
        },
        "",
        "",
        "",
    ),
    E.RETURN_PICKUP_FAILED: (
        "logistics",
        {"kind": "pickup_failed", "pickup_id": 7, "error": "gave_up", "attempts": 8, **CARRIER},
        "",
        "",
        "",
    ),
    E.RETURN_PICKUP_REREQUESTED: (
        "logistics",
        {"kind": "pickup_rerequested", "pickup_id": 8, "previous_pickup_id": 7, **CARRIER},
        "내일 오전으로 변경",
        "",
        "",
    ),
    E.RETURN_PICKUP_CANCELLED: (
        "logistics",
        {"kind": "pickup_cancelled", "pickup_ids": [7, 8]},
        "",
        "",
        "",
    ),
    E.RETURN_PICKUP_EXCEPTION: (
        "logistics",
        {
            "kind": "pickup_exception",
            "pickup_id": 7,
            "exception_code": "customer_absent",
            "said": "고객 부재",
            **CARRIER,
        },
        "",
        "",
        "",
    ),
    E.RETURN_AWAITING_SHIPMENT: (
        "status_changed",
        {"action": "await_shipment", "cause": "method", "method": "cvs_drop_off"},
        "",
        "approved",
        "awaiting_shipment",
    ),
    E.RETURN_SWITCHED_TO_SELF_SHIP: (
        "status_changed",
        {"action": "switch_to_self_ship"},
        "",
        "pickup_requested",
        "awaiting_shipment",
    ),
    E.RETURN_IN_TRANSIT: (
        "status_changed",
        {
            "action": "mark_in_transit",
            "cause": "picked_up",
            "pickup_id": 7,
            "waybill_number": "612345678901",
            **CARRIER,
        },
        "",
        "pickup_requested",
        "in_transit",
    ),
    E.RETURN_ARRIVED: (
        "status_changed",
        {
            "action": "arrive",
            "cause": "delivered",
            "pickup_id": 7,
            "waybill_number": "612345678901",
            **CARRIER,
        },
        "",
        "in_transit",
        "arrived",
    ),
    E.RETURN_PARTIALLY_RECEIVED: (
        "status_changed",
        {"action": "receive_part", "boxes_received": 1, "box_count": 2},
        "",
        "arrived",
        "partially_received",
    ),
    E.RETURN_RECEIVED: (
        "status_changed",
        {"action": "receive", "boxes_received": 2, "box_count": 2},
        "",
        "partially_received",
        "received",
    ),
    E.RETURN_INSPECTED: (
        "status_changed",
        {
            "action": "inspect",
            "accepted": 1,
            "refused": 1,
            "deducted": 2000,
            "fee_settlement": "deducted",
        },
        "",
        "received",
        "inspected",
    ),
    E.RETURN_ITEM_KEPT: ("status_changed", {"action": "keep_item"}, "", "approved", "item_kept"),
    E.RETURN_SENT_BACK: ("status_changed", {"action": "send_back"}, "", "inspected", "sent_back"),
    E.RETURN_FEE_SETTLED: (
        "fee_settled",
        {"fee_settlement": "waived", "amount": 3000},
        "고객 사정 고려",
        "",
        "",
    ),
    E.RETURN_COMPLETED: ("status_changed", {"action": "complete"}, "", "refunded", "completed"),
    E.REFUND_STARTED: (
        "status_changed",
        {"action": "start_refund", "amount": 15000},
        "",
        "inspected",
        "refund_pending",
    ),
    E.REFUND_PAID: (
        "status_changed",
        {"action": "refund_paid", "refunds": 1},
        "",
        "refund_pending",
        "refunded",
    ),
    E.EXCHANGE_STARTED: (
        "status_changed",
        {"action": "start_exchange", "cause": "out_of_stock", "sku": "SKU-1"},
        "",
        "inspected",
        "exchange_pending",
    ),
    E.EXCHANGE_SHIPPED: (
        "status_changed",
        {"action": "ship_exchange", "shipment_id": 4, "waybill_number": "612345678999"},
        "",
        "exchange_pending",
        "exchange_shipped",
    ),
}
if set(SAMPLES) != set(SUBSCRIBABLE):
    raise RuntimeError("every webhook event of a return needs its sample")
