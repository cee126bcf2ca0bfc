"""Errors of pickups, waybills, labels and the tracking webhook, with the codes clients branch
on; templates are translated when raised (``ErrorCode``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import (
    Conflict,
    ErrorCode,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
    ValidationFailed,
    field_message,
)

PICKUP_NOT_FOUND = ErrorCode(NotFound, "pickup_not_found", _("No such pickup in this store."))
RETURNS_NOT_FOUND = ErrorCode(
    NotFound, "return_not_found", _("No return %(numbers)s in this store.")
)
PICKUP_ILLEGAL_TRANSITION = ErrorCode(
    Conflict, "illegal_transition", _("Cannot %(action)s a pickup that is %(status)s.")
)
CANCEL_ALREADY_ANSWERED = ErrorCode(
    Conflict, "illegal_transition", _("The carrier has already answered this cancel.")
)
WAYBILL_TAKEN = ErrorCode(
    Conflict, "waybill_taken", _("Waybill %(number)s of %(carrier)s belongs to another parcel.")
)
WAYBILL_BEING_REGISTERED = ErrorCode(
    Conflict,
    "waybill_taken",
    _("Waybill %(number)s is being registered by someone else; try again."),
)
PICKUP_NOT_FAILED = ErrorCode(
    Conflict,
    "pickup_not_failed",
    _("Only a pickup that failed or hit an exception can be requested again."),
)
RETURN_NOT_WAITING_FOR_PICKUP = ErrorCode(
    Conflict,
    "return_not_waiting_for_pickup",
    _("Return %(number)s is %(status)s; a pickup can only be re-requested while it waits for one."),
)
NOT_AWAITING_SHIPMENT = ErrorCode(
    Conflict,
    "not_awaiting_shipment",
    _("Return %(number)s is %(status)s; a waybill can be entered while it waits for the parcel."),
)
ALREADY_PICKED_UP = ErrorCode(
    Conflict,
    "already_picked_up",
    _("The parcel is already with the carrier; the return can no longer be cancelled."),
)
LABEL_NOT_AVAILABLE = ErrorCode(
    Conflict,
    "label_not_available",
    _(
        "Return %(number)s is %(status)s: a label is issued only while the parcel is "
        "to be sent back under a live pickup or waybill."
    ),
)
LABEL_NO_PICKUP = ErrorCode(
    Conflict,
    "label_no_pickup",
    _(
        "Return %(number)s has no live pickup or waybill yet: book a pickup or enter "
        "the waybill, then print its label."
    ),
)
# Raised with the code of the first refusal (label_not_available or label_no_pickup).
LABELS_REFUSED = ErrorCode(
    Conflict, "label_not_available", _("%(count)d of the returns may have no label: %(numbers)s.")
)
PREFERRED_DATE_PAST = field_message(_("Choose today (%(today)s) or a later day."))
WAYBILL_CARRIER_MISSING = field_message(_("Name the carrier of this waybill."))
UNKNOWN_CARRIER = field_message(_("Unknown carrier: %(code)s."))
WAYBILL_NUMBER_INVALID = field_message(_("Enter the waybill number: 6 to 30 letters or digits."))
LABEL_LAYOUT_INVALID = field_message(_("Choose A6 or A4."))
LABEL_NUMBERS_EMPTY = field_message(_("Choose at least one return."))

# The tracking webhook's refusals (answered by its view, not raised).
WEBHOOK_BAD_SIGNATURE = ErrorCode(
    Unauthorized, "bad_signature", _("Webhook refused: the signature does not verify.")
)
WEBHOOK_POST_ONLY = ErrorCode(
    MethodNotAllowed, "method_not_allowed", _("Send tracking events with POST.")
)
WEBHOOK_INVALID_BATCH = ErrorCode(
    ValidationFailed, "validation_error", _("The webhook body is not a valid event batch.")
)
WEBHOOK_NOT_JSON = field_message(_("The body is not JSON."))

# Outbound shipments (an exchange's replacement, refused goods sent back).
OUTBOUND_NOT_FOUND = ErrorCode(
    NotFound, "shipment_not_found", _("No such outbound shipment in this store.")
)
OUTBOUND_ILLEGAL_TRANSITION = ErrorCode(
    Conflict, "illegal_transition", _("Cannot %(action)s a shipment that is %(status)s.")
)
OUTBOUND_ALREADY_OPEN = ErrorCode(
    Conflict,
    "shipment_already_requested",
    _("Return %(number)s already has a shipment of this kind on its way."),
)

# The store's carrier accounts and selection rules (the office's settings pages).
ACCOUNT_NOT_FOUND = ErrorCode(
    NotFound, "carrier_account_not_found", _("No such carrier account in this store.")
)
RULE_NOT_FOUND = ErrorCode(
    NotFound, "carrier_rule_not_found", _("No such carrier rule in this store.")
)
ACCOUNT_NAME_EMPTY = field_message(_("Name the account, e.g. the carrier and the contract."))
ACCOUNT_CHOICE_UNKNOWN = field_message(_("Choose one of: %(choices)s."))
ACCOUNT_BASE_URL_INVALID = field_message(_("Enter an http(s) address, or leave it empty."))
ACCOUNT_BASE_URL_NOT_LOOPBACK = field_message(
    _("The simulator must run on this machine (http://127.0.0.1:<port> or localhost).")
)
ACCOUNT_BASE_URL_NEEDED = field_message(
    _("A simulator-linked account needs the simulator's address.")
)
ACCOUNT_DEFAULT_INACTIVE = field_message(_("An inactive account cannot be the default."))
ACCOUNT_POSTCODE_INVALID = field_message(_("Write the postcode in digits (5 for Korea)."))
BOX_CODE_INVALID = field_message(
    _("Box %(number)s: a code of lower-case letters, digits, - and _, once per account.")
)
BOX_FARE_INVALID = field_message(_("Box %(number)s: the fare is a whole number of won, 0 or more."))
BOX_LABEL_EMPTY = field_message(_("Box %(number)s: give it a label."))
RULE_PRIORITY_INVALID = field_message(_("A priority from 0 to 100000; lower comes first."))
RULE_POSTCODE_PREFIX_INVALID = field_message(_("Postcode prefixes are digits: %(value)s is not."))
RULE_REASON_UNKNOWN = field_message(
    _("The active policy has no reason %(value)s; choose among its reasons.")
)
RULE_BOX_SIZE_UNKNOWN = field_message(_("The account has no box size %(value)s."))
