"""return_request_create: what a new return holds, and the events it starts with."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from banpum.core.errors import ValidationFailed
from banpum.policy.models import ReturnPolicy
from banpum.policy.types import Condition, Method
from banpum.returns.models import EventType, Origin, ReturnLine, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_create
from tests.factories import make_order, make_policy
from tests.returns.helpers import API_ACTOR, ask_for, number_of, open_return

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def _delivered(store: Any, at: dt.datetime, **kwargs: Any) -> Any:
    """An order delivered at ``at`` (and shipped the day before)."""
    order = make_order(store=store, lines=[{"quantity": 1}], **kwargs)
    order.shipments.update(shipped_at=at - dt.timedelta(days=1), delivered_at=at)
    return order


def _open_at(order: Any, now: dt.datetime, **kwargs: Any) -> ReturnRequest:
    return open_return(order, create_kwargs={"now": now}, **kwargs)


def test_number_is_store_code_month_and_a_random_part(order: Any) -> None:
    """Issue 7: numbers came from one install-wide sequence (R2611-0000123), so every store
    saw the install's volume; now the store's code, the month and 6 random characters."""
    return_request = open_return(order)
    store_code = order.store.code
    assert re.fullmatch(rf"{store_code}-\d{{4}}-[0-9A-HJKMNP-TV-Z]{{6}}", number_of(return_request))
    assert ReturnRequest.objects.get(pk=return_request.pk).number == return_request.number


def test_numbers_do_not_count_returns(store: Any) -> None:
    numbers = [open_return(make_order(store=store)).number or "" for _ in range(5)]
    tails = [number.rsplit("-", 1)[1] for number in numbers]
    assert len(set(tails)) == 5
    assert tails != sorted(tails) or tails != sorted(tails, reverse=True)


def test_number_month_is_the_stores_month_not_utcs(store: Any) -> None:
    # 31 Jan 2025 15:30 UTC is already 1 Feb 00:30 in Seoul.
    now = dt.datetime(2025, 1, 31, 15, 30, tzinfo=dt.UTC)
    return_request = _open_at(_delivered(store, now - dt.timedelta(days=2)), now)
    assert (return_request.number or "").startswith(f"{store.code}-2502-")
    assert return_request.created_at == now


def test_a_taken_number_is_drawn_again(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Collisions are caught by the unique constraint, not by a lock or a counter."""
    from banpum.returns import services

    first = open_return(make_order(store=store))
    draws = iter([first.number, first.number, f"{store.code}-2611-ABCDEF"])
    monkeypatch.setattr(services, "return_number_new", lambda **_: next(draws))
    second = open_return(make_order(store=store))
    assert second.number == f"{store.code}-2611-ABCDEF"
    assert ReturnRequest.objects.count() == 2


def test_stores_the_request_and_its_lines(store: Any) -> None:
    order = make_order(
        store=store,
        lines=[{"quantity": 3, "unit_price": 9000}, {"quantity": 1, "unit_price": 15000}],
    )
    return_request = return_request_create(
        now=timezone.now(),
        order=order,
        ask=ask_for(
            order, [(1, 2), (2, 1)], method=Method.CVS_DROP_OFF, condition=Condition.OPENED
        ),
        origin=Origin.CS,
        actor=API_ACTOR,
        reason_detail="사이즈가 작아요",
    )
    assert return_request.store == store
    assert return_request.order == order
    assert return_request.customer == order.customer
    assert (return_request.type, return_request.reason_code) == ("return", "change_of_mind")
    assert (return_request.resolution, return_request.method) == ("refund", "cvs_drop_off")
    assert (return_request.origin, return_request.reason_detail) == ("cs", "사이즈가 작아요")
    assert (return_request.status, return_request.version) == (S.REQUESTED, 1)
    # Change of mind: the buyer pays the 3,000 return fee, deducted from 18,000 + 15,000.
    assert (return_request.fee_payer, return_request.fee_amount) == ("buyer", 3000)
    assert return_request.fee_collection == "deduct_from_refund"
    assert return_request.refund_estimate == 30000

    lines = list(ReturnLine.objects.filter(return_request=return_request).order_by("id"))
    assert [(line.order_line.line_number, line.quantity) for line in lines] == [(1, 2), (2, 1)]
    assert [line.refund_estimate for line in lines] == [18000, 15000]
    assert {line.condition for line in lines} == {"opened"}
    assert {line.reason_code for line in lines} == {"change_of_mind"}


def test_writes_the_created_event_then_the_cs_note(order: Any, cs_agent: Any) -> None:
    return_request = open_return(
        order, actor=cs_agent, create_kwargs={"note": "  고객 통화: 사이즈 교환 대신 환불 원함  "}
    )
    events = list(return_request.events.order_by("at", "id"))
    assert [e.type for e in events] == [EventType.CREATED, EventType.NOTE_ADDED]
    created, note = events
    assert (created.from_status, created.to_status) == ("", "requested")
    # Everything the words need later, in the reader's language (issue 7): no sentence stored.
    assert created.note == ""
    assert created.data == {
        "origin": "cs",
        "outcome": "review",
        "number": return_request.number,
        "type": "return",
        "reason_code": "change_of_mind",
        "resolution": "refund",
        "method": return_request.method,
        "refund_estimate": return_request.refund_estimate,
        "fee": {
            "payer": return_request.fee_payer,
            "amount": return_request.fee_amount,
            "collection": return_request.fee_collection,
        },
    }
    assert (created.actor_type, created.actor_user) == ("staff", cs_agent.user)
    assert note.note == "고객 통화: 사이즈 교환 대신 환불 원함"
    assert (note.actor_type, note.actor_label) == ("staff", "cs-kim")


def test_blank_note_writes_no_note_event(order: Any) -> None:
    return_request = open_return(order, create_kwargs={"note": "   "})
    assert list(return_request.events.values_list("type", flat=True)) == ["created"]


def test_keeps_the_decision_as_json(order: Any) -> None:
    return_request = open_return(order)
    decision = ReturnRequest.objects.get(pk=return_request.pk).decision
    assert decision["eligible"] is True
    assert decision["outcome"] == "review"
    assert decision["policy_version"] == 1
    assert decision["fee"] == {
        "payer": "buyer",
        "kind": "one_way",
        "amount": 3000,
        "collection": "deduct_from_refund",
    }
    assert decision["refund"]["total"] == 7000
    assert decision["lines"][0]["refund_amount"] == 10000
    assert decision["deadlines"]["law"] == "KR"


def test_keeps_the_policy_version_it_was_decided_under(store: Any, order: Any) -> None:
    first = open_return(order)
    newer = make_policy(store, return_shipping_fee=5000)
    assert newer.version == 2

    second = open_return(make_order(store=store, lines=[{"quantity": 1}]))

    first = ReturnRequest.objects.get(pk=first.pk)
    assert (first.policy.version, first.decision["policy_version"], first.fee_amount) == (
        1,
        1,
        3000,
    )
    assert (second.policy_id, second.decision["policy_version"], second.fee_amount) == (
        newer.pk,
        2,
        5000,
    )
    assert ReturnPolicy.objects.filter(store=store).count() == 2


def test_korean_deadlines_are_stored(store: Any) -> None:
    # Delivered Tuesday 1 April 2025 in Seoul: 7 days of withdrawal end Tuesday 8 April.
    now = dt.datetime(2025, 4, 3, 10, tzinfo=SEOUL)
    make_policy(store, refund_business_days=5)  # the law caps it at 3 business days
    order = _delivered(store, now - dt.timedelta(days=2))

    change_of_mind = _open_at(order, now)
    assert change_of_mind.request_deadline == dt.date(2025, 4, 8)
    assert change_of_mind.refund_business_days == 3
    assert change_of_mind.refund_due_on is None  # set once the goods are back

    defect = _open_at(_delivered(store, now - dt.timedelta(days=2)), now, reason_code="wrong_item")
    assert defect.request_deadline == dt.date(2025, 7, 1)  # 3 months from receipt


def test_deadline_ending_on_a_weekend_moves_to_monday(store: Any) -> None:
    # Delivered Saturday 5 April 2025: day 7 is Saturday 12 April, so Monday 14 April (§161).
    now = dt.datetime(2025, 4, 7, 10, tzinfo=SEOUL)
    order = _delivered(store, now - dt.timedelta(days=2))
    assert _open_at(order, now).request_deadline == dt.date(2025, 4, 14)


def test_defect_noticed_late_extends_the_deadline(store: Any) -> None:
    # Delivered 1 April; defect noticed 20 June: 30 days from noticing (21 July) beats 1 July.
    now = dt.datetime(2025, 6, 21, 10, tzinfo=SEOUL)
    order = _delivered(store, now - dt.timedelta(days=81))
    noticed = dt.datetime(2025, 6, 20, 9, tzinfo=SEOUL)
    return_request = _open_at(order, now, reason_code="missing_parts", defect_noticed_at=noticed)
    assert return_request.request_deadline == dt.date(2025, 7, 21)
    assert return_request.defect_noticed_at == noticed


def test_portal_requests_cannot_ask_to_keep_what_the_policy_refuses(order: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        open_return(order, origin=Origin.CUSTOMER, create_kwargs={"allow_ineligible": True})
    assert list(raised.value.extra["fields"]) == ["allow_ineligible"]
    assert not ReturnRequest.objects.exists()
