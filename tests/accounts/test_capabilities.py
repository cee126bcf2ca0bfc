"""Roles in a store, the capability table, and the one check each service makes at its entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from banpum.accounts.capabilities import (
    CUSTOMER_CAPABILITIES,
    INTEGRATION_CAPABILITIES,
    ROLE_CAPABILITIES,
    SYSTEM_CAPABILITIES,
    Capability,
    Role,
    actor_can,
    actor_require,
)
from banpum.accounts.models import StoreMembership
from banpum.accounts.services import store_membership_set
from banpum.core.actors import Actor
from banpum.core.errors import PermissionDenied, ValidationFailed
from banpum.logistics.services.pickups import pickup_register_manual
from banpum.policy.types import HoldReason, Method
from banpum.returns.models import ReturnEvent
from banpum.returns.services import (
    return_note_add,
    return_request_approve,
    return_request_cancel,
    return_request_hold,
    return_request_reject,
)
from tests.factories import StoreFactory, make_order, make_policy
from tests.returns.helpers import open_return

C = Capability
NOW = timezone.now()
SETTINGS = {
    C.POLICY_MANAGE,
    C.BLOCKLIST_MANAGE,
    C.CARRIERS_MANAGE,
    C.USERS_MANAGE,
    C.API_KEYS_MANAGE,
    C.WEBHOOKS_MANAGE,
}


class _Member:
    def __init__(self, store_id: int, role: str) -> None:
        self.store_id, self.role = store_id, role


class _User:
    def __init__(self, *, superuser: bool = False, active: bool = True) -> None:
        self.is_superuser, self.is_active = superuser, active

    def get_username(self) -> str:
        return "someone"


def staff(role: Role, store_id: int = 1, **user: bool) -> Actor:
    return Actor.staff(_User(**user), _Member(store_id, role))


def test_every_role_has_a_row_and_only_managers_and_admins_touch_settings() -> None:
    assert set(ROLE_CAPABILITIES) == set(Role)
    assert ROLE_CAPABILITIES[Role.ADMIN] == frozenset(Capability)
    for role in (Role.CS_AGENT, Role.WAREHOUSE):
        assert not ROLE_CAPABILITIES[role] & SETTINGS
    assert ROLE_CAPABILITIES[Role.MANAGER] >= SETTINGS
    for fixed in (INTEGRATION_CAPABILITIES, SYSTEM_CAPABILITIES, CUSTOMER_CAPABILITIES):
        assert not fixed & SETTINGS


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        (Role.CS_AGENT, C.RETURN_APPROVE, True),
        (Role.CS_AGENT, C.PICKUP_MANAGE, True),
        (Role.CS_AGENT, C.RETURN_RECEIVE, False),
        (Role.CS_AGENT, C.CARRIERS_MANAGE, False),
        (Role.WAREHOUSE, C.RETURN_RECEIVE, True),
        (Role.WAREHOUSE, C.RETURN_NOTE, True),
        (Role.WAREHOUSE, C.RETURN_APPROVE, False),
        (Role.WAREHOUSE, C.RETURN_CANCEL, False),
        (Role.MANAGER, C.POLICY_MANAGE, True),
        (Role.MANAGER, C.BLOCKLIST_MANAGE, True),
        (Role.CS_AGENT, C.BLOCKLIST_MANAGE, False),
        (Role.WAREHOUSE, C.POLICY_MANAGE, False),
        (Role.MANAGER, C.RETURN_REJECT, True),
        (Role.ADMIN, C.USERS_MANAGE, True),
        (Role.MANAGER, C.WEBHOOKS_MANAGE, True),
        (Role.CS_AGENT, C.WEBHOOKS_MANAGE, False),
        (Role.MANAGER, C.INSIGHTS_VIEW, True),
        (Role.ADMIN, C.INSIGHTS_VIEW, True),
        (Role.CS_AGENT, C.INSIGHTS_VIEW, False),
        (Role.WAREHOUSE, C.INSIGHTS_VIEW, False),
    ],
)
def test_role_table(role: Role, capability: Capability, allowed: bool) -> None:
    assert actor_can(staff(role), 1, capability) is allowed


@pytest.mark.usefixtures("english")
def test_a_role_counts_only_in_its_own_store() -> None:
    assert actor_can(staff(Role.ADMIN, store_id=1), 1, C.RETURN_APPROVE)
    assert not actor_can(staff(Role.ADMIN, store_id=1), 2, C.RETURN_APPROVE)
    with pytest.raises(PermissionDenied, match="no role in this store") as caught:
        actor_require(staff(Role.CS_AGENT, store_id=1), 2, C.RETURN_APPROVE)
    assert caught.value.status_code == 403


def test_people_without_a_membership_and_inactive_people_may_do_nothing() -> None:
    assert not actor_can(Actor.staff(_User()), 1, C.RETURN_NOTE)
    assert actor_can(Actor.staff(_User(superuser=True)), 1, C.USERS_MANAGE)
    assert not actor_can(Actor.staff(_User(superuser=True, active=False)), 1, C.RETURN_NOTE)
    assert not actor_can(staff(Role.ADMIN, active=False), 1, C.RETURN_NOTE)
    assert not actor_can(staff("owner"), 1, C.RETURN_NOTE)  # type: ignore[arg-type]


def test_integrations_system_and_customers_have_fixed_rights() -> None:
    integration = Actor.api("api:erp", store_id=1)
    assert actor_can(integration, 1, C.RETURN_APPROVE)
    assert not actor_can(integration, 2, C.RETURN_APPROVE)
    assert not actor_can(integration, 1, C.API_KEYS_MANAGE)
    assert actor_can(Actor.system("policy"), 7, C.RETURN_APPROVE)
    assert not actor_can(Actor.system("policy"), 7, C.USERS_MANAGE)
    assert actor_can(Actor.customer("홍길동"), 1, C.RETURN_CANCEL)
    assert not actor_can(Actor.customer("홍길동"), 1, C.RETURN_APPROVE)


# The services, with real rows.


@pytest.fixture
def people(store: Any) -> dict[str, Actor]:
    other = StoreFactory(slug="other-store")
    make_policy(other)
    actors = {}
    for name, where, role in (
        ("cs", store, Role.CS_AGENT),
        ("warehouse", store, Role.WAREHOUSE),
        ("cs-other", other, Role.CS_AGENT),
    ):
        user = User.objects.create_user(name, password=None)
        actors[name] = Actor.staff(user, store_membership_set(user=user, store=where, role=role))
    return actors


@pytest.mark.django_db
def test_services_check_the_role_at_their_entry(store: Any, people: dict[str, Actor]) -> None:
    order = make_order(store=store, lines=[{"quantity": 3}])
    requested = open_return(order, method=Method.SELF_SHIP)
    warehouse, stranger = people["warehouse"], people["cs-other"]
    commands = [
        lambda actor: return_request_approve(return_request=requested, actor=actor, now=NOW),
        lambda actor: return_request_hold(
            return_request=requested, actor=actor, reason=HoldReason.OTHER, now=NOW
        ),
        lambda actor: return_request_reject(
            return_request=requested, actor=actor, note="no", now=NOW
        ),
        lambda actor: return_request_cancel(return_request=requested, actor=actor, now=NOW),
    ]
    for command in commands:
        for actor in (warehouse, stranger):
            with pytest.raises(PermissionDenied):
                command(actor)
    with pytest.raises(PermissionDenied):
        return_note_add(return_request=requested, actor=stranger, note="엿보기", now=NOW)
    with pytest.raises(PermissionDenied):
        open_return(order, actor=stranger)
    assert not ReturnEvent.objects.filter(actor_label__in=["warehouse", "cs-other"]).exists()

    return_note_add(return_request=requested, actor=warehouse, note="입고 예정", now=NOW)
    approved = return_request_approve(return_request=requested, actor=people["cs"], now=NOW)
    assert approved.events.filter(actor_user=people["cs"].user).count() == 1
    with pytest.raises(PermissionDenied):
        pickup_register_manual(
            return_request=approved, actor=warehouse, waybill_number="123456789012", now=NOW
        )


@pytest.mark.django_db
def test_one_membership_per_user_and_store(store: Any) -> None:
    user = User.objects.create_user("kim", password=None)
    store_membership_set(user=user, store=store, role=Role.CS_AGENT)
    store_membership_set(user=user, store=store, role="manager")
    assert StoreMembership.objects.get(user=user).role == "manager"
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreMembership.objects.create(user=user, store=store, role=Role.ADMIN)
    with pytest.raises(ValidationFailed):
        store_membership_set(user=user, store=store, role="owner")
