"""Filling a template's ``{variable}`` placeholders: pure, no ORM.

Templates are text a store manager edits, read by ``string.Formatter().parse``, never by
Django's template engine: a shopper's name or a carrier's words are values, not code, and no
attribute lookup, filter or tag runs. Only bare names declared for the event are placeholders
(``{{`` and ``}}`` are literal braces); anything else is refused when the template is saved
(``template_errors``). A value that is empty is written as ``-``: a message never shows a gap.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from banpum.notify import errors
from banpum.notify.catalogue import VARIABLES, NotifyEvent

EMPTY = "-"
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Rendered:
    """A message as it goes out: subject (email, LMS), text, and the values used."""

    subject: str
    text: str
    variables: Mapping[str, str]


def placeholders(text: str) -> list[str]:
    """The placeholder names of ``text`` in order; ValueError for malformed ones."""
    names: list[str] = []
    for _literal, name, spec, conversion in _FORMATTER.parse(text):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(name)
        names.append(name)
    return names


def template_errors(event: NotifyEvent, field: str, text: str) -> dict[str, list[str]]:
    """The field messages that refuse ``text`` for ``event`` (empty: it may be saved)."""
    try:
        names = placeholders(text)
    except ValueError:
        return {field: [errors.PLACEHOLDER_MALFORMED.render()]}
    allowed = VARIABLES[event]
    unknown = [name for name in dict.fromkeys(names) if name not in allowed]
    if unknown:
        listed = ", ".join(sorted(allowed))
        return {
            field: [
                errors.PLACEHOLDER_UNKNOWN.render(name=name, allowed=listed) for name in unknown
            ]
        }
    return {}


def render_text(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its value (``-`` when empty or missing)."""
    parts: list[str] = []
    for literal, name, _spec, _conversion in _FORMATTER.parse(text):
        parts.append(literal)
        if name is not None:
            parts.append(str(values.get(name) or "").strip() or EMPTY)
    return "".join(parts)


def render(subject: str, text: str, values: Mapping[str, str]) -> Rendered:
    return Rendered(render_text(subject, values), render_text(text, values), dict(values))


def alimtalk_template(text: str) -> str:
    """The text as registered at the provider: Solapi writes a variable ``#{name}``."""
    parts: list[str] = []
    for literal, name, _spec, _conversion in _FORMATTER.parse(text):
        parts.append(literal)
        if name is not None:
            parts.append("#{" + name + "}")
    return "".join(parts)


def alimtalk_variables(text: str, values: Mapping[str, str]) -> dict[str, str]:
    """The values of the placeholders ``text`` uses, filled as ``render_text`` fills them."""
    return {name: str(values.get(name) or "").strip() or EMPTY for name in placeholders(text)}
