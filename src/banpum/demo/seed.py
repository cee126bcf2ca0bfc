"""``demo_seed``: the whole demo store in one transaction, once.

Idempotent by construction: when the ``demo`` store exists, nothing is written but the demo
logins, their store memberships and the API key, and only if they are missing, and no carrier
is called. Everything else is
written in one transaction, so an interrupted run leaves nothing behind in the database and the
next run starts clean. (Bookings it already made stay on the carrier simulator, harmless: no
pickup of a later run can match them, as idempotency keys and waybill numbers never repeat.)

The demo's carrier pickups are booked on the carrier simulator ``banpum serve`` runs: the
demo starts it on ``BANPUM_SIMULATOR_PORT`` with serve's state file (or uses the one a running
serve answers with), so serve picks the bookings up and plays the parcels on.

The demo installs a published API key and password, so it installs nothing at all into a
database that holds anything but demo data (``demo_refusal``): a real store or a real user.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from faker import Faker

from banpum.accounts.capabilities import Role
from banpum.accounts.models import ApiKey, StoreMembership
from banpum.accounts.services import api_key_create, store_membership_set
from banpum.commerce.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    SalesChannel,
    Shipment,
    Store,
)
from banpum.core.actors import Actor
from banpum.demo import texts
from banpum.demo.catalog import (
    NON_RETURNABLE_CATEGORIES,
    VARIANT_CATEGORIES,
    base_options,
    catalog,
    variants,
)
from banpum.demo.logistics import CARRIER_API_KEY, CarrierDesk, carriers_seed
from banpum.demo.orders import FREE_SHIPPING_FROM, SHIPPING_FEE, orders_seed
from banpum.demo.payments import PaymentSession, payment_account_seed, payment_session
from banpum.demo.plans import EARLY_REFUND_MAX, KEEP_ITEM_CATEGORIES, KEEP_ITEM_MAX
from banpum.demo.returns import AUTO_APPROVE_MAX, Cast, returns_seed
from banpum.demo.simulator import STATE_FILE, CarrierSession, SimulatorError, carrier_session
from banpum.demo.webhooks import demo_webhook_subscribe, receiver_url, secret_save
from banpum.logistics.models import CarrierAccount, CarrierRule, Pickup, PickupStatus, TrackingEvent
from banpum.policy.models import ReturnPolicy
from banpum.policy.schemas import default_rules_document
from banpum.policy.services import policy_version_create
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.settlement.models import DONE_STATUSES, Refund, RefundKind, RefundStatus
from banpum.warehouse.models import MovementKind, UnidentifiedParcel
from banpum.warehouse.services import ParcelFacts, unidentified_parcel_register
from banpum.warehouse.stock import StockChange, stock_location, stock_move

DEMO_STORE_SLUG = "demo"
DEMO_STORE_CODE = "DM"  # heads its return numbers: DM-2611-7K3Q9X
DEMO_STORE_NAME = "반품마켓 데모"
# A second store with its own agent, so one can see that staff and keys see only their store.
DEMO2_STORE_SLUG = "demo-2"
DEMO2_STORE_CODE = "DM2"
DEMO2_STORE_NAME = "반품마켓 부산점"
DEMO2_ORDERS = 30
DEMO2_PRODUCTS = 20
DEMO_PASSWORD = "banpum-demo"  # noqa: S105 - documented; for the demo only
DEMO_API_KEY = "bp_demo_banpumdemokey0000000000"  # documented; prefix "demo"
DEMO_API_KEY_PREFIX = "demo"
DEFAULT_ORDERS = 2200
DEFAULT_RETURNS = 150
DEFAULT_PRODUCTS = 60
SEED = 20250301  # fixed: the same clock (``now``) gives the same demo, row for row
POLICY_V2_DAYS_AGO = 12
STOCK_PER_PRODUCT = 30  # on hand in the default location (sold-out variants: none)

Kind = SalesChannel.Kind
CHANNELS: tuple[tuple[str, str], ...] = (
    (Kind.SMARTSTORE, "네이버 스마트스토어"),
    (Kind.COUPANG, "쿠팡 마켓플레이스"),
    (Kind.CAFE24, "카페24 쇼핑몰"),
    (Kind.OWN_MALL, "반품마켓 공식몰"),
    (Kind.MANUAL, "전화·수기 주문"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    store_slug: str
    role: Role
    last_name: str
    first_name: str
    superuser: bool = False


# One login per role in the demo store (admin is also the superuser) and one in the second.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", DEMO_STORE_SLUG, Role.ADMIN, "관", "리자", superuser=True),
    DemoUser("cs", DEMO_STORE_SLUG, Role.CS_AGENT, "김", "상담"),
    DemoUser("warehouse", DEMO_STORE_SLUG, Role.WAREHOUSE, "박", "입고"),
    DemoUser("manager", DEMO_STORE_SLUG, Role.MANAGER, "이", "매니저"),
    DemoUser("cs2", DEMO2_STORE_SLUG, Role.CS_AGENT, "최", "상담"),
)
DEMO_STORES = (DEMO_STORE_SLUG, DEMO2_STORE_SLUG)


class DemoRefused(Exception):
    """The database holds more than demo data: the demo installs nothing into it."""


@dataclass
class DemoSummary:
    created: bool
    store: Store
    counts: dict[str, int]
    returns_by_status: dict[str, int]
    policy_versions: list[int]
    users: dict[str, bool] = field(default_factory=dict)  # username → created by this run
    roles: dict[str, str] = field(default_factory=dict)  # username → "store slug: role"
    second_store_orders: int = 0  # orders of DEMO2_STORE_SLUG (0 when it does not exist)
    api_key_created: bool = False
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    pickups_by_status: dict[str, int] = field(default_factory=dict)
    carriers: list[str] = field(default_factory=list)  # "name (carrier code, how linked)"
    simulator_url: str = ""  # where this run booked its pickups (empty on a second run)
    simulator_state: Path | None = None  # the state file it booked into, if it ran in-process
    simulator_notes: list[str] = field(default_factory=list)
    refunds_by_status: dict[str, int] = field(default_factory=dict)
    refunded_total: int = 0  # won paid back (paid, or refunded by the marketplace)
    interest_total: int = 0  # delay interest owed on late refunds
    payments_url: str = ""  # the payment simulator the orders were confirmed on
    payments_state: Path | None = None  # its state file, if it ran in-process
    webhook_url: str = ""  # the local receiver subscribed to every event (empty: none)


def policy_rules_v1() -> dict[str, Any]:
    rules = default_rules_document()
    rules.update(
        non_returnable_categories=list(NON_RETURNABLE_CATEGORIES),
        outbound_shipping_fee=SHIPPING_FEE,
        free_shipping_threshold=FREE_SHIPPING_FROM,
        auto_approval={
            "enabled": True,
            "max_refund": AUTO_APPROVE_MAX,
            "reason_kinds": ["change_of_mind"],
            "methods": [],
        },
    )
    return rules


def policy_rules_v2() -> dict[str, Any]:
    rules = policy_rules_v1()
    rules["return_shipping_fee"] = 3500
    rules["refund_shortcuts"] = {
        "early_refund_max": EARLY_REFUND_MAX,
        "keep_item_max": KEEP_ITEM_MAX,
        "keep_item_categories": list(KEEP_ITEM_CATEGORIES),
    }
    # Each demo return is of another order, so no demo customer returns more than every order.
    rules["repeat_returner"] = {"window_days": 180, "min_orders": 3, "max_ratio": 1.0}
    return rules


def demo_refusal() -> str:
    """Why the demo must not be installed here, or "" when the database holds only demo data.

    The demo's password and API key are published: installing them beside real stores or
    users would open those to anyone who read the README.
    """
    store = Store.objects.exclude(slug__in=DEMO_STORES).order_by("id").first()
    if store is not None:
        return f"this database holds a store that is not the demo's ('{store.slug}')"
    names = [user.username for user in DEMO_USERS]
    user = get_user_model().objects.exclude(username__in=names).order_by("id").first()
    if user is not None:
        return f"this database holds a user who is not a demo login ('{user.get_username()}')"
    return ""


def _user(spec: DemoUser, *, created: dict[str, bool]) -> User:
    User = get_user_model()
    existing = User.objects.filter(username=spec.username).first()
    if existing is not None:
        created[spec.username] = False
        return existing
    email = f"{spec.username}@demo.banpum.kr"
    if spec.superuser:
        user = User.objects.create_superuser(spec.username, email, DEMO_PASSWORD)
    else:
        # Not staff: the Django admin is for superusers; staff screens come with the office.
        user = User.objects.create_user(
            spec.username,
            email,
            DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
    created[spec.username] = True
    return user


def _memberships(users: dict[str, User]) -> dict[str, str]:
    """Each demo login's role in its store, given where missing (an existing one is kept)."""
    roles: dict[str, str] = {}
    stores = {store.slug: store for store in Store.objects.filter(slug__in=DEMO_STORES)}
    for spec in DEMO_USERS:
        store = stores.get(spec.store_slug)
        if store is None:
            continue
        user = users[spec.username]
        membership = StoreMembership.objects.filter(user=user, store=store).first()
        if membership is None:
            membership = store_membership_set(user=user, store=store, role=spec.role)
        roles[spec.username] = f"{store.slug}: {membership.role}"
    return roles


def _api_key(store: Store) -> bool:
    if ApiKey.objects.filter(prefix=DEMO_API_KEY_PREFIX).exists():
        return False
    api_key_create(store=store, name="demo", raw=DEMO_API_KEY)
    return True


def _store() -> Store:
    return Store.objects.create(
        slug=DEMO_STORE_SLUG,
        code=DEMO_STORE_CODE,
        name=DEMO_STORE_NAME,
        country="KR",
        timezone="Asia/Seoul",
        currency="KRW",
        return_address_name="반품마켓 이천 물류센터 (반품 담당)",
        return_address_phone="031-638-2400",
        return_address_postcode="17416",
        return_address_line1="경기도 이천시 마장면 덕이로 154",
        return_address_line2="B동 2층 반품 입고장",
    )


def _summary(store: Store, *, created: bool) -> DemoSummary:
    orders = Order.objects.filter(store=store)
    by_status = dict(
        ReturnRequest.objects.filter(store=store)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    refunds = Refund.objects.filter(store=store)
    refunds_by_status = dict(
        refunds.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    refunded = refunds.filter(status__in=DONE_STATUSES).exclude(kind=RefundKind.INTEREST)
    pickups = Pickup.objects.filter(account__store=store)
    pickups_by_status = dict(
        pickups.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    accounts = CarrierAccount.objects.filter(store=store).select_related("carrier")
    return DemoSummary(
        created=created,
        store=store,
        counts={
            "products": Product.objects.filter(store=store).count(),
            "variants": Product.objects.filter(store=store, category__in=VARIANT_CATEGORIES)
            .exclude(option_group="")
            .exclude(option_group=F("sku"))
            .count(),
            "refunds": refunds.count(),
            "unidentified_parcels": UnidentifiedParcel.objects.filter(store=store).count(),
            "non_returnable_products": Product.objects.filter(
                store=store, returnable=False
            ).count(),
            "non_returnable_category_products": Product.objects.filter(
                store=store, category__in=NON_RETURNABLE_CATEGORIES
            ).count(),
            "channels": SalesChannel.objects.filter(store=store).count(),
            "customers": Customer.objects.filter(store=store).count(),
            "flagged_customers": Customer.objects.filter(store=store, is_flagged=True).count(),
            "orders": orders.count(),
            "order_lines": OrderLine.objects.filter(order__store=store).count(),
            "shipments": Shipment.objects.filter(order__store=store).count(),
            "not_delivered": orders.exclude(shipments__delivered_at__isnull=False).count(),
            "returns": sum(by_status.values()),
            "pickups": sum(pickups_by_status.values()),
            "booked_pickups": pickups.filter(manual=False).exclude(waybill_number="").count(),
            "tracking_events": TrackingEvent.objects.filter(pickup__in=pickups).count(),
            "carrier_rules": CarrierRule.objects.filter(store=store).count(),
        },
        returns_by_status={status.value: by_status.get(status.value, 0) for status in ReturnStatus},
        policy_versions=list(
            ReturnPolicy.objects.filter(store=store)
            .order_by("version")
            .values_list("version", flat=True)
        ),
        pickups_by_status={
            status.value: pickups_by_status.get(status.value, 0) for status in PickupStatus
        },
        refunds_by_status={
            status.value: refunds_by_status.get(status.value, 0) for status in RefundStatus
        },
        refunded_total=refunded.aggregate(total=Sum("amount"))["total"] or 0,
        interest_total=refunds.filter(kind=RefundKind.INTEREST).aggregate(total=Sum("amount"))[
            "total"
        ]
        or 0,
        carriers=[
            f"{account.name} ({account.carrier.code}, "
            f"{'linked' if account.linked else 'not linked'}"
            f"{', default' if account.is_default else ''})"
            for account in accounts
        ],
    )


def demo_seed(
    *,
    orders: int = DEFAULT_ORDERS,
    returns: int = DEFAULT_RETURNS,
    products: int = DEFAULT_PRODUCTS,
    seed: int = SEED,
    now: dt.datetime | None = None,
    public_url: str = "",
) -> DemoSummary:
    """Create the demo store unless it exists; always make sure the demo logins and key exist.

    Creating it books pickups on the carrier simulator at ``BANPUM_SIMULATOR_PORT`` (started
    here for the length of the run, or the one a running ``banpum serve`` answers with; then
    its webhooks are pointed at ``public_url``, the app's address, when given). Raises
    ``SimulatorError`` before writing anything when no simulator can be had.
    """
    started = time.monotonic()
    if reason := demo_refusal():
        raise DemoRefused(reason)
    now = now or timezone.now()
    created_users: dict[str, bool] = {}
    webhook_secret = ""
    creating = not Store.objects.filter(slug=DEMO_STORE_SLUG).exists()
    session_scope = (
        carrier_session(
            port=settings.BANPUM_SIMULATOR_PORT,
            state_path=Path(settings.VAR_DIR) / STATE_FILE,
            speed=settings.BANPUM_SIMULATOR_SPEED,
            api_key=CARRIER_API_KEY,
            seed=seed,
        )
        if creating
        else nullcontext(None)
    )
    payments_scope = (
        payment_session(var_dir=Path(settings.VAR_DIR)) if creating else nullcontext(None)
    )
    with session_scope as session, payments_scope as payments:
        with transaction.atomic():
            users = {spec.username: _user(spec, created=created_users) for spec in DEMO_USERS}
            admin = users["admin"]
            store = Store.objects.filter(slug=DEMO_STORE_SLUG).first()
            if store is not None:
                summary = _summary(store, created=False)
            elif session is None or payments is None:
                raise SimulatorError("the demo store disappeared while this run started; run again")
            else:
                store = _store()
                _second_store(admin=admin, seed=seed, now=now)
                _memberships(users)
                problems = _populate(
                    store,
                    admin=admin,
                    cs=users["cs"],
                    warehouse=users["warehouse"],
                    payments=payments,
                    orders=orders,
                    returns=returns,
                    products=products,
                    seed=seed,
                    now=now,
                    session=session,
                )
                summary = _summary(store, created=True)
                summary.problems = problems
                webhook_secret = demo_webhook_subscribe(store, admin=admin, now=now)
                summary.payments_url = payments.base_url
                summary.payments_state = payments.state_path
            summary.roles = _memberships(users)
            summary.second_store_orders = Order.objects.filter(store__slug=DEMO2_STORE_SLUG).count()
            summary.api_key_created = _api_key(store)
        if session is not None and summary.created:
            _simulator_report(summary, session, public_url)
    if summary.created and webhook_secret:
        secret_save(webhook_secret)
        summary.webhook_url = receiver_url()
    summary.users = created_users
    summary.seconds = time.monotonic() - started
    return summary


def _simulator_report(summary: DemoSummary, session: CarrierSession, public_url: str) -> None:
    """Say where the bookings are; a running simulator gets the app's webhook address now."""
    summary.simulator_url = session.base_url
    if session.in_process:
        summary.simulator_state = session.state_path
        return
    if not public_url:
        summary.simulator_notes.append(
            "no app address given: the demo account's tracking webhook is not registered"
        )
        return
    from banpum.logistics.gateways import simulator_accounts_connect

    connected = simulator_accounts_connect(public_url=public_url)
    summary.simulator_notes.append(
        f"tracking webhooks of {connected} simulator account(s) pointed at {public_url}"
    )


def _populate(
    store: Store,
    *,
    admin: User,
    cs: User,
    warehouse: User,
    orders: int,
    returns: int,
    products: int,
    seed: int,
    now: dt.datetime,
    session: CarrierSession,
    payments: PaymentSession,
) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, no secret
    fake = Faker("ko_KR")
    fake.seed_instance(seed)

    channels, rows = _channels_and_products_seed(store, products)
    desk = CarrierDesk(session, carriers_seed(store, base_url=session.base_url))
    order_infos = orders_seed(
        store=store, channels=channels, products=rows, count=orders, now=now, rng=rng, fake=fake
    )
    first_order = min((info.ordered_at for info in order_infos), default=now)
    system = Actor.system("demo")
    opened_at = first_order - dt.timedelta(days=3)
    payment_account_seed(store, now=opened_at)
    payments.confirm(Order.objects.filter(store=store).order_by("id"))
    _variants_and_stock_seed(store, rows, actor=system, now=opened_at)

    v1 = policy_version_create(
        store=store,
        rules=policy_rules_v1(),
        note="기본 반품 정책: 단순 변심 5만 원 이하 자동 승인, 식품 단순 변심 반품 불가",
        actor=admin,
    )
    ReturnPolicy.objects.filter(pk=v1.pk).update(created_at=first_order - dt.timedelta(days=3))
    cutover_at = now - dt.timedelta(days=POLICY_V2_DAYS_AGO)

    def publish_v2() -> None:
        v2 = policy_version_create(
            store=store,
            rules=policy_rules_v2(),
            note="택배 운임 인상 반영: 반품 배송비 3,000원 → 3,500원. 회수 시 선환불(3만 원 이하), "
            "저가 화장품·생활용품·도서(2만 원 이하)는 회수 없이 환불.",
            actor=admin,
        )
        ReturnPolicy.objects.filter(pk=v2.pk).update(created_at=cutover_at)

    result = returns_seed(
        orders=order_infos,
        count=returns,
        cast=Cast(
            cs=Actor.staff(cs, cs.store_memberships.get(store=store)),
            api=Actor.api("demo", store_id=store.pk),
            system=system,
            warehouse=Actor.staff(warehouse, warehouse.store_memberships.get(store=store)),
        ),
        store=store,
        now=now,
        rng=rng,
        desk=desk,
        cutover_at=cutover_at,
        on_cutover=publish_v2,
    )
    # A box nobody can place yet waits on the warehouse's shelf.
    unidentified_parcel_register(
        store=store,
        facts=ParcelFacts(
            code="512983004417",
            carrier_code="kr.hanjin",
            sender_name="김**",
            note=texts.UNIDENTIFIED_NOTE,
        ),
        actor=Actor.staff(warehouse, warehouse.store_memberships.get(store=store)),
        now=now - dt.timedelta(hours=5),
    )
    return result.problems


def _variants_and_stock_seed(
    store: Store, rows: list[Product], *, actor: Actor, now: dt.datetime
) -> None:
    """Clothes and shoes get their sibling sizes and colours; every product its stock in the
    default location, received before the first order (the other colour is sold out)."""
    by_sku = {product.sku: product for product in rows}
    specs = variants([spec for spec in catalog(len(rows)) if spec.sku in by_sku])
    grouped = {spec.base_sku for spec in specs}
    for sku in grouped:
        product = by_sku[sku]
        product.option_group = sku
        product.options = base_options(next(s for s in catalog(len(rows)) if s.sku == sku))
    Product.objects.bulk_update([by_sku[sku] for sku in grouped], ["option_group", "options"])
    siblings = Product.objects.bulk_create(
        Product(
            store=store,
            sku=spec.sku,
            barcode=spec.barcode,
            name=spec.name,
            category=spec.category,
            price=spec.price,
            returnable=True,
            option_group=spec.base_sku,
            options=spec.options,
        )
        for spec in specs
    )
    location = stock_location(store)
    sold_out = {spec.sku for spec in specs if not spec.in_stock}
    for product in [*rows, *siblings]:
        if product.sku in sold_out:
            continue
        stock_move(
            product=product,
            location=location,
            change=StockChange(
                MovementKind.RECEIPT, on_hand=STOCK_PER_PRODUCT, reference="입고-초기재고"
            ),
            actor=actor,
            now=now,
        )


def _channels_and_products_seed(
    store: Store, products: int
) -> tuple[dict[str, SalesChannel], list[Product]]:
    """The store's sales channels and its catalogue of ``products`` items."""
    channels = {
        kind: SalesChannel(store=store, kind=kind, code=str(kind), name=name)
        for kind, name in CHANNELS
    }
    SalesChannel.objects.bulk_create(channels.values())
    rows = Product.objects.bulk_create(
        Product(
            store=store,
            sku=spec.sku,
            barcode=spec.barcode,
            name=spec.name,
            category=spec.category,
            price=spec.price,
            returnable=spec.returnable,
        )
        for spec in catalog(products)
    )
    return channels, rows


def _second_store(*, admin: User, seed: int, now: dt.datetime) -> Store:
    """A small second store (orders, no returns) whose agent ``cs2`` sees only it."""
    store = Store.objects.create(
        slug=DEMO2_STORE_SLUG,
        code=DEMO2_STORE_CODE,
        name=DEMO2_STORE_NAME,
        country="KR",
        timezone="Asia/Seoul",
        currency="KRW",
        return_address_name="반품마켓 부산점 (반품 담당)",
        return_address_phone="051-740-2400",
        return_address_postcode="48058",
        return_address_line1="부산광역시 해운대구 센텀중앙로 79",
        return_address_line2="3층 반품 입고",
    )
    rng = random.Random(seed + 2)  # noqa: S311 - seeded demo data, no secret
    fake = Faker("ko_KR")
    fake.seed_instance(seed + 2)
    channels, rows = _channels_and_products_seed(store, DEMO2_PRODUCTS)
    policy_version_create(store=store, rules=policy_rules_v1(), note="기본 반품 정책", actor=admin)
    payment_account_seed(store, now=now)
    orders_seed(
        store=store,
        channels=channels,
        products=rows,
        count=DEMO2_ORDERS,
        now=now,
        rng=rng,
        fake=fake,
    )
    return store
