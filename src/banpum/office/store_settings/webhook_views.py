"""/office/settings/webhooks/: a store's merchant webhooks, for those with WEBHOOKS_MANAGE.

List, subscribe (the signing secret shown once, on that answer only), change or pause, rotate
the secret (the old one keeps signing for a while, as the service does), delete; per
subscription, its deliveries (paged, by status) and each delivery's attempts, with a resend.
Every write goes through ``banpum.webhooks.services``; another store's subscription or
delivery is a 404. "Send test event" queues a ``webhook.test`` delivery (the webhooks app's
service, sent by its job) and opens the delivery log, where it shows as a test.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError
from banpum.office.access import actor_of, needs
from banpum.office.store_settings.common import not_found_as_404, render_settings
from banpum.office.store_settings.webhook_forms import (
    DeliveryFilterForm,
    RotateForm,
    SubscriptionEditForm,
    SubscriptionForm,
)
from banpum.webhooks import catalogue, selectors
from banpum.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from banpum.webhooks.services import sending, subscriptions

MANAGE = Capability.WEBHOOKS_MANAGE
CURRENT = "settings-webhooks"
DELIVERIES_PER_PAGE = 25


def _onto_form(form: forms.BaseForm, error: ApplicationError) -> None:
    """A service's refusal next to its field (``events.3`` → ``events``), else above."""
    fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
    if isinstance(fields, dict) and fields:
        for path, texts in fields.items():
            name = str(path).split(".")[0]
            form.add_error(name if name in form.fields else None, list(texts))
    else:
        form.add_error(None, error.message)


def _subscription(membership: StoreMembership, subscription_id: int) -> WebhookSubscription:
    with not_found_as_404():
        return selectors.webhook_subscription_get(
            store=membership.store, subscription_id=subscription_id
        )


def _delivery(subscription: WebhookSubscription, delivery_id: int) -> WebhookDelivery:
    with not_found_as_404():
        return selectors.webhook_delivery_get(subscription=subscription, delivery_id=delivery_id)


def _last_delivery(subscription: WebhookSubscription) -> WebhookDelivery | None:
    return selectors.webhook_delivery_list(subscription=subscription).first()


@needs(MANAGE)
@require_http_methods(["GET"])
def webhooks(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    # At most MAX_SUBSCRIPTIONS_PER_STORE rows, so one read each for the last delivery.
    rows = [
        {"subscription": s, "last": _last_delivery(s)}
        for s in selectors.webhook_subscription_list(store=membership.store)
    ]
    return render_settings(
        request,
        membership,
        "office/settings/webhooks.html",
        {"rows": rows, "limit": subscriptions.MAX_SUBSCRIPTIONS_PER_STORE},
        current=CURRENT,
    )


def _form_page(
    request: HttpRequest,
    membership: StoreMembership,
    form: SubscriptionForm,
    *,
    subscription: WebhookSubscription | None = None,
    secret: str = "",
    rotate_form: RotateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render_settings(
        request,
        membership,
        "office/settings/webhook_form.html",
        {
            "form": form,
            "subscription": subscription,
            "secret": secret,
            "rotate_form": rotate_form or RotateForm(),
            "version": subscription.version if subscription else catalogue.VERSION,
        },
        current=CURRENT,
        status=status,
    )


@never_cache
@needs(MANAGE)
@require_http_methods(["GET", "POST"])
def webhook_new(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    form = SubscriptionForm(request.POST or None, initial={"events": [catalogue.ALL]})
    if request.method == "POST" and form.is_valid():
        try:
            created = subscriptions.webhook_subscription_create(
                store=membership.store,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                actor=actor_of(request, membership),
                now=timezone.now(),
            )
        except ApplicationError as error:
            _onto_form(form, error)
        else:
            # The secret is shown on this answer only (never stored in clear, so no redirect).
            messages.success(request, _("Subscribed. Copy the signing secret now."))
            subscription = created.subscription
            return _form_page(
                request,
                membership,
                _edit_form(subscription),
                subscription=subscription,
                secret=created.secret,
            )
    return _form_page(request, membership, form, status=422 if form.errors else 200)


def _edit_form(subscription: WebhookSubscription, data: Any = None) -> SubscriptionEditForm:
    return SubscriptionEditForm(
        data,
        initial={
            "url": subscription.url,
            "description": subscription.description,
            "events": list(subscription.events),
            "is_active": subscription.is_active,
        },
    )


@never_cache
@needs(MANAGE)
@require_http_methods(["GET", "POST"])
def webhook_edit(
    request: HttpRequest, membership: StoreMembership, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(membership, subscription_id)
    form = _edit_form(subscription, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscriptions.webhook_subscription_update(
                subscription=subscription,
                actor=actor_of(request, membership),
                now=timezone.now(),
                url=data["url"] if data["url"] != subscription.url else None,
                events=data["events"],
                description=data["description"],
                is_active=data["is_active"],
            )
        except ApplicationError as error:
            _onto_form(form, error)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("office:settings-webhook-edit", subscription_id=subscription.pk)
    return _form_page(
        request,
        membership,
        form,
        subscription=subscription,
        status=422 if form.errors else 200,
    )


@never_cache
@needs(MANAGE)
@require_POST
def webhook_rotate(
    request: HttpRequest, membership: StoreMembership, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(membership, subscription_id)
    rotate_form = RotateForm(request.POST)
    if rotate_form.is_valid():
        try:
            rotated = subscriptions.webhook_secret_rotate(
                subscription=subscription,
                actor=actor_of(request, membership),
                now=timezone.now(),
                previous_valid_hours=rotate_form.cleaned_data["previous_valid_hours"],
            )
        except ApplicationError as error:
            _onto_form(rotate_form, error)
        else:
            messages.success(request, _("New signing secret made. Copy it now."))
            return _form_page(
                request,
                membership,
                _edit_form(rotated.subscription),
                subscription=rotated.subscription,
                secret=rotated.secret,
            )
    return _form_page(
        request,
        membership,
        _edit_form(subscription),
        subscription=subscription,
        rotate_form=rotate_form,
        status=422,
    )


@needs(MANAGE)
@require_POST
def webhook_delete(
    request: HttpRequest, membership: StoreMembership, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(membership, subscription_id)
    subscriptions.webhook_subscription_delete(
        subscription=subscription, actor=actor_of(request, membership)
    )
    messages.success(request, _("Webhook %(url)s deleted.") % {"url": subscription.url})
    return redirect("office:settings-webhooks")


@needs(MANAGE)
@require_POST
def webhook_send_test(
    request: HttpRequest, membership: StoreMembership, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(membership, subscription_id)
    try:
        sending.webhook_subscription_send_test(
            subscription=subscription, actor=actor_of(request, membership), now=timezone.now()
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("office:settings-webhook-edit", subscription_id=subscription.pk)
    messages.success(
        request,
        _(
            "Test event queued: it is sent within seconds and shows in this delivery log, "
            "with each attempt and your endpoint's answer."
        ),
    )
    return redirect("office:settings-webhook-deliveries", subscription_id=subscription.pk)


@needs(MANAGE)
@require_http_methods(["GET"])
def webhook_deliveries(
    request: HttpRequest, membership: StoreMembership, subscription_id: int
) -> HttpResponse:
    subscription = _subscription(membership, subscription_id)
    filters = DeliveryFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    deliveries = selectors.webhook_delivery_list(subscription=subscription, status=status or None)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render_settings(
        request,
        membership,
        "office/settings/webhook_deliveries.html",
        {
            "subscription": subscription,
            "filters": filters,
            "status": status,
            "page": page,
            "test_event": catalogue.TEST_EVENT.value,
        },
        current=CURRENT,
    )


def _resend_allowed(subscription: WebhookSubscription, delivery: WebhookDelivery) -> bool:
    return subscription.is_active and delivery.status != DeliveryStatus.SENDING


@needs(MANAGE)
@require_http_methods(["GET"])
def webhook_delivery(
    request: HttpRequest, membership: StoreMembership, subscription_id: int, delivery_id: int
) -> HttpResponse:
    subscription = _subscription(membership, subscription_id)
    delivery = _delivery(subscription, delivery_id)
    return render_settings(
        request,
        membership,
        "office/settings/webhook_delivery.html",
        {
            "subscription": subscription,
            "delivery": delivery,
            "attempts": selectors.webhook_attempts(delivery=delivery),
            "can_resend": _resend_allowed(subscription, delivery),
            "test_event": catalogue.TEST_EVENT.value,
        },
        current=CURRENT,
    )


@needs(MANAGE)
@require_POST
def webhook_resend(
    request: HttpRequest, membership: StoreMembership, subscription_id: int, delivery_id: int
) -> HttpResponse:
    subscription = _subscription(membership, subscription_id)
    delivery = _delivery(subscription, delivery_id)
    try:
        sending.webhook_delivery_resend(
            delivery=delivery, actor=actor_of(request, membership), now=timezone.now()
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sending it again now, with a day of retries."))
    return redirect(
        "office:settings-webhook-delivery", subscription_id=subscription.pk, delivery_id=delivery.pk
    )
