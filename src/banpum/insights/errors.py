"""Errors of the insights API, with the codes clients branch on; templates are translated when
raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, NotFound, field_message

REPORT_NOT_FOUND = ErrorCode(
    NotFound, "insight_not_found", _("No such report (see GET /api/v1/insights/ for the list).")
)
DATE_RANGE_REVERSED = field_message(_("must be on or before date_to"))
DATE_RANGE_TOO_LONG = field_message(_("the range can span at most %(years)s years"))
DATE_OUT_OF_RANGE = field_message(_("must be a date between %(first)s and %(last)s"))
