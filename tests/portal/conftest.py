"""The portal's shoppers: a store with a return address, an order with variants, a browser."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from banpum.commerce.models import Order, Product
from banpum.portal import session
from tests.factories import CustomerFactory, ProductFactory, StoreFactory, make_order, make_policy
from tests.logistics.helpers import SEOUL, store_with_return_address

PHONE = "010-1234-5678"
EMAIL = "buyer@example.com"
NUMBER = "ORD-1001"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    """Each test starts with no lookups counted (the limits live in the default cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def store(store: Any) -> Any:
    return store_with_return_address(store)


@pytest.fixture
def store2(db: Any) -> Any:
    store = StoreFactory(slug="store-2", code="ST2", name="둘째 상점")
    make_policy(store)
    return store_with_return_address(store)


def variants(store: Any) -> list[Product]:
    """A T-shirt in three sizes (one style), the first the one ordered."""
    return [
        ProductFactory(
            store=store,
            sku=f"TEE-{size}",
            name="반팔 티셔츠",
            option_group="TEE",
            options={"사이즈": size},
        )
        for size in ("M", "L", "XL")
    ]


def order_for(store: Any, *, number: str = NUMBER, phone: str = PHONE, **changes: Any) -> Order:
    customer = CustomerFactory(store=store, name="김철수", phone=phone, email=EMAIL)
    tee = Product.objects.filter(store=store, sku="TEE-M").first() or variants(store)[0]
    lines = changes.pop(
        "lines",
        [
            {"product": tee, "quantity": 2, "unit_price": 23000},
            {"quantity": 1, "unit_price": 15000},
        ],
    )
    return make_order(
        store=store,
        customer=customer,
        channel_order_number=number,
        payment_method="card",
        lines=lines,
        **{**SEOUL, **changes},
    )


@pytest.fixture
def order(store: Any) -> Order:
    return order_for(store)


@pytest.fixture
def order2(store2: Any) -> Order:
    return order_for(store2, number="ORD-2002", phone="010-9999-8888")


@pytest.fixture
def shopper() -> Client:
    return Client()


@pytest.fixture
def shopper_en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def find(client: Client, store: Any, *, number: str = NUMBER, contact: str = PHONE) -> Any:
    return client.post(f"/portal/{store.slug}/", {"order_number": number, "contact": contact})


@pytest.fixture
def found(shopper: Client, store: Any, order: Order) -> Client:
    """A shopper who found their order."""
    response = find(shopper, store)
    assert response.status_code == 302, response.status_code
    return shopper


@pytest.fixture
def found_en(shopper_en: Client, store: Any, order: Order) -> Client:
    response = find(shopper_en, store)
    assert response.status_code == 302
    return shopper_en


def jpeg(size: tuple[int, int] = (40, 30)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    out.seek(0)
    out.name = "defect.jpg"
    return out


def page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.get("Location"))
    return str(response.content.decode())


def draft_of(client: Client, store: Any) -> dict[str, Any]:
    data = client.session.get(session.KEY, {}).get(str(store.pk), {})
    return dict(data.get("draft") or {})
