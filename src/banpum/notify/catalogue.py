"""What notify sends about: its event keys, who reads each, and the variables each may use.

Shopper events reuse the public names of ``webhooks.catalogue`` where one exists (a store reads
the same word in its webhook log and its message templates); notify adds its own late notices,
the completion message with the survey link, and the staff's alerts and daily digests. A
template may only use the variables its event declares (``notify.rendering``): a placeholder
that is not declared is refused when the template is saved, so no message goes out with a
blank where a waybill should be.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from banpum.webhooks.catalogue import EventName


class NotifyEvent(StrEnum):
    RETURN_REQUESTED = EventName.RETURN_REQUESTED.value
    RETURN_APPROVED = EventName.RETURN_APPROVED.value
    RETURN_REJECTED = EventName.RETURN_REJECTED.value
    RETURN_PICKUP_BOOKED = EventName.RETURN_PICKUP_BOOKED.value
    RETURN_PICKUP_EXCEPTION = EventName.RETURN_PICKUP_EXCEPTION.value
    RETURN_ARRIVED = EventName.RETURN_ARRIVED.value
    RETURN_INSPECTED = EventName.RETURN_INSPECTED.value
    REFUND_PAID = EventName.REFUND_PAID.value
    EXCHANGE_SHIPPED = EventName.EXCHANGE_SHIPPED.value
    RETURN_COMPLETED = EventName.RETURN_COMPLETED.value
    # notify's own
    RETURN_PICKUP_LATE = "return.pickup_late"
    REFUND_LATE = "refund.late"
    STAFF_RETURN_TO_REVIEW = "staff.return_to_review"
    STAFF_PICKUP_EXCEPTION = "staff.pickup_exception"
    STAFF_STALLED = "staff.stalled"
    STAFF_REFUNDS_DUE_TOMORROW = "staff.refunds_due_tomorrow"
    STAFF_REFUNDS_LATE = "staff.refunds_late"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ALIMTALK = "alimtalk", _("KakaoTalk 알림톡")


class Language(models.TextChoices):
    KO = "ko", _("Korean")
    EN = "en", _("English")


N = NotifyEvent

# Which shopper message each public event makes (only transactional news of their own return).
SHOPPER_BY_NAME: dict[EventName, NotifyEvent] = {
    EventName.RETURN_REQUESTED: N.RETURN_REQUESTED,
    EventName.RETURN_APPROVED: N.RETURN_APPROVED,
    EventName.RETURN_REJECTED: N.RETURN_REJECTED,
    EventName.RETURN_PICKUP_BOOKED: N.RETURN_PICKUP_BOOKED,
    EventName.RETURN_PICKUP_EXCEPTION: N.RETURN_PICKUP_EXCEPTION,
    EventName.RETURN_ARRIVED: N.RETURN_ARRIVED,
    EventName.RETURN_INSPECTED: N.RETURN_INSPECTED,
    EventName.REFUND_PAID: N.REFUND_PAID,
    EventName.EXCHANGE_SHIPPED: N.EXCHANGE_SHIPPED,
    EventName.RETURN_COMPLETED: N.RETURN_COMPLETED,
}
# Which staff alert each public event makes, at once (the rest come in the daily digests).
STAFF_BY_NAME: dict[EventName, NotifyEvent] = {
    EventName.RETURN_HELD: N.STAFF_RETURN_TO_REVIEW,
    EventName.RETURN_PICKUP_EXCEPTION: N.STAFF_PICKUP_EXCEPTION,
}
STAFF_EVENTS = frozenset(
    {
        N.STAFF_RETURN_TO_REVIEW,
        N.STAFF_PICKUP_EXCEPTION,
        N.STAFF_STALLED,
        N.STAFF_REFUNDS_DUE_TOMORROW,
        N.STAFF_REFUNDS_LATE,
    }
)
DIGESTS = (N.STAFF_STALLED, N.STAFF_REFUNDS_DUE_TOMORROW, N.STAFF_REFUNDS_LATE)

_SHOPPER = ("return_number", "store_name", "customer_name", "status_link")
_STAFF_RETURN = ("return_number", "store_name", "customer_name", "reason", "office_link")
_DIGEST = ("store_name", "date", "count", "items", "office_link")

VARIABLES: dict[NotifyEvent, frozenset[str]] = {
    N.RETURN_REQUESTED: frozenset(_SHOPPER),
    N.RETURN_APPROVED: frozenset((*_SHOPPER, "label_link")),
    N.RETURN_REJECTED: frozenset((*_SHOPPER, "reason")),
    N.RETURN_PICKUP_BOOKED: frozenset(
        (*_SHOPPER, "pickup_date", "waybill", "carrier", "label_link")
    ),
    N.RETURN_PICKUP_EXCEPTION: frozenset((*_SHOPPER, "reason", "carrier")),
    N.RETURN_ARRIVED: frozenset(_SHOPPER),
    N.RETURN_INSPECTED: frozenset((*_SHOPPER, "outcome")),
    N.REFUND_PAID: frozenset((*_SHOPPER, "amount", "method")),
    N.EXCHANGE_SHIPPED: frozenset((*_SHOPPER, "waybill", "carrier")),
    N.RETURN_COMPLETED: frozenset((*_SHOPPER, "survey_link")),
    N.RETURN_PICKUP_LATE: frozenset((*_SHOPPER, "expected_date", "carrier")),
    N.REFUND_LATE: frozenset((*_SHOPPER, "expected_date", "amount")),
    N.STAFF_RETURN_TO_REVIEW: frozenset(_STAFF_RETURN),
    N.STAFF_PICKUP_EXCEPTION: frozenset(_STAFF_RETURN),
    N.STAFF_STALLED: frozenset(_DIGEST),
    N.STAFF_REFUNDS_DUE_TOMORROW: frozenset(_DIGEST),
    N.STAFF_REFUNDS_LATE: frozenset(_DIGEST),
}
if set(VARIABLES) != set(NotifyEvent):
    raise RuntimeError("every notify event declares its variables")


def channels_of(event: NotifyEvent) -> tuple[Channel, ...]:
    """Staff read email; shoppers get email, and 알림톡 or SMS on their phone."""
    if event in STAFF_EVENTS:
        return (Channel.EMAIL,)
    return (Channel.EMAIL, Channel.ALIMTALK, Channel.SMS)


DESCRIPTIONS: dict[NotifyEvent, Promise] = {
    N.RETURN_REQUESTED: _("The shopper's return was received."),
    N.RETURN_APPROVED: _("The return was approved."),
    N.RETURN_REJECTED: _("The return was rejected, with the reason."),
    N.RETURN_PICKUP_BOOKED: _("The pickup was booked: date and waybill."),
    N.RETURN_PICKUP_EXCEPTION: _("The carrier could not collect the parcel."),
    N.RETURN_ARRIVED: _("The parcel arrived at the warehouse."),
    N.RETURN_INSPECTED: _("The goods were inspected, with the outcome."),
    N.REFUND_PAID: _("The refund was paid: amount and method."),
    N.EXCHANGE_SHIPPED: _("The replacement shipped."),
    N.RETURN_COMPLETED: _("The return is completed, with the survey link."),
    N.RETURN_PICKUP_LATE: _("The pickup is late: the new expected date."),
    N.REFUND_LATE: _("The refund is late: the new expected date."),
    N.STAFF_RETURN_TO_REVIEW: _("Staff: a new return waits for review."),
    N.STAFF_PICKUP_EXCEPTION: _("Staff: a pickup exception needs CS."),
    N.STAFF_STALLED: _("Staff: the day's stalled returns."),
    N.STAFF_REFUNDS_DUE_TOMORROW: _("Staff: refunds due tomorrow."),
    N.STAFF_REFUNDS_LATE: _("Staff: refunds past their due date."),
}
if set(DESCRIPTIONS) != set(NotifyEvent):
    raise RuntimeError("every notify event needs its description")
