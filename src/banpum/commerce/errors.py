"""Errors the order services and the file importer raise, with the codes clients branch on.

Templates are translated when raised (``ErrorCode``); field messages carry the
``validation_error`` code of the request they refuse.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, NotFound, field_message

ORDER_NOT_FOUND = ErrorCode(NotFound, "order_not_found", _("No such order in this store."))


ORDER_REFERENCE_MISSING = field_message(_("Give order_id or order_number."))
ORDER_NUMBER_AMBIGUOUS = field_message(
    _("Several channels have this order number; name the channel.")
)
UNKNOWN_CHANNEL = field_message(
    _("Unknown channel '%(code)s'; this store's channel codes: %(codes)s.")
)
UNKNOWN_CHANNEL_NONE = field_message(
    _("Unknown channel '%(code)s'; this store has no sales channel yet: create one first.")
)
ORDER_TWICE_IN_BATCH = field_message(
    _("Order %(number)s of channel %(channel)s is already in this batch as orders.%(index)s.")
)
LINE_NUMBER_TWICE = field_message(
    _("Line number %(number)s is used twice in this order (also by lines.%(index)s).")
)
QUANTITY_BELOW_CLAIMED = field_message(
    _("%(claimed)s unit(s) are claimed by returns; the quantity cannot drop below %(minimum)s.")
)
QUANTITY_BELOW_CLAIMED_AND_CANCELLED = field_message(
    _(
        "%(claimed)s unit(s) are claimed by returns and %(cancelled)s cancelled; the quantity "
        "cannot drop below %(minimum)s."
    )
)
PAID_TOTAL_MISMATCH = field_message(
    _(
        "%(paid_total)s does not add up: the lines' paid amounts (%(items_total)s) plus the "
        "shipping fee (%(shipping_fee)s) make %(expected)s."
    )
)
DELIVERED_BEFORE_SHIPPED = field_message(
    _("The delivery (%(delivered)s) is before the shipment (%(shipped)s).")
)
