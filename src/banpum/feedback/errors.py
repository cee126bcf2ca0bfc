"""Errors of the shoppers' survey, with the codes clients branch on; templates are translated
when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, field_message

FEEDBACK_NOT_FOUND = ErrorCode(
    NotFound, "feedback_not_found", _("Return %(number)s has no feedback yet.")
)
FEEDBACK_ALREADY_GIVEN = ErrorCode(
    Conflict,
    "feedback_already_given",
    _("Feedback on return %(number)s was already given; it can be given once."),
)
RETURN_NOT_DONE = ErrorCode(
    Conflict,
    "feedback_return_not_done",
    _("Return %(number)s is not finished yet; the survey opens once it is refunded or completed."),
)

RATING_RANGE = field_message(_("choose a rating from 1 to 5"))
TAG_UNKNOWN = field_message(_("%(tag)s is not one of the choices"))
TAGS_NOT_A_LIST = field_message(_("must be a list of choices"))
COMMENT_TOO_LONG = field_message(_("keep it to %(most)s characters (this one has %(count)s)"))
COMMENT_NOT_TEXT = field_message(_("must be text"))
