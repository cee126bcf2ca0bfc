"""Pickup commands, one module per use case.

- ``booking``: choose the carrier at approval, book it in a job, apply its answer;
- ``cancel``: cancel pickups, and tell the carrier in a job;
- ``exceptions``: CS re-requests a failed pickup or switches the return to self-ship;
- ``manual``: a waybill typed in by hand;
- ``sweep``: re-enqueue what a crash may have lost.

Every status change goes through ``logistics.transitions.pickup_transition``, every lock
through ``pickups_lock`` (the return, then the pickup).
"""

from banpum.logistics.services.pickups.booking import (
    carrier_select,
    pickup_arrange_for_return,
    pickup_booking_apply,
    pickup_request_send,
    unlinked_facts,
)
from banpum.logistics.services.pickups.cancel import (
    pickup_cancel,
    pickup_cancel_apply,
    pickup_cancel_send,
    pickups_cancel_for_return,
)
from banpum.logistics.services.pickups.common import (
    ACTIVE_STATUSES,
    PickupDetails,
    active_pickup,
    backoff_seconds,
    carrier_actor,
    idempotency_key_new,
)
from banpum.logistics.services.pickups.exceptions import (
    pickup_rerequest,
    return_switch_to_self_ship,
)
from banpum.logistics.services.pickups.manual import (
    pickup_register_manual,
    waybill_entry_allowed,
)
from banpum.logistics.services.pickups.sweep import pickups_sweep

__all__ = [
    "ACTIVE_STATUSES",
    "PickupDetails",
    "active_pickup",
    "backoff_seconds",
    "carrier_actor",
    "carrier_select",
    "idempotency_key_new",
    "pickup_arrange_for_return",
    "pickup_booking_apply",
    "pickup_cancel",
    "pickup_cancel_apply",
    "pickup_cancel_send",
    "pickup_register_manual",
    "pickup_request_send",
    "pickup_rerequest",
    "pickups_cancel_for_return",
    "pickups_sweep",
    "return_switch_to_self_ship",
    "unlinked_facts",
    "waybill_entry_allowed",
]
