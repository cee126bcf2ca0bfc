"""POST /api/v1/returns/preview"""

from __future__ import annotations

from typing import Any

import pytest

from banpum.returns.models import ReturnEvent, ReturnRequest
from tests.factories import make_order
from tests.returns.api.conftest import JsonClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/returns/preview"


def test_preview_shows_fee_refund_and_deadlines(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(
        URL,
        {
            "order_number": order.channel_order_number,
            "reason_code": "change_of_mind",
            "lines": [{"line_number": 1, "quantity": 2}],
        },
    )
    assert status == 200, body
    assert (body["eligible"], body["outcome"], body["policy_version"]) == (True, "review", 1)
    assert body["fee"] == {
        "payer": "buyer",
        "kind": "one_way",
        "amount": 3000,
        "collection": "deduct_from_refund",
    }
    assert body["refund"] == {
        "items": 20000,
        "shipping": 0,
        "deduction": 3000,
        "total": 17000,
        "fee_outstanding": 0,
    }
    deadlines = body["deadlines"]
    assert (deadlines["law"], deadlines["refund_business_days"]) == ("KR", 3)
    assert deadlines["request_until"] == deadlines["withdrawal_until"]
    assert deadlines["withdrawal_until"] < deadlines["defect_until"]
    assert body["problems"] == []
    assert body["lines"][0]["refund_amount"] == 20000
    assert body["notes"][-1] == {"code": "waits_for_review", "params": {}}  # words: per language
    assert ReturnRequest.objects.count() == ReturnEvent.objects.count() == 0


def test_preview_of_an_ineligible_request_is_200_with_problems(
    client_json: JsonClient, store: Any
) -> None:
    order = make_order(store=store, lines=[{"quantity": 1}], delivered_days_ago=30)
    status, body = client_json.post(
        URL,
        {
            "order_id": order.pk,
            "reason_code": "change_of_mind",
            "lines": [{"line_number": 1, "quantity": 1}],
        },
    )
    assert status == 200, body
    assert (body["eligible"], body["outcome"]) == (False, "reject")
    (problem,) = body["lines"][0]["problems"]
    assert (problem["code"], problem["field"]) == ("window_expired", "lines.0")
    assert problem["order_line_id"] == order.lines.get().pk
    assert not ReturnRequest.objects.exists()


def test_preview_holds_for_photos(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(
        URL,
        {
            "order_id": order.pk,
            "reason_code": "defective",
            "lines": [{"line_number": 1, "quantity": 1}],
        },
    )
    assert status == 200, body
    assert (body["outcome"], body["hold_reason"], body["fault"]) == (
        "hold",
        "photos_missing",
        "seller",
    )
    assert body["fee"]["amount"] == 0


def test_preview_of_another_stores_order_is_404(other_client: JsonClient, order: Any) -> None:
    status, body = other_client.post(
        URL,
        {
            "order_id": order.pk,
            "reason_code": "change_of_mind",
            "lines": [{"line_number": 1, "quantity": 1}],
        },
    )
    assert (status, body["code"]) == (404, "order_not_found")
