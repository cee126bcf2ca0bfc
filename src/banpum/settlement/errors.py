"""Errors of refunds, store credit and payment settings, with the codes clients branch on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, field_message

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
BASE_URL_NEEDED = field_message(_("the simulator needs its base URL"))
SECRET_KEY_NEEDED = field_message(_("must not be empty"))
TEXT_NEEDED = field_message(_("must not be empty"))
FEE_SETTLE_HOW = field_message(_("one of: enclosed, transferred, charged"))
