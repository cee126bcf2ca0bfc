from __future__ import annotations

from typing import Any

from tests.factories import make_order


def test_create_and_approve_through_api(api: Any, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}])
    response = api.post(
        "/api/v1/returns",
        {
            "order_number": order.channel_order_number,
            "reason_code": "change_of_mind",
            "lines": [{"line_number": 1, "quantity": 1}],
            "note": "고객 전화 상담",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "requested"
    assert body["fee"]["amount"] == 3000
    assert body["refund_estimate"] == 7000
    number = body["number"]
    response = api.post(f"/api/v1/returns/{number}/approve", {}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    listing = api.get("/api/v1/returns").json()
    assert listing["results"][0]["number"] == number
