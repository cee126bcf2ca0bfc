"""Errors of settlement, with the codes clients branch on; templates are translated when raised.

Sections: exchanges (below). The refunds section is merged in beside it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, field_message

# --- exchanges ------------------------------------------------------------------------------

EXCHANGE_NOT_FOUND = ErrorCode(
    NotFound, "exchange_not_found", _("Return %(number)s has no exchange yet.")
)
EXCHANGE_NOT_AN_EXCHANGE = ErrorCode(
    Conflict, "not_an_exchange", _("Return %(number)s is a refund, not an exchange.")
)
EXCHANGE_ILLEGAL_TRANSITION = ErrorCode(
    Conflict, "illegal_transition", _("Cannot %(action)s an exchange that is %(status)s.")
)
EXCHANGE_LINES_FIXED = ErrorCode(
    Conflict,
    "exchange_lines_fixed",
    _("The replacement of return %(number)s is already reserved or on its way."),
)
EXCHANGE_OUT_OF_STOCK = ErrorCode(
    Conflict,
    "out_of_stock",
    _("Not enough %(sku)s in stock for the exchange: %(available)s available, %(wanted)s wanted."),
)
EXCHANGE_UNKNOWN_SKU = field_message(_("No product %(sku)s in this store."))
EXCHANGE_NOT_A_VARIANT = field_message(
    _("%(sku)s is not a variant of %(product)s: choose the same product or one of its options.")
)
EXCHANGE_UNKNOWN_LINE = field_message(_("Line %(line)s is not a line of this return."))
EXCHANGE_QUANTITY_ABOVE_LINE = field_message(
    _("At most %(maximum)s: the return line has %(maximum)s unit(s).")
)
EXCHANGE_LINE_TWICE = field_message(_("Line %(line)s is given twice."))
EXCHANGE_NO_LINES = field_message(_("Choose at least one replacement."))
EXCHANGE_CONSENT_MISSING = field_message(
    _("Write down how the customer agreed to a refund instead (the consent).")
)
