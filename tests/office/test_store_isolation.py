"""A person of store B gets 404 for every office page that names an object of store A.

The test walks the office's URL patterns, so a new page with an object in its path fails here
until it is given an object of store A below (and answers 404 for it). The person of store B is
an admin there, so no page can answer 403 for lack of a role instead of 404 for lack of the
object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from banpum.accounts.models import ApiKey, StoreMembership
from banpum.logistics.models import CarrierRule
from banpum.notify.models import MessageTemplate
from banpum.policy.models import BlocklistEntry, ExtraHoliday, ReturnPolicy
from banpum.settlement.models import TransferBatch
from banpum.settlement.services.intents import refund_for_return
from banpum.warehouse.models import InspectionPhoto, UnidentifiedParcel
from banpum.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.factories import make_order
from tests.logistics.helpers import unlinked_account
from tests.office.conftest import member
from tests.office.webhook_helpers import subscription_with_deliveries
from tests.returns.helpers import number_of, open_return
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order

pytestmark = pytest.mark.django_db

HOLIDAY = dt.date(2031, 5, 2)


def office_patterns() -> Iterator[tuple[str, list[str]]]:
    """(url name, path parameters) of every office page."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, list[str]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}:{entry.name}", sorted(entry.pattern.regex.groupindex)

    office = next(r for r in get_resolver().url_patterns if getattr(r, "namespace", "") == "office")
    assert isinstance(office, URLResolver)
    yield from walk(office.url_patterns, "office")


def objects_of(store: Any, django_user_model: Any) -> dict[str, Any]:
    """One object of store A for each kind of path parameter the office knows."""
    now = timezone.now()
    return_request = open_return(make_order(store=store))
    account = unlinked_account(store)
    policy = ReturnPolicy.objects.filter(store=store).order_by("-version").first()
    assert policy is not None
    ReturnPolicy.objects.create(store=store, version=policy.version + 1, rules=policy.rules)
    membership = StoreMembership.objects.get(user=member(django_user_model, "a-member", store))
    ExtraHoliday.objects.create(store=store, date=HOLIDAY, name="A's holiday", created_at=now)
    webhook, [delivery] = subscription_with_deliveries(store)
    return {
        "number": number_of(return_request),
        "order_id": return_request.order_id,
        "parcel_id": UnidentifiedParcel.objects.create(store=store, received_at=now).pk,
        "photo_id": InspectionPhoto.objects.create(
            store=store,
            name="a.jpg",
            content_type="image/jpeg",
            width=1,
            height=1,
            bytes=1,
            uploaded_at=now,
        ).pk,
        "refund_id": _refund_id(store),
        "batch_id": TransferBatch.objects.create(
            store=store, count=0, total=0, file_name="a.xlsx", created_at=now
        ).pk,
        "account_id": account.pk,
        "rule_id": CarrierRule.objects.create(store=store, account=account).pk,
        "member_id": membership.pk,
        "key_id": ApiKey.objects.create(store=store, prefix="bp_a", digest="x" * 64).pk,
        "entry_id": BlocklistEntry.objects.create(
            store=store, kind="phone", value="01012345678", created_at=now
        ).pk,
        "version": policy.version + 1,
        "subscription_id": webhook.subscription.pk,
        "delivery_id": delivery.pk,
        "template_id": MessageTemplate.objects.create(
            store=store,
            event="return.approved",
            channel="alimtalk",
            language="ko",
            text="{return_number}",
            alimtalk_code="A_CODE",
            needs_approval=True,
            updated_at=now,
        ).pk,
        "day": HOLIDAY.isoformat(),
        # Words, not objects: checked with a real object of store A beside them.
        "action": "goodwill",
        "kind": "xlsx",
        # A report key names the same figures in every store (each built for the reader's own
        # store, tests/office/test_insights_pages.py); an unknown one is a 404 everywhere.
        "key": "no-such-report",
    }


def _refund_id(store: Any) -> int:

    [refund] = refund_for_return(
        return_request=inspected_return(paid_order(store)), actor=SYSTEM, now=timezone.now()
    )
    return refund.pk


def test_every_office_page_with_an_object_answers_404_to_another_store(
    store: Any, store2: Any, django_user_model: Any
) -> None:
    objects = objects_of(store, django_user_model)
    other = Client()
    other.force_login(member(django_user_model, "b-admin", store2, role="admin"))
    checked = 0
    for name, parameters in office_patterns():
        if not parameters:
            continue
        unknown = set(parameters) - set(objects)
        assert not unknown, f"{name}: give the test an object of store A for {unknown}"
        url = reverse(name, kwargs={p: objects[p] for p in parameters})
        for method in (other.get, other.post):
            answer = method(url)
            if answer.status_code == 405:
                continue
            assert answer.status_code == 404, (name, method.__name__, answer.status_code)
        checked += 1
    assert checked >= 30, checked
    # Nothing of store A moved (the POSTs above were all refused).
    assert ExtraHoliday.objects.filter(store=store, date=HOLIDAY).exists()
    assert StoreMembership.objects.filter(pk=objects["member_id"]).exists()
    assert ApiKey.objects.get(pk=objects["key_id"]).revoked_at is None
    assert BlocklistEntry.objects.filter(pk=objects["entry_id"]).exists()
    assert CarrierRule.objects.filter(pk=objects["rule_id"]).exists()
    webhook = WebhookSubscription.objects.get(pk=objects["subscription_id"])
    assert webhook.previous_secret is None  # never rotated
    assert not WebhookAttempt.objects.filter(delivery_id=objects["delivery_id"]).exists()
    assert not WebhookDelivery.objects.filter(event_type="webhook.test").exists()  # no test sent
    assert MessageTemplate.objects.get(pk=objects["template_id"]).needs_approval
