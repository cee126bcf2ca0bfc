"""The demo store's order history: customers, orders, lines and forward shipments, in bulk.

Everything comes from one ``random.Random`` and one seeded ``Faker('ko_KR')``, so a run with
the same clock writes the same rows. Money adds up as ``commerce.services`` imports it: a line's
``paid_amount`` is its list price less its ``discount``; ``items_total`` is the sum of the paid
amounts, ``discount_total`` the sum of the discounts (coupons and sales, 할인), and
``paid_total = items_total + shipping_fee`` (결제금액).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import F, OuterRef, Subquery
from faker import Faker

from banpum.commerce.models import (
    Customer,
    Order,
    OrderLine,
    PaymentMethod,
    Product,
    SalesChannel,
    Shipment,
    Store,
)
from banpum.demo.catalog import NON_RETURNABLE_CATEGORIES
from banpum.policy.calendar import next_business_day_on_or_after

Kind = SalesChannel.Kind

HISTORY_DAYS = 120
SHIPPING_FEE = 3000
FREE_SHIPPING_FROM = 50_000
BATCH_SIZE = 500

# Where a small Korean brand's orders come from.
CHANNEL_WEIGHTS: dict[str, int] = {
    Kind.SMARTSTORE: 40,
    Kind.COUPANG: 28,
    Kind.CAFE24: 12,
    Kind.OWN_MALL: 12,
    Kind.MANUAL: 8,
}

# tracker.delivery carrier codes, weighted like a seller with a CJ contract and a few others.
CARRIER_WEIGHTS: dict[str, int] = {
    "kr.cjlogistics": 45,
    "kr.hanjin": 15,
    "kr.lotte": 15,
    "kr.epost": 15,
    "kr.logen": 10,
}
# (first digits, total length) of each carrier's waybill numbers.
_WAYBILL_SHAPES: dict[str, tuple[str, int]] = {
    "kr.cjlogistics": ("6", 12),
    "kr.hanjin": ("5", 12),
    "kr.lotte": ("3", 12),
    "kr.epost": ("60", 13),
    "kr.logen": ("3", 11),
}

# First two digits of the postcodes of each region (시·도), as Korea Post assigns them.
POSTCODE_PREFIXES: dict[str, tuple[int, int]] = {
    "서울특별시": (1, 9),
    "경기도": (10, 18),
    "인천광역시": (21, 23),
    "강원특별자치도": (24, 26),
    "충청북도": (27, 29),
    "세종특별자치시": (30, 30),
    "충청남도": (31, 33),
    "대전광역시": (34, 35),
    "경상북도": (36, 40),
    "대구광역시": (41, 43),
    "울산광역시": (44, 45),
    "부산광역시": (46, 49),
    "경상남도": (50, 53),
    "전북특별자치도": (54, 56),
    "전라남도": (57, 60),
    "광주광역시": (61, 62),
    "제주특별자치도": (63, 63),
}
JEJU_PREFIX = "63"

# Orders are placed mostly in the evening, hardly at night.
_HOUR_WEIGHTS = (2, 1, 1, 0, 0, 0, 1, 2, 3, 4, 5, 5, 6, 6, 5, 5, 5, 5, 6, 7, 9, 10, 9, 5)
_LINE_COUNT_WEIGHTS = {1: 60, 2: 25, 3: 10, 4: 5}
_EMAIL_DOMAINS = ("naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com")
_FLAG_REASONS = (
    "최근 3개월 단순변심 반품 6회 — 상습 반품 의심, 반품 시 검수 사진 필수",
    "회수 상품 바꿔치기 이력 (다른 제품 동봉), 팀장 승인 후 처리",
    "반품 배송비 미입금 2회, 선입금 확인 후 회수 진행",
    "착용 후 반품 반복 (택 제거·세탁 흔적), 검수 강화",
    "상담원 폭언 이력, 통화 녹음 안내 후 응대",
)


@dataclass(frozen=True)
class LineInfo:
    id: int
    category: str
    returnable: bool  # for a change of mind: the product's flag and the category's
    quantity: int
    paid_amount: int
    sku: str = ""


@dataclass(frozen=True)
class OrderInfo:
    """What the returns step needs to know about an order, without querying it again."""

    id: int
    channel_kind: str
    customer_id: int
    customer_name: str
    customer_flagged: bool
    ordered_at: dt.datetime
    delivered_at: dt.datetime | None
    lines: tuple[LineInfo, ...]
    postcode: str = ""  # where a pickup would collect the parcel
    payment_method: str = ""

    @property
    def jeju(self) -> bool:
        return self.postcode.startswith(JEJU_PREFIX)


@dataclass
class _Buyer:
    name: str
    phone: str
    email: str
    postcode: str
    address1: str
    address2: str
    flag_reason: str = ""
    customer: Customer | None = None


@dataclass
class _Draft:
    """An order before it has an id."""

    order: Order
    buyer: _Buyer
    lines: list[OrderLine] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    shipment: Shipment | None = None


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}"


def _buyer(fake: Faker, rng: random.Random) -> _Buyer:
    name = fake.name()
    phone = _phone(rng)
    email = f"{fake.user_name()}{rng.randint(1, 999)}@{rng.choice(_EMAIL_DOMAINS)}"
    digits = fake.postcode()
    address1 = fake.road_address()
    return _Buyer(
        name=name,
        phone=phone,
        email=email,
        postcode=postcode_for(address1, digits),
        address1=address1,
        address2=fake.address_detail(),
    )


def postcode_for(address1: str, digits: str) -> str:
    """A 5-digit postcode (국가기초구역번호) in the region the address names.

    Faker draws the postcode and the address independently; carriers route by postcode (and
    the demo's Jeju rule matches "63"), so the first two digits follow the address's region
    and the last three come from Faker's draw.
    """
    region = address1.split(" ", 1)[0]
    low, high = POSTCODE_PREFIXES.get(region, (1, 9))
    prefix = low + int(digits[:2]) % (high - low + 1)
    return f"{prefix:02d}{digits[2:]}"


def _order_times(
    count: int, now: dt.datetime, rng: random.Random, tz: ZoneInfo
) -> list[dt.datetime]:
    local_now = now.astimezone(tz)
    times: list[dt.datetime] = []
    for _ in range(count):
        day = local_now.date() - dt.timedelta(days=rng.randint(0, HISTORY_DAYS - 1))
        hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
        moment = dt.datetime.combine(
            day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)), tzinfo=tz
        )
        if moment > local_now:
            moment -= dt.timedelta(days=1)
        times.append(moment)
    times.sort()
    return times


class _Numbers:
    """Order numbers shaped like each channel's, unique within the channel."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[tuple[str, str]] = set()
        self.sequence = 0

    def next(self, kind: str, ordered_at: dt.datetime) -> str:
        while True:
            number = self._candidate(kind, ordered_at)
            if (kind, number) not in self.seen:
                self.seen.add((kind, number))
                return number

    def _candidate(self, kind: str, at: dt.datetime) -> str:
        rng = self.rng
        self.sequence += 1
        if kind == Kind.SMARTSTORE:  # 상품주문번호: date + 8 digits, 16 in all
            return f"{at:%Y%m%d}{rng.randint(10_000_000, 99_999_999)}"
        if kind == Kind.COUPANG:  # orderId: a long number
            return str(rng.randint(20_000_000_000_000, 29_999_999_999_999))
        if kind == Kind.CAFE24:  # 20250301-0000123
            return f"{at:%Y%m%d}-{self.sequence:07d}"
        if kind == Kind.OWN_MALL:
            return f"BM{at:%y%m%d}{rng.randint(1000, 9999)}"
        return f"TEL-{at:%y%m%d}-{self.sequence % 1000:03d}"


def _payment(kind: str, at: dt.datetime, rng: random.Random) -> tuple[str, str]:
    """(payment method, the payment's reference at the PG or the marketplace)."""
    stamp = f"{at:%Y%m%d%H%M%S}"
    if kind == Kind.SMARTSTORE:
        return PaymentMethod.MARKETPLACE, f"{at:%Y%m%d}NP{rng.randint(10**9, 10**10 - 1)}"
    if kind == Kind.COUPANG:
        return PaymentMethod.MARKETPLACE, str(rng.randint(10**11, 10**12 - 1))
    if kind == Kind.MANUAL:
        return PaymentMethod.BANK_TRANSFER, f"DEP{stamp}"
    method = rng.choices(
        [PaymentMethod.CARD, PaymentMethod.EASY_PAY, PaymentMethod.VIRTUAL_ACCOUNT],
        weights=[55, 35, 10],
    )[0]
    token = "".join(rng.choices("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=10))
    return method, f"tgen_{stamp}{token}"


def _waybill(carrier: str, rng: random.Random) -> str:
    head, length = _WAYBILL_SHAPES[carrier]
    digits = length - len(head)
    return head + str(rng.randint(0, 10**digits - 1)).zfill(digits)


def _shipment(order: Order, now: dt.datetime, rng: random.Random, tz: ZoneInfo) -> Shipment | None:
    """The parcel: out on the next business day (same day before 14:00), 1-3 days on the road."""
    placed = order.ordered_at.astimezone(tz)
    day = placed.date() if placed.hour < 14 else placed.date() + dt.timedelta(days=1)
    day = next_business_day_on_or_after(day, "KR")
    shipped = dt.datetime.combine(day, dt.time(rng.randint(16, 19), rng.randint(0, 59)), tzinfo=tz)
    if shipped > now:
        return None  # 배송준비중: not handed to the carrier yet
    transit = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
    delivered_day = shipped.date() + dt.timedelta(days=transit)
    if delivered_day.weekday() == 6:
        delivered_day += dt.timedelta(days=1)
    delivered: dt.datetime | None = dt.datetime.combine(
        delivered_day, dt.time(rng.randint(9, 20), rng.randint(0, 59)), tzinfo=tz
    )
    if delivered is not None and delivered > now:
        delivered = None  # 배송중
    carrier = rng.choices(list(CARRIER_WEIGHTS), weights=list(CARRIER_WEIGHTS.values()))[0]
    return Shipment(
        order=order,
        carrier_code=carrier,
        tracking_number=_waybill(carrier, rng),
        shipped_at=shipped,
        delivered_at=delivered,
    )


def _lines(
    order: Order, products: list[Product], weights: list[float], rng: random.Random
) -> tuple[list[OrderLine], list[Product]]:
    count = rng.choices(list(_LINE_COUNT_WEIGHTS), weights=list(_LINE_COUNT_WEIGHTS.values()))[0]
    chosen: list[Product] = []
    while len(chosen) < min(count, len(products)):
        product = rng.choices(products, weights=weights)[0]
        if product not in chosen:
            chosen.append(product)
    lines = []
    for number, product in enumerate(chosen, start=1):
        quantity = (
            rng.choices([1, 2, 3], weights=[70, 20, 10])[0]
            if product.price < 20_000
            else rng.choices([1, 2], weights=[92, 8])[0]
        )
        gross = product.price * quantity
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
                discount=0,
                paid_amount=gross,
            )
        )
    return lines, chosen


def _discount(lines: list[OrderLine], rng: random.Random) -> None:
    """A quarter of orders use a coupon or a sale; discounts are whole hundreds of won."""
    if rng.random() >= 0.25:
        return
    gross = sum(line.unit_price * line.quantity for line in lines)
    if rng.random() < 0.5:
        coupon = rng.choice([1000, 2000, 3000, 5000])
        if gross < coupon * 10:
            return
        biggest = max(lines, key=lambda line: line.unit_price * line.quantity)
        biggest.discount = coupon
    else:
        rate = rng.choice([5, 10, 15])
        for line in lines:
            line.discount = line.unit_price * line.quantity * rate // 100 // 100 * 100
    for line in lines:
        line.paid_amount = line.unit_price * line.quantity - line.discount


def orders_seed(
    *,
    store: Store,
    channels: dict[str, SalesChannel],
    products: list[Product],
    count: int,
    now: dt.datetime,
    rng: random.Random,
    fake: Faker,
) -> list[OrderInfo]:
    """Write ``count`` orders of the last ``HISTORY_DAYS`` days with their customers."""
    tz = ZoneInfo(store.timezone)
    kinds = list(CHANNEL_WEIGHTS)
    popularity = rng.sample(products, len(products))
    weights = [1 / (rank + 4) for rank in range(len(popularity))]
    numbers = _Numbers(rng)

    # A third of orders come from returning customers; the earliest buyers order most.
    pool: list[_Buyer] = []
    drafts: list[_Draft] = []
    for ordered_at in _order_times(count, now, rng, tz):
        if pool and rng.random() < 0.33:
            buyer = pool[int(len(pool) * rng.random() ** 2)]
        else:
            buyer = _buyer(fake, rng)
            pool.append(buyer)
        kind = rng.choices(kinds, weights=list(CHANNEL_WEIGHTS.values()))[0]
        method, reference = _payment(kind, ordered_at, rng)
        gift = rng.random() < 0.08  # 선물하기: sent to someone else
        recipient = _buyer(fake, rng) if gift else buyer
        order = Order(
            store=store,
            channel=channels[kind],
            channel_order_number=numbers.next(kind, ordered_at),
            ordered_at=ordered_at,
            currency=store.currency,
            payment_method=method,
            payment_reference=reference,
            shipping_name=recipient.name,
            shipping_phone=recipient.phone,
            shipping_postcode=recipient.postcode,
            shipping_address1=recipient.address1,
            shipping_address2=recipient.address2,
        )
        lines, chosen = _lines(order, popularity, weights, rng)
        _discount(lines, rng)
        order.items_total = sum(line.paid_amount for line in lines)
        order.discount_total = sum(line.discount for line in lines)
        order.free_shipping = order.items_total >= FREE_SHIPPING_FROM
        order.shipping_fee = 0 if order.free_shipping else SHIPPING_FEE
        order.paid_total = order.items_total + order.shipping_fee
        drafts.append(_Draft(order, buyer, lines, chosen, _shipment(order, now, rng, tz)))

    # A few regulars are flagged (their returns are never auto-approved).
    flagged = min(max(count // 400, 2), len(pool))
    for buyer in rng.sample(pool[: max(len(pool) // 4, flagged)], flagged):
        buyer.flag_reason = rng.choice(_FLAG_REASONS)
    customers = [
        Customer(
            store=store,
            name=buyer.name,
            phone=buyer.phone,
            email=buyer.email,
            is_flagged=bool(buyer.flag_reason),
            flag_reason=buyer.flag_reason,
        )
        for buyer in pool
    ]
    Customer.objects.bulk_create(customers, batch_size=BATCH_SIZE)
    for buyer, customer in zip(pool, customers, strict=True):
        buyer.customer = customer
    for draft in drafts:
        draft.order.customer = draft.buyer.customer

    Order.objects.bulk_create([d.order for d in drafts], batch_size=BATCH_SIZE)
    for draft in drafts:
        for line in draft.lines:
            line.order = draft.order
        if draft.shipment is not None:
            draft.shipment.order = draft.order
    OrderLine.objects.bulk_create([line for d in drafts for line in d.lines], batch_size=BATCH_SIZE)
    Shipment.objects.bulk_create(
        [d.shipment for d in drafts if d.shipment is not None], batch_size=BATCH_SIZE
    )
    # Rows "arrive" when they were ordered, not when the demo ran.
    Order.objects.filter(store=store).update(created_at=F("ordered_at"))
    Customer.objects.filter(store=store).update(
        created_at=Subquery(
            Order.objects.filter(customer=OuterRef("pk"))
            .order_by("ordered_at")
            .values("ordered_at")[:1]
        )
    )
    return [_info(draft) for draft in drafts]


def _info(draft: _Draft) -> OrderInfo:
    order, customer = draft.order, draft.buyer.customer
    if customer is None or order.pk is None:
        raise RuntimeError("an order is described once it and its customer are saved")
    return OrderInfo(
        id=order.pk,
        channel_kind=order.channel.kind,
        customer_id=customer.pk,
        customer_name=customer.name,
        customer_flagged=customer.is_flagged,
        ordered_at=order.ordered_at,
        delivered_at=draft.shipment.delivered_at if draft.shipment else None,
        postcode=order.shipping_postcode,
        payment_method=order.payment_method,
        lines=tuple(
            LineInfo(
                id=line.pk,
                category=line.category,
                returnable=product.returnable and line.category not in NON_RETURNABLE_CATEGORIES,
                quantity=line.quantity,
                paid_amount=line.paid_amount,
                sku=line.sku,
            )
            for line, product in zip(draft.lines, draft.products, strict=True)
        ),
    )
