"""A service's refusal shown on the form that asked for it, next to the field it names.

Services raise ``ApplicationError``; a ``ValidationFailed`` carries its field messages under
``extra["fields"]`` by path (``amount``, ``lines.0.quantity_accepted``). A page maps those
paths to its form fields; whatever it cannot place is shown as the form's own error, so no
message is ever lost and none becomes a 500.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms

from banpum.core.errors import ApplicationError

# A path the service names → (the form, the field on it), or None to leave it to the caller.
Placer = Callable[[str], tuple[forms.Form, str | None] | None]


def field_messages(error: ApplicationError) -> dict[str, list[str]]:
    fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
    if not isinstance(fields, dict):
        return {}
    return {str(path): [str(m) for m in messages] for path, messages in fields.items()}


def form_error_add(
    form: forms.Form,
    error: ApplicationError,
    *,
    fields: dict[str, str] | None = None,
    default_field: str | None = None,
) -> None:
    """Put ``error`` on ``form``: each field message on the field of the same name (or as
    ``fields`` renames it); the rest, and a refusal without fields, on ``default_field`` (a
    refusal about one field, such as an amount above what is left) or as the form's own."""
    renames = fields or {}

    def place(path: str) -> tuple[forms.Form, str | None]:
        return form, _field_of(form, renames.get(path, path)) or default_field

    if not field_messages(error) and default_field is not None:
        form.add_error(default_field, error.message)
        return
    errors_place(error, place, fallback=form)


def errors_place(error: ApplicationError, place: Placer, *, fallback: forms.Form) -> None:
    """Put each field message where ``place`` says; the rest on ``fallback``."""
    messages = field_messages(error)
    if not messages:
        fallback.add_error(None, error.message)
        return
    for path, texts in messages.items():
        target = place(path)
        form, name = target if target is not None else (fallback, None)
        for text in texts:
            form.add_error(name, text)


def _field_of(form: forms.Form, name: str) -> str | None:
    return name if name in form.fields else None
