"""Product options (variants): what one SKU of a style is, as a flat dict of short strings.

A variant is a ``Product`` with its own SKU and barcode; siblings share ``option_group`` (the
style code). Sellers' exports write options as ``색상=검정;사이즈=M`` or, without names, as
``검정/M``; both read into ``{"색상": "검정", "사이즈": "M"}`` (names ``옵션1``, ``옵션2`` … when
the cell gives none). Pure functions: the API schema and the file importer share them.
"""

from __future__ import annotations

import re
from typing import Any

MAX_OPTIONS = 5
MAX_NAME = 30
MAX_VALUE = 50
MAX_GROUP = 64
_PAIR_SEPARATORS = re.compile(r"\s*[;,]\s*")
_NAME_VALUE = re.compile(r"\s*[=:]\s*")
_UNNAMED = re.compile(r"\s*/\s*")


class OptionsError(ValueError):
    """Why options were refused: ``kind`` names the message, ``params`` fill it."""

    def __init__(self, kind: str, **params: Any) -> None:
        super().__init__(kind)
        self.kind = kind
        self.params = params


def unnamed_option(position: int) -> str:
    return f"옵션{position}"


def options_clean(value: Any) -> dict[str, str]:
    """A flat dict of short strings, trimmed; anything else is refused with its reason."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OptionsError("not_a_dict")
    if len(value) > MAX_OPTIONS:
        raise OptionsError("too_many", maximum=MAX_OPTIONS)
    cleaned: dict[str, str] = {}
    for raw_name, raw_value in value.items():
        if not isinstance(raw_name, str) or not isinstance(raw_value, str):
            raise OptionsError("not_text", name=str(raw_name))
        name, text = raw_name.strip(), raw_value.strip()
        if not name or not text:
            raise OptionsError("empty", name=name or "?")
        if len(name) > MAX_NAME:
            raise OptionsError("name_too_long", name=name[:MAX_NAME], maximum=MAX_NAME)
        if len(text) > MAX_VALUE:
            raise OptionsError("value_too_long", name=name, maximum=MAX_VALUE)
        if name in cleaned:
            raise OptionsError("twice", name=name)
        cleaned[name] = text
    return cleaned


def options_parse(text: str) -> dict[str, str]:
    """``색상=검정;사이즈=M`` (also ``:`` and ``,``) or ``검정/M``; blank is no options."""
    text = text.strip()
    if not text:
        return {}
    if "=" in text or ":" in text:
        pairs: dict[str, str] = {}
        for part in _PAIR_SEPARATORS.split(text):
            if not part:
                continue
            name, *value = _NAME_VALUE.split(part, maxsplit=1)
            if not value or not name.strip():
                raise OptionsError("pair_without_value", part=part)
            if name.strip() in pairs:
                raise OptionsError("twice", name=name.strip())
            pairs[name.strip()] = value[0].strip()
        return options_clean(pairs)
    values = _UNNAMED.split(text)
    if any(not part for part in values):
        raise OptionsError("empty", name=text)
    return options_clean({unnamed_option(i): v for i, v in enumerate(values, start=1)})


def option_group_clean(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OptionsError("group_not_text")
    value = value.strip()
    if len(value) > MAX_GROUP:
        raise OptionsError("group_too_long", maximum=MAX_GROUP)
    return value


def options_label(options: dict[str, str]) -> str:
    """``검정 / M``: how a variant is shown beside its product name."""
    return " / ".join(options.values())
