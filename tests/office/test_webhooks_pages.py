"""The office's webhook settings: who may use them, subscribing (SSRF refusals on the form,
the secret shown once), changing, rotating, the delivery log and resending."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from banpum.webhooks import signing
from banpum.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from banpum.webhooks.services.sending import webhook_delivery_send
from tests.office.settings_helpers import client_for, page_text
from tests.office.webhook_helpers import DEAD_URL, subscription_with_deliveries
from tests.webhooks.receiver import Receiver, running_receiver

pytestmark = pytest.mark.django_db

LIST = "/office/settings/webhooks/"
NEW = "/office/settings/webhooks/new/"


def secret_of(subscription: WebhookSubscription) -> str:
    assert subscription.secret is not None
    return subscription.secret.reveal()


def edit_url(subscription_id: int) -> str:
    return f"/office/settings/webhooks/{subscription_id}/"


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    client = client_for(django_user_model, "boss", store, "manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def allow_private(settings: Any) -> None:
    settings.BANPUM_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def refuse_private(settings: Any) -> None:
    settings.BANPUM_WEBHOOKS_ALLOW_PRIVATE = False


@pytest.fixture
def receiver() -> Any:
    with running_receiver() as running:
        yield running


@pytest.mark.parametrize(("role", "status"), [("cs_agent", 403), ("warehouse", 403)])
def test_cs_and_warehouse_may_not(
    django_user_model: Any, store: Any, role: str, status: int
) -> None:
    client = client_for(django_user_model, role, store, role)
    created, [delivery] = subscription_with_deliveries(store)
    subscription = created.subscription
    for url in (
        LIST,
        NEW,
        edit_url(subscription.pk),
        f"{edit_url(subscription.pk)}deliveries/",
        f"{edit_url(subscription.pk)}deliveries/{delivery.pk}/",
    ):
        assert client.get(url).status_code == status, url
    for url in (
        NEW,
        edit_url(subscription.pk),
        f"{edit_url(subscription.pk)}rotate/",
        f"{edit_url(subscription.pk)}delete/",
        f"{edit_url(subscription.pk)}test/",
        f"{edit_url(subscription.pk)}deliveries/{delivery.pk}/resend/",
    ):
        assert client.post(url, {"url": "https://x.example", "events": ["*"]}).status_code == (
            status
        ), url
    assert WebhookSubscription.objects.filter(pk=subscription.pk, url=DEAD_URL).exists()
    assert WebhookSubscription.objects.count() == 1
    assert not WebhookDelivery.objects.filter(event_type="webhook.test").exists()


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_see_it_in_the_nav(
    django_user_model: Any, store: Any, role: str
) -> None:
    client = client_for(django_user_model, role, store, role)
    text = page_text(client.get(LIST))
    assert f'href="{LIST}"' in text
    assert 'id="webhook-new"' in text
    cs = client_for(django_user_model, "cs", store, "cs_agent")
    assert f'href="{LIST}"' not in cs.get("/office/").content.decode()


def test_a_private_address_is_a_form_error(manager: Client, refuse_private: None) -> None:
    text = page_text(manager.post(NEW, {"url": "http://127.0.0.1:8080/hook", "events": ["*"]}), 422)
    assert 'id="field-url"' in text
    field = text[text.index('id="field-url"') :]
    assert "resolves to 127.0.0.1, a private, loopback" in field[: field.index("</div>")]
    assert 'value="http://127.0.0.1:8080/hook"' in text  # kept as typed
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"url": "ftp://files.example/x", "events": ["*"]}, "url", "http:// or https://"),
        ({"url": "https://u:p@hooks.example/x", "events": ["*"]}, "url", "user name"),
        ({"url": "", "events": ["*"]}, "url", "required"),
        ({"url": "https://hooks.example/x"}, "events", "at least one event"),
        ({"url": "https://hooks.example/x", "events": ["return.nope"]}, "events", "valid choice"),
    ],
)
def test_bad_input_is_shown_beside_its_field(
    manager: Client, refuse_private: None, data: dict[str, Any], field: str, says: str
) -> None:
    text = page_text(manager.post(NEW, data), 422)
    [shown] = re.findall(rf'id="{field}-error">([^<]*)<', text)
    assert says in shown
    assert not WebhookSubscription.objects.exists()


def test_the_secret_is_shown_once(manager: Client, allow_private: None) -> None:
    response = manager.post(
        NEW,
        {
            "url": "http://127.0.0.1:9/hooks",
            "description": "자사몰",
            "events": ["return.approved", "refund.*"],
        },
    )
    text = page_text(response)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["return.approved", "refund.*"]
    assert subscription.description == "자사몰"
    secret = secret_of(subscription)
    assert secret.startswith("whsec_")
    assert text.count(secret) == 1
    assert 'id="webhook-secret"' in text
    again = page_text(manager.get(edit_url(subscription.pk)))
    assert secret not in again
    assert "whsec_" not in again
    assert secret not in page_text(manager.get(LIST))


def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_signing(
    manager: Client, store: Any
) -> None:
    created, _ = subscription_with_deliveries(store)
    before = timezone.now()
    text = page_text(
        manager.post(f"{edit_url(created.subscription.pk)}rotate/", {"previous_valid_hours": 24})
    )
    subscription = WebhookSubscription.objects.get()
    new = secret_of(subscription)
    assert new != created.secret
    assert new in text
    assert created.secret not in text
    assert subscription.previous_secret is not None
    assert subscription.previous_secret.reveal() == created.secret
    until = subscription.previous_secret_valid_until
    assert until is not None
    assert before + dt.timedelta(hours=24) <= until <= timezone.now() + dt.timedelta(hours=24)
    assert new not in page_text(manager.get(edit_url(subscription.pk)))


@pytest.mark.parametrize("hours", ["73", "-1", "x", "12"])
def test_a_rotation_window_outside_the_choices_is_refused(
    manager: Client, store: Any, hours: str
) -> None:
    created, _ = subscription_with_deliveries(store)
    page_text(
        manager.post(
            f"{edit_url(created.subscription.pk)}rotate/", {"previous_valid_hours": hours}
        ),
        422,
    )
    assert secret_of(WebhookSubscription.objects.get()) == created.secret


def test_editing_changes_events_and_pauses(manager: Client, store: Any) -> None:
    created, _ = subscription_with_deliveries(store)
    url = edit_url(created.subscription.pk)
    form = page_text(manager.get(url))
    assert re.search(r'<input[^>]*value="\*"[^>]*checked', form)
    response = manager.post(url, {"url": DEAD_URL, "events": ["return.completed"]})
    assert response.status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["return.completed"]
    assert not subscription.is_active
    assert subscription.disabled_reason == "manual"
    assert "Paused" in page_text(manager.get(LIST))
    manager.post(url, {"url": DEAD_URL, "events": ["return.completed"], "is_active": "on"})
    assert WebhookSubscription.objects.get().is_active


def test_changing_to_a_private_url_is_a_form_error(
    manager: Client, store: Any, refuse_private: None
) -> None:
    created, _ = subscription_with_deliveries(store)
    text = page_text(
        manager.post(
            edit_url(created.subscription.pk),
            {"url": "http://10.0.0.5/x", "events": ["*"], "is_active": "on"},
        ),
        422,
    )
    assert "resolves to 10.0.0.5" in text
    assert WebhookSubscription.objects.get().url == DEAD_URL


def test_deleting_removes_it(manager: Client, store: Any) -> None:
    created, _ = subscription_with_deliveries(store)
    response = manager.post(f"{edit_url(created.subscription.pk)}delete/")
    assert response["Location"] == LIST
    assert not WebhookSubscription.objects.exists()


def test_the_delivery_log_pages_and_filters_by_status(
    manager: Client, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from banpum.office.store_settings import webhook_views

    monkeypatch.setattr(webhook_views, "DELIVERIES_PER_PAGE", 2)
    created, deliveries = subscription_with_deliveries(store, returns=3)
    failed = webhook_delivery_send(delivery_id=deliveries[0].pk, now=timezone.now())
    assert failed is not None
    assert failed.status == DeliveryStatus.PENDING  # refused, so retried later
    log = f"{edit_url(created.subscription.pk)}deliveries/"
    first = page_text(manager.get(log))
    assert first.count("return.requested") == 2
    assert "Page 1 of 2" in first
    second = page_text(manager.get(log, {"page": 2}))
    assert second.count("return.requested") == 1
    assert page_text(manager.get(log, {"status": "delivered"})).count("return.requested") == 0
    assert page_text(manager.get(log, {"status": "pending"})).count("return.requested") == 2
    # A status that is not one shows everything rather than failing.
    assert manager.get(log, {"status": "evil"}).status_code == 200
    assert manager.get(log, {"page": "x"}).status_code == 200
    detail = page_text(manager.get(f"{log}{deliveries[0].pk}/"))
    [attempt] = WebhookAttempt.objects.filter(delivery=deliveries[0])
    assert attempt.error_code  # refused: a private address, outside the tests' allowance
    assert f"<code>{attempt.error_code}</code>" in detail
    assert attempt.error in detail
    assert 'id="resend-form"' in detail


def test_resend_writes_a_new_attempt(
    manager: Client,
    store: Any,
    allow_private: None,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    created, [delivery] = subscription_with_deliveries(store, url=receiver.url)
    receiver.answer(500, 200)
    sent = webhook_delivery_send(delivery_id=delivery.pk, now=timezone.now())
    assert sent is not None
    assert sent.status == DeliveryStatus.PENDING
    url = f"{edit_url(created.subscription.pk)}deliveries/{delivery.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{url}resend/")
    assert response["Location"] == url
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code, a.outcome) for a in attempts] == [
        (1, 500, "retry"),
        (2, 200, "delivered"),
    ]
    assert len(receiver.requests) == 2
    text = page_text(manager.get(url))
    assert "HTTP 500" in text
    assert "HTTP 200" in text


def test_resend_of_a_paused_webhook_says_why(manager: Client, store: Any) -> None:
    created, [delivery] = subscription_with_deliveries(store)
    manager.post(edit_url(created.subscription.pk), {"url": DEAD_URL, "events": ["*"]})
    url = f"{edit_url(created.subscription.pk)}deliveries/{delivery.pk}/"
    assert 'id="resend-form"' not in page_text(manager.get(url))
    response = manager.post(f"{url}resend/", follow=True)
    assert "disabled; enable it before resending" in page_text(response)
    assert not WebhookAttempt.objects.exists()


def test_a_manager_sends_a_test_event_and_finds_it_in_the_delivery_log(
    manager: Client,
    store: Any,
    allow_private: None,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    created, _ = subscription_with_deliveries(store, url=receiver.url)
    base = edit_url(created.subscription.pk)
    page = page_text(manager.get(base))
    assert f'action="{base}test/"' in page
    assert "Send test event" in page

    with django_capture_on_commit_callbacks(execute=True):  # the job runs, as the worker would
        response = manager.post(f"{base}test/")

    assert response.status_code == 302
    assert response["Location"] == f"{base}deliveries/"
    [test] = WebhookDelivery.objects.filter(event_type="webhook.test")
    assert test.subscription_id == created.subscription.pk
    assert test.event_id is None
    assert test.status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    assert signing.webhook_verify(
        created.secret, headers=request.headers, body=request.body, now=time.time()
    )
    log = page_text(manager.get(response["Location"]))
    assert "Test event queued" in log  # the message, on the log it points to
    assert f'id="test-badge-{test.pk}"' in log
    assert log.count("Test event</span>") == 1  # the return's delivery is not marked
    assert "return.requested" in log
    detail = page_text(manager.get(f"{base}deliveries/{test.pk}/"))
    assert 'id="test-event-note"' in detail
    assert "it is about no return" in detail
    assert 'id="resend-form"' in detail  # resendable like any delivery


def test_the_test_event_is_worded_in_the_readers_language(
    store: Any, django_user_model: Any
) -> None:
    client = client_for(django_user_model, "boss-ko", store, "manager")  # Korean by default
    created, _ = subscription_with_deliveries(store)
    base = edit_url(created.subscription.pk)
    log = page_text(client.post(f"{base}test/", follow=True))
    [test] = WebhookDelivery.objects.filter(event_type="webhook.test")
    detail = page_text(client.get(f"{base}deliveries/{test.pk}/"))
    with translation.override("ko"):
        badge = gettext("Test event")
        note = gettext("A test event sent on request to check the endpoint; it is about no return.")
    assert '<html lang="ko"' in log
    assert f'id="test-badge-{test.pk}">{badge}</span>' in log
    assert note in detail


def test_a_paused_webhook_offers_no_test_and_refuses_one(manager: Client, store: Any) -> None:
    created, _ = subscription_with_deliveries(store)
    base = edit_url(created.subscription.pk)
    manager.post(base, {"url": DEAD_URL, "events": ["*"]})  # unticked: paused
    page = page_text(manager.get(base))
    assert 'id="send-test-form"' not in page
    assert "enable it to send a test event" in page
    response = manager.post(f"{base}test/", follow=True)
    assert response.redirect_chain == [(base, 302)]
    assert "paused; enable it before sending a test event" in page_text(response)
    assert not WebhookDelivery.objects.filter(event_type="webhook.test").exists()


def test_a_test_event_is_a_post(manager: Client, store: Any) -> None:
    created, _ = subscription_with_deliveries(store)
    assert manager.get(f"{edit_url(created.subscription.pk)}test/").status_code == 405
    assert not WebhookDelivery.objects.filter(event_type="webhook.test").exists()


def test_too_many_tests_say_so(
    manager: Client, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from banpum.webhooks.services import sending

    monkeypatch.setattr(sending, "TESTS_PER_HOUR", 1)
    created, _ = subscription_with_deliveries(store)
    url = f"{edit_url(created.subscription.pk)}test/"
    assert manager.post(url).status_code == 302
    refused = page_text(manager.post(url, follow=True))
    assert "At most 1 test events an hour" in refused
    assert WebhookDelivery.objects.filter(event_type="webhook.test").count() == 1


def test_another_stores_webhook_is_a_404(
    django_user_model: Any, store: Any, manager: Client
) -> None:
    from tests.factories import StoreFactory, make_policy

    other = StoreFactory(slug="other", code="OT1")
    make_policy(other)
    created, [delivery] = subscription_with_deliveries(other)
    base = edit_url(created.subscription.pk)
    for url in (base, f"{base}deliveries/", f"{base}deliveries/{delivery.pk}/"):
        assert manager.get(url).status_code == 404, url
    for url in (
        base,
        f"{base}rotate/",
        f"{base}delete/",
        f"{base}test/",
        f"{base}deliveries/{delivery.pk}/resend/",
    ):
        assert manager.post(url).status_code == 404, url
    assert secret_of(WebhookSubscription.objects.get()) == created.secret
    assert not WebhookDelivery.objects.filter(event_type="webhook.test").exists()
    mine, _ = subscription_with_deliveries(store)
    # Another subscription's delivery under mine is a 404 too.
    assert (
        manager.get(f"{edit_url(mine.subscription.pk)}deliveries/{delivery.pk}/").status_code == 404
    )
