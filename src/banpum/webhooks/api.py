"""/api/v1/webhooks: a store's webhook subscriptions, their deliveries, and the event catalogue.

Managing webhooks is a manager's setting (``WEBHOOKS_MANAGE``): an API key acting for a
manager or an admin of the store. Another store's subscription or delivery is a 404.

No ``from __future__ import annotations``: ninja resolves parameter annotations at runtime.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.commerce.models import Store
from banpum.core.api_context import request_actor
from banpum.core.pagination import Pages
from banpum.core.schemas import errors
from banpum.webhooks import catalogue, payloads, selectors
from banpum.webhooks.models import WebhookDelivery, WebhookSubscription
from banpum.webhooks.schemas import (
    CatalogueOut,
    DeliveryDetailOut,
    DeliveryOut,
    DeliveryQuery,
    RotateIn,
    SecretOut,
    SubscriptionCreatedOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatchIn,
)
from banpum.webhooks.services import sending, subscriptions

router = Router(tags=["webhooks"])


def _store(request: HttpRequest) -> Store:
    """The caller's store, once the caller may manage its webhooks (403 otherwise)."""
    store = request_store(request)
    actor_require(request_actor(request), store.pk, Capability.WEBHOOKS_MANAGE)
    return store


def _subscription(request: HttpRequest, subscription_id: int) -> WebhookSubscription:
    return selectors.webhook_subscription_get(
        store=_store(request), subscription_id=subscription_id
    )


@router.get(
    "/events",
    response={200: CatalogueOut, **errors(403)},
    summary="The event catalogue: every event a subscription can receive, with its schema",
)
def event_catalogue(request: HttpRequest) -> dict[str, Any]:
    _store(request)
    return {
        "version": catalogue.VERSION,
        "versions": list(catalogue.VERSIONS),
        "groups": sorted(catalogue.groups()),
        "events": [
            {
                "name": name.value,
                "description": str(catalogue.DESCRIPTIONS[name]),
                "payload_schema": payloads.envelope_model(name).model_json_schema(by_alias=True),
            }
            for name in catalogue.EventName
        ],
    }


@router.post(
    "",
    response={201: SubscriptionCreatedOut, **errors(403, 409)},
    summary="Subscribe a URL; the answer shows its signing secret, once",
)
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status[dict[str, Any]]:
    """422 for a URL that is not http(s), carries credentials, or resolves to a private,
    loopback, link-local, multicast or reserved address; 409 past 20 subscriptions."""
    created = subscriptions.webhook_subscription_create(
        store=request_store(request),
        url=payload.url,
        events=payload.events,
        description=payload.description,
        version=payload.version,
        actor=request_actor(request),
        now=timezone.now(),
    )
    out = SubscriptionOut.from_orm(created.subscription).dict()
    return Status(201, {**out, "secret": created.secret})


@router.get(
    "",
    response={200: list[SubscriptionOut], **errors(403)},
    summary="The store's webhook subscriptions, newest first",
)
@paginate(Pages, ordering=("-id",))
def list_subscriptions(request: HttpRequest) -> Any:
    return selectors.webhook_subscription_list(store=_store(request))


@router.get(
    "/{subscription_id}",
    response={200: SubscriptionOut, **errors(403, 404)},
    summary="One webhook subscription",
)
def get_subscription(request: HttpRequest, subscription_id: int) -> WebhookSubscription:
    return _subscription(request, subscription_id)


@router.patch(
    "/{subscription_id}",
    response={200: SubscriptionOut, **errors(403, 404)},
    summary="Change the URL, events or description; pause or resume it",
)
def update_subscription(
    request: HttpRequest, subscription_id: int, payload: SubscriptionPatchIn
) -> WebhookSubscription:
    return subscriptions.webhook_subscription_update(
        subscription=_subscription(request, subscription_id),
        actor=request_actor(request),
        now=timezone.now(),
        url=payload.url,
        events=payload.events,
        description=payload.description,
        is_active=payload.is_active,
    )


@router.delete(
    "/{subscription_id}",
    response={204: None, **errors(403, 404)},
    summary="Delete a subscription with its delivery log",
)
def delete_subscription(request: HttpRequest, subscription_id: int) -> Status[None]:
    subscriptions.webhook_subscription_delete(
        subscription=_subscription(request, subscription_id), actor=request_actor(request)
    )
    return Status(204, None)


@router.post(
    "/{subscription_id}/rotate-secret",
    response={200: SecretOut, **errors(403, 404)},
    summary="A new signing secret, shown once; the old one signs too for a while",
)
def rotate_secret(request: HttpRequest, subscription_id: int, payload: RotateIn) -> dict[str, Any]:
    rotated = subscriptions.webhook_secret_rotate(
        subscription=_subscription(request, subscription_id),
        actor=request_actor(request),
        now=timezone.now(),
        previous_valid_hours=payload.previous_valid_hours,
    )
    return {
        "id": rotated.subscription.pk,
        "secret": rotated.secret,
        "previous_secret_valid_until": rotated.subscription.previous_secret_valid_until,
    }


@router.post(
    "/{subscription_id}/test",
    response={202: DeliveryOut, **errors(403, 404, 409, 429)},
    summary="Send a test event (webhook.test) to the subscription's URL, as a delivery",
)
def send_test(request: HttpRequest, subscription_id: int) -> Status[WebhookDelivery]:
    """The delivery is queued (202) and sent by the job like any other: signed, retried, in
    the delivery log. 409 when the subscription is paused; 429 past 10 test events an hour."""
    queued = sending.webhook_subscription_send_test(
        subscription=_subscription(request, subscription_id),
        actor=request_actor(request),
        now=timezone.now(),
    )
    return Status(202, queued)


@router.get(
    "/{subscription_id}/deliveries",
    response={200: list[DeliveryOut], **errors(403, 404)},
    summary="A subscription's deliveries, newest first",
)
@paginate(Pages, ordering=("-id",))
def list_deliveries(
    request: HttpRequest, subscription_id: int, filters: Query[DeliveryQuery]
) -> Any:
    return selectors.webhook_delivery_list(
        subscription=_subscription(request, subscription_id),
        status=filters.status,
        event=filters.event,
    )


@router.get(
    "/{subscription_id}/deliveries/{delivery_id}",
    response={200: DeliveryDetailOut, **errors(403, 404)},
    summary="One delivery: the body sent and the log of its attempts",
)
def get_delivery(request: HttpRequest, subscription_id: int, delivery_id: int) -> WebhookDelivery:
    return selectors.webhook_delivery_get(
        subscription=_subscription(request, subscription_id), delivery_id=delivery_id
    )


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/resend",
    response={202: DeliveryOut, **errors(403, 404, 409)},
    summary="Send a delivery again now (same body and webhook-id), with a day of retries",
)
def resend_delivery(
    request: HttpRequest, subscription_id: int, delivery_id: int
) -> Status[WebhookDelivery]:
    """409 while an attempt is in flight, or when the subscription is disabled."""
    delivery = selectors.webhook_delivery_get(
        subscription=_subscription(request, subscription_id), delivery_id=delivery_id
    )
    resent = sending.webhook_delivery_resend(
        delivery=delivery, actor=request_actor(request), now=timezone.now()
    )
    return Status(202, resent)
