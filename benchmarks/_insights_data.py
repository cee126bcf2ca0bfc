"""The insights benchmark's data: returns made through the services, multiplied in SQL.

A few hundred returns (with their orders, pickups booked on a carrier simulator, tracking,
receipts, inspections, refunds paid on a payment simulator, exchanges, store credit, pickup
exceptions: ``banpum.demo.seed``) are the *templates*. A template is an order of the demo store
(1–3 lines) with everything hanging off it: its customer, lines and forward shipment, its
returns with their lines and events, pickups, parcels, their status changes and tracking
events, outbound shipments, receipts, inspections, refunds with their lines, status changes and
balances, store credit, exchanges and (when the app has it) the shopper's feedback.

``scale_up`` copies templates into several stores until the database holds the asked number of
return lines and order lines. Every copy is one statement per table (``INSERT … SELECT`` joining
the template rows to a table of copies), so the database does the work, not Python:

- each copy of a template has a number ``k``; a copied row's id is ``base + k * width + slot``
  (``slot``: the row's place among its template's rows of that table), so links between the
  copied rows are arithmetic and every id is new;
- a copy goes to one store (its channel, policy and locations are that store's rows of the same
  code), is booked with one carrier (the store's account for it), and is moved back in time by
  whole weeks (weekdays, and so business-day deadlines, keep their shape);
- old copies are of finished returns only (completed, refunded, rejected, cancelled…): a
  return from last year is not still waiting for its pickup. About ``IN_FLIGHT_SHARE`` of the
  returns are copies of open ones, not moved, so the loss & aging report and the queues see the
  few thousand open returns a store has, not hundreds of thousands;
- order lines get a product of the store's catalogue (thousands of SKUs in ~20 categories,
  popularity skewed), drawn from one distribution for lines never returned, another for
  returned lines (a few "bad" SKUs come back five times as often) and a third for defects
  (a few defect-prone SKUs): the problem-products report has something to find. Prices stay the
  template's (so no refund exceeds what was paid);
- unique text gets the copy's number: order and return numbers, waybills, idempotency keys,
  phones. JSON event data and texts are the template's, as written.

Orders without returns are copied the same way, to reach the order-line count.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# 2: the templates' finished returns get shoppers' feedback; 3: an order's updated_at is when
# it was placed (imported), not when the generator seeded its template.
GENERATOR_VERSION = 3
YEARS = 2
IN_FLIGHT_SHARE = 0.03  # of the copied returns: open ones, not moved back in time
PICKS = 4096  # entries of each store's product-draw tables
CARRIER_MIX = (  # carrier code, share of the copies' pickups
    ("kr.cjlogistics", 40),
    ("kr.hanjin", 20),
    ("kr.lotte", 16),
    ("kr.epost", 14),
    ("kr.logen", 10),
)
EXTRA_CATEGORIES = (
    "kitchen",
    "bedding",
    "stationery",
    "toys",
    "pet",
    "sports",
    "outdoor",
    "furniture",
    "jewelry",
    "watches",
    "eyewear",
    "baby",
    "health",
    "food",
    "books",
    "phone_cases",
    "audio",
    "lighting",
    "garden",
    "hats",
)
DEFECT_REASONS = ("defective", "missing_parts", "not_as_described")
FEEDBACK_SHARE = 0.45  # of the templates' finished (refunded, completed) returns
# The shoppers' ratings 1..5: mostly content, a few very unhappy (J-shaped, as surveys are).
RATING_WEIGHTS = (7, 5, 11, 30, 47)
FEEDBACK_COMMENTS = (
    "기사님이 친절했어요.",
    "환불이 생각보다 빨리 들어왔어요.",
    "회수 기사님이 연락 없이 오지 않았어요.",
    "반품 신청이 간단해서 좋았습니다.",
    "환불까지 너무 오래 걸렸어요.",
    "진행 상황을 문자로 알려줘서 편했어요.",
    "반품비가 얼마인지 미리 알 수 없었어요.",
    "교환 상품이 빨리 와서 만족합니다.",
)
STORE_WEIGHTS = (30, 25, 20, 15, 10)


@dataclass(frozen=True)
class Sizes:
    return_lines: int
    order_lines: int
    stores: int = 5
    skus: int = 3000  # per store
    categories: int = 20
    templates: int = 300  # returns made through the services

    def key(self) -> str:
        return (
            f"v{GENERATOR_VERSION}-r{self.return_lines}-o{self.order_lines}-s{self.stores}"
            f"-p{self.skus}-c{self.categories}-t{self.templates}"
        )


def sizes_at(scale: float) -> Sizes:
    """The issue's figure (1,000,000 return lines from 3,000,000 order lines) times ``scale``."""
    return Sizes(
        return_lines=max(int(1_000_000 * scale), 50),
        order_lines=max(int(3_000_000 * scale), 150),
        skus=max(min(3000, int(3000 * scale * 10)), 60),
        templates=300 if scale >= 0.05 else 120,
    )


# --- the tables a template's copy writes -----------------------------------------------------

# model label, the columns naming the row's parents inside the template (its owners are theirs)
PLAN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("commerce.Order", ()),
    ("commerce.Customer", ()),  # owned through the order and its returns (reverse)
    ("commerce.OrderLine", ("order_id",)),
    ("commerce.Shipment", ("order_id",)),
    ("returns.ReturnRequest", ("order_id",)),
    ("returns.ReturnLine", ("return_request_id",)),
    ("returns.ReturnEvent", ("return_request_id",)),
    ("logistics.Pickup", ("return_request_id",)),
    ("logistics.Parcel", ()),  # owned through its pickups (reverse)
    ("logistics.PickupStatusChange", ("pickup_id",)),
    ("logistics.OutboundShipment", ("return_request_id",)),
    ("logistics.OutboundStatusChange", ("shipment_id",)),
    ("logistics.TrackingEvent", ("pickup_id", "parcel_id", "shipment_id")),
    ("warehouse.ReturnReceipt", ("return_request_id",)),
    ("warehouse.LineInspection", ("return_line_id",)),
    ("settlement.Refund", ("return_request_id", "order_id")),
    ("settlement.RefundLine", ("refund_id",)),
    ("settlement.RefundStatusChange", ("refund_id",)),
    ("settlement.OrderRefundBalance", ("order_id",)),
    ("settlement.OrderLineRefundBalance", ("order_line_id",)),
    ("settlement.StoreCreditAccount", ("customer_id",)),
    ("settlement.StoreCreditEntry", ("refund_id",)),
    ("settlement.Exchange", ("return_request_id",)),
    ("settlement.ExchangeLine", ("exchange_id",)),
    ("settlement.ExchangeStatusChange", ("exchange_id",)),
    ("feedback.ReturnFeedback", ("return_request_id",)),  # when the app has it
)
# Store-scoped rows a copy points at: the target store's row with the same natural key.
MAPPED = {
    "commerce.SalesChannel": ("code",),
    "policy.ReturnPolicy": ("version",),
    "warehouse.StockLocation": ("code",),
}
# Links a copy drops (rows not copied: photos, unidentified parcels).
DROPPED = {"warehouse.UnidentifiedParcel", "warehouse.InspectionPhoto", "returns.ReturnPhoto"}


def plan_models() -> list[tuple[Any, tuple[str, ...]]]:
    from django.apps import apps

    out = []
    for label, parents in PLAN:
        try:
            out.append((apps.get_model(label), parents))
        except LookupError:
            continue  # an optional app (feedback) not installed on this tree
    return out


# --- SQL that differs between SQLite and PostgreSQL ------------------------------------------


class Dialect:
    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def shift_datetime(self, col: str) -> str:
        if self.pg:
            return f"({col} - p.shift * INTERVAL '1 day')"
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]": move the date, keep the time as it is.
        return f"(date(substr({col}, 1, 10), '-' || p.shift || ' days') || substr({col}, 11))"

    def shift_date(self, col: str) -> str:
        return f"({col} - p.shift)" if self.pg else f"date({col}, '-' || p.shift || ' days')"

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def lpad(self, expr: str, width: int) -> str:
        if self.pg:
            return f"lpad(CAST({expr} AS TEXT), {width}, '0')"
        return f"substr('{'0' * width}' || ({expr}), -{width}, {width})"

    def yymm_seoul(self, col: str) -> str:
        if self.pg:
            return f"to_char({col} AT TIME ZONE 'Asia/Seoul', 'YYMM')"
        return f"substr(strftime('%Y%m', {col}, '+9 hours'), 3)"  # no %y before SQLite 3.44


# --- templates and their owners --------------------------------------------------------------


@dataclass
class Unit:
    """A template order: what one copy repeats."""

    order_id: int
    order_lines: int
    return_lines: int
    open: bool  # has a return not in a final status
    age_days: float  # how long ago it was ordered


def _owners(
    store_id: int, units: dict[int, Unit]
) -> tuple[dict[Any, dict[int, list[int]]], dict[Any, list[dict[str, Any]]]]:
    """For each planned table: row id -> the template orders it belongs to; and the rows."""
    from banpum.commerce.models import Customer, Order
    from banpum.logistics.models import Parcel, Pickup
    from banpum.returns.models import ReturnRequest

    owners: dict[Any, dict[int, list[int]]] = {}
    rows: dict[Any, list[dict[str, Any]]] = {}
    unit_ids = set(units)
    for model, parents in plan_models():
        names = [f.attname for f in model._meta.concrete_fields]
        if model is Order:
            found = list(Order.objects.filter(pk__in=unit_ids).order_by("pk").values(*names))
            own = {r["id"]: [r["id"]] for r in found}
        elif model is Customer:
            links: dict[int, set[int]] = defaultdict(set)
            for order_id, customer_id in Order.objects.filter(pk__in=unit_ids).values_list(
                "pk", "customer_id"
            ):
                if customer_id:
                    links[customer_id].add(order_id)
            for order_id, customer_id in ReturnRequest.objects.filter(
                order_id__in=unit_ids
            ).values_list("order_id", "customer_id"):
                if customer_id:
                    links[customer_id].add(order_id)
            found = list(Customer.objects.filter(pk__in=links).order_by("pk").values(*names))
            own = {r["id"]: sorted(links[r["id"]]) for r in found}
        elif model is Parcel:
            links = defaultdict(set)
            for pickup_id, parcel_id in Pickup.objects.filter(parcel__isnull=False).values_list(
                "pk", "parcel_id"
            ):
                for unit in owners[Pickup].get(pickup_id, []):
                    links[parcel_id].add(unit)
            found = list(Parcel.objects.filter(pk__in=links).order_by("pk").values(*names))
            own = {r["id"]: sorted(links[r["id"]]) for r in found}
        else:
            parent_models = {
                name: model._meta.get_field(name.removesuffix("_id")).related_model
                for name in parents
            }
            from django.db.models import Q

            where = Q()
            for name, parent in parent_models.items():
                where |= Q(**{f"{name}__in": list(owners.get(parent, {}))})
            found = list(model.objects.filter(where).order_by("pk").values(*names))
            own = {}
            for r in found:
                mine: set[int] = set()
                for name, parent in parent_models.items():
                    if r[name] is not None:
                        mine.update(owners.get(parent, {}).get(r[name], []))
                own[r["id"]] = sorted(mine)
        owners[model] = own
        rows[model] = found
    del store_id
    return owners, rows


def feedback_seed(
    base_store: Any, *, share: float = FEEDBACK_SHARE, now: dt.datetime, seed: int = 20261201
) -> int:
    """The shoppers' survey answers on ``share`` of the store's finished returns, through
    ``feedback_submit``; the copies repeat them with their returns. Each is answered a few hours
    to days after the return's last event (never after ``now``); ratings lean to 4-5 with some
    1-2; tags follow the rating; about one in six says something in words. Returns how many were
    made."""
    from django.db.models import Max

    from banpum.feedback.services import DONE_STATUSES, feedback_submit
    from banpum.feedback.tags import WENT_BADLY, WENT_WELL
    from banpum.returns.models import ReturnRequest

    rng = random.Random(seed)
    well, badly = sorted(WENT_WELL), sorted(WENT_BADLY)
    finished = (
        ReturnRequest.objects.filter(store=base_store, status__in=list(DONE_STATUSES))
        .exclude(feedback__isnull=False)
        .annotate(last=Max("events__at"))
        .order_by("pk")
    )
    made = 0
    for return_request in finished:
        if rng.random() >= share:
            continue
        rating = rng.choices(range(1, 6), weights=RATING_WEIGHTS)[0]
        good = rng.sample(well, rng.choice((0, 1, 1, 2, 2, 3))) if rating >= 3 else []
        bad = rng.sample(badly, rng.choice((1, 1, 2, 3))) if rating <= 3 else []
        if rating == 4 and rng.random() < 0.2:
            bad = rng.sample(badly, 1)  # content, with one thing to improve
        comment = rng.choice(FEEDBACK_COMMENTS) if rng.random() < 0.16 else ""
        finished_at = return_request.last or return_request.created_at
        delay = dt.timedelta(hours=1 + rng.expovariate(1 / 30))  # mostly within two days
        feedback_submit(
            return_request,
            rating=rating,
            went_well=good,
            went_badly=bad,
            comment=comment,
            now=min(finished_at + delay, now),
        )
        made += 1
    return made


# --- the copies --------------------------------------------------------------------------------


@dataclass
class Copy:
    k: int
    unit: int
    store_id: int
    shift: int  # days, a multiple of 7
    carrier_id: int
    carrier_code: str
    account_id: int
    store_code: str


def _day_weights(days: int) -> list[float]:
    """How many orders a day ``d`` days ago gets: growing towards today, with peaks in
    November–December and around the lunar new year (in the store's calendar)."""
    today = dt.date(2026, 11, 30)
    weights = []
    for d in range(days):
        day = today - dt.timedelta(days=d)
        growth = 1.0 + 0.8 * (days - d) / days
        season = 1.5 if day.month in (11, 12) else (1.2 if day.month in (1, 2) else 1.0)
        weights.append(growth * season)
    return weights


def _plan_copies(
    units: dict[int, Unit],
    sizes: Sizes,
    stores: list[tuple[int, str]],
    carriers: list[tuple[int, str, dict[int, int], int]],
    have_return_lines: int,
    have_order_lines: int,
    rng: random.Random,
) -> list[Copy]:
    horizon = 365 * YEARS
    days = list(range(horizon))
    day_weights = _day_weights(horizon)
    returned = [u for u in units.values() if u.return_lines]
    finished = [u for u in returned if not u.open] or returned
    opened = [u for u in returned if u.open]
    plain = [u for u in units.values() if not u.return_lines]
    store_weights = list(STORE_WEIGHTS[: len(stores)]) + [10] * max(0, len(stores) - 5)
    # Cumulative weights once: choices() would sum them again on each of millions of draws.
    day_cum = list(itertools.accumulate(day_weights))
    store_cum = list(itertools.accumulate(store_weights))
    carrier_cum = list(itertools.accumulate(c[3] for c in carriers))
    copies: list[Copy] = []

    def add(unit: Unit, shift: int) -> None:
        store_id, store_code = rng.choices(stores, cum_weights=store_cum)[0]
        carrier_id, carrier_code, accounts, _ = rng.choices(carriers, cum_weights=carrier_cum)[0]
        copies.append(
            Copy(
                k=len(copies),
                unit=unit.order_id,
                store_id=store_id,
                shift=shift,
                carrier_id=carrier_id,
                carrier_code=carrier_code,
                account_id=accounts[store_id],
                store_code=store_code,
            )
        )

    def shift_for(unit: Unit) -> int:
        # The copy's order day, from the two years' shape; never younger than its template.
        for _ in range(20):
            day = rng.choices(days, cum_weights=day_cum)[0]
            if day >= unit.age_days:
                break
        weeks = max(0, math.floor((day - unit.age_days) / 7))
        limit = max(0, math.floor((horizon - unit.age_days) / 7))
        return 7 * min(weeks, limit)

    return_lines = have_return_lines
    order_lines = have_order_lines
    while return_lines < sizes.return_lines:
        if opened and rng.random() < IN_FLIGHT_SHARE:
            unit = rng.choice(opened)
            add(unit, 0)
        else:
            unit = rng.choice(finished)
            add(unit, shift_for(unit))
        return_lines += unit.return_lines
        order_lines += unit.order_lines
    while plain and order_lines < sizes.order_lines:
        unit = rng.choice(plain)
        add(unit, shift_for(unit))
        order_lines += unit.order_lines
    return copies


# --- stores, carriers and catalogues ---------------------------------------------------------


def _stores_prepare(base: Any, sizes: Sizes, rng: random.Random) -> list[Any]:
    """The base store and ``sizes.stores - 1`` more like it (channels, policy versions, stock
    locations, carrier account), each with its catalogue grown to ``sizes.skus``."""
    from banpum.commerce.models import Product, SalesChannel, Store
    from banpum.logistics.models import CarrierAccount
    from banpum.policy.models import ReturnPolicy
    from banpum.warehouse.models import StockLocation

    stores = [base]
    for n in range(2, sizes.stores + 1):
        store = Store.objects.filter(slug=f"bench-{n}").first()
        if store is None:
            store = Store.objects.get(pk=base.pk)
            store.pk = None
            store.slug, store.code, store.name = f"bench-{n}", f"BS{n}", f"벤치 {n}호점"
            store.save()
            for model in (SalesChannel, ReturnPolicy, StockLocation, CarrierAccount):
                for row in model.objects.filter(store=base).order_by("pk"):
                    row.pk = None
                    row.store = store
                    row.save()
        stores.append(store)
    categories = sorted(set(Product.objects.filter(store=base).values_list("category", flat=True)))
    for extra in EXTRA_CATEGORIES:
        if len(categories) >= sizes.categories:
            break
        if extra not in categories:
            categories.append(extra)
    prices = sorted(set(Product.objects.filter(store=base).values_list("price", flat=True)))
    for store in stores:
        have = Product.objects.filter(store=store).count()
        Product.objects.bulk_create(
            (
                Product(
                    store=store,
                    sku=f"{store.code}-{categories[n % len(categories)][:3].upper()}-{n:05d}",
                    name=f"{categories[n % len(categories)]} {n}",
                    category=categories[n % len(categories)],
                    price=rng.choice(prices or [19_900]),
                )
                for n in range(have, sizes.skus)
            ),
            batch_size=2000,
        )
    return stores


def _carriers(stores: list[Any]) -> list[tuple[int, str, dict[int, int], int]]:
    """Each carrier of the mix with the stores' account for it (created when missing)."""
    from banpum.logistics.models import Carrier, CarrierAccount

    out = []
    for code, share in CARRIER_MIX:
        carrier = Carrier.objects.filter(code=code).first()
        if carrier is None:
            continue
        accounts = {}
        for store in stores:
            account = CarrierAccount.objects.filter(store=store, carrier=carrier).first()
            if account is None:
                template = CarrierAccount.objects.filter(store=store).order_by("pk").first()
                if template is None:
                    continue
                account = CarrierAccount.objects.get(pk=template.pk)
                account.pk = None
                account.carrier = carrier
                account.name = code
                account.is_default = False
                account.save()
            accounts[store.pk] = account.pk
        if len(accounts) == len(stores):
            out.append((carrier.pk, code, accounts, share))
    return out


def _picks(stores: list[Any], rng: random.Random) -> list[tuple[int, int, int, int, str, str, str]]:
    """(store, kind, index, product, sku, name, category): ``PICKS`` draws per store and kind.

    kind 0: lines never returned (popularity), 1: returned lines (popularity x return
    propensity: 4 % of SKUs come back 5x as often), 2: returned as defective (2 % of SKUs are
    defect-prone, 10x).
    """
    from banpum.commerce.models import Product

    out = []
    for store in stores:
        products = list(
            Product.objects.filter(store=store)
            .order_by("pk")
            .values_list("pk", "sku", "name", "category")
        )
        order = list(range(len(products)))
        rng.shuffle(order)
        popularity = [0.0] * len(products)
        for rank, index in enumerate(order, start=1):
            popularity[index] = 1.0 / rank**0.8
        bad = [5.0 if rng.random() < 0.04 else 1.0 for _ in products]
        defect = [10.0 if rng.random() < 0.02 else 1.0 for _ in products]
        weights = (
            popularity,
            [p * b for p, b in zip(popularity, bad, strict=True)],
            [p * d * b**0.5 for p, d, b in zip(popularity, defect, bad, strict=True)],
        )
        for kind, w in enumerate(weights):
            for index, chosen in enumerate(rng.choices(products, weights=w, k=PICKS)):
                out.append((store.pk, kind, index, *chosen))
    return out


def pick_index(dialect: Dialect, k: str, slot: str) -> str:
    """Which of ``PICKS`` draws a copy's order line takes: a fixed mix of copy and slot."""
    del dialect
    return f"((({k} * 40503 + {slot} * 9973) % 1000003) * 65537) % {PICKS}"


# --- the copy statements -----------------------------------------------------------------------


def _executemany(
    cursor: Any, sql: str, rows: Iterable[tuple[Any, ...]], batch: int = 50_000
) -> None:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            cursor.executemany(sql, chunk)
            chunk = []
    if chunk:
        cursor.executemany(sql, chunk)


def _column_sql(
    model: Any,
    field: Any,
    dialect: Dialect,
    copied: dict[Any, tuple[int, int]],
    width: int,
) -> tuple[str, str | None]:
    """(expression for the copy's value, staging column it needs or None)."""
    from django.db.models import DateField, DateTimeField

    from banpum.commerce.models import Product, Store
    from banpum.logistics.models import Carrier, CarrierAccount

    col = f't."{field.column}"'
    label = model._meta.label
    name = field.attname
    del width
    if field.primary_key:
        base, width_ = copied[model]
        return f"{base} + p.k * {width_} + s.slot", None
    if field.is_relation:
        target = field.related_model
        if target in copied:
            base, width_ = copied[target]
            return (
                f"CASE WHEN s.{name} IS NULL THEN NULL ELSE {base} + p.k * {width_} + s.{name} END",
                name,
            )
        if target is Store:
            return "p.store_id", None
        if target._meta.label in MAPPED:
            return f"s.{name}", name
        if target is Product:
            return f"pk_{name}.product_id", name
        if target is Carrier:
            return f"CASE WHEN {col} IS NULL THEN NULL ELSE p.carrier_id END", None
        if target is CarrierAccount:
            return f"CASE WHEN {col} IS NULL THEN NULL ELSE p.account_id END", None
        if target._meta.label in DROPPED:
            return "NULL", None
        return col, None
    k = dialect.text("p.k")
    if label == "commerce.Order" and name == "updated_at":
        # Imported when placed. The template's stamp is the moment the generator seeded it,
        # which would make every recent copy look changed to the incremental insights build.
        col = 't."ordered_at"'
    if isinstance(field, DateTimeField):
        return f"CASE WHEN {col} IS NULL THEN NULL ELSE {dialect.shift_datetime(col)} END", None
    if isinstance(field, DateField):
        return f"CASE WHEN {col} IS NULL THEN NULL ELSE {dialect.shift_date(col)} END", None
    if label == "returns.ReturnRequest" and name == "number":
        base, width_ = copied[model]
        created = dialect.shift_datetime('t."created_at"')
        serial = dialect.lpad(f"p.k * {width_} + s.slot", 7)
        return f"p.store_code || '-' || {dialect.yymm_seoul(created)} || '-' || {serial}", None
    if label == "commerce.OrderLine" and name in ("sku", "name", "category"):
        return f"pk_product_id.{name}", None
    if label == "logistics.TrackingEvent" and name == "carrier_code":
        return f"CASE WHEN t.shipment_id IS NULL THEN p.carrier_code ELSE {col} END", None
    if name in ("idempotency_key", "tracking_number", "waybill_number", "channel_order_number"):
        return f"CASE WHEN {col} = '' THEN {col} ELSE {col} || '-' || {k} END", None
    if name in ("phone", "shipping_phone", "contact_phone", "receiver_phone"):
        digits = dialect.lpad("p.k % 100000000", 8)
        return (
            f"CASE WHEN {col} = '' THEN {col} ELSE '010-' || substr({digits}, 1, 4) || '-' "
            f"|| substr({digits}, 5, 4) END"
        ), None
    if name == "email":
        return f"CASE WHEN {col} = '' THEN {col} ELSE 'buyer' || {k} || '@example.com' END", None
    return col, None


@dataclass
class ScaleUpResult:
    copies: int
    rows: dict[str, int]
    seconds: dict[str, float]
    skipped_rows: int


def scale_up(
    *,
    base_store: Any,
    sizes: Sizes,
    now: dt.datetime,
    seed: int = 20261130,
    log: Callable[[str], None] = lambda message: None,
) -> ScaleUpResult:
    """Grow the database to ``sizes`` by copying the base store's orders (see the module)."""
    from django.db import connection, transaction

    from banpum.commerce.models import Order, OrderLine
    from banpum.logistics.models import TrackingEvent
    from banpum.returns.models import ReturnLine, ReturnRequest
    from banpum.returns.transitions import FINAL

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    dialect = Dialect(connection.vendor)
    stores = _stores_prepare(base_store, sizes, rng)
    carriers = _carriers(stores)
    if not carriers:
        raise RuntimeError("no carrier of the mix has accounts in every store")

    # The templates: the base store's orders of 1-3 lines.
    line_counts: dict[int, int] = defaultdict(int)
    for order_id in OrderLine.objects.filter(order__store=base_store).values_list(
        "order_id", flat=True
    ):
        line_counts[order_id] += 1
    returned_lines: dict[int, int] = defaultdict(int)
    for order_id in ReturnLine.objects.filter(return_request__store=base_store).values_list(
        "return_request__order_id", flat=True
    ):
        returned_lines[order_id] += 1
    open_orders = set(
        ReturnRequest.objects.filter(store=base_store)
        .exclude(status__in=list(FINAL))
        .values_list("order_id", flat=True)
    )
    units = {
        order_id: Unit(
            order_id=order_id,
            order_lines=line_counts[order_id],
            return_lines=returned_lines[order_id],
            open=order_id in open_orders,
            age_days=(now - ordered_at).total_seconds() / 86400,
        )
        for order_id, ordered_at in Order.objects.filter(store=base_store).values_list(
            "pk", "ordered_at"
        )
        if 1 <= line_counts[order_id] <= 3
    }
    owners, template_rows = _owners(base_store.pk, units)
    timings["templates"] = time.perf_counter() - started

    # Slots, widths and bases: a copy's row id is base + k * width + slot.
    slots: dict[Any, dict[tuple[int, int], int]] = {}
    copied: dict[Any, tuple[int, int]] = {}
    for model, own in owners.items():
        per_unit: dict[int, int] = defaultdict(int)
        table_slots: dict[tuple[int, int], int] = {}
        for row_id in sorted(own):
            for unit in own[row_id]:
                table_slots[(unit, row_id)] = per_unit[unit]
                per_unit[unit] += 1
        slots[model] = table_slots
        width = max(per_unit.values(), default=1)
        top = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        copied[model] = (top + 1, width)

    # Which order line a Product link follows (its own, or its return line's): kind and slot.
    defect_lines = set(
        ReturnLine.objects.filter(
            return_request__store=base_store, reason_code__in=DEFECT_REASONS
        ).values_list("order_line_id", flat=True)
    )
    returned_order_lines = set(
        ReturnLine.objects.filter(return_request__store=base_store).values_list(
            "order_line_id", flat=True
        )
    )
    order_line_of_return_line = {
        r["id"]: r["order_line_id"] for r in template_rows.get(ReturnLine, [])
    }

    def _followed_line(model: Any, row: dict[str, Any], attname: str) -> int | None:
        """The order line whose drawn product a Product link takes: its own for an order
        line, its return line's for a replacement."""
        if row[attname] is None:
            return None
        if model is OrderLine:
            return int(row["id"])
        if "order_line_id" in row:
            return int(row["order_line_id"])
        return order_line_of_return_line.get(row.get("return_line_id") or 0)

    def line_kind(order_line_id: int) -> int:
        if order_line_id in defect_lines:
            return 2
        return 1 if order_line_id in returned_order_lines else 0

    have_lines = OrderLine.objects.count()
    have_return_lines = ReturnLine.objects.count()
    copies = _plan_copies(
        units,
        sizes,
        [(s.pk, s.code) for s in stores],
        carriers,
        have_return_lines,
        have_lines,
        rng,
    )
    log(f"{len(copies):,} copies of {len(units)} template orders into {len(stores)} stores")

    mapped: dict[str, dict[tuple[int, int], int]] = {}
    from django.apps import apps

    for label, keys in MAPPED.items():
        target = apps.get_model(label)
        by_key = {}
        for row in target.objects.values("pk", "store_id", *keys):
            by_key[(row["store_id"], *(row[k] for k in keys))] = row["pk"]
        by_store: dict[tuple[int, int], int] = {}
        for row in target.objects.filter(store=base_store).values("pk", *keys):
            for store in stores:
                found = by_key.get((store.pk, *(row[k] for k in keys)))
                if found is not None:
                    by_store[(store.pk, row["pk"])] = found
        mapped[label] = by_store

    rows_written: dict[str, int] = {}
    skipped = 0
    with connection.cursor() as cursor:
        for statement in (
            "DROP TABLE IF EXISTS bench_copy",
            "DROP TABLE IF EXISTS bench_pick",
            "CREATE TABLE bench_copy (k BIGINT PRIMARY KEY, unit BIGINT NOT NULL, "
            "store_id BIGINT NOT NULL, shift INTEGER NOT NULL, carrier_id BIGINT NOT NULL, "
            "carrier_code VARCHAR(40) NOT NULL, account_id BIGINT NOT NULL, "
            "store_code VARCHAR(8) NOT NULL)",
            "CREATE TABLE bench_pick (store_id BIGINT NOT NULL, kind INTEGER NOT NULL, "
            "idx INTEGER NOT NULL, product_id BIGINT NOT NULL, sku VARCHAR(64) NOT NULL, "
            "name VARCHAR(200) NOT NULL, category VARCHAR(64) NOT NULL, "
            "PRIMARY KEY (store_id, kind, idx))",
        ):
            cursor.execute(statement)
        with transaction.atomic():
            _executemany(
                cursor,
                "INSERT INTO bench_copy VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    (c.k, c.unit, c.store_id, c.shift, c.carrier_id, c.carrier_code,
                     c.account_id, c.store_code)
                    for c in copies
                ),
            )  # fmt: skip
            _executemany(
                cursor,
                "INSERT INTO bench_pick VALUES (%s, %s, %s, %s, %s, %s, %s)",
                _picks(stores, rng),
            )
        cursor.execute("CREATE INDEX bench_copy_unit ON bench_copy (unit, store_id, k)")
        timings["plan"] = time.perf_counter() - started - sum(timings.values())

        indexes = _indexes_drop(cursor, dialect, [m for m, _ in plan_models()])
        for model, _parents in plan_models():
            step = time.perf_counter()
            table = model._meta.db_table
            fields = model._meta.concrete_fields
            exprs: list[str] = []
            staging: list[str] = []
            joins: list[str] = []
            for field in fields:
                expr, needs = _column_sql(model, field, dialect, copied, 0)
                exprs.append(expr)
                if needs:
                    if field.related_model._meta.label == "commerce.Product":
                        staging += [f"{needs}__kind", f"{needs}__slot"]
                        pick = pick_index(dialect, "p.k", f"s.{needs}__slot")
                        joins.append(
                            f"LEFT JOIN bench_pick pk_{needs} ON pk_{needs}.store_id = p.store_id "
                            f"AND pk_{needs}.kind = s.{needs}__kind AND pk_{needs}.idx = {pick}"
                        )
                    else:
                        staging.append(needs)
            cursor.execute("DROP TABLE IF EXISTS bench_stage")
            extra = "".join(f", {c} BIGINT" for c in staging)
            cursor.execute(
                "CREATE TABLE bench_stage (unit BIGINT NOT NULL, store_id BIGINT NOT NULL, "
                f"row_id BIGINT NOT NULL, slot BIGINT NOT NULL{extra})"
            )
            stage_rows = []
            for row in template_rows[model]:
                for unit in owners[model][row["id"]]:
                    values: list[Any] = []
                    ok = True
                    for c in staging:
                        if c.endswith(("__kind", "__slot")):
                            line = _followed_line(model, row, c.rsplit("__", 1)[0])
                            if line is None:
                                values.append(None)
                            elif c.endswith("__kind"):
                                values.append(line_kind(line))
                            else:
                                values.append(slots[OrderLine].get((unit, line)))
                            continue
                        target = model._meta.get_field(c.removesuffix("_id")).related_model
                        old = row[c]
                        if old is None:
                            values.append(None)
                        elif target in slots:
                            slot = slots[target].get((unit, old))
                            if (
                                slot is None
                                and not model._meta.get_field(c.removesuffix("_id")).null
                            ):
                                ok = False
                            values.append(slot)
                        else:
                            values.append(-1)  # per store below
                    if not ok:
                        skipped += 1
                        continue
                    for store in stores:
                        store_values = list(values)
                        for i, c in enumerate(staging):
                            if store_values[i] == -1:
                                target = model._meta.get_field(c.removesuffix("_id")).related_model
                                store_values[i] = mapped[target._meta.label].get((store.pk, row[c]))
                        stage_rows.append(
                            (
                                unit,
                                store.pk,
                                row["id"],
                                slots[model][(unit, row["id"])],
                                *store_values,
                            )
                        )
            holes = ", ".join(["%s"] * (4 + len(staging)))
            with transaction.atomic():
                _executemany(cursor, f"INSERT INTO bench_stage VALUES ({holes})", stage_rows)
            cursor.execute("CREATE INDEX bench_stage_unit ON bench_stage (unit, store_id, slot)")
            columns = ", ".join(f'"{f.column}"' for f in fields)
            cross = "CROSS JOIN"  # SQLite: copies outside, so ids come in order
            order = "" if dialect.pg else " ORDER BY p.k, s.slot"
            sql = (
                f'INSERT INTO "{table}" ({columns}) SELECT {", ".join(exprs)} '
                f"FROM bench_copy p {cross} bench_stage s "
                f'JOIN "{table}" t ON t.id = s.row_id {" ".join(joins)} '
                f"WHERE s.unit = p.unit AND s.store_id = p.store_id{order}"
            )
            with transaction.atomic():
                cursor.execute(sql)
                rows_written[table] = cursor.rowcount
            timings[table] = round(time.perf_counter() - step, 1)
            log(f"{table}: {rows_written[table]:,} rows in {timings[table]:.1f} s")
        step = time.perf_counter()
        _indexes_create(cursor, indexes, log)
        timings["indexes"] = round(time.perf_counter() - step, 1)
        for statement in ("DROP TABLE IF EXISTS bench_stage", "DROP TABLE IF EXISTS bench_pick"):
            cursor.execute(statement)
        if dialect.pg:
            from django.core.management.color import no_style

            for statement in connection.ops.sequence_reset_sql(
                no_style(), [m for m, _ in plan_models()]
            ):
                cursor.execute(statement)
        step = time.perf_counter()
        cursor.execute("ANALYZE")
        timings["analyze"] = round(time.perf_counter() - step, 1)
    del TrackingEvent
    return ScaleUpResult(
        copies=len(copies), rows=rows_written, seconds=timings, skipped_rows=skipped
    )


def _indexes_drop(cursor: Any, dialect: Dialect, models: list[Any]) -> list[tuple[str, str]]:
    """Drop the secondary indexes of the tables about to grow; their definitions, to rebuild
    them once (a sort) instead of updating them row by row."""
    tables = [m._meta.db_table for m in models]
    holes = ", ".join(["%s"] * len(tables))
    if dialect.pg:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            f"AND i.tablename IN ({holes}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)",
            tables,
        )
        found = [(name, sql) for name, sql in cursor.fetchall()]
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' "
            f"AND c.conrelid::regclass::text IN ({holes})",
            tables,
        )
        foreign = cursor.fetchall()
        # Inside a transaction that wrote rows (the seed, or a test's), their deferred
        # foreign-key checks are pending and PostgreSQL refuses to ALTER those tables: run them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in foreign:
            cursor.execute(f'ALTER TABLE "{table.strip(chr(34))}" DROP CONSTRAINT "{name}"')
            found.append(
                (name, f'ALTER TABLE "{table.strip(chr(34))}" ADD CONSTRAINT "{name}" {definition}')
            )
        for name, sql in found:
            if sql.startswith("CREATE"):
                cursor.execute(f'DROP INDEX "{name}"')
        return found
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({holes})",
        tables,
    )
    found = list(cursor.fetchall())
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return found


def _indexes_create(
    cursor: Any, indexes: list[tuple[str, str]], log: Callable[[str], None]
) -> None:
    started = time.perf_counter()
    for _name, sql in sorted(indexes, key=lambda item: item[1].startswith("ALTER")):
        cursor.execute(sql)
    log(f"{len(indexes)} indexes and constraints rebuilt in {time.perf_counter() - started:.1f} s")
