"""The office's return page lists the return's messages (recipient masked), and the daily
sweep sends one digest per store and day to its staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from banpum.accounts.models import StoreMembership
from banpum.logistics.models import Pickup
from banpum.logistics.selectors import stall_kind_label
from banpum.notify.models import Message
from banpum.notify.selectors import messages_of_return
from banpum.notify.services.daily import notify_daily_sweep
from banpum.notify.services.dispatch import notify_events_dispatch
from banpum.notify.services.sending import message_send
from banpum.returns.models import ReturnStatus as S
from tests.factories import make_order
from tests.logistics.helpers import (
    address_order,
    approve,
    book,
    linked_account,
    store_with_return_address,
)
from tests.notify.helpers import NOW, messages, staff
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


def _office(store: Any, language: str = "en") -> Client:
    user = get_user_model().objects.create_user("viewer", password="x")
    StoreMembership.objects.create(user=user, store=store, role="cs_agent")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_return_page_shows_the_delivery_log_masked(store: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notify_events_dispatch(now=NOW)
    return_request = open_return(make_order(store=store))
    notify_events_dispatch(now=NOW)
    email = messages(channel="email")[0]
    message_send(message_id=email.pk, now=NOW)
    customer = return_request.customer
    assert customer is not None

    listed = messages_of_return(return_request)
    assert [m.channel for m in listed] == ["email", "alimtalk"]
    assert [a.outcome for a in listed[0].attempt_log.all()] == ["sent"]

    page = _office(store).get(f"/office/returns/{return_request.number}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="messages"' in html
    assert "return was received." in html  # in words, not the key
    assert "return.requested" not in html
    assert customer.email not in html.split('id="messages"')[1].split("</section>")[0]
    assert listed[0].recipient_masked in html
    assert "Sent" in html
    assert "Queued" in html


def test_a_return_without_messages_says_so(store: Any) -> None:
    return_request = open_return(make_order(store=store))
    html = _office(store).get(f"/office/returns/{return_request.number}/").content.decode()
    assert "No message sent about this return yet." in html


def test_staff_get_one_digest_per_store_and_day(store: Any) -> None:
    staff(store, username="cs", role="cs_agent", email="cs@shop.example")
    stalled = walk_to(open_return(make_order(store=store)), S.APPROVED)
    long_ago = NOW - dt.timedelta(days=30)
    type(stalled).objects.filter(pk=stalled.pk).update(updated_at=long_ago)

    early = dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)  # 07:00 in Seoul: not yet
    assert notify_daily_sweep(now=early, stores=[store]) == {"queued": 0}
    notify_daily_sweep(now=NOW, stores=[store])
    notify_daily_sweep(now=NOW + dt.timedelta(hours=5), stores=[store])

    [digest] = messages(event="staff.stalled")
    assert digest.recipient == "cs@shop.example"
    assert digest.source_key == f"digest:{store.pk}:2026-12-01"
    assert str(stalled.number) in digest.text
    # In words, in the store's language, never the code the queue uses.
    with translation.override("ko"):
        assert f"{stall_kind_label('not_booked')} (" in digest.text
    assert "not_booked" not in digest.text
    assert digest.subject == "[테스트 상점] 2026-12-01 멈춘 반품 1건"
    assert Message.objects.filter(event="staff.stalled").count() == 1
    notify_daily_sweep(now=NOW + dt.timedelta(days=1), stores=[store])
    assert Message.objects.filter(event="staff.stalled").count() == 2


def test_a_late_pickup_tells_the_shopper_the_next_business_day(store: Any) -> None:
    linked_account(store_with_return_address(store), "http://127.0.0.1:9")  # never called
    late = approve(address_order(store))
    book(late)
    # Four days on, the carrier has not come: Friday 2026-12-04 in Seoul, so the shopper is
    # promised Monday, not Saturday.
    friday = dt.datetime(2026, 12, 4, 1, 0, tzinfo=dt.UTC)
    Pickup.objects.filter(return_request=late).update(accepted_at=friday - dt.timedelta(days=4))

    notify_daily_sweep(now=friday, stores=[store])

    notices = messages(event="return.pickup_late", return_request=late)
    assert notices
    assert {m.source_key for m in notices} == {f"late:pickup:{late.pk}"}
    assert all("2026-12-07" in m.text for m in notices)
