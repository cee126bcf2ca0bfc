"""Errors of message templates and the delivery log, with the codes clients branch on;
templates are translated when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, field_message

EVENT_UNKNOWN = field_message(_("%(event)s is not an event messages are sent for"))
CHANNEL_UNKNOWN = field_message(_("choose one of: %(choices)s"))
LANGUAGE_UNKNOWN = field_message(_("choose one of: %(choices)s"))
CHANNEL_NOT_FOR_EVENT = field_message(_("%(event)s is not sent by %(channel)s"))
PLACEHOLDER_UNKNOWN = field_message(
    _("%(name)s is not a variable of this message; use one of: %(allowed)s")
)
PLACEHOLDER_MALFORMED = field_message(
    _(
        "write a variable as its bare name in curly brackets, without format specs, "
        "indexes or stray brackets"
    )
)
TEXT_EMPTY = field_message(_("the text must not be empty"))
TEXT_TOO_LONG = field_message(_("keep this under %(maximum)s characters"))
SUBJECT_EMPTY = field_message(_("an email needs a subject"))
ALIMTALK_CODE_INVALID = field_message(_("a 알림톡 template code is 1–64 characters without spaces"))
MESSAGE_ILLEGAL_TRANSITION = ErrorCode(
    Conflict, "illegal_transition", _("Cannot %(action)s a message that is %(status)s.")
)
NOTHING_TO_APPROVE = ErrorCode(
    Conflict,
    "template_nothing_to_approve",
    _("Only a 알림톡 template edited since its approval can be marked approved."),
)
RETURN_NOT_FOUND = ErrorCode(NotFound, "return_not_found", _("No such return in this store."))
SENDER_PHONE_INVALID = field_message(
    _(
        "enter a Korean phone number the provider can send from: a mobile (010-1234-5678), "
        "a landline (02-123-4567), 070, or a 15xx/16xx/18xx number"
    )
)
SENDER_EMAIL_INVALID = field_message(_("enter an email address, e.g. help@example.com"))
