"""Every event type, logistics kind, status cause and policy code is worded in Korean and English.

The cases are enumerated from the code (``EventType``, ``LogisticsKind``, ``Action``,
``StatusCause`` with ``timeline.LOGISTICS_FACTS``/``CAUSE_FACTS``/``CAUSE_ACTIONS``, and
``policy.types.PROBLEM_PARAMS``/``NOTE_PARAMS``), so a new kind or code without words fails
here. The Korean words come from the committed catalogue (``locale/ko``): a new English text
fails until it is translated and compiled. The sample facts are in neither language (ASCII
names and numbers), so the Hangul a Korean rendering must show can only come from the
catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.utils import translation

from banpum.logistics.models import PickupException
from banpum.policy.texts import note_text, problem_text
from banpum.policy.types import NOTE_PARAMS, PROBLEM_PARAMS
from banpum.returns.events import LogisticsKind, StatusCause
from banpum.returns.models import EventType, ReturnEvent
from banpum.returns.timeline import (
    BOOKING_ERRORS,
    CAUSE_ACTIONS,
    CAUSE_FACTS,
    EXCEPTION_LABELS,
    LOGISTICS_FACTS,
    event_text,
)
from banpum.returns.transitions import Action

# A value for every fact and param name, in neither language.
SAMPLES: dict[str, Any] = {
    "carrier": "kr.cjlogistics",
    "carrier_names": {"ko": "CJ", "en": "CJ"},
    "carrier_phone": "1588-1255",
    "account_id": 3,
    "instructions": "",
    "return_to": {"name": "RC", "phone": "031-123-4567", "address": "(17383) B-2"},
    "pickup_id": 7,
    "previous_pickup_id": 6,
    "pickup_ids": [6, 7],
    "waybill_number": "612345678901",
    "error": "address_not_found",
    "attempts": 8,
    "said": "E-42",
    "exception_code": "customer_absent",
    "problems": [{"code": "no_lines", "field": "lines", "params": {}}],
    "method": "self_ship",
    # policy params
    "reason_code": "x_reason",
    "reason_ko": "X",
    "reason_en": "X",
    "resolution": "store_credit",
    "order_line_id": 41,
    "available": 1,
    "delivered": 3,
    "claimed": 2,
    "until": "2026-09-28",
    "condition": "used",
    "fault": "carrier",
    "amount": 5000,
    "hold_reason": "photos_missing",
    "payer": "buyer",
    # fraud signals
    "returns": 4,
    "orders": 6,
    "ratio": 0.67,
    "window_days": 180,
    "kind": "phone",
    "signals": [{"code": "blocklisted", "params": {"kind": "email"}}],
}


def _event(type: str, data: dict[str, Any], **fields: Any) -> ReturnEvent:
    return ReturnEvent(type=type, data=data, note="", **fields)


def _facts(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: SAMPLES[name] for name in names}


def _text(event_type: str, data: dict[str, Any]) -> str:
    return event_text(_event(event_type, data))


def _cases() -> list[tuple[str, Callable[[], str]]]:
    cases: list[tuple[str, Callable[[], str]]] = []

    def add(name: str, render: Callable[[], str]) -> None:
        cases.append((name, render))

    for event_type in EventType:
        samples: dict[EventType, dict[str, Any]] = {
            EventType.CREATED: {"origin": "api"},
            EventType.STATUS_CHANGED: {"action": "approve"},
            EventType.NOTE_ADDED: {},
            EventType.LOGISTICS: {"kind": "no_carrier"},
            EventType.FEE_SETTLED: {"fee_settlement": "waived", "amount": 3000},
        }
        data = samples[event_type]
        add(f"type:{event_type}", partial(_text, event_type, data))
    add(
        "type:status_changed:unknown_action",
        lambda: event_text(
            _event(
                EventType.STATUS_CHANGED,
                {"action": "teleport"},
                from_status="requested",
                to_status="approved",
            )
        ),
    )
    for kind in LogisticsKind:
        facts = {"kind": kind.value, **_facts(LOGISTICS_FACTS[kind])}
        add(f"logistics:{kind}", partial(_text, EventType.LOGISTICS, facts))
        if "carrier" in facts:
            bare = {k: v for k, v in facts.items() if k not in ("carrier", "carrier_names")}
            add(
                f"logistics:{kind}:no_carrier_named",
                partial(_text, EventType.LOGISTICS, bare),
            )
    for error in BOOKING_ERRORS:
        facts = {"kind": "pickup_failed", **_facts(LOGISTICS_FACTS[LogisticsKind.PICKUP_FAILED])}
        facts["error"] = error
        add(
            f"logistics:pickup_failed:{error}",
            partial(_text, EventType.LOGISTICS, facts),
        )
    for code in EXCEPTION_LABELS:
        facts = {"kind": "pickup_exception", "exception_code": code}
        add(
            f"logistics:pickup_exception:{code}",
            partial(_text, EventType.LOGISTICS, facts),
        )
    for action in Action:
        data = {"action": action.value, "hold_reason": "photos_missing"}
        add(f"action:{action}", partial(_text, EventType.STATUS_CHANGED, data))
    for cause in StatusCause:
        for action in CAUSE_ACTIONS[cause]:
            data = {"action": action.value, "cause": cause.value, **_facts(CAUSE_FACTS[cause])}
            data.setdefault("hold_reason", "policy_exception")
            add(
                f"cause:{cause}:{action}",
                partial(_text, EventType.STATUS_CHANGED, data),
            )
    for code, names in PROBLEM_PARAMS.items():
        params = _facts(names)
        add(f"problem:{code}", partial(problem_text, code, params))
    for code, names in NOTE_PARAMS.items():
        params = _facts(names)
        add(f"note:{code}", partial(note_text, code, params))
    return cases


CASES = _cases()
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z]{3,}")
SAMPLE_WORDS = set(WORD.findall(repr(SAMPLES)))


def _words(render: Callable[[], str], language: str) -> str:
    with translation.override(language):
        return render()


@pytest.mark.parametrize(("name", "render"), CASES, ids=[name for name, _ in CASES])
def test_worded_in_english_and_korean(name: str, render: Callable[[], str]) -> None:
    english, korean = _words(render, "en"), _words(render, "ko")
    for words in (english, korean):
        assert words.strip(), name
        assert "%(" not in words, words
        assert "{" not in words, words
    assert not HANGUL.search(english), english  # the samples are in neither language
    assert HANGUL.search(korean), f"not translated in locale/ko: {korean!r}"
    assert korean != english
    # A sentence half translated (its label in Korean, the rest in English) fails too.
    left_in_english = set(WORD.findall(english)) & set(WORD.findall(korean)) - SAMPLE_WORDS
    assert not left_in_english, f"partly translated in locale/ko: {korean!r}"


def test_the_cases_cover_every_code() -> None:
    names = {name for name, _ in CASES}
    assert {f"logistics:{kind}" for kind in LogisticsKind} <= names
    assert {f"action:{action}" for action in Action} <= names
    assert {f"type:{event_type}" for event_type in EventType} <= names
    assert {f"problem:{code}" for code in PROBLEM_PARAMS} <= names
    assert {f"note:{code}" for code in NOTE_PARAMS} <= names
    assert {name.split(":")[1] for name in names if name.startswith("cause:")} == set(StatusCause)


def test_exception_labels_are_the_pickup_exceptions() -> None:
    """The timeline's copy of the labels (returns cannot import logistics) stays complete."""
    assert set(EXCEPTION_LABELS) == set(PickupException.values)
    with translation.override("en"):
        assert {code: str(label) for code, label in EXCEPTION_LABELS.items()} == {
            code: str(label) for code, label in PickupException.choices
        }
