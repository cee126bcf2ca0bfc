"""A draft policy decided beside the active one on a sample order, without saving anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from banpum.core.errors import NotFound, PermissionDenied, ValidationFailed
from banpum.policy.models import ReturnPolicy
from banpum.policy.selectors import policy_current
from banpum.returns.models import ReturnRequest
from banpum.returns.policy_preview import policy_draft_preview
from tests.factories import StoreFactory, make_order, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def store2(db: Any) -> Any:
    store = StoreFactory(slug="store-2", code="ST2", name="둘째 상점")
    make_policy(store)
    return store


def staff(django_user_model: Any, store: Any, role: str) -> Actor:
    user = django_user_model.objects.create_user(username=role, password="x")
    return Actor.staff(user, StoreMembership.objects.create(user=user, store=store, role=role))


def test_the_same_rules_change_nothing_and_a_wider_window_changes_change_of_mind(
    django_user_model: Any, store: Any
) -> None:
    manager = staff(django_user_model, store, "manager")
    order = make_order(store=store, delivered_days_ago=10, lines=[{"quantity": 2}])
    rules = dict(policy_current(store=store).rules)
    same = policy_draft_preview(
        store=store, actor=manager, order=order, rules=rules, now=timezone.now()
    )
    assert not any(row.changed for row in same.rows)
    assert [line.quantity for line in same.lines] == [2]
    wider = policy_draft_preview(
        store=store,
        actor=manager,
        order=order,
        rules={**rules, "change_of_mind_days": 14},
        now=timezone.now(),
    )
    changed = {row.reason_code for row in wider.rows if row.changed}
    assert changed == {"change_of_mind", "wrong_option"}
    row = next(row for row in wider.rows if row.reason_code == "change_of_mind")
    assert not row.active.eligible
    assert row.draft.eligible
    assert ReturnPolicy.objects.filter(store=store).count() == 1
    assert not ReturnRequest.objects.exists()


def test_a_reason_dropped_by_the_draft_is_compared_too(django_user_model: Any, store: Any) -> None:
    manager = staff(django_user_model, store, "manager")
    order = make_order(store=store)
    rules = dict(policy_current(store=store).rules)
    rules["reasons"] = [r for r in rules["reasons"] if r["code"] != "wrong_item"]
    preview = policy_draft_preview(
        store=store, actor=manager, order=order, rules=rules, now=timezone.now()
    )
    row = next(row for row in preview.rows if row.reason_code == "wrong_item")
    assert row.active.eligible
    assert [p.code for p in row.draft.problems] == ["unknown_reason"]


def test_refusals(django_user_model: Any, store: Any, store2: Any) -> None:
    order = make_order(store=store)
    rules = dict(policy_current(store=store).rules)
    with pytest.raises(PermissionDenied):
        policy_draft_preview(
            store=store,
            actor=staff(django_user_model, store, "cs_agent"),
            order=order,
            rules=rules,
            now=timezone.now(),
        )
    manager = staff(django_user_model, store, "manager")
    with pytest.raises(NotFound):
        policy_draft_preview(
            store=store,
            actor=manager,
            order=make_order(store=store2),
            rules=rules,
            now=timezone.now(),
        )
    with pytest.raises(ValidationFailed) as raised:
        policy_draft_preview(
            store=store,
            actor=manager,
            order=order,
            rules={**rules, "change_of_mind_days": -1},
            now=timezone.now(),
        )
    assert "rules.change_of_mind_days" in raised.value.extra["fields"]
