"""The dispatcher: one message per (event, channel, recipient), in the shopper's language,
whatever reruns; shoppers without an address or stores with a channel off get nothing there;
staff hear of returns to review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from banpum.notify.models import Message, MessageStatus, NotifySettings
from banpum.notify.services.dispatch import notify_events_dispatch
from banpum.notify.services.notify_settings import notify_settings_save
from banpum.notify.services.templates import template_save
from banpum.notify.variables import UNASKED_PICKUP_DAY
from banpum.returns.models import ReturnStatus as S
from tests.factories import CustomerFactory, make_order
from tests.logistics.helpers import (
    address_order,
    approve,
    book,
    linked_account,
    store_with_return_address,
)
from tests.notify.conftest import RecordingJobs
from tests.notify.helpers import NOW, messages, staff
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


def _start() -> None:
    """The first run places the cursor at the newest event: history is never sent."""
    notify_events_dispatch(now=NOW)


def test_history_before_the_first_run_is_never_sent(store: Any) -> None:
    open_return(make_order(store=store))
    assert notify_events_dispatch(now=NOW).messages == 0
    assert not Message.objects.exists()


def test_a_request_makes_one_email_and_one_alimtalk_and_a_rerun_nothing(
    store: Any, queue: RecordingJobs, django_capture_on_commit_callbacks: Any
) -> None:
    _start()
    return_request = open_return(make_order(store=store))
    customer = return_request.customer
    assert customer is not None

    with django_capture_on_commit_callbacks(execute=True):
        notify_events_dispatch(now=NOW)
        notify_events_dispatch(now=NOW + dt.timedelta(minutes=1))
        notify_events_dispatch(now=NOW + dt.timedelta(minutes=30))

    made = messages(event="return.requested")
    assert sorted((m.channel, m.recipient) for m in made) == [
        ("alimtalk", customer.phone),
        ("email", customer.email),
    ]
    assert {m.status for m in made} == {MessageStatus.QUEUED}
    email = next(m for m in made if m.channel == "email")
    assert email.subject == "[테스트 상점] 반품 신청 접수"
    assert str(return_request.number) in email.text
    assert "/portal/test-store/open/" in email.text
    kakao = next(m for m in made if m.channel == "alimtalk")
    assert kakao.alimtalk_code == "BP_RETURN_REQUESTED_KO"
    assert kakao.variables["return_number"] == return_request.number
    assert kakao.fallback_text.startswith("[테스트 상점]")
    assert sorted(message_id for message_id, _delay in queue.sent) == sorted(m.pk for m in made)


def test_a_walk_to_refunded_tells_the_shopper_each_step(store: Any) -> None:
    _start()
    walk_to(open_return(make_order(store=store)), S.REFUNDED)
    notify_events_dispatch(now=NOW)
    events = [m.event for m in messages(channel="email")]
    assert events == ["return.requested", "return.approved", "return.inspected", "refund.paid"]
    paid = messages(channel="email", event="refund.paid")[0]
    assert "환불 금액: -" not in paid.text


def test_a_shopper_without_email_or_phone(store: Any) -> None:
    _start()
    nobody = CustomerFactory(store=store, email="", phone="")
    open_return(make_order(store=store, customer=nobody, shipping_phone=""))
    phone_only = CustomerFactory(store=store, email="")
    open_return(make_order(store=store, customer=phone_only))
    notify_events_dispatch(now=NOW)
    assert [(m.channel, m.recipient) for m in messages()] == [("alimtalk", phone_only.phone)]


def test_a_store_turns_channels_off(store: Any) -> None:
    NotifySettings.objects.create(store=store, email_enabled=False, alimtalk_enabled=False)
    _start()
    open_return(make_order(store=store))
    notify_events_dispatch(now=NOW)
    assert [m.channel for m in messages()] == ["sms"]


def test_alimtalk_without_sms_has_no_fallback(store: Any) -> None:
    notify_settings_save(
        store=store, email_enabled=True, sms_enabled=False, alimtalk_enabled=True,
        sender_email="", sender_phone="", language="ko", actor=staff(store, username="m"),
        now=NOW,
    )  # fmt: skip
    _start()
    open_return(make_order(store=store))
    notify_events_dispatch(now=NOW)
    assert [m.channel for m in messages()] == ["email", "alimtalk"]
    assert messages(channel="alimtalk")[0].fallback_text == ""


def test_every_channel_off_tells_nobody(store: Any) -> None:
    """Saved from the office's page: neither the shopper nor the staff hear a thing."""
    notify_settings_save(
        store=store, email_enabled=False, sms_enabled=False, alimtalk_enabled=False,
        sender_email="", sender_phone="", language="ko", actor=staff(store, username="m"),
        now=NOW,
    )  # fmt: skip
    staff(store, username="cs", role="cs_agent", email="cs@shop.example")
    _start()
    walk_to(open_return(make_order(store=store)), S.ON_HOLD)
    assert notify_events_dispatch(now=NOW).events > 0
    assert not Message.objects.exists()


def test_english_shoppers_read_english(store: Any) -> None:
    NotifySettings.objects.create(store=store, language="en")
    _start()
    open_return(make_order(store=store))
    notify_events_dispatch(now=NOW)
    email = messages(channel="email")[0]
    assert (email.language, email.subject) == ("en", "[테스트 상점] Return request received")
    assert messages(channel="alimtalk")[0].alimtalk_code == "BP_RETURN_REQUESTED_EN"


def test_an_alimtalk_awaiting_reapproval_goes_as_sms_text(store: Any) -> None:
    template_save(
        store, "return.requested", "alimtalk", "ko",
        subject="", text="새 문구 {return_number}", actor=staff(store, username="m"), now=NOW,
    )  # fmt: skip
    _start()
    return_request = open_return(make_order(store=store))
    notify_events_dispatch(now=NOW)
    kakao = messages(channel="alimtalk")[0]
    assert (kakao.alimtalk_code, kakao.variables) == ("", {})
    assert kakao.text.startswith("[테스트 상점]")
    assert str(return_request.number) in kakao.text


def test_messages_at_night_wait_for_the_morning_but_email_goes(store: Any) -> None:
    night = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)  # 23:00 in Seoul
    notify_events_dispatch(now=night)
    open_return(make_order(store=store))
    notify_events_dispatch(now=night)
    kakao = messages(channel="alimtalk")[0]
    assert kakao.status == MessageStatus.WAITING
    assert kakao.not_before == dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC) + dt.timedelta(
        days=1
    )
    assert messages(channel="email")[0].status == MessageStatus.QUEUED


def test_staff_hear_of_a_return_to_review(store: Any) -> None:
    staff(store, username="cs", role="cs_agent", email="cs@shop.example")
    staff(store, username="boss", role="admin", email="boss@shop.example")
    staff(store, username="wh", role="warehouse", email="wh@shop.example")
    staff(store, username="silent", role="cs_agent")
    _start()
    walk_to(open_return(make_order(store=store)), S.ON_HOLD)
    notify_events_dispatch(now=NOW)
    alerts = messages(event="staff.return_to_review")
    assert sorted(m.recipient for m in alerts) == ["boss@shop.example", "cs@shop.example"]
    assert all(m.channel == "email" and "/office/returns/" in m.text for m in alerts)
    assert all(m.recipient_masked.startswith(("b***@", "c***@")) for m in alerts)
    assert "cs@shop.example" not in str(alerts[0]) + repr(alerts[0])


def test_a_booked_pickup_says_when_and_links_absolutely(store: Any, settings: Any) -> None:
    settings.BANPUM_PUBLIC_URL = "https://returns.example.com"
    _start()
    linked_account(store_with_return_address(store), "http://127.0.0.1:9")  # never called
    booked = approve(address_order(store))
    book(booked, waybill="612345678901")
    notify_events_dispatch(now=NOW)

    [email] = messages(channel="email", event="return.pickup_booked")
    assert "612345678901" in email.text
    # No day was asked for: the carrier's next round, in words, never a bare "-".
    assert str(UNASKED_PICKUP_DAY) in email.text
    assert "https://returns.example.com/portal/" in email.text
