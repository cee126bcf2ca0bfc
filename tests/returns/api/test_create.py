"""POST /api/v1/returns"""

from __future__ import annotations

from typing import Any

import pytest

from banpum.returns.models import ReturnRequest
from tests.factories import ChannelFactory, OrderFactory, OrderLineFactory, make_order
from tests.returns.api.conftest import JsonClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/returns"


def _body(order: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "reason_code": "change_of_mind",
        "lines": [{"line_number": 1, "quantity": 1}],
        **overrides,
    }


def test_create_by_order_id_and_line_number(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(URL, _body(order, note="고객 전화 상담", reason_detail="색상"))
    assert status == 201, body
    stored = ReturnRequest.objects.get()
    assert body["number"] == stored.number
    assert (body["status"], body["version"], body["origin"]) == ("requested", 1, "api")
    assert body["order"] == {
        "id": order.pk,
        "number": order.channel_order_number,
        "channel": order.channel.code,
    }
    assert body["customer_name"] == order.customer.name
    assert body["fee"] == {
        "payer": "buyer",
        "kind": "one_way",
        "amount": 3000,
        "collection": "deduct_from_refund",
        "settlement": None,
    }
    assert (body["refund_estimate"], body["refund_business_days"]) == (7000, 3)
    assert stored.request_deadline is not None
    assert body["request_deadline"] == stored.request_deadline.isoformat()
    assert body["policy_version"] == 1
    assert body["reason_detail"] == "색상"
    assert body["allowed_actions"] == ["approve", "hold", "reject", "cancel"]
    line = order.lines.get()
    assert body["lines"] == [
        {
            "id": stored.lines.get().pk,
            "order_line_id": line.pk,
            "line_number": 1,
            "sku": line.sku,
            "name": line.name,
            "quantity": 1,
            "reason_code": "change_of_mind",
            "condition": "unopened",
            "refund_estimate": 10000,
            "outcome": "",
        }
    ]
    assert [(e["type"], e["actor_type"], e["note"]) for e in body["events"]] == [
        ("created", "api", ""),
        ("note_added", "api", "고객 전화 상담"),
    ]
    assert body["events"][0]["actor"].startswith("api:")
    assert body["decision"]["eligible"] is True
    assert body["decision"]["refund"]["total"] == 7000


def test_create_by_order_number_and_order_line_id(client_json: JsonClient, order: Any) -> None:
    line = order.lines.get()
    status, body = client_json.post(
        URL,
        {
            "order_number": order.channel_order_number,
            "reason_code": "wrong_item",
            "lines": [{"order_line_id": line.pk, "quantity": 2}],
        },
    )
    assert status == 201, body
    assert body["lines"][0]["order_line_id"] == line.pk
    # The seller's fault and every unit back: items and the original shipping are refunded.
    assert (body["fee"]["payer"], body["refund_estimate"]) == ("seller", 23000)


def test_order_number_shared_by_two_channels_needs_the_channel(
    client_json: JsonClient, store: Any
) -> None:
    first = make_order(store=store, channel_order_number="2025-0001")
    second = make_order(
        store=store,
        channel_order_number="2025-0001",
        channel=ChannelFactory(store=store, code="coupang"),
    )
    status, body = client_json.post(URL, _body(first, order_id=None, order_number="2025-0001"))
    assert (status, body["code"]) == (422, "validation_error")
    assert list(body["extra"]["fields"]) == ["channel"]

    status, body = client_json.post(
        URL, _body(first, order_id=None, order_number="2025-0001", channel="coupang")
    )
    assert status == 201, body
    assert body["order"] == {"id": second.pk, "number": "2025-0001", "channel": "coupang"}


def test_auto_approved_self_ship_comes_back_awaiting_shipment(
    client_json: JsonClient, store: Any, order: Any
) -> None:
    from tests.factories import make_policy

    make_policy(store, auto_approval={"enabled": True})
    status, body = client_json.post(URL, _body(order, method="self_ship"))
    assert status == 201, body
    assert (body["status"], body["version"]) == ("awaiting_shipment", 3)
    assert body["fee"]["amount"] == 0  # the buyer ships at their own cost
    assert [e["to_status"] for e in body["events"]] == [
        "requested",
        "approved",
        "awaiting_shipment",
    ]


def test_fee_override_and_origin(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(
        URL,
        _body(
            order,
            origin="cs",
            fee={"payer": "buyer", "amount": 6000, "collection": "bank_transfer"},
        ),
    )
    assert status == 201, body
    assert body["origin"] == "cs"
    assert body["fee"] == {
        "payer": "buyer",
        "kind": "one_way",
        "amount": 6000,
        "collection": "bank_transfer",
        "settlement": None,
    }
    assert body["refund_estimate"] == 10000


def test_seller_pays_override(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(URL, _body(order, fee={"payer": "seller", "amount": 3000}))
    assert status == 201, body
    assert body["fee"] == {
        "payer": "seller",
        "kind": "none",
        "amount": 0,
        "collection": None,
        "settlement": None,
    }
    assert body["refund_estimate"] == 10000


def test_not_eligible_is_422_with_fields_and_problems(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(
        URL, _body(order, lines=[{"line_number": 1, "quantity": 3, "condition": "used"}])
    )
    assert status == 422
    assert body["code"] == "not_eligible"
    assert set(body["extra"]["fields"]) == {"lines.0.quantity", "lines.0.condition"}
    assert [p["code"] for p in body["extra"]["problems"]] == [
        "quantity_exceeds_available",
        "condition_not_accepted",
    ]
    assert body["message"] == body["extra"]["problems"][0]["message"]
    assert not ReturnRequest.objects.exists()


def test_allow_ineligible_holds_for_a_person(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(
        URL,
        _body(
            order,
            lines=[{"line_number": 1, "quantity": 1, "condition": "used"}],
            allow_ineligible=True,
        ),
    )
    assert status == 201, body
    assert (body["status"], body["hold_reason"]) == ("on_hold", "policy_exception")
    assert body["allowed_actions"] == ["approve", "reject", "cancel"]


def test_unknown_line_number_names_the_line(client_json_en: JsonClient, order: Any) -> None:
    status, body = client_json_en.post(
        URL,
        _body(order, lines=[{"line_number": 1, "quantity": 1}, {"line_number": 7, "quantity": 1}]),
    )
    assert status == 422
    assert body == {
        "code": "validation_error",
        "message": "lines.1.line_number: The order has no line 7.",
        "extra": {"fields": {"lines.1.line_number": ["The order has no line 7."]}},
    }


def test_a_line_of_another_order_is_unknown(
    client_json: JsonClient, store: Any, order: Any
) -> None:
    stranger = OrderLineFactory(order=OrderFactory(store=store), line_number=1)
    status, body = client_json.post(
        URL, _body(order, lines=[{"order_line_id": stranger.pk, "quantity": 1}])
    )
    assert (status, body["code"]) == (422, "not_eligible")
    assert [p["code"] for p in body["extra"]["problems"]] == ["unknown_line"]
    assert list(body["extra"]["fields"]) == ["lines.0.order_line_id"]


def test_portal_origin_is_not_accepted_from_the_api(client_json: JsonClient, order: Any) -> None:
    status, body = client_json.post(URL, _body(order, origin="customer"))
    assert status == 422
    assert list(body["extra"]["fields"]) == ["origin"]
