"""``returns.timeline.event_text``: facts worded when shown; older rows keep their stored words."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from banpum.returns.models import EventType, ReturnEvent
from banpum.returns.timeline import carrier_name, event_text

CJ = {"carrier": "kr.cjlogistics", "carrier_names": {"ko": "CJ대한통운", "en": "CJ Logistics"}}


def _event(type: str, data: dict[str, Any], note: str = "", **fields: Any) -> ReturnEvent:
    return ReturnEvent(type=type, data=data, note=note, **fields)


@pytest.mark.parametrize(("language", "name"), [("ko", "CJ대한통운"), ("en", "CJ Logistics")])
def test_the_carrier_is_named_in_the_readers_language(language: str, name: str) -> None:
    event = _event(EventType.LOGISTICS, {"kind": "pickup_booked", "waybill_number": "6123", **CJ})
    with translation.override(language):
        assert carrier_name(event.data) == name
        assert name in event_text(event)


def test_a_carrier_without_stored_names_is_named_by_its_code() -> None:
    assert carrier_name({"carrier": "kr.hanjin"}) == "kr.hanjin"
    assert carrier_name({"carrier_names": {"ko": "", "en": "Hanjin"}}) != ""


@pytest.mark.parametrize(
    ("type", "data", "note"),
    [
        # Rows written before events carried their facts: the note was the text.
        (
            EventType.LOGISTICS,
            {"kind": "pickup_booked", "pickup_id": 1, "waybill_number": "6123"},
            "CJ대한통운 회수 접수: 송장 6123",
        ),
        (
            EventType.LOGISTICS,
            {"kind": "no_carrier"},
            "No active carrier account: set one up, then the pickup is booked.",
        ),
        (
            EventType.STATUS_CHANGED,
            {"action": "mark_in_transit", "pickup_id": 1, "waybill_number": "6123"},
            "집하 완료: 6123",
        ),
        (EventType.STATUS_CHANGED, {"action": "arrive"}, "반품 입고지 도착 — 검수 대기"),
        (
            EventType.STATUS_CHANGED,
            {"action": "request_pickup", "pickup_id": 1, "carrier": "kr.cjlogistics"},
            "Pickup requested from CJ대한통운: the store's default carrier → CJ",
        ),
        (
            EventType.STATUS_CHANGED,
            {"action": "await_shipment", "carrier": "kr.hanjin", "account_id": 2},
            "한진택배 1588-0011\n받는 분: 반품센터",
        ),
    ],
)
def test_older_rows_show_their_stored_words(type: str, data: dict[str, Any], note: str) -> None:
    for language in ("ko", "en"):
        with translation.override(language):
            assert event_text(_event(type, data, note)) == note


def test_a_persons_note_is_not_the_text() -> None:
    """A reject reason or a re-request note is shown beside the words, not instead of them."""
    rejected = _event(EventType.STATUS_CHANGED, {"action": "reject"}, "구성품 누락")
    again = _event(EventType.LOGISTICS, {"kind": "pickup_rerequested", **CJ}, "고객 통화: 다음 주")
    with translation.override("en"):
        assert event_text(rejected) == "Rejected."
        assert event_text(again) == "Pickup requested again from CJ Logistics."


def test_an_unknown_kind_or_action_never_fails() -> None:
    odd = _event(EventType.LOGISTICS, {"kind": "teleported"}, "")
    unknown = _event(
        EventType.STATUS_CHANGED,
        {"action": "teleport"},
        from_status="requested",
        to_status="approved",
    )
    with translation.override("en"):
        assert event_text(odd) == "teleported"
        assert event_text(unknown) == "Status changed: Requested → Approved."


def test_a_hold_of_an_older_row_without_problem_params_still_reads() -> None:
    """Problems stored before they carried params show ``?`` where a value is missing."""
    hold = _event(
        EventType.STATUS_CHANGED,
        {
            "action": "hold",
            "hold_reason": "policy_exception",
            "problems": [{"code": "window_expired", "field": "lines.0", "order_line_id": 3}],
        },
    )
    with translation.override("en"):
        assert event_text(hold) == (
            "On hold as a policy exception: Returns for this reason had to be requested by ?."
        )
