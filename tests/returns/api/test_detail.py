"""GET /api/v1/returns/{number}"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_note_add
from tests.factories import make_order
from tests.returns.api.conftest import JsonClient
from tests.returns.helpers import API_ACTOR, open_return, walk_to

pytestmark = pytest.mark.django_db


def test_one_return_with_lines_and_events(client_json: JsonClient, store: Any) -> None:
    order = make_order(
        store=store,
        lines=[{"quantity": 2, "unit_price": 10000}, {"quantity": 1, "unit_price": 5000}],
    )
    return_request = walk_to(
        open_return(order, [(1, 2), (2, 1)], create_kwargs={"note": "첫 상담"}), S.ON_HOLD
    )
    status, body = client_json.get(f"/api/v1/returns/{return_request.number}")
    assert status == 200, body
    assert (body["number"], body["status"], body["hold_reason"]) == (
        return_request.number,
        "on_hold",
        "other",
    )
    assert body["version"] == 2
    assert [
        (line["line_number"], line["quantity"], line["refund_estimate"]) for line in body["lines"]
    ] == [
        (1, 2, 20000),
        (2, 1, 5000),
    ]
    assert [(e["type"], e["from_status"], e["to_status"]) for e in body["events"]] == [
        ("created", "", "requested"),
        ("note_added", "", ""),
        ("status_changed", "requested", "on_hold"),
    ]
    assert body["events"][2]["data"] == {"action": "hold", "hold_reason": "other"}
    assert body["events"][2]["actor"] == "warehouse"
    assert body["decision"]["lines"][1]["refund_amount"] == 5000


def test_other_stores_return_is_404(other_client: JsonClient, order: Any) -> None:
    number = open_return(order).number
    status, body = other_client.get(f"/api/v1/returns/{number}")
    assert status == 404
    assert body == {
        "code": "return_not_found",
        "message": f"No return {number} in this store.",
        "extra": {},
    }


def test_detail_queries_do_not_grow_with_events(
    api: Client, order: Any, django_assert_max_num_queries: Any
) -> None:
    return_request = open_return(order)
    for index in range(20):
        return_note_add(
            now=timezone.now(), return_request=return_request, actor=API_ACTOR, note=f"메모 {index}"
        )
    api.get(f"/api/v1/returns/{return_request.number}")
    # API key, the return with its joins, its lines, its events, its refunds (settlement).
    with django_assert_max_num_queries(5):
        response = api.get(f"/api/v1/returns/{return_request.number}")
    assert len(response.json()["events"]) == 21
