"""Errors of receiving, inspection and stock, with the codes clients branch on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, ValidationFailed

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
