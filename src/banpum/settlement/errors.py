"""Errors of refunds, store credit, payment settings and exchanges, with the codes clients
branch on; templates are translated when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, PayloadTooLarge, field_message

REFUND_NOT_FOUND = ErrorCode(NotFound, "refund_not_found", _("No such refund in this store."))
CUSTOMER_NOT_FOUND = ErrorCode(NotFound, "customer_not_found", _("No such customer in this store."))
REFUND_ILLEGAL_TRANSITION = ErrorCode(
    Conflict, "illegal_transition", _("Cannot %(action)s a refund that is %(status)s.")
)
REFUND_EXCEEDS_PAID = ErrorCode(
    Conflict,
    "refund_exceeds_paid",
    _("This refund of %(amount)s would exceed what is left to refund (%(left)s)."),
)
NOTHING_TO_REFUND = ErrorCode(
    Conflict, "nothing_to_refund", _("Return %(number)s has nothing left to refund.")
)
RETURN_NOT_REFUNDABLE = ErrorCode(
    Conflict,
    "return_not_refundable",
    _("Return %(number)s is %(status)s; it cannot be refunded now."),
)
REFUND_NOT_RETRYABLE = ErrorCode(
    Conflict, "refund_not_retryable", _("Only a failed refund can be retried.")
)
STORE_CREDIT_SHORT = ErrorCode(
    Conflict,
    "store_credit_insufficient",
    _("The store credit balance (%(balance)s) is less than %(amount)s."),
)
FEE_NOT_OUTSTANDING = ErrorCode(
    Conflict, "fee_not_outstanding", _("Return %(number)s has no outstanding return fee.")
)
NO_CUSTOMER = ErrorCode(
    Conflict, "no_customer", _("This order has no customer to hold store credit.")
)
AMOUNT_POSITIVE = field_message(_("must be a positive amount"))
REASON_NOTE_NEEDED = field_message(_("say why in a note when the reason is 'other'"))
BASE_URL_NOT_LOOPBACK = field_message(
    _("the simulator must run on this machine (http://127.0.0.1:<port> or localhost)")
)
SECRET_KEY_NEEDED = field_message(_("must not be empty"))
TEXT_NEEDED = field_message(_("must not be empty"))
FEE_SETTLE_HOW = field_message(_("one of: enclosed, transferred, charged"))

# --- bank transfers -------------------------------------------------------------------------

REFUND_ACCOUNT_NOT_FOUND = ErrorCode(
    NotFound, "refund_account_not_found", _("Return %(number)s has no refund account yet.")
)
TRANSFER_BATCH_NOT_FOUND = ErrorCode(
    NotFound, "transfer_batch_not_found", _("No such transfer batch in this store.")
)
NOTHING_TO_TRANSFER = ErrorCode(
    Conflict,
    "nothing_to_transfer",
    _("No refund awaits a bank transfer with an account and outside any batch."),
)
TRANSFER_REFUNDS_UNAVAILABLE = ErrorCode(
    Conflict,
    "transfer_refunds_unavailable",
    _(
        "Refund(s) %(ids)s cannot go into a batch: each must await a bank transfer, have an "
        "account and not be in another batch."
    ),
)
TRANSFER_BATCH_RACE = ErrorCode(
    Conflict,
    "transfer_batch_race",
    _("Another batch took some of these refunds at the same time; create the batch again."),
)
TRANSFER_BATCH_CONFIRMED = ErrorCode(
    Conflict,
    "transfer_batch_confirmed",
    _("Transfer batch %(batch)s is already confirmed (%(status)s); nothing was changed."),
)
TRANSFER_ITEM_DECIDED = ErrorCode(
    Conflict,
    "transfer_item_decided",
    _("Refund %(refund)s is already recorded as %(outcome)s in this batch; nothing was changed."),
)
TRANSFER_FILE_TOO_LARGE = ErrorCode(
    PayloadTooLarge,
    "transfer_file_too_large",
    _("The result file is larger than %(limit)s bytes."),
)
TRANSFER_CSV_UNWRITABLE = ErrorCode(
    Conflict,
    "transfer_csv_unwritable",
    _("A name in this batch cannot be written in the bank's CSV encoding; download the .xlsx."),
)
TRANSFER_NOT_IN_BATCH = field_message(_("Refund %(refund)s is not in this batch."))
TRANSFER_BOTH_PAID_AND_FAILED = field_message(_("Refund %(refund)s is both paid and failed."))
TRANSFER_NOTHING_CONFIRMED = field_message(_("Name at least one paid or failed refund."))

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
