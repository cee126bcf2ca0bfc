"""POST /api/v1/returns/{number}/approve | hold | reject | cancel | notes"""

from __future__ import annotations

from typing import Any

import pytest

from banpum.policy.types import Method
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.returns.api.conftest import JsonClient
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


def _url(return_request: ReturnRequest, action: str) -> str:
    return f"/api/v1/returns/{return_request.number}/{action}"


def test_approve(client_json: JsonClient, order: Any) -> None:
    return_request = open_return(order)
    status, body = client_json.post(_url(return_request, "approve"), {"note": "OK", "version": 1})
    assert status == 200, body
    assert (body["status"], body["version"]) == ("approved", 2)
    last = [e for e in body["events"] if e["type"] == "status_changed"][-1]
    assert (last["to_status"], last["actor_type"], last["note"]) == ("approved", "api", "OK")
    # No carrier account yet: the timeline says why no pickup was booked.
    assert body["events"][-1]["data"]["kind"] == "no_carrier"


def test_approve_self_ship_waits_for_the_parcel(client_json: JsonClient, order: Any) -> None:
    return_request = open_return(order, method=Method.SELF_SHIP)
    status, body = client_json.post(_url(return_request, "approve"))
    assert status == 200, body
    assert (body["status"], body["version"]) == ("awaiting_shipment", 3)


def test_hold_with_reason(client_json: JsonClient, order: Any) -> None:
    return_request = open_return(order)
    status, body = client_json.post(
        _url(return_request, "hold"), {"reason": "return_fee_unpaid", "note": "배송비 미입금"}
    )
    assert status == 200, body
    assert (body["status"], body["hold_reason"]) == ("on_hold", "return_fee_unpaid")
    assert body["events"][-1]["note"] == "배송비 미입금"


def test_hold_without_reason_is_422(client_json_en: JsonClient, order: Any) -> None:
    return_request = open_return(order)
    status, body = client_json_en.post(_url(return_request, "hold"), {"note": "?"})
    assert status == 422
    assert body["extra"]["fields"] == {"reason": ["is required"]}
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REQUESTED


def test_reject(client_json: JsonClient, order: Any) -> None:
    return_request = open_return(order)
    status, body = client_json.post(_url(return_request, "reject"), {"note": "기간 경과"})
    assert status == 200, body
    assert (body["status"], body["allowed_actions"]) == ("rejected", [])


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [({}, "validation_error", "note"), ({"note": ""}, "validation_error", "note"),
     ({"note": "   "}, "guard_failed", "note")],
    ids=["missing", "empty", "blank"],
)  # fmt: skip
def test_reject_needs_a_note(
    client_json: JsonClient, order: Any, payload: Any, code: str, field: str
) -> None:
    return_request = open_return(order)
    status, body = client_json.post(_url(return_request, "reject"), payload)
    assert (status, body["code"]) == (422, code)
    assert list(body["extra"]["fields"]) == [field]


def test_cancel(client_json: JsonClient, order: Any) -> None:
    return_request = walk_to(open_return(order), S.PICKUP_REQUESTED)
    status, body = client_json.post(_url(return_request, "cancel"), {"note": "고객 철회"})
    assert status == 200, body
    assert body["status"] == "cancelled"


def test_cancel_in_transit_is_409_with_allowed_actions(
    client_json_en: JsonClient, order: Any
) -> None:
    return_request = walk_to(open_return(order), S.IN_TRANSIT)
    status, body = client_json_en.post(_url(return_request, "cancel"))
    assert status == 409
    assert body["code"] == "illegal_transition"
    assert body["extra"] == {
        "status": "in_transit",
        "action": "cancel",
        "allowed_actions": ["arrive", "receive_part", "receive"],
    }
    assert body["message"] == (
        f"Cannot cancel return {return_request.number} while it is \u201cIn transit\u201d."
    )


@pytest.mark.parametrize("action", ["approve", "hold", "reject", "cancel"])
def test_stale_version_is_409(client_json: JsonClient, order: Any, action: str) -> None:
    return_request = open_return(order)
    client_json.post(_url(return_request, "approve"), {"version": 1})
    payload: dict[str, Any] = {"version": 1, "note": "늦은 요청"}
    if action == "hold":
        payload["reason"] = "other"
    status, body = client_json.post(_url(return_request, action), payload)
    assert status == 409
    assert (body["code"], body["extra"]) == ("stale_version", {"version": 2})
    assert ReturnRequest.objects.get(pk=return_request.pk).version == 2


def test_notes(client_json: JsonClient, order: Any) -> None:
    return_request = open_return(order)
    status, body = client_json.post(_url(return_request, "notes"), {"note": "회수 기사 연락 완료"})
    assert status == 201, body
    assert (body["events"][-1]["type"], body["events"][-1]["note"]) == (
        "note_added",
        "회수 기사 연락 완료",
    )
    assert body["version"] == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [({}, "validation_error"), ({"note": ""}, "validation_error"),
     ({"note": "  "}, "validation_error"), ({"note": "가" * 5001}, "validation_error")],
    ids=["missing", "empty", "blank", "too-long"],
)  # fmt: skip
def test_bad_notes_are_422(client_json: JsonClient, order: Any, payload: Any, code: str) -> None:
    return_request = open_return(order)
    status, body = client_json.post(_url(return_request, "notes"), payload)
    assert (status, body["code"]) == (422, code)
    assert list(body["extra"]["fields"]) == ["note"]


@pytest.mark.parametrize("action", ["approve", "hold", "reject", "cancel", "notes"])
def test_actions_on_another_stores_return_are_404(
    other_client: JsonClient, order: Any, action: str
) -> None:
    return_request = open_return(order)
    payload = {"note": "x", "reason": "other"} if action == "hold" else {"note": "x"}
    status, body = other_client.post(_url(return_request, action), payload)
    assert (status, body["code"]) == (404, "return_not_found")
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert (stored.status, stored.version, stored.events.count()) == (S.REQUESTED, 1, 1)


@pytest.mark.parametrize("action", ["approve", "hold", "reject", "cancel", "notes"])
def test_an_unknown_field_is_refused_not_skipped(
    client_json: JsonClient, order: Any, action: str
) -> None:
    """``{"versoin": 1}`` once skipped the version check silently."""
    return_request = open_return(order)
    payload = {"note": "x", "versoin": 99}
    if action == "hold":
        payload["reason"] = "other"
    status, body = client_json.post(_url(return_request, action), payload)
    assert (status, body["code"]) == (422, "validation_error")
    assert "versoin" in body["extra"]["fields"]
    assert ReturnRequest.objects.get(pk=return_request.pk).version == 1
