"""The one writer of carrier accounts and rules: capability, secrets, one default, its store."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.core.errors import NotFound, PermissionDenied, ValidationFailed
from banpum.logistics.models import CarrierAccount, Gateway
from banpum.logistics.services.accounts import (
    BoxSize,
    CarrierAccountData,
    CarrierRuleData,
    SecretsChange,
    carrier_account_create,
    carrier_account_update,
    carrier_rule_create,
)
from tests.factories import StoreFactory, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def store2(db: Any) -> Any:
    store = StoreFactory(slug="store-2", code="ST2", name="둘째 상점")
    make_policy(store)
    return store


def actor(django_user_model: Any, store: Any, role: str, username: str = "someone") -> Actor:
    user = django_user_model.objects.create_user(username=username, password="x")
    return Actor.staff(user, StoreMembership.objects.create(user=user, store=store, role=role))


def data(**changes: Any) -> CarrierAccountData:
    fields: dict[str, Any] = {
        "carrier_code": "kr.cjlogistics",
        "name": "CJ",
        "gateway": Gateway.SIMULATOR,
        "api_base_url": "http://127.0.0.1:9000",
        "box_sizes": (BoxSize(code="small", label="소", fare=3500),),
    }
    return CarrierAccountData(**{**fields, **changes})


def test_only_who_manages_carriers_may_write(django_user_model: Any, store: Any) -> None:
    cs = actor(django_user_model, store, "cs_agent")
    with pytest.raises(PermissionDenied):
        carrier_account_create(store=store, actor=cs, data=data(), secrets=SecretsChange())
    assert not CarrierAccount.objects.exists()


def test_secrets_are_kept_replaced_or_removed_one_by_one(
    django_user_model: Any, store: Any
) -> None:
    manager = actor(django_user_model, store, "manager")
    account = carrier_account_create(
        store=store,
        actor=manager,
        data=data(),
        secrets=SecretsChange(
            credentials={"api_key": "k1", "biz_reg_num": "123", "other": "ignored"},
            webhook_secret="w1",
        ),
    )
    assert account.credentials == {"api_key": "k1", "biz_reg_num": "123"}
    kwargs = {"store": store, "actor": manager, "account_id": account.pk, "data": data()}
    account = carrier_account_update(**kwargs, secrets=SecretsChange())
    assert account.credentials == {"api_key": "k1", "biz_reg_num": "123"}
    assert account.webhook_secret == "w1"
    account = carrier_account_update(
        **kwargs, secrets=SecretsChange(credentials={"api_key": "k2", "biz_reg_num": ""})
    )
    assert account.credentials == {"api_key": "k2"}
    assert account.webhook_secret == "w1"


def test_one_default_per_store(django_user_model: Any, store: Any) -> None:
    manager = actor(django_user_model, store, "manager")
    first = carrier_account_create(
        store=store, actor=manager, data=data(is_default=True), secrets=SecretsChange()
    )
    second = carrier_account_create(
        store=store, actor=manager, data=data(is_default=True), secrets=SecretsChange()
    )
    first.refresh_from_db()
    assert not first.is_default
    assert second.is_default


def test_every_bad_field_is_named_at_once(django_user_model: Any, store: Any) -> None:
    manager = actor(django_user_model, store, "manager")
    bad = data(
        carrier_code="kr.nowhere",
        name=" ",
        gateway="fax",
        fare_type="free",
        return_postcode="서울",
        box_sizes=(BoxSize(code="A", label="", fare=-1), BoxSize(code="A", label="x", fare=1)),
    )
    with pytest.raises(ValidationFailed) as raised:
        carrier_account_create(store=store, actor=manager, data=bad, secrets=SecretsChange())
    fields = raised.value.extra["fields"]
    assert set(fields) == {
        "carrier",
        "name",
        "gateway",
        "fare_type",
        "return_postcode",
        "box_sizes",
    }
    assert len(fields["box_sizes"]) == 4


def test_another_stores_account_is_not_found(
    django_user_model: Any, store: Any, store2: Any
) -> None:
    theirs = carrier_account_create(
        store=store2,
        actor=actor(django_user_model, store2, "manager", "m2"),
        data=data(name="theirs"),
        secrets=SecretsChange(),
    )
    mine = actor(django_user_model, store, "manager")
    with pytest.raises(NotFound):
        carrier_account_update(
            store=store, actor=mine, account_id=theirs.pk, data=data(), secrets=SecretsChange()
        )
    with pytest.raises(ValidationFailed) as raised:
        carrier_rule_create(store=store, actor=mine, data=CarrierRuleData(account_id=theirs.pk))
    assert set(raised.value.extra["fields"]) == {"account"}
    theirs.refresh_from_db()
    assert theirs.name == "theirs"
