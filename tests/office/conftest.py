from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.accounts.models import StoreMembership
from banpum.returns.models import ReturnRequest
from tests.factories import CustomerFactory, StoreFactory, make_order, make_policy
from tests.returns.helpers import open_return

PASSWORD = "banpum-demo"


@pytest.fixture
def store2(db: Any) -> Any:
    store = StoreFactory(slug="store-2", code="ST2", name="둘째 상점")
    make_policy(store)
    return store


def member(django_user_model: Any, username: str, store: Any, role: str = "cs_agent") -> Any:
    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    if store is not None:
        StoreMembership.objects.create(user=user, store=store, role=role)
    return user


@pytest.fixture
def cs_user(django_user_model: Any, store: Any) -> Any:
    return member(django_user_model, "cs", store)


@pytest.fixture
def cs2_user(django_user_model: Any, store2: Any) -> Any:
    return member(django_user_model, "cs2", store2)


@pytest.fixture
def office(cs_user: Any) -> Client:
    client = Client()
    client.force_login(cs_user)
    return client


@pytest.fixture
def office_en(cs_user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cs_user)
    return client


def return_for(store: Any, *, name: str, phone: str, order_number: str) -> ReturnRequest:
    customer = CustomerFactory(store=store, name=name, phone=phone)
    order = make_order(
        store=store,
        customer=customer,
        channel_order_number=order_number,
        lines=[{"quantity": 2, "unit_price": 10000}],
    )
    return open_return(order)


@pytest.fixture
def return1(store: Any) -> ReturnRequest:
    return return_for(store, name="김철수", phone="010-1234-5678", order_number="ORD-1001")


@pytest.fixture
def return2(store2: Any) -> ReturnRequest:
    return return_for(store2, name="박영희", phone="010-9999-8888", order_number="ORD-2002")
