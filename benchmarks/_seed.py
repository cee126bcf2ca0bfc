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
