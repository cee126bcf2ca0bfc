"""Every model has an admin page that renders, in Korean and in English."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from banpum.accounts.capabilities import Role
from banpum.accounts.models import ApiKey
from banpum.accounts.services import api_key_create, store_membership_set
from banpum.core.actors import Actor
from banpum.logistics.models import CarrierAccount, Gateway, Pickup
from banpum.policy.models import ReturnPolicy
from banpum.policy.schemas import default_rules_document
from banpum.policy.types import LineRequest, Method, Resolution, ReturnAsk, ReturnType
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.services import return_request_create
from tests.factories import StoreFactory, make_order
from tests.logistics.helpers import carrier

pytestmark = pytest.mark.django_db

BANPUM_MODELS = [
    model
    for app in ("accounts", "commerce", "policy", "returns", "logistics", "webhooks")
    for model in apps.get_app_config(app).get_models()
]


@pytest.fixture
def staff(store: Any) -> Client:
    user = User.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-only")
    client = Client()
    client.force_login(user)
    order = make_order(store=store, lines=[{"quantity": 2}])
    return_request_create(
        now=timezone.now(),
        order=order,
        ask=ReturnAsk(
            type=ReturnType.RETURN,
            reason_code="change_of_mind",
            resolution=Resolution.REFUND,
            method=Method.SELF_SHIP,
            lines=(LineRequest(order.lines.get().pk, 1),),
        ),
        origin=Origin.CS,
        actor=Actor.staff(user),
        note="상담 메모",
    )
    return client


@pytest.mark.parametrize("model", BANPUM_MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_registered(model: Any) -> None:
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("model", BANPUM_MODELS, ids=lambda m: m._meta.label)
def test_changelist_and_change_pages_render(staff: Client, model: Any, language: str) -> None:
    info = (model._meta.app_label, model._meta.model_name)
    response = staff.get(
        reverse("admin:{}_{}_changelist".format(*info)), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    first = model.objects.first()
    if first is not None:
        page = staff.get(
            reverse("admin:{}_{}_change".format(*info), args=[first.pk]),
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert page.status_code == 200


def test_admin_index_is_korean_by_default(staff: Client) -> None:
    response = staff.get(reverse("admin:index"))
    assert "반품" in response.content.decode()
    assert "사이트 관리" in response.content.decode()


def test_policy_admin_adds_a_new_version_and_never_edits_one(staff: Client, store: Any) -> None:
    rules = default_rules_document() | {"change_of_mind_days": 14}
    response = staff.post(
        reverse("admin:policy_returnpolicy_add"),
        {"store": store.pk, "rules": json.dumps(rules), "note": "14일로 연장"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(ReturnPolicy.objects.filter(store=store).order_by("version"))
    assert [p.version for p in versions] == [1, 2]
    assert versions[1].rules["change_of_mind_days"] == 14
    assert versions[0].rules["change_of_mind_days"] == 7


def test_policy_admin_names_the_bad_field(staff: Client, store: Any) -> None:
    rules = default_rules_document() | {"return_shipping_fee": -5}
    response = staff.post(
        reverse("admin:policy_returnpolicy_add"),
        {"store": store.pk, "rules": json.dumps(rules), "note": ""},
    )
    assert response.status_code == 200
    assert "rules.return_shipping_fee" in response.content.decode()


# The admin is for active superusers only.


SECRET_CREDENTIAL = "cj-live-credential-7f3a9c"
SECRET_HOOK = "whsec-live-2b8e41d0"


@pytest.fixture
def carrier_account(store: Any) -> CarrierAccount:
    return CarrierAccount.objects.create(
        store=store,
        carrier=carrier(),
        name="CJ 반품",
        gateway=Gateway.SIMULATOR,
        api_base_url="http://127.0.0.1:9",
        credentials={"api_key": SECRET_CREDENTIAL},
        webhook_secret=SECRET_HOOK,
    )


@pytest.fixture
def cs_staff() -> tuple[User, Client]:
    """The demo's old `cs`: staff, not superuser, with every model permission."""
    user = User.objects.create_user("cs", "cs@example.com", "pw-for-tests-only", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(user)
    return user, client


def test_staff_who_are_not_superusers_get_no_admin_and_no_data(
    cs_staff: tuple[User, Client], carrier_account: CarrierAccount, store: Any
) -> None:
    _, client = cs_staff
    order = make_order(store=store, lines=[{"quantity": 2}])
    urls = [
        reverse("admin:index"),
        reverse("admin:logistics_carrieraccount_changelist"),
        reverse("admin:logistics_carrieraccount_change", args=[carrier_account.pk]),
        reverse("admin:commerce_order_changelist"),
        reverse("admin:commerce_order_change", args=[order.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    line = order.lines.get()
    response = client.post(
        reverse("admin:commerce_orderline_change", args=[line.pk]),
        {"order": order.pk, "line_number": 1, "sku": line.sku, "name": "x", "quantity": 0},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.quantity == 2


def test_staff_who_are_not_superusers_cannot_log_in(cs_staff: tuple[User, Client]) -> None:
    response = Client().post(
        reverse("admin:login"), {"username": "cs", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session
    assert "최고 관리자 전용" in response.content.decode()  # Korean, the default
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("admin:login"), {"username": "cs", "password": "pw-for-tests-only"}
    )
    assert "superusers only" in english.content.decode()


def test_an_inactive_superuser_gets_no_admin(staff: Client) -> None:
    User.objects.filter(username="boss").update(is_active=False)
    assert staff.get(reverse("admin:index")).status_code == 302


# Secrets are write-only.


def test_carrier_secrets_are_never_rendered(staff: Client, carrier_account: CarrierAccount) -> None:
    for url in (
        reverse("admin:logistics_carrieraccount_changelist"),
        reverse("admin:logistics_carrieraccount_change", args=[carrier_account.pk]),
        reverse("admin:logistics_carrieraccount_history", args=[carrier_account.pk]),
    ):
        page = staff.get(url).content.decode()
        assert SECRET_CREDENTIAL not in page, url
        assert SECRET_HOOK not in page, url


def _account_form(account: CarrierAccount, **changes: Any) -> dict[str, Any]:
    data = {
        "store": account.store_id,
        "carrier": account.carrier_id,
        "name": account.name,
        "is_active": "on",
        "gateway": account.gateway,
        "api_base_url": account.api_base_url,
        "new_credentials": "",
        "new_webhook_secret": "",
        "customer_code": "",
        "fare_type": account.fare_type,
        "box_sizes": "[]",
        "return_name": "",
        "return_phone": "",
        "return_postcode": "",
        "return_address1": "",
        "return_address2": "",
        "instructions": "",
    }
    return data | changes


def test_an_empty_secret_keeps_the_saved_one_and_a_new_one_replaces_it(
    staff: Client, carrier_account: CarrierAccount
) -> None:
    url = reverse("admin:logistics_carrieraccount_change", args=[carrier_account.pk])
    response = staff.post(url, _account_form(carrier_account, name="CJ 반품 (계약 2)"))
    assert response.status_code == 302, response.content.decode()[:3000]
    carrier_account.refresh_from_db()
    assert carrier_account.name == "CJ 반품 (계약 2)"
    assert carrier_account.credentials == {"api_key": SECRET_CREDENTIAL}
    assert carrier_account.webhook_secret == SECRET_HOOK

    new = _account_form(
        carrier_account,
        new_credentials=json.dumps({"api_key": "rotated-key"}),
        new_webhook_secret="rotated-secret",
    )
    assert staff.post(url, new).status_code == 302
    carrier_account.refresh_from_db()
    assert carrier_account.credentials == {"api_key": "rotated-key"}
    assert carrier_account.webhook_secret == "rotated-secret"
    assert "rotated" not in staff.get(url).content.decode()

    staff.post(url, _account_form(carrier_account, clear_webhook_secret="on"))
    carrier_account.refresh_from_db()
    assert carrier_account.webhook_secret == ""
    refused = staff.post(url, _account_form(carrier_account, new_credentials="[1, 2]"))
    assert refused.status_code == 200
    carrier_account.refresh_from_db()
    assert carrier_account.credentials == {"api_key": "rotated-key"}


def test_api_key_digests_are_never_rendered(staff: Client, store: Any) -> None:
    key, raw = api_key_create(store=store, name="ERP")
    for url in (
        reverse("admin:accounts_apikey_changelist"),
        reverse("admin:accounts_apikey_change", args=[key.pk]),
    ):
        page = staff.get(url).content.decode()
        assert key.digest not in page, url
        assert raw not in page, url


# No admin edit bypasses a domain rule.


def test_order_lines_under_a_return_are_read_only(staff: Client, store: Any) -> None:
    order = ReturnRequest.objects.get().order  # the `staff` fixture opened one return
    line = order.lines.get()
    url = reverse("admin:commerce_orderline_change", args=[line.pk])
    page = staff.get(url).content.decode()
    assert 'name="quantity"' not in page
    staff.post(url, {"order": order.pk, "line_number": 1, "sku": line.sku, "quantity": 0})
    line.refresh_from_db()
    assert line.quantity == 2

    order_url = reverse("admin:commerce_order_change", args=[order.pk])
    page = staff.get(order_url).content.decode()
    assert 'name="lines-0-quantity"' not in page
    assert 'name="paid_total"' not in page
    actions = staff.get(reverse("admin:commerce_orderline_changelist")).context["action_form"]
    assert "delete_selected" not in str(actions)


def test_an_order_without_a_return_stays_editable(staff: Client, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 2}])
    page = staff.get(reverse("admin:commerce_order_change", args=[order.pk])).content.decode()
    assert 'name="lines-0-quantity"' in page


def test_statuses_are_read_only(staff: Client) -> None:
    return_request = ReturnRequest.objects.get()
    page = staff.get(
        reverse("admin:returns_returnrequest_change", args=[return_request.pk])
    ).content.decode()
    for field in ("status", "version", "hold_reason"):
        assert f'name="{field}"' not in page
    assert not admin.site._registry[Pickup].has_add_permission(None)  # type: ignore[arg-type]
    pickup_admin = admin.site._registry[Pickup]
    assert "status" in pickup_admin.get_readonly_fields(None)  # type: ignore[arg-type]


def test_a_key_made_in_the_admin_acts_only_for_a_member_of_its_store(
    staff: Client, store: Any
) -> None:
    other = StoreFactory(slug="other-store")
    kim = User.objects.create_user("cs-kim", password=None)
    own = store_membership_set(user=kim, store=store, role=Role.CS_AGENT)
    foreign = store_membership_set(user=kim, store=other, role=Role.CS_AGENT)
    url = reverse("admin:accounts_apikey_add")
    refused = staff.post(url, {"store": store.pk, "acts_for": foreign.pk, "name": "desk"})
    assert refused.status_code == 200
    assert not ApiKey.objects.exists()
    made = staff.post(url, {"store": store.pk, "acts_for": own.pk, "name": "desk"})
    assert made.status_code == 302
    assert ApiKey.objects.get().acts_for == own
