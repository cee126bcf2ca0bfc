"""factory_boy factories shared by every test package."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.db import models
from django.utils import timezone

from banpum.commerce.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    SalesChannel,
    Shipment,
    Store,
)
from banpum.policy.schemas import default_rules_document
from banpum.policy.services import policy_version_create

M = TypeVar("M", bound=models.Model)


class ModelFactory(factory.django.DjangoModelFactory[M]):
    """A factory whose call mypy knows returns the model (factory_boy leaves it untyped)."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # Calling a factory creates its model, which Python's typing can only say this way.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]


class StoreFactory(ModelFactory[Store]):
    class Meta:
        model = Store
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"store-{n}")
    code = factory.Sequence(lambda n: f"T{n:03d}" if n < 1000 else f"{n:04d}"[-4:])
    name = factory.Sequence(lambda n: f"Store {n}")
    country = "KR"
    timezone = "Asia/Seoul"
    currency = "KRW"


class ChannelFactory(ModelFactory[SalesChannel]):
    class Meta:
        model = SalesChannel

    store = factory.SubFactory(StoreFactory)
    kind = SalesChannel.Kind.OWN_MALL
    code = factory.Sequence(lambda n: f"mall-{n}")
    name = factory.LazyAttribute(lambda o: o.code)


class CustomerFactory(ModelFactory[Customer]):
    class Meta:
        model = Customer

    store = factory.SubFactory(StoreFactory)
    name = factory.Faker("name", locale="ko_KR")
    phone = factory.Sequence(lambda n: f"010{n:08d}")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")


class ProductFactory(ModelFactory[Product]):
    class Meta:
        model = Product

    store = factory.SubFactory(StoreFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"상품 {n}")
    category = "apparel"
    price = 20000


class OrderFactory(ModelFactory[Order]):
    class Meta:
        model = Order

    store = factory.SubFactory(StoreFactory)
    channel = factory.SubFactory(ChannelFactory, store=factory.SelfAttribute("..store"))
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    channel_order_number = factory.Sequence(lambda n: f"ORD-{n:07d}")
    ordered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=5))
    shipping_fee = 3000
    paid_total = 0


class OrderLineFactory(ModelFactory[OrderLine]):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    line_number = factory.Sequence(lambda n: n + 1)
    product = factory.SubFactory(ProductFactory, store=factory.SelfAttribute("..order.store"))
    sku = factory.LazyAttribute(lambda o: o.product.sku if o.product else "SKU")
    name = factory.LazyAttribute(lambda o: o.product.name if o.product else "item")
    category = factory.LazyAttribute(lambda o: o.product.category if o.product else "")
    quantity = 1
    unit_price = 20000
    discount = 0
    paid_amount = factory.LazyAttribute(lambda o: o.unit_price * o.quantity - o.discount)


def make_order(
    *,
    store: Store | None = None,
    lines: list[dict[str, Any]] | None = None,
    delivered_days_ago: float | None = 2,
    shipping_fee: int = 3000,
    free_shipping: bool = False,
    **order_kwargs: Any,
) -> Order:
    """An order with lines, paid totals that add up, and a delivered shipment."""
    store = store or StoreFactory()
    order = OrderFactory(
        store=store, shipping_fee=shipping_fee, free_shipping=free_shipping, **order_kwargs
    )
    for number, spec in enumerate(lines or [{}], start=1):
        OrderLineFactory(order=order, line_number=number, **spec)
    items = sum(line.paid_amount for line in order.lines.all())
    order.items_total = items
    order.paid_total = items + shipping_fee
    order.save(update_fields=["items_total", "paid_total"])
    now = timezone.now()
    Shipment.objects.create(
        order=order,
        carrier_code="kr.cjlogistics",
        tracking_number=f"6{order.pk:011d}",
        shipped_at=now - dt.timedelta(days=(delivered_days_ago or 0) + 1),
        delivered_at=(now - dt.timedelta(days=delivered_days_ago))
        if delivered_days_ago is not None
        else None,
    )
    return order


def make_policy(store: Store, **overrides: Any) -> Any:
    rules = default_rules_document()
    rules.update(overrides)
    return policy_version_create(store=store, rules=rules, note="test")
