"""Send jobs against the real messaging simulator over HTTP and a real SMTP server (aiosmtpd)
on loopback: 알림톡 delivered, a failure retried with backoff, a 알림톡 awaiting re-approval sent
as SMS, a refusal failed with the provider's words; email with both parts and the label."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from banpum.integrations.messaging.simulator_server import MessageSimulator, MessageSimulatorConfig
from banpum.notify.defaults import alimtalk_templates
from banpum.notify.mail_catcher import MailCatcher
from banpum.notify.models import Message, MessageAttempt, MessageStatus
from banpum.notify.services.dispatch import notify_events_dispatch
from banpum.notify.services.notify_settings import notify_settings_save
from banpum.notify.services.sending import (
    LEASE,
    message_receipts_poll,
    message_send,
    messages_sweep,
)
from banpum.notify.services.templates import template_save
from banpum.returns.models import ReturnStatus as S
from tests.factories import CustomerFactory, make_order
from tests.logistics.helpers import (
    address_order,
    approve,
    linked_account,
    running_simulator,
    store_with_return_address,
)
from tests.notify.conftest import RecordingJobs
from tests.notify.helpers import NOW, messages, staff
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulator(settings: Any) -> Iterator[MessageSimulator]:
    running = MessageSimulator(
        port=0,
        config=MessageSimulatorConfig(
            api_key=settings.BANPUM_MESSAGES_SIMULATOR_API_KEY,
            api_secret=settings.BANPUM_MESSAGES_SIMULATOR_API_SECRET,
            pf_id=settings.BANPUM_MESSAGES_SIMULATOR_PF_ID,
            report_delay_seconds=0.0,
            seed=3,
        ),
        templates=alimtalk_templates(),
    ).start()
    settings.BANPUM_MESSAGES_SIMULATOR_URL = running.base_url
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def smtp(settings: Any, tmp_path: Path) -> Iterator[MailCatcher]:
    catcher = MailCatcher(tmp_path / "mail", port=0).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = catcher.port
    try:
        yield catcher
    finally:
        catcher.stop()


def _requested(store: Any, status: S = S.REQUESTED) -> Any:
    notify_events_dispatch(now=NOW)
    shopper = CustomerFactory(store=store, phone="01012345678")
    return_request = open_return(make_order(store=store, customer=shopper))
    if status != S.REQUESTED:
        return_request = walk_to(return_request, status)
    notify_events_dispatch(now=NOW)
    return return_request


def test_an_alimtalk_is_sent_then_delivered(store: Any, simulator: MessageSimulator) -> None:
    _requested(store)
    [kakao] = messages(channel="alimtalk")

    sent = message_send(message_id=kakao.pk, now=NOW)
    assert sent is not None
    assert (sent.status, sent.sent_at, sent.attempts) == (MessageStatus.SENT, NOW, 1)
    assert sent.provider_id
    [at_provider] = simulator.messages()
    assert (at_provider["type"], at_provider["template_id"]) == ("ATA", "BP_RETURN_REQUESTED_KO")
    assert at_provider["text"] == kakao.text

    assert message_receipts_poll(now=NOW + dt.timedelta(minutes=1)) == {
        "delivered": 1,
        "failed": 0,
    }
    kakao.refresh_from_db()
    assert (kakao.status, kakao.delivered_at) == (
        MessageStatus.DELIVERED,
        NOW + dt.timedelta(minutes=1),
    )
    # Sending again changes nothing: it is not queued any more.
    assert message_send(message_id=kakao.pk, now=NOW) is None
    assert len(simulator.messages()) == 1


def test_a_failure_is_retried_with_backoff_then_sent_once(
    store: Any,
    simulator: MessageSimulator,
    queue: RecordingJobs,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _requested(store)
    [kakao] = messages(channel="alimtalk")
    simulator.faults_update(error_rate=1.0)

    with django_capture_on_commit_callbacks(execute=True):
        retried = message_send(message_id=kakao.pk, now=NOW)
    assert retried is not None
    assert retried.status == MessageStatus.QUEUED
    assert retried.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert queue.sent[-1] == (kakao.pk, 60)
    # Not due yet: a job early does nothing.
    assert message_send(message_id=kakao.pk, now=NOW + dt.timedelta(seconds=30)) is None

    simulator.faults_update(error_rate=0.0)
    sent = message_send(message_id=kakao.pk, now=NOW + dt.timedelta(minutes=1))
    assert sent is not None
    assert sent.status == MessageStatus.SENT
    assert [a.outcome for a in MessageAttempt.objects.filter(message=kakao)] == ["retry", "sent"]
    assert len(simulator.messages()) == 1


def test_retries_run_out_and_the_message_fails(store: Any, simulator: MessageSimulator) -> None:
    _requested(store)
    [kakao] = messages(channel="alimtalk")
    simulator.faults_update(error_rate=1.0)
    moment = NOW
    for _attempt in range(6):
        current = Message.objects.get(pk=kakao.pk)
        moment = max(moment, current.next_attempt_at or moment)
        message_send(message_id=kakao.pk, now=moment)
    kakao.refresh_from_db()
    assert (kakao.status, kakao.attempts) == (MessageStatus.FAILED, 6)
    assert kakao.provider_reason


def test_a_refusal_fails_at_once_with_the_providers_words(
    store: Any, simulator: MessageSimulator, settings: Any
) -> None:
    settings.BANPUM_NOTIFY_SENDER_PHONE = "0299990000"
    simulator.faults_update(senders=["0215880000"])
    _requested(store)
    [kakao] = messages(channel="alimtalk")
    failed = message_send(message_id=kakao.pk, now=NOW)
    assert failed is not None
    assert failed.status == MessageStatus.FAILED
    assert failed.provider_reason


def test_the_stores_own_sender_number_is_what_the_provider_gets(
    store: Any, simulator: MessageSimulator
) -> None:
    notify_settings_save(
        store=store, email_enabled=True, sms_enabled=True, alimtalk_enabled=True,
        sender_email="", sender_phone="031-777-1234", language="ko",
        actor=staff(store, username="m"), now=NOW,
    )  # fmt: skip
    simulator.faults_update(senders=["0317771234"])  # only this number is registered
    _requested(store)
    [kakao] = messages(channel="alimtalk")
    sent = message_send(message_id=kakao.pk, now=NOW)
    assert sent is not None
    assert sent.status == MessageStatus.SENT
    assert [m["from"] for m in simulator.messages()] == ["0317771234"]


def test_an_alimtalk_awaiting_reapproval_goes_as_sms(
    store: Any, simulator: MessageSimulator
) -> None:
    template_save(
        store, "return.requested", "alimtalk", "ko",
        subject="", text="바뀐 문구 {return_number}", actor=staff(store, username="m"), now=NOW,
    )  # fmt: skip
    _requested(store)
    [kakao] = messages(channel="alimtalk")
    sent = message_send(message_id=kakao.pk, now=NOW)
    assert sent is not None
    assert sent.status == MessageStatus.SENT
    [at_provider] = simulator.messages()
    assert at_provider["type"] in ("SMS", "LMS")
    assert at_provider["text"] == kakao.text
    assert MessageAttempt.objects.get(message=kakao).channel in ("sms", "lms")


def test_a_phone_without_kakaotalk_falls_back_and_the_receipt_says_so(
    store: Any, simulator: MessageSimulator
) -> None:
    notify_events_dispatch(now=NOW)
    order = make_order(store=store)
    customer = order.customer
    assert customer is not None
    customer.phone = "01055550000"  # the simulator: no KakaoTalk on numbers ending 0000
    customer.save()
    open_return(order)
    notify_events_dispatch(now=NOW)
    [kakao] = messages(channel="alimtalk")
    message_send(message_id=kakao.pk, now=NOW)
    message_receipts_poll(now=NOW)
    kakao.refresh_from_db()
    assert kakao.status == MessageStatus.DELIVERED
    assert kakao.provider_reason.startswith(("SMS", "LMS"))


def test_the_sweep_wakes_the_morning_and_takes_over_dead_attempts(
    store: Any, simulator: MessageSimulator, queue: RecordingJobs
) -> None:
    night = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)  # 23:00 in Seoul
    notify_events_dispatch(now=night)
    open_return(make_order(store=store))
    notify_events_dispatch(now=night)
    [kakao] = messages(channel="alimtalk")
    assert kakao.status == MessageStatus.WAITING
    assert message_send(message_id=kakao.pk, now=night) is None

    assert messages_sweep(now=night + dt.timedelta(hours=1))["woken"] == 0
    morning = kakao.not_before
    assert morning is not None
    swept = messages_sweep(now=morning)
    assert swept["woken"] == 1
    kakao.refresh_from_db()
    assert kakao.status == MessageStatus.QUEUED

    # A worker that died mid-send: the sweep takes it over after the lease.
    from banpum.notify.services.sending import _claim

    assert _claim(kakao.pk, morning) is not None
    queue.sent.clear()
    messages_sweep(now=morning + LEASE + dt.timedelta(seconds=1))
    assert (kakao.pk, 0) in queue.sent
    sent = message_send(message_id=kakao.pk, now=morning + LEASE + dt.timedelta(seconds=1))
    assert sent is not None
    assert sent.status == MessageStatus.SENT


def test_an_email_arrives_with_both_parts_and_the_label(
    store: Any, smtp: MailCatcher, django_capture_on_commit_callbacks: Any
) -> None:
    notify_events_dispatch(now=NOW)
    with running_simulator(speed=1.0, seed=11) as carrier:
        linked_account(store_with_return_address(store), carrier)
        with django_capture_on_commit_callbacks(execute=True):
            return_request = approve(address_order(store))
    notify_events_dispatch(now=NOW)
    [email] = messages(channel="email", event="return.pickup_booked")
    assert "운송장: 6" in email.text or "운송장:" in email.text
    sent = message_send(message_id=email.pk, now=NOW)
    assert sent is not None
    assert sent.status == MessageStatus.SENT
    [arrived] = smtp.messages
    assert arrived["Subject"] == email.subject
    assert arrived["To"] == email.recipient
    text = arrived.get_body(("plain",))
    html = arrived.get_body(("html",))
    assert text is not None
    assert return_request.number in text.get_content()
    assert html is not None
    assert "<html" in html.get_content()
    [label] = list(arrived.iter_attachments())
    assert label.get_content_type() == "application/pdf"
    assert label.get_content().startswith(b"%PDF")


def test_an_email_without_a_label_and_a_dead_server_is_retried(
    store: Any, smtp: MailCatcher, settings: Any
) -> None:
    _requested(store)
    [email] = messages(channel="email")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens: connection refused
    retried = message_send(message_id=email.pk, now=NOW)
    assert retried is not None
    assert retried.status == MessageStatus.QUEUED
    settings.EMAIL_PORT = port
    sent = message_send(message_id=email.pk, now=NOW + dt.timedelta(minutes=1))
    assert sent is not None
    assert sent.status == MessageStatus.SENT
    [arrived] = smtp.messages
    assert list(arrived.iter_attachments()) == []
