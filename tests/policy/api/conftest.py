"""API clients acting for staff of the store in each role, and one for another store."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from banpum.accounts.capabilities import Role
from banpum.accounts.services import api_key_create, store_membership_set
from tests.factories import StoreFactory, make_policy


def client_for(store: Any, role: Role, *, language: str = "en") -> Client:
    user = User.objects.create_user(username=f"{role.value}-{store.slug}")
    membership = store_membership_set(user=user, store=store, role=role)
    _, raw = api_key_create(store=store, name=role.value, acts_for=membership)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def manager(store: Any) -> Client:
    return client_for(store, Role.MANAGER)


@pytest.fixture
def cs_agent(store: Any) -> Client:
    return client_for(store, Role.CS_AGENT)


@pytest.fixture
def warehouse(store: Any) -> Client:
    return client_for(store, Role.WAREHOUSE)


@pytest.fixture
def other_store(db: Any) -> Any:
    other = StoreFactory(slug="other-store")
    make_policy(other)
    return other


@pytest.fixture
def other_manager(other_store: Any) -> Client:
    return client_for(other_store, Role.MANAGER)
