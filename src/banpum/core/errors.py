"""One error model for services, the API and the CLI.

A service raises ``ApplicationError`` (or a subclass) with a stable machine code, a message a
person can act on, and optional ``extra`` data; field errors go under ``extra["fields"]``.
The API turns it into ``{"code", "message", "extra"}`` with the subclass's HTTP status.

Messages follow the active language (Korean by default, the request's ``Accept-Language`` in
the API): each app lists its errors once in its ``errors.py`` as ``ErrorCode``s, a stable code
with a translatable template rendered when raised, so a test can render every one of them in
every language and a client can branch on the code whatever the language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "extra": self.extra}


class ValidationFailed(ApplicationError):
    """Input that cannot be accepted; ``extra["fields"]`` maps field paths to messages."""

    status_code = 422
    default_code = "validation_error"

    @classmethod
    def for_fields(cls, fields: dict[str, list[str]], message: str = "") -> ValidationFailed:
        if not message:
            path, messages = next(iter(fields.items()), ("", []))
            message = f"{path}: {messages[0]}" if path and messages else INVALID_INPUT.render()
        return cls(message, extra={"fields": fields})


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    """The request is valid but the object's current state forbids it (e.g. an illegal move)."""

    status_code = 409
    default_code = "conflict"


class PermissionDenied(ApplicationError):
    status_code = 403
    default_code = "forbidden"


class Unauthorized(ApplicationError):
    status_code = 401
    default_code = "unauthorized"


class BadRequest(ApplicationError):
    status_code = 400
    default_code = "bad_request"


class MethodNotAllowed(ApplicationError):
    status_code = 405
    default_code = "method_not_allowed"


class TooManyRequests(ApplicationError):
    """Allowed, but not this often: the caller waits and tries again."""

    status_code = 429
    default_code = "too_many_requests"


class PayloadTooLarge(ApplicationError):
    status_code = 413
    default_code = "payload_too_large"


class ServerError(ApplicationError):
    status_code = 500
    default_code = "server_error"


_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


@dataclass(frozen=True)
class ErrorCode:
    """One error clients may see: its stable ``code``, its class (hence HTTP status) and its
    message as a lazy ``%(name)s`` template, translated in the language active when raised.

    Field messages are entries too (``code`` is then the class's, e.g. ``validation_error``):
    ``raise NOTE_EMPTY.field("note")``; several at once with ``render()``.
    """

    kind: type[ApplicationError]
    code: str
    template: str | Promise

    def render(self, **params: Any) -> str:
        text = str(self.template)
        return text % params if params else text

    def __call__(self, *, extra: dict[str, Any] | None = None, **params: Any) -> ApplicationError:
        return self.kind(self.render(**params), code=self.code, extra=extra)

    def field(self, path: str, **params: Any) -> ValidationFailed:
        return ValidationFailed.for_fields({path: [self.render(**params)]})

    def placeholders(self) -> dict[str, str]:
        """The template's ``%(name)s``/``%(name)d`` params, for tests that render every code."""
        return dict(_PLACEHOLDER.findall(str(self.template)))


def field_message(template: str | Promise) -> ErrorCode:
    """A catalogue entry for a field message (``extra.fields``) of a refused input."""
    return ErrorCode(ValidationFailed, "validation_error", template)


def catalogue(namespace: dict[str, Any]) -> dict[str, ErrorCode]:
    """The ``ErrorCode``s a module defines, by name: pass ``globals()`` or ``vars(module)``."""
    return {name: value for name, value in namespace.items() if isinstance(value, ErrorCode)}


# The API's own answers, before or around any service: the edges render these.
UNAUTHORIZED = ErrorCode(
    Unauthorized, "unauthorized", _("Send a valid API key as 'Authorization: Bearer <key>'.")
)
NOT_FOUND = ErrorCode(NotFound, "not_found", _("Not found."))
NO_SUCH_ENDPOINT = ErrorCode(NotFound, "not_found", _("No such endpoint."))
ENDPOINT_NOT_FOUND = ErrorCode(NotFound, "endpoint_not_found", _("No API endpoint at /%(path)s."))
METHOD_NOT_ALLOWED = ErrorCode(
    MethodNotAllowed, "method_not_allowed", _("This method is not allowed here.")
)
INVALID_JSON = ErrorCode(BadRequest, "invalid_json", _("The body is not valid JSON."))
INVALID_MULTIPART = ErrorCode(
    BadRequest,
    "invalid_multipart",
    _("The body is not valid multipart/form-data (a boundary is missing or the parts are broken)."),
)
BAD_REQUEST = ErrorCode(
    BadRequest, "bad_request", _("The request is malformed or its Host is not served.")
)
PAYLOAD_TOO_LARGE = ErrorCode(
    PayloadTooLarge,
    "payload_too_large",
    _("The request body is larger than %(limit)s bytes; send less per call."),
)
FORBIDDEN = ErrorCode(PermissionDenied, "forbidden", _("You may not do this."))
SERVER_ERROR = ErrorCode(ServerError, "server_error", _("Something went wrong on our side."))
INVALID_INPUT = ErrorCode(ValidationFailed, "validation_error", _("Invalid input."))
NUL_CHARACTER = field_message(_("must not contain the NUL character (U+0000)"))
