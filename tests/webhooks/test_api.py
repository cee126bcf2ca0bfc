"""/api/v1/webhooks: a manager's setting, scoped to the store, bad input a translated 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.webhooks.catalogue import EventName
from banpum.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from banpum.webhooks.services import sending, subscriptions
from banpum.webhooks.services.dispatch import webhook_events_dispatch
from banpum.webhooks.services.sending import _claim
from tests.factories import StoreFactory, make_order, make_policy
from tests.returns.helpers import open_return
from tests.webhooks.helpers import NOW, manager_key, subscribe

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:8999/hooks"


def _send(client: Client, method: str, path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(f"/api/v1/webhooks{path}", **kwargs)


@pytest.mark.usefixtures("allow_private")
def test_a_manager_subscribes_reads_changes_rotates_and_deletes(manager_api: Client) -> None:
    created = _send(
        manager_api,
        "post",
        "",
        {"url": URL, "events": ["return.*", "refund.paid"], "description": "ERP"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    assert secret.startswith("whsec_")
    assert body["events"] == ["return.*", "refund.paid"]
    assert body["version"] == "2026-11-30"
    assert body["is_active"] is True
    stored = WebhookSubscription.objects.get(pk=body["id"])
    assert stored.secret is not None
    assert stored.secret.reveal() == secret
    assert secret not in repr(stored)

    path = f"/{body['id']}"
    read = _send(manager_api, "get", path)
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert secret not in read.content.decode()
    listed = _send(manager_api, "get", "")
    assert [s["id"] for s in listed.json()["results"]] == [body["id"]]
    assert secret not in listed.content.decode()

    changed = _send(manager_api, "patch", path, {"events": ["*"], "is_active": False})
    assert changed.status_code == 200, changed.content
    assert changed.json()["events"] == ["*"]
    assert changed.json()["is_active"] is False
    assert changed.json()["disabled_reason"] == "manual"
    again = _send(manager_api, "patch", path, {"is_active": True, "description": "ERP v2"})
    assert again.json()["is_active"] is True
    assert again.json()["disabled_reason"] == ""
    assert again.json()["url"] == URL

    rotated = _send(manager_api, "post", f"{path}/rotate-secret", {"previous_valid_hours": 2})
    assert rotated.status_code == 200, rotated.content
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != secret
    assert rotated.json()["previous_secret_valid_until"] is not None
    assert _send(manager_api, "get", path).json()["previous_secret_valid_until"] is not None
    default = _send(manager_api, "post", f"{path}/rotate-secret", {})
    assert default.status_code == 200

    assert _send(manager_api, "delete", path).status_code == 204
    assert _send(manager_api, "get", path).status_code == 404
    assert not WebhookSubscription.objects.exists()


def test_the_catalogue_lists_every_event_with_its_schema(manager_api: Client) -> None:
    answer = _send(manager_api, "get", "/events")
    assert answer.status_code == 200
    catalogue = answer.json()
    assert catalogue["version"] == "2026-11-30"
    assert {e["name"] for e in catalogue["events"]} == {n.value for n in EventName}
    assert catalogue["groups"] == ["exchange", "refund", "return"]
    paid = next(e for e in catalogue["events"] if e["name"] == "refund.paid")
    assert paid["description"]
    assert paid["payload_schema"]["properties"]["type"]["const"] == "refund.paid"
    assert "return" in json.dumps(paid["payload_schema"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example.com/x"}, "url"),
        ({"url": "http://127.0.0.1/hooks"}, "url"),  # loopback: refused without the setting
        ({"url": "http://localhost:8000/hooks"}, "url"),
        ({"url": "http://10.0.0.7/hooks"}, "url"),
        ({"url": "http://169.254.169.254/latest"}, "url"),
        ({"url": "http://[::1]/hooks"}, "url"),
        ({"url": "https://user:pw@example.com/hooks"}, "url"),
        ({"url": ""}, "url"),
        ({"url": "x" * 2001}, "url"),
        ({}, "url"),
        ({"url": URL, "events": []}, "events"),
        ({"url": URL, "events": ["return.nope"]}, "events.0"),
        ({"url": URL, "events": ["refund.paid", "returns.*"]}, "events.1"),
        ({"url": URL, "events": "refund.paid"}, "events"),
        ({"url": URL, "description": "x" * 201}, "description"),
        ({"url": URL, "version": "2019-01-01"}, "version"),
        ({"url": URL, "secret": "whsec_mine"}, "secret"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    manager_api: Client, body: dict[str, Any], field: str
) -> None:
    answer = _send(manager_api, "post", "", body)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["extra"]["fields"], answer.json()
    assert not WebhookSubscription.objects.exists()


def test_an_address_inside_is_refused_in_the_readers_language(manager_api_en: Client) -> None:
    answer = _send(manager_api_en, "post", "", {"url": "http://10.0.0.7:8080/hooks"})
    assert answer.status_code == 422
    [message] = answer.json()["extra"]["fields"]["url"]
    assert "10.0.0.7" in message
    assert "public addresses" in message
    unknown = _send(manager_api_en, "post", "", {"url": URL, "events": ["return.teleported"]})
    assert "return.teleported is not an event of the catalogue" in unknown.json()["message"]


def test_a_name_that_resolves_inside_is_refused(
    manager_api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from banpum.webhooks import addresses

    monkeypatch.setattr(addresses, "system_resolve", lambda host, port: ["192.168.1.20"])
    answer = _send(manager_api, "post", "", {"url": "https://hooks.example.com/x"})
    assert answer.status_code == 422
    monkeypatch.setattr(addresses, "system_resolve", lambda host, port: ["93.184.215.14"])
    assert _send(manager_api, "post", "", {"url": "https://hooks.example.com/x"}).status_code == 201


@pytest.mark.usefixtures("allow_private")
def test_bad_input_on_the_other_endpoints(manager_api: Client) -> None:
    created = _send(manager_api, "post", "", {"url": URL}).json()
    path = f"/{created['id']}"
    assert _send(manager_api, "patch", path, {"url": "gopher://x"}).status_code == 422
    assert _send(manager_api, "patch", path, {"events": []}).status_code == 422
    assert _send(manager_api, "patch", path, {"is_active": "maybe"}).status_code == 422
    assert _send(manager_api, "patch", path, {"secret": "x"}).status_code == 422
    for hours in (-1, 73, "soon"):
        rotated = _send(
            manager_api, "post", f"{path}/rotate-secret", {"previous_valid_hours": hours}
        )
        assert rotated.status_code == 422
    assert _send(manager_api, "get", f"{path}/deliveries?status=lost").status_code == 422
    assert _send(manager_api, "get", f"{path}/deliveries?cursor=cD1hYmM=").status_code == 422
    assert _send(manager_api, "get", f"{path}/deliveries?page_size=0").status_code == 422
    assert _send(manager_api, "get", "/not-a-number").status_code == 422
    assert _send(manager_api, "get", f"{path}/deliveries/x").status_code == 422
    assert WebhookSubscription.objects.get().url == URL


@pytest.mark.usefixtures("allow_private")
def test_deliveries_are_listed_read_and_resent(
    store: Any, manager_api: Client, manager: Any
) -> None:
    created = _send(manager_api, "post", "", {"url": URL}).json()
    open_return(make_order(store=store))
    open_return(make_order(store=store))
    webhook_events_dispatch(now=NOW)
    path = f"/{created['id']}/deliveries"

    listed = _send(manager_api, "get", path)
    assert listed.status_code == 200
    results = listed.json()["results"]
    assert [d["event_type"] for d in results] == ["return.requested"] * 2
    assert results[0]["id"] > results[1]["id"]  # newest first
    assert _send(manager_api, "get", f"{path}?status=delivered").json()["results"] == []
    assert len(_send(manager_api, "get", f"{path}?event=return.requested").json()["results"]) == 2
    page = _send(manager_api, "get", f"{path}?page_size=1").json()
    assert len(page["results"]) == 1
    assert page["next"]

    delivery_id = results[0]["id"]
    detail = _send(manager_api, "get", f"{path}/{delivery_id}")
    assert detail.status_code == 200
    assert detail.json()["payload"]["type"] == "return.requested"
    assert detail.json()["attempt_log"] == []

    resent = _send(manager_api, "post", f"{path}/{delivery_id}/resend")
    assert resent.status_code == 202, resent.content
    assert resent.json()["status"] == "pending"

    assert _claim(delivery_id, timezone.now()) is not None  # an attempt in flight
    busy = _send(manager_api, "post", f"{path}/{delivery_id}/resend")
    assert busy.status_code == 409
    assert busy.json()["code"] == "webhook_delivery_in_flight"
    assert WebhookDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.SENDING

    _send(manager_api, "patch", f"/{created['id']}", {"is_active": False})
    paused = _send(manager_api, "post", f"{path}/{results[1]['id']}/resend")
    assert paused.status_code == 409
    assert paused.json()["code"] == "webhook_inactive"


@pytest.mark.usefixtures("allow_private")
def test_a_manager_sends_a_test_event(
    store: Any, manager_api: Client, manager_api_en: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = _send(manager_api, "post", "", {"url": URL, "events": ["refund.paid"]}).json()
    path = f"/{created['id']}"

    answer = _send(manager_api, "post", f"{path}/test")

    assert answer.status_code == 202, answer.content
    queued = answer.json()
    assert queued["event_type"] == "webhook.test"
    assert queued["event_id"] is None
    assert queued["status"] == "pending"
    assert queued["attempts"] == 0
    listed = _send(manager_api, "get", f"{path}/deliveries?event=webhook.test").json()
    assert [d["id"] for d in listed["results"]] == [queued["id"]]
    detail = _send(manager_api, "get", f"{path}/deliveries/{queued['id']}").json()
    assert detail["payload"]["type"] == "webhook.test"
    assert detail["payload"]["data"]["subscription_id"] == created["id"]
    assert detail["payload"]["data"]["test"] is True

    monkeypatch.setattr(sending, "TESTS_PER_HOUR", 1)
    limited = _send(manager_api_en, "post", f"{path}/test")
    assert limited.status_code == 429
    assert limited.json()["code"] == "webhook_test_limit"
    assert limited.json()["message"].startswith("At most 1 test events an hour")

    _send(manager_api, "patch", path, {"is_active": False})
    paused = _send(manager_api_en, "post", f"{path}/test")
    assert paused.status_code == 409
    assert paused.json()["code"] == "webhook_inactive"
    assert "enable it before sending a test event" in paused.json()["message"]
    assert _send(manager_api, "post", "/987654/test").status_code == 404


@pytest.mark.usefixtures("allow_private")
def test_other_stores_see_nothing(store: Any, manager_api: Client) -> None:
    other = StoreFactory(code="OT")
    make_policy(other)
    other_manager, _ = manager_key(other, username="other-manager")
    theirs = subscribe(other, URL, other_manager).subscription
    open_return(make_order(store=other))
    webhook_events_dispatch(now=NOW)
    [their_delivery] = WebhookDelivery.objects.filter(subscription=theirs)
    mine = _send(manager_api, "post", "", {"url": URL}).json()

    path = f"/{theirs.pk}"
    assert _send(manager_api, "get", path).status_code == 404
    assert _send(manager_api, "get", path).json()["code"] == "webhook_not_found"
    assert _send(manager_api, "patch", path, {"description": "mine"}).status_code == 404
    assert _send(manager_api, "post", f"{path}/rotate-secret", {}).status_code == 404
    assert _send(manager_api, "get", f"{path}/deliveries").status_code == 404
    assert _send(manager_api, "get", f"{path}/deliveries/{their_delivery.pk}").status_code == 404
    resend = f"{path}/deliveries/{their_delivery.pk}/resend"
    assert _send(manager_api, "post", resend).status_code == 404
    assert _send(manager_api, "post", f"{path}/test").status_code == 404
    assert not WebhookDelivery.objects.filter(event_type="webhook.test").exists()
    # Their delivery under my own subscription: as unknown.
    mixed = f"/{mine['id']}/deliveries/{their_delivery.pk}"
    assert _send(manager_api, "get", mixed).status_code == 404
    assert _send(manager_api, "get", mixed).json()["code"] == "webhook_delivery_not_found"
    assert _send(manager_api, "post", f"{mixed}/resend").status_code == 404
    assert _send(manager_api, "delete", path).status_code == 404
    assert [s["id"] for s in _send(manager_api, "get", "").json()["results"]] == [mine["id"]]
    theirs.refresh_from_db()
    assert theirs.description == ""


@pytest.mark.usefixtures("allow_private")
def test_webhooks_are_a_managers_setting(store: Any, api: Client, manager: Any) -> None:
    """An integration key (no person behind it) and a CS agent's key may not touch them."""
    from django.contrib.auth import get_user_model

    from banpum.accounts.models import StoreMembership
    from banpum.accounts.services import api_key_create

    existing = subscribe(store, URL, manager).subscription
    user = get_user_model().objects.create_user("agent", password="x")
    membership = StoreMembership.objects.create(user=user, store=store, role="cs_agent")
    _, raw = api_key_create(store=store, name="agent", acts_for=membership)
    agent = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for client in (api, agent):
        for method, path, body in (
            ("get", "", None),
            ("post", "", {"url": URL}),
            ("get", "/events", None),
            ("get", f"/{existing.pk}", None),
            ("patch", f"/{existing.pk}", {"description": "x"}),
            ("delete", f"/{existing.pk}", None),
            ("post", f"/{existing.pk}/rotate-secret", {}),
            ("get", f"/{existing.pk}/deliveries", None),
            ("post", f"/{existing.pk}/test", None),
        ):
            answer = _send(client, method, path, body)
            assert answer.status_code == 403, (method, path, answer.content)
            assert answer.json()["code"] == "forbidden"
    assert WebhookSubscription.objects.get().description == ""
    assert not WebhookDelivery.objects.exists()


@pytest.mark.usefixtures("allow_private")
def test_a_store_has_at_most_a_set_number_of_subscriptions(
    manager_api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subscriptions, "MAX_SUBSCRIPTIONS_PER_STORE", 2)
    assert _send(manager_api, "post", "", {"url": URL}).status_code == 201
    assert _send(manager_api, "post", "", {"url": URL + "/2"}).status_code == 201
    third = _send(manager_api, "post", "", {"url": URL + "/3"})
    assert third.status_code == 409
    assert third.json()["code"] == "webhook_limit_reached"


def test_every_status_is_in_the_openapi_document(api: Client) -> None:
    document = api.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/webhooks")
        for method, operation in item.items()
    }
    assert len(operations) == 11
    for (method, path), operation in operations.items():
        statuses = set(operation["responses"])
        assert {"401", "403"} <= statuses, (method, path)
        if "{subscription_id}" in path:
            assert "404" in statuses, (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= statuses, (method, path)
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
    resend = operations[
        ("POST", "/api/v1/webhooks/{subscription_id}/deliveries/{delivery_id}/resend")
    ]
    assert {"202", "409"} <= set(resend["responses"])
    test = operations[("POST", "/api/v1/webhooks/{subscription_id}/test")]
    assert {"202", "403", "404", "409", "429"} <= set(test["responses"])
    assert "201" in operations[("POST", "/api/v1/webhooks")]["responses"]
    assert "204" in operations[("DELETE", "/api/v1/webhooks/{subscription_id}")]["responses"]
