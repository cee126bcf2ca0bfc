"""Errors of receiving, inspection and stock, with the codes clients branch on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import (
    Conflict,
    ErrorCode,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
    field_message,
)

STOCK_LOCATION_NOT_FOUND = ErrorCode(
    NotFound, "stock_location_not_found", _("No stock location %(code)s in this store.")
)
STOCK_NOT_ENOUGH = ErrorCode(
    Conflict,
    "stock_not_enough",
    _("Only %(available)s of %(sku)s are available at %(location)s; %(wanted)s were asked for."),
)
STOCK_NOTHING_TO_MOVE = ErrorCode(
    ValidationFailed, "validation_error", _("A stock movement must change something.")
)
STOCK_PRODUCT_OTHER_STORE = ErrorCode(
    NotFound, "product_not_found", _("No product %(sku)s in this store.")
)
STOCK_LOCATION_NOT_SELLABLE = field_message(
    _("%(location)s is not a sellable location: restocked units go to one that is.")
)
STOCK_SKU_NOT_FOUND = ErrorCode(
    NotFound, "product_not_found", _("No product %(sku)s in this store.")
)

# Receiving
SCAN_NOTHING_FOUND = ErrorCode(
    NotFound,
    "scan_not_found",
    _(
        "Nothing matches %(code)s: no waybill, return number or product barcode of this store. "
        "Register it as an unidentified parcel."
    ),
)
SCAN_EMPTY = field_message(_("Scan or type a code."))
ALREADY_RECEIVED = ErrorCode(
    Conflict,
    "already_received",
    _("Return %(number)s was already received on %(when)s by %(who)s."),
)
UNIDENTIFIED_NOT_FOUND = ErrorCode(
    NotFound, "unidentified_parcel_not_found", _("No unidentified parcel %(id)s in this store.")
)
UNIDENTIFIED_ALREADY_MATCHED = ErrorCode(
    Conflict,
    "unidentified_parcel_matched",
    _("This parcel was already matched to return %(number)s."),
)
UNIDENTIFIED_EMPTY = field_message(
    _("Give the scanned code, the sender's name or phone, or a note.")
)

# Inspection
NOT_INSPECTABLE = ErrorCode(
    Conflict,
    "not_inspectable",
    _("Return %(number)s cannot be inspected while it is %(status)s: receive it first."),
)
INSPECTION_NOT_FOUND = ErrorCode(
    NotFound, "inspection_not_found", _("Return %(number)s has not been inspected yet.")
)
LINE_NOT_IN_RETURN = field_message(_("Line %(line_id)s is not a line of this return."))
LINE_TWICE = field_message(_("Line %(line_id)s is given twice."))
LINE_NOT_COVERED = field_message(_("Every line must be inspected; line %(line_id)s is missing."))
RECEIVED_OVER_REQUESTED = field_message(
    _("At most %(requested)s units of this line were returned; record an extra item in the note.")
)
ACCEPTED_OVER_RECEIVED = field_message(
    _("Cannot accept more units (%(accepted)s) than were received (%(received)s).")
)
OUTCOME_MISMATCH = field_message(
    _("A line with no accepted unit is rejected; one with accepted units is accepted.")
)
REJECT_REASON_MISSING = field_message(
    _("Say why units were refused or are missing (reject_reason).")
)
DEDUCTION_REASON_MISSING = field_message(
    _("A deduction needs a lawful reason: the customer must have reduced the goods' value.")
)
DEDUCTION_WITHOUT_OUTCOME = field_message(
    _("A deduction is made only with the outcome accept_with_deduction, and is then above 0.")
)
DEDUCTION_OVER_PAID = field_message(
    _("The deduction may not exceed %(paid)s, what was paid for the accepted units.")
)
DEDUCTION_RESELLABLE = field_message(
    _(
        "Grade A goods are resellable: the customer caused no loss of value, so no deduction "
        "may be made."
    )
)
DISPOSITIONS_NOT_SUMMING = field_message(
    _("The dispositions cover %(given)s units; %(received)s were received.")
)
REFUSED_UNITS_NOT_RETURNED = field_message(
    _("The %(refused)s refused units go back to the customer (return_to_customer).")
)
RESTOCK_GRADE = field_message(_("Only grade A or B units can be restocked as sellable."))
RESTOCK_NO_PRODUCT = field_message(
    _("This line has no product in the catalogue, so it cannot be restocked.")
)
FEE_CONFIRMATION_MISSING = field_message(
    _("Say whether the return fee of %(amount)s was received (fee.received).")
)

# Photos
PHOTO_NOT_AN_IMAGE = field_message(_("Not a JPEG, PNG or WebP image."))
PHOTO_TOO_MANY_PIXELS = field_message(_("The image is too large (over %(limit)s pixels)."))
PHOTO_TOO_LARGE = ErrorCode(
    PayloadTooLarge,
    "photo_too_large",
    _("%(name)s is larger than %(limit)s bytes: send a smaller photo."),
)
PHOTO_NONE = field_message(_("Send at least one photo."))
PHOTO_NOT_FOUND = ErrorCode(NotFound, "photo_not_found", _("No photo %(id)s in this store."))
RETURN_LINE_NOT_FOUND = ErrorCode(
    NotFound, "return_line_not_found", _("Return %(number)s has no line %(line_id)s.")
)
BOXES_NOT_POSITIVE = field_message(_("At least one box is received per scan."))
LOCATION_UNKNOWN = field_message(_("No stock location %(code)s in this store."))
