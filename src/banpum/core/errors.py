"""One error model for services, the API and the CLI.

A service raises ``ApplicationError`` (or a subclass) with a stable machine code, a message a
person can act on, and optional ``extra`` data; field errors go under ``extra["fields"]``.
The API turns it into ``{"code", "message", "extra"}`` with the subclass's HTTP status.
"""

from __future__ import annotations

from typing import Any


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
            message = f"{path}: {messages[0]}" if path and messages else "Invalid input."
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
