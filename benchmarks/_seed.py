"""Seed a benchmark database: one store, its default policy, N delivered orders, an API key.

Run by ``bench_api`` in a subprocess with the server's environment (BANPUM_VAR_DIR,
DATABASE_URL), after ``banpum migrate``:

    python -m benchmarks._seed --orders 420

Prints one JSON object on stdout: the raw API key, per order its number and its lines'
quantities, and the database backend (Django ``ENGINE``). Orders were delivered 1-5 days ago,
so every change-of-mind request is in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
from typing import Any

STORE_SLUG = "bench"
CATEGORIES = ["apparel", "shoes", "bags", "beauty", "electronics"]
PRICES = [9_900, 12_900, 19_800, 29_000, 39_900, 54_000, 89_000]
NAMES = ["김민준", "이서연", "박도윤", "최하은", "정시우", "강지유", "조예준", "윤서아"]


def seed(orders: int, seed: int = 20261124) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from banpum.accounts.services import api_key_create
    from banpum.commerce.models import (
        Customer,
        Order,
        OrderLine,
        Product,
        SalesChannel,
        Shipment,
        Store,
    )
    from banpum.policy.services import policy_ensure_default

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        store = Store.objects.create(
            slug=STORE_SLUG,
            code="BM",
            name="벤치마크 상점",
            country="KR",
            timezone="Asia/Seoul",
            currency="KRW",
            return_address_name="반품센터",
            return_address_line1="서울특별시 성동구 성수이로 1",
        )
        channel = SalesChannel.objects.create(
            store=store, kind=SalesChannel.Kind.OWN_MALL, code="mall", name="자사몰"
        )
        products = Product.objects.bulk_create(
            Product(
                store=store,
                sku=f"SKU-{n:05d}",
                name=f"상품 {n}",
                category=CATEGORIES[n % len(CATEGORIES)],
                price=PRICES[n % len(PRICES)],
            )
            for n in range(60)
        )
        customers = Customer.objects.bulk_create(
            Customer(
                store=store,
                name=rng.choice(NAMES),
                phone=f"010{n:08d}",
                email=f"buyer{n}@example.com",
            )
            for n in range(orders)
        )
        order_rows = Order.objects.bulk_create(
            Order(
                store=store,
                channel=channel,
                channel_order_number=f"B{n:08d}",
                customer=customers[n],
                ordered_at=now - dt.timedelta(days=6),
                shipping_fee=3_000,
                payment_method="card",
                shipping_name=customers[n].name,
                shipping_phone=customers[n].phone,
                shipping_postcode="04779",
                shipping_address1="서울특별시 성동구 왕십리로 83-21",
            )
            for n in range(orders)
        )
        lines: list[OrderLine] = []
        quantities: list[list[int]] = []
        for order in order_rows:
            count = rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 15, 10, 10])[0]
            order_quantities = []
            for number in range(1, count + 1):
                product = rng.choice(products)
                quantity = rng.choices([1, 2, 3], weights=[70, 20, 10])[0]
                lines.append(
                    OrderLine(
                        order=order,
                        line_number=number,
                        product=product,
                        sku=product.sku,
                        name=product.name,
                        category=product.category,
                        quantity=quantity,
                        unit_price=product.price,
                        paid_amount=product.price * quantity,
                    )
                )
                order_quantities.append(quantity)
            quantities.append(order_quantities)
            items = sum(line.paid_amount for line in lines[-count:])
            order.items_total = items
            order.paid_total = items + order.shipping_fee
        OrderLine.objects.bulk_create(lines, batch_size=500)
        Order.objects.bulk_update(order_rows, ["items_total", "paid_total"], batch_size=500)
        Shipment.objects.bulk_create(
            (
                Shipment(
                    order=order,
                    carrier_code="kr.cjlogistics",
                    tracking_number=f"6{order.pk:011d}",
                    shipped_at=now - dt.timedelta(days=5),
                    delivered_at=now - dt.timedelta(days=rng.uniform(1, 5)),
                )
                for order in order_rows
            ),
            batch_size=500,
        )
        policy_ensure_default(store=store)
        _, raw_key = api_key_create(store=store, name="benchmark")
    return {
        "api_key": raw_key,
        "store": STORE_SLUG,
        "orders": [
            [order.channel_order_number, q] for order, q in zip(order_rows, quantities, strict=True)
        ],
    }


# --- Many returns: copies of returns made through the services ------------------------------

# The waybill fields of the copied tables: a copy gets a waybill of its own, the same one in
# every table (its pickup, its parcel and the parcel's tracking events agree).
WAYBILL_FIELDS = ("tracking_number", "waybill_number")
PHONE_FIELDS = ("phone", "shipping_phone")
# Unique per row and meaningless to a reader: a fresh random key for the copy.
KEY_FIELDS = ("idempotency_key",)


def _copy_plan() -> list[tuple[Any, Any]]:
    """The tables a return's life writes, parents first, each with how to find the rows of the
    returns being copied (``old``: model -> ids of the rows already chosen)."""
    from django.db.models import Q

    from banpum.commerce.models import Customer, Order, OrderLine, Shipment
    from banpum.logistics.models import (
        OutboundShipment,
        OutboundStatusChange,
        Parcel,
        Pickup,
        PickupStatusChange,
        TrackingEvent,
    )
    from banpum.returns.models import ReturnEvent, ReturnLine, ReturnRequest
    from banpum.settlement.models import (
        Exchange,
        ExchangeLine,
        ExchangeStatusChange,
        OrderLineRefundBalance,
        OrderRefundBalance,
        Refund,
        RefundLine,
        RefundStatusChange,
        StoreCreditAccount,
        StoreCreditEntry,
    )
    from banpum.warehouse.models import LineInspection, ReturnReceipt

    def of_returns(old: dict[Any, set[int]]) -> Q:
        return Q(return_request_id__in=old[ReturnRequest])

    return [
        (Customer, lambda old: Q(pk__in=old["customers"])),
        (Order, lambda old: Q(pk__in=old["orders"])),
        (OrderLine, lambda old: Q(order_id__in=old[Order])),
        (Shipment, lambda old: Q(order_id__in=old[Order])),
        (ReturnRequest, lambda old: Q(pk__in=old["returns"])),
        (ReturnLine, of_returns),
        (ReturnEvent, of_returns),
        (Parcel, lambda old: Q(pk__in=old["parcels"])),
        (Pickup, of_returns),
        (PickupStatusChange, lambda old: Q(pickup_id__in=old[Pickup])),
        (OutboundShipment, of_returns),
        (OutboundStatusChange, lambda old: Q(shipment_id__in=old[OutboundShipment])),
        (
            TrackingEvent,
            lambda old: (
                Q(pickup_id__in=old[Pickup])
                | Q(parcel_id__in=old[Parcel])
                | Q(shipment_id__in=old[Shipment])
            ),
        ),
        (ReturnReceipt, of_returns),
        (LineInspection, lambda old: Q(return_line_id__in=old[ReturnLine])),
        (Refund, lambda old: of_returns(old) | Q(order_id__in=old[Order])),
        (RefundLine, lambda old: Q(refund_id__in=old[Refund])),
        (RefundStatusChange, lambda old: Q(refund_id__in=old[Refund])),
        (OrderRefundBalance, lambda old: Q(order_id__in=old[Order])),
        (OrderLineRefundBalance, lambda old: Q(order_line_id__in=old[OrderLine])),
        (StoreCreditAccount, lambda old: Q(customer_id__in=old[Customer])),
        (StoreCreditEntry, lambda old: Q(refund_id__in=old[Refund])),
        (Exchange, of_returns),
        (ExchangeLine, lambda old: Q(exchange_id__in=old[Exchange])),
        (ExchangeStatusChange, lambda old: Q(exchange_id__in=old[Exchange])),
    ]


class _Copier:
    """One generation of copies: every row gets a new id, every link follows its copy."""

    def __init__(self, generation: int, shift: dt.timedelta, rng: random.Random) -> None:
        self.generation = generation
        self.shift = shift
        self.rng = rng
        self.ids: dict[Any, dict[int, int]] = {}  # model -> old id -> new id
        self.waybills: dict[str, str] = {}
        self.phones: dict[str, str] = {}

    def _digits_like(self, text: str, memo: dict[str, str], keep: int = 0) -> str:
        """A new value shaped like ``text`` (its digits redrawn, the first ``keep`` kept)."""
        if text not in memo:
            seen = 0
            out = []
            for char in text:
                if char.isdigit():
                    out.append(char if seen < keep else str(self.rng.randrange(10)))
                    seen += 1
                else:
                    out.append(char)
            memo[text] = "".join(out)
        return memo[text]

    def copy(self, model: Any, rows: list[dict[str, Any]], number: Any) -> None:
        import secrets

        from django.db.models import DateTimeField

        fields = model._meta.concrete_fields
        links = {
            f.attname: f.related_model
            for f in fields
            if f.is_relation and f.related_model is not None and not f.primary_key
        }
        times = [f.attname for f in fields if isinstance(f, DateTimeField)]
        self_link = next((a for a, m in links.items() if m is model), None)
        own = {row["id"] for row in rows}
        # A row pointing at another copied row of the same table (an interest refund at its
        # principal) waits for that row's copy.
        waves = [rows]
        if self_link:
            waves = [
                [r for r in rows if r[self_link] not in own],
                [r for r in rows if r[self_link] in own],
            ]
        mapping = self.ids.setdefault(model, {})
        for wave in waves:
            made = []
            for row in wave:
                values = dict(row)
                values.pop("id")
                for attname, target in links.items():
                    old = values[attname]
                    if old is not None and target in self.ids:
                        values[attname] = self.ids[target].get(old, old)
                for attname in times:
                    if values[attname] is not None:
                        values[attname] -= self.shift
                for name in WAYBILL_FIELDS:
                    if values.get(name):
                        values[name] = self._digits_like(values[name], self.waybills)
                for name in PHONE_FIELDS:
                    if values.get(name):
                        values[name] = self._digits_like(values[name], self.phones, keep=3)
                for name in KEY_FIELDS:
                    if name in values:
                        values[name] = f"bench-{secrets.token_hex(16)}"
                number(model, values, self.generation)
                made.append(model(**values))
            created = model.objects.bulk_create(made, batch_size=500)
            mapping.update((row["id"], copy.pk) for row, copy in zip(wave, created, strict=True))


def returns_replicate(*, store_slug: str, total: int, seed: int = 20261124) -> dict[str, Any]:
    """Grow the store to ``total`` returns by copying the returns it has (made through the
    services) with everything hanging off them: order, customer, lines, events, pickups,
    parcels and tracking, receipts, inspections, refunds, exchanges.

    Each copy is a new order of a new customer (new phone, order number, return number and
    waybills), its times moved back by up to two hours, so the statuses, hold reasons,
    pickup stories and refund dates keep the proportions of the returns copied. Copies are
    written with ``bulk_create`` (the services' rows as they are, not replayed), generation
    by generation, one transaction each.
    """
    from django.db import transaction

    from banpum.commerce.models import Order, Store
    from banpum.logistics.models import Pickup
    from banpum.returns.models import ReturnRequest
    from banpum.returns.numbers import return_number_new

    rng = random.Random(seed)
    store = Store.objects.get(slug=store_slug)
    templates = list(
        ReturnRequest.objects.filter(store=store)
        .order_by("id")
        .values("id", "order_id", "customer_id")
    )
    if not templates:
        raise ValueError(f"store {store_slug!r} has no returns to copy")
    numbers = set(ReturnRequest.objects.filter(store=store).values_list("number", flat=True))
    plan = _copy_plan()
    have = len(templates)
    generation = 0
    rows_written = 0

    def number(model: Any, values: dict[str, Any], generation: int) -> None:
        if model is ReturnRequest:
            while True:
                new = return_number_new(
                    store_code=store.code, now=values["created_at"], timezone=store.timezone
                )
                if new not in numbers:
                    numbers.add(new)
                    values["number"] = new
                    return
        if model is Order:
            values["channel_order_number"] = f"{values['channel_order_number']}-{generation}"

    while have < total:
        generation += 1
        chosen = templates[: total - have]
        if len(chosen) < len(templates):
            chosen = rng.sample(templates, total - have)
        return_ids = {t["id"] for t in chosen}
        old: dict[Any, set[int]] = {
            "returns": return_ids,
            "orders": {t["order_id"] for t in chosen},
        }
        orders = Order.objects.filter(pk__in=old["orders"])
        old["customers"] = {t["customer_id"] for t in chosen if t["customer_id"]} | {
            c for c in orders.values_list("customer_id", flat=True) if c
        }
        old["parcels"] = {
            p
            for p in Pickup.objects.filter(return_request_id__in=return_ids).values_list(
                "parcel_id", flat=True
            )
            if p
        }
        copier = _Copier(generation, dt.timedelta(minutes=rng.uniform(0, 120)), rng)
        with transaction.atomic():
            for model, rows_of in plan:
                rows = list(
                    model.objects.filter(rows_of(old))
                    .order_by("pk")
                    .values(*[f.attname for f in model._meta.concrete_fields])
                )
                old[model] = {row["id"] for row in rows}
                copier.copy(model, rows, number)
                rows_written += len(rows)
        have += len(chosen)
    return {
        "returns": ReturnRequest.objects.filter(store=store).count(),
        "templates": len(templates),
        "generations": generation,
        "rows_written": rows_written,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Seed a benchmark database.")
    parser.add_argument("--orders", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banpum.settings")
    import django

    django.setup()
    from django.conf import settings

    # The Django backend the server runs on (Banpum's SQLite backend queues writers; a tree
    # before it runs Django's own): results say which one they measured.
    print(json.dumps(seed(args.orders) | {"backend": settings.DATABASES["default"]["ENGINE"]}))


if __name__ == "__main__":
    main()
