"""Errors the order services and the file importer raise, with the codes clients branch on.

Templates are translated when raised (``ErrorCode``); field messages carry the
``validation_error`` code of the request they refuse.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, NotFound, ValidationFailed, field_message

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

# The order file importer (``banpum import-orders``): file problems, then cell problems.
IMPORT_FAILED = ErrorCode(
    ValidationFailed,
    "import_failed",
    _("%(count)s problem(s) in %(source)s; nothing was imported."),
)
IMPORT_ROW_PROBLEM = field_message(_("row %(row)s, %(column)s: %(message)s"))
IMPORT_NOT_TEXT = field_message(
    _("%(name)s is not UTF-8 or CP949 (EUC-KR) text; save it as 'CSV UTF-8' and try again.")
)
IMPORT_NOT_XLSX = field_message(_("%(name)s is not a readable .xlsx file (%(error)s)."))
IMPORT_OLD_XLS = field_message(
    _("%(name)s is an old-style Excel file (.xls); save it as .xlsx or CSV.")
)
IMPORT_UNKNOWN_TYPE = field_message(_("Cannot import '%(kind)s' files; use .csv or .xlsx."))
IMPORT_HEADER_UNUSABLE = field_message(_("The header row is not usable: %(problems)s"))
IMPORT_COLUMNS_SAME = field_message(_("columns '%(first)s' and '%(second)s' both mean %(name)s"))
IMPORT_COLUMNS_MISSING = field_message(
    _("missing required column(s): %(missing)s (the header row has: %(found)s)")
)
IMPORT_EMPTY = field_message(_("The file is empty: it needs a header row and one row per line."))
IMPORT_NO_LINES = field_message(_("%(name)s has a header row but no order lines."))
IMPORT_WHOLE_NUMBER = field_message(_("must be a whole number"))
IMPORT_NO_DECIMALS = field_message(_("must be a whole number (no decimals), not %(value)s"))
IMPORT_NOT_A_NUMBER = field_message(_("must be a whole number, not '%(value)s'"))
IMPORT_NEGATIVE = field_message(_("must not be negative"))
IMPORT_TOO_SMALL = field_message(_("must be at least %(minimum)s"))
IMPORT_NOT_DATETIME = field_message(
    _("is not a date and time (write 2024-05-01 13:45), not '%(value)s'")
)
IMPORT_NOT_BOOL = field_message(_("must be yes or no (Y/N, true/false, 1/0), not '%(value)s'"))
IMPORT_REQUIRED = field_message(_("is required"))
IMPORT_NOT_DATETIME_BARE = field_message(_("is not a date and time"))
IMPORT_TOO_LONG = field_message(_("must be at most %(max_length)s characters"))
IMPORT_TOO_MANY_LINES = field_message(_("an order can have at most %(max_length)s lines"))
IMPORT_ORDER_VALUE_DIFFERS = field_message(
    _(
        "'%(value)s' differs from row %(row)s of the same order ('%(current)s'); repeat the "
        "order's value or leave the cell blank"
    )
)

# Product options (variants): ``commerce.options.OptionsError`` kinds, worded for the seller.
OPTIONS_NOT_A_DICT = field_message(_("must be an object of option names and values"))
OPTIONS_TOO_MANY = field_message(_("at most %(maximum)s options"))
OPTIONS_NOT_TEXT = field_message(_("option '%(name)s': names and values must be text"))
OPTIONS_EMPTY = field_message(_("option '%(name)s' has an empty name or value"))
OPTIONS_NAME_TOO_LONG = field_message(
    _("option name '%(name)s' is longer than %(maximum)s characters")
)
OPTIONS_VALUE_TOO_LONG = field_message(
    _("the value of option '%(name)s' is longer than %(maximum)s characters")
)
OPTIONS_TWICE = field_message(_("option '%(name)s' is given twice"))
OPTIONS_PAIR_WITHOUT_VALUE = field_message(
    _("'%(part)s' is not name=value; write 색상=검정;사이즈=M or 검정/M")
)
OPTION_GROUP_NOT_TEXT = field_message(_("the option group must be text"))
OPTION_GROUP_TOO_LONG = field_message(_("the option group is longer than %(maximum)s characters"))
OPTIONS_MESSAGES = {
    "not_a_dict": OPTIONS_NOT_A_DICT,
    "too_many": OPTIONS_TOO_MANY,
    "not_text": OPTIONS_NOT_TEXT,
    "empty": OPTIONS_EMPTY,
    "name_too_long": OPTIONS_NAME_TOO_LONG,
    "value_too_long": OPTIONS_VALUE_TOO_LONG,
    "twice": OPTIONS_TWICE,
    "pair_without_value": OPTIONS_PAIR_WITHOUT_VALUE,
    "group_not_text": OPTION_GROUP_NOT_TEXT,
    "group_too_long": OPTION_GROUP_TOO_LONG,
}
PRODUCT_NOT_FOUND = ErrorCode(NotFound, "product_not_found", _("No product %(sku)s in this store."))
