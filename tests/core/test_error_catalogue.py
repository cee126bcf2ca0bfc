"""Every error a client or a seller can see, rendered in both languages.

The catalogues are each app's ``errors.py`` (``ErrorCode`` entries), the field messages for
what pydantic refuses (``core.validation.MESSAGES``) and the verbs those messages use. A new
error added to a catalogue is checked here without touching this file.

The Korean checks (``translations`` marker) fail until the ``ko`` catalogue translates every
template: they are meant to, so an untranslated message cannot be merged.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest
from django.utils import translation

import banpum
from banpum.core.errors import ErrorCode, catalogue
from banpum.core.validation import MESSAGES
from banpum.returns.transitions import ACTION_VERBS

HANGUL = re.compile("[\uac00-\ud7a3]")


def _catalogues() -> dict[str, ErrorCode]:
    entries: dict[str, ErrorCode] = {}
    for app in pkgutil.iter_modules(banpum.__path__):
        if not app.ispkg:
            continue
        try:
            module = importlib.import_module(f"banpum.{app.name}.errors")
        except ModuleNotFoundError:
            continue
        for name, entry in catalogue(vars(module)).items():
            entries[f"{app.name}.{name}"] = entry
    for kind, entry in MESSAGES.items():
        entries[f"validation.{kind}"] = entry
    return entries


ENTRIES = _catalogues()


def _sample(entry: ErrorCode) -> dict[str, Any]:
    """Language-neutral values for the template's placeholders."""
    return {name: 3 if kind == "d" else f"<{name}>" for name, kind in entry.placeholders().items()}


def _render(entry: ErrorCode, language: str) -> str:
    with translation.override(language):
        error = entry(**_sample(entry))
        assert error.code == entry.code
        return error.message


def test_the_catalogues_cover_every_app_and_pydantic() -> None:
    apps = {key.split(".")[0] for key in ENTRIES}
    assert {"core", "accounts", "commerce", "logistics", "policy", "returns", "validation"} <= apps
    # A sample of codes clients branch on, each in its catalogue.
    codes = {entry.code for entry in ENTRIES.values()}
    assert {
        "unauthorized",
        "endpoint_not_found",
        "payload_too_large",
        "return_not_found",
        "order_not_found",
        "illegal_transition",
        "stale_version",
        "policy_missing",
        "forbidden",
        "waybill_taken",
        "label_no_pickup",
        "bad_signature",
    } <= codes


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_error_renders_in_english(key: str) -> None:
    message = _render(ENTRIES[key], "en")
    assert message.strip()
    assert "%(" not in message
    assert "{" not in message
    for name in ENTRIES[key].placeholders():
        assert f"<{name}>" in message or "3" in message


@pytest.mark.translations
@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_error_renders_in_korean(key: str) -> None:
    english, korean = _render(ENTRIES[key], "en"), _render(ENTRIES[key], "ko")
    assert korean.strip()
    assert "%(" not in korean
    assert HANGUL.search(korean), f"{key} is not translated: {korean!r}"
    assert korean != english
    for name in ENTRIES[key].placeholders():
        assert f"<{name}>" in korean or "3" in korean, f"{key} lost %({name})s"


@pytest.mark.translations
@pytest.mark.parametrize("action", sorted(ACTION_VERBS))
def test_every_action_verb_is_translated(action: str) -> None:
    with translation.override("ko"):
        korean = str(ACTION_VERBS[action])  # type: ignore[index]
    with translation.override("en"):
        english = str(ACTION_VERBS[action])  # type: ignore[index]
    assert HANGUL.search(korean)
    assert korean != english
