"""The event catalogue maps every kind of return event it claims, and every event's payload
is what its schema (and the documentation) says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from banpum.policy.types import Resolution
from banpum.returns.events import LogisticsKind
from banpum.returns.models import EventType, ReturnEvent, ReturnRequest
from banpum.returns.transitions import Action
from banpum.settlement.services.intents import refund_for_return
from banpum.webhooks import catalogue
from banpum.webhooks.catalogue import (
    BY_ACTION,
    BY_KIND,
    BY_TYPE,
    ON_REQUEST,
    SUBSCRIBABLE,
    UNPUBLISHED_KINDS,
    UNPUBLISHED_TYPES,
    VERSION,
    EventName,
    event_name,
)
from banpum.webhooks.payloads import envelope_model, payload_build
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order
from tests.webhooks.samples import SAMPLES


def test_every_kind_of_return_event_is_published_or_says_why_not() -> None:
    for action in Action:
        assert event_name("status_changed", {"action": action.value}) == BY_ACTION[action]
    for kind in LogisticsKind:
        name = event_name("logistics", {"kind": kind.value})
        assert (name is None) == (kind in UNPUBLISHED_KINDS), kind
        assert name is None or BY_KIND[kind] == name
    for type in EventType:
        if type in (EventType.STATUS_CHANGED, EventType.LOGISTICS):
            continue
        assert event_name(type.value, {}) == BY_TYPE.get(type)
        assert (type in UNPUBLISHED_TYPES) == (type not in BY_TYPE)
    assert event_name("note_added", {"action": "approve"}) is None
    assert event_name("status_changed", {"action": "teleport"}) is None
    assert event_name("status_changed", None) is None
    assert event_name("logistics", {"kind": "beamed"}) is None
    assert event_name("something_new", {}) is None


def test_every_name_comes_from_one_kind_of_event_and_has_words() -> None:
    sources = [*BY_ACTION.values(), *BY_KIND.values(), *BY_TYPE.values()]
    assert sorted(sources) == sorted(SUBSCRIBABLE)
    assert sorted([*sources, *ON_REQUEST]) == sorted(EventName)
    for name in EventName:
        group, _, rest = name.value.partition(".")
        assert (group in catalogue.groups()) == (name in SUBSCRIBABLE)
        assert rest
        assert all(part.isidentifier() and part.islower() for part in rest.split("_"))
        assert str(catalogue.DESCRIPTIONS[name])
    assert VERSION == "2026-11-30"


def test_patterns() -> None:
    for valid in ("*", "return.*", "refund.*", "exchange.*", "return.approved", "refund.paid"):
        assert catalogue.pattern_valid(valid), valid
    for invalid in ("", "return", "return.", "returns.*", "*.approved", "return.approve", "**"):
        assert not catalogue.pattern_valid(invalid), invalid
    assert catalogue.subscribed(["*"], "refund.paid")
    assert catalogue.subscribed(["refund.*"], "refund.paid")
    assert not catalogue.subscribed(["refund.*"], "return.approved")
    assert catalogue.subscribed(["return.approved", "refund.paid"], "refund.paid")
    assert not catalogue.subscribed([], "refund.paid")


def test_the_test_event_is_sent_on_request_only() -> None:
    """No pattern subscribes to it, not even ``*``: it goes to the subscription tested."""
    test = EventName.WEBHOOK_TEST.value
    assert test == "webhook.test"
    assert catalogue.TEST_EVENT in ON_REQUEST
    for pattern in (test, "webhook.*"):
        assert not catalogue.pattern_valid(pattern), pattern
    assert not catalogue.subscribed(["*"], test)
    assert not catalogue.subscribed([test], test)
    assert "webhook" not in catalogue.groups()
    assert test not in catalogue.NAMES
    assert str(catalogue.DESCRIPTIONS[catalogue.TEST_EVENT])


def _event_for(return_request: ReturnRequest, name: EventName) -> ReturnEvent:
    type, data, note, from_status, to_status = SAMPLES[name]
    return ReturnEvent.objects.select_related("return_request__store", "return_request__order").get(
        pk=ReturnEvent.objects.create(
            return_request=return_request,
            type=type,
            data=data,
            note=note,
            from_status=from_status,
            to_status=to_status,
            actor_type="system",
            at=timezone.now(),
        ).pk
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SUBSCRIBABLE))
def test_every_event_builds_the_payload_its_schema_describes(store: Any, name: EventName) -> None:
    return_request = inspected_return(paid_order(store))
    event = _event_for(return_request, name)
    assert event_name(event.type, event.data) == name

    payload = payload_build(event)

    assert payload is not None
    assert payload["type"] == name.value
    assert payload["version"] == VERSION
    assert payload["timestamp"].endswith("+09:00")  # the store's time zone
    data = payload["data"]
    assert data["event_id"] == event.pk
    assert data["store"] == store.slug
    assert data["return"]["number"] == return_request.number
    assert data["return"]["order_number"] == return_request.order.channel_order_number
    assert envelope_model(name).model_validate(payload)
    json.dumps(payload)  # plain JSON
    # Thin: no personal data of the customer ever goes out.
    text = json.dumps(payload, ensure_ascii=False)
    customer = return_request.order.customer
    assert customer is not None
    for personal in (customer.name, customer.phone, customer.email):
        assert personal not in text


@pytest.mark.django_db
def test_the_details_carry_the_events_facts(store: Any) -> None:
    return_request = inspected_return(paid_order(store))
    booked = payload_build(_event_for(return_request, EventName.RETURN_PICKUP_BOOKED))
    assert booked is not None
    assert booked["data"]["details"] == {
        "pickup_id": 7,
        "carrier": "kr.cjlogistics",
        "waybill_number": "612345678901",
    }
    assert booked["data"]["from_status"] is None
    rejected = payload_build(_event_for(return_request, EventName.RETURN_REJECTED))
    assert rejected is not None
    assert rejected["data"]["details"] == {"reason": "사용 흔적이 있어 반품이 어렵습니다."}
    assert (rejected["data"]["from_status"], rejected["data"]["to_status"]) == (
        "on_hold",
        "rejected",
    )
    exception = payload_build(_event_for(return_request, EventName.RETURN_PICKUP_EXCEPTION))
    assert exception is not None
    assert exception["data"]["details"]["exception_code"] == "customer_absent"
    assert exception["data"]["details"]["carrier_said"] == "고객 부재"


@pytest.mark.django_db
def test_refund_paid_lists_the_refunds_paid_by_then(store: Any) -> None:
    order = paid_order(store)
    return_request = inspected_return(order, resolution=Resolution.STORE_CREDIT)
    [refund] = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    event = ReturnEvent.objects.select_related(
        "return_request__store", "return_request__order"
    ).get(return_request=return_request, data__action="refund_paid")

    payload = payload_build(event)

    assert payload is not None
    details = payload["data"]["details"]
    assert details["amount"] == refund.amount > 0
    assert details["currency"] == "KRW"
    assert [(r["id"], r["method"], r["amount"]) for r in details["refunds"]] == [
        (refund.pk, "store_credit", refund.amount)
    ]
    assert details["refunds"][0]["paid_at"].endswith("+09:00")


@pytest.mark.django_db
def test_unpublished_events_build_nothing(store: Any) -> None:
    return_request = inspected_return(paid_order(store))
    note = ReturnEvent.objects.create(
        return_request=return_request,
        type="note_added",
        note="내부 메모",
        actor_type="staff",
        at=timezone.now(),
    )
    assert payload_build(note) is None
    with pytest.raises(ValueError, match="version"):
        payload_build(note, version="2019-01-01")
