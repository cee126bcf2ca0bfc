"""Every model has an admin page that renders, in Korean and in English."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.policy.models import ReturnPolicy
from banpum.policy.schemas import default_rules_document
from banpum.policy.types import LineRequest, Method, Resolution, ReturnAsk, ReturnType
from banpum.returns.models import Origin
from banpum.returns.services import return_request_create
from tests.factories import make_order

pytestmark = pytest.mark.django_db

BANPUM_MODELS = [
    model
    for app in ("accounts", "commerce", "policy", "returns", "logistics")
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
