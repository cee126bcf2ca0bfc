"""Order intake: many orders in, one transaction, a fixed handful of queries per batch.

``order_bulk_upsert`` is the single writer behind the API's bulk endpoint and the CSV/Excel
importer. It validates the whole batch first (nothing is written while any order is wrong),
then writes with bulk statements, so 500 orders cost about as many queries as five.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils import timezone

from banpum.commerce import errors as catalogue
from banpum.commerce.hooks import claimed_units
from banpum.commerce.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    SalesChannel,
    Shipment,
    Store,
)
from banpum.commerce.schemas import CustomerIn, OrderIn, OrderLineIn, ShipmentIn
from banpum.commerce.selectors import phone_digits, phone_variants
from banpum.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

# Keeps every ``IN (...)`` list well under SQLite's 999-parameter default.
_CHUNK = 500
# bulk_update writes ``SET f = CASE WHEN id = … THEN …``, whose cost (building it in Python and
# running it in the database) grows with rows × columns × batch; hence small batches, and only
# the columns that changed (see _Writes).
_UPDATE_BATCH = 100

# Header fields an update overwrites only when the input names them, so a feed that does not
# carry, say, the address does not blank the one already stored.
_HEADER_FIELDS = (
    "shipping_name",
    "shipping_phone",
    "shipping_postcode",
    "shipping_address1",
    "shipping_address2",
    "shipping_fee",
    "free_shipping",
    "payment_method",
    "payment_reference",
)


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int
    orders: list[Order]  # in input order, each with its ``channel`` loaded


@dataclass
class _Line:
    index: int
    number: int
    data: OrderLineIn


@dataclass
class _Item:
    """One input order once its channel is known and its times are aware."""

    index: int
    data: OrderIn
    channel: SalesChannel
    ordered_at: dt.datetime
    lines: list[_Line]
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    order: Order | None = None  # the stored order, when this is an update
    items_total: int = 0
    shipping_fee: int = 0
    discount_total: int = 0
    paid_total: int = 0
    changed: bool = False

    @property
    def prefix(self) -> str:
        return f"orders.{self.index}"


@dataclass
class _Loaded:
    """What the batch needs from the database, loaded in a few queries."""

    lines: dict[int, dict[int, OrderLine]] = field(default_factory=dict)  # order id → number
    claimed: dict[int, int] = field(default_factory=dict)  # order line id → units
    shipments: dict[int, list[Shipment]] = field(default_factory=dict)  # order id → shipments


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.fields.setdefault(path, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed.for_fields(self.fields)


def unknown_channel_message(code: str, known: Iterable[str]) -> str:
    """One wording for an unknown channel, whether the service or the file importer finds it."""
    codes = ", ".join(sorted(known))
    if not codes:
        return catalogue.UNKNOWN_CHANNEL_NONE.render(code=code)
    return catalogue.UNKNOWN_CHANNEL.render(code=code, codes=codes)


def _chunks(values: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@overload
def _aware(value: dt.datetime, tz: ZoneInfo) -> dt.datetime: ...
@overload
def _aware(value: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None: ...
def _aware(value: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    """Naive times from a channel or a spreadsheet are the store's local time."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, tz)


def _assign(obj: models.Model, values: dict[str, Any]) -> set[str]:
    """Set the attributes that differ and name them, so unchanged rows and columns are not
    written: a re-sent batch costs reads only, and ``updated_at`` moves only on real change."""
    changed: set[str] = set()
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    return changed


@dataclass
class _Writes(Generic[M]):
    """Rows of one model to insert, and rows to update with the union of their changed columns."""

    model: type[M]
    new: list[M] = field(default_factory=list)
    changed: list[M] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    _queued: set[int] = field(default_factory=set, repr=False)

    def update(self, obj: M, values: dict[str, Any]) -> bool:
        names = _assign(obj, values)
        if names:
            if id(obj) not in self._queued:  # one customer may be filled in by two orders
                self._queued.add(id(obj))
                self.changed.append(obj)
            self.fields |= names
        return bool(names)

    def save(self) -> None:
        manager = self.model._default_manager
        manager.bulk_create(self.new)
        if self.changed:
            manager.bulk_update(self.changed, sorted(self.fields), batch_size=_UPDATE_BATCH)


def _paid(line: OrderLineIn) -> int:
    if line.paid_amount is not None:
        return line.paid_amount
    return line.unit_price * line.quantity - line.discount


@transaction.atomic
def order_bulk_upsert(
    *, store: Store, orders: Sequence[OrderIn], dry_run: bool = False
) -> UpsertResult:
    """Create or update orders by (channel, order number), all or nothing.

    An update overwrites the header fields the input names, updates lines matched by line
    number and adds the others; lines the input leaves out are kept, because a channel that
    sends only the changed line must not delete the rest. A line's quantity never drops below
    the units returns have claimed (or that were cancelled). Products are matched by SKU and
    created when unknown; customers are matched by phone digits, else email, else created.

    Every problem in the batch is reported at once as ``ValidationFailed`` with dotted paths
    (``orders.3.lines.0.quantity``). ``dry_run`` runs every check and write, then rolls back.
    """
    if not orders:
        return UpsertResult(created=0, updated=0, orders=[])
    errors = _Errors()
    # Imports of one store run one at a time: two feeds carrying the same new order would
    # otherwise both insert it and one would fail on the unique constraint at commit.
    list(Store.objects.select_for_update().filter(pk=store.pk).values_list("pk", flat=True))
    channels = {channel.code: channel for channel in SalesChannel.objects.filter(store=store)}
    items = _prepare(store, orders, channels, errors)
    existing = _existing_orders(store, items)
    for item in items:
        item.order = existing.get((item.channel.pk, item.data.order_number))
    loaded = _load_order_children([order.pk for order in existing.values()])
    for item in items:
        _check_against_stored(item, loaded, errors)
    errors.raise_if_any()

    products = _products_for(store, items)
    customers = _CustomerMatcher(store, items)
    now = timezone.now()
    orders_written = _write_orders(store, items, customers, now)
    lines = _line_writes(items, loaded, products)
    lines.save()
    shipments = _shipment_writes(items, loaded)
    shipments.save()
    # Lines or a shipment may have changed under an unchanged header: the order still changed.
    written = {order.pk for order in (*orders_written.new, *orders_written.changed)}
    late = [i.order for i in items if i.changed and i.order and i.order.pk not in written]
    for order in late:
        order.updated_at = now
    Order.objects.bulk_update(late, ["updated_at"], batch_size=_UPDATE_BATCH)

    created = len(orders_written.new)
    new_ids = {order.pk for order in orders_written.new}
    result = UpsertResult(
        created=created,
        updated=len(items) - created,
        orders=[item.order for item in items if item.order is not None],
    )
    logger.info(
        "orders upserted store=%s orders=%d created=%d updated=%d changed=%d lines_created=%d "
        "lines_updated=%d products_created=%d customers_created=%d dry_run=%s",
        store.slug,
        len(items),
        result.created,
        result.updated,
        sum(1 for item in items if item.changed and item.order and item.order.pk not in new_ids),
        len(lines.new),
        len(lines.changed),
        products.created,
        customers.created,
        dry_run,
    )
    if dry_run:
        transaction.set_rollback(True)
    return result


def _prepare(
    store: Store,
    orders: Sequence[OrderIn],
    channels: dict[str, SalesChannel],
    errors: _Errors,
) -> list[_Item]:
    """Checks that need the batch but not the stored orders: channels, duplicates, times."""
    tz = ZoneInfo(store.timezone)
    seen: dict[tuple[int, str], int] = {}
    items: list[_Item] = []
    for index, data in enumerate(orders):
        prefix = f"orders.{index}"
        channel = channels.get(data.channel)
        if channel is None:
            errors.add(f"{prefix}.channel", unknown_channel_message(data.channel, channels))
            continue
        key = (channel.pk, data.order_number)
        if key in seen:
            errors.add(
                f"{prefix}.order_number",
                catalogue.ORDER_TWICE_IN_BATCH.render(
                    number=data.order_number, channel=channel.code, index=seen[key]
                ),
            )
            continue
        seen[key] = index
        lines: list[_Line] = []
        numbers: dict[int, int] = {}
        for position, line in enumerate(data.lines):
            number = line.line_number if line.line_number is not None else position + 1
            if number in numbers:
                errors.add(
                    f"{prefix}.lines.{position}.line_number",
                    catalogue.LINE_NUMBER_TWICE.render(number=number, index=numbers[number]),
                )
            numbers.setdefault(number, position)
            lines.append(_Line(index=position, number=number, data=line))
        ordered_at = _aware(data.ordered_at, tz)
        item = _Item(index=index, data=data, channel=channel, ordered_at=ordered_at, lines=lines)
        if data.shipment is not None:
            item.shipped_at = _aware(data.shipment.shipped_at, tz)
            item.delivered_at = _aware(data.shipment.delivered_at, tz)
        items.append(item)
    return items


def _existing_orders(store: Store, items: list[_Item]) -> dict[tuple[int, str], Order]:
    """The stored orders of the batch, locked: a return created meanwhile (it locks its order)
    cannot claim units between the quantity check below and the write."""
    numbers: dict[int, list[str]] = {}
    for item in items:
        numbers.setdefault(item.channel.pk, []).append(item.data.order_number)
    found: dict[tuple[int, str], Order] = {}
    for channel_id, channel_numbers in numbers.items():
        for chunk in _chunks(channel_numbers):
            queryset = (
                Order.objects.select_related("customer")
                .select_for_update(of=("self",))
                .filter(store=store, channel_id=channel_id, channel_order_number__in=chunk)
                .order_by("pk")
            )
            for order in queryset:
                found[(channel_id, order.channel_order_number)] = order
    return found


def _load_order_children(order_ids: list[int]) -> _Loaded:
    loaded = _Loaded()
    for chunk in _chunks(order_ids):
        lines = OrderLine.objects.filter(order_id__in=chunk).annotate(claimed=claimed_units())
        for line in lines:
            loaded.lines.setdefault(line.order_id, {})[line.line_number] = line
            loaded.claimed[line.pk] = line.claimed
        for shipment in Shipment.objects.filter(order_id__in=chunk).order_by("id"):
            loaded.shipments.setdefault(shipment.order_id, []).append(shipment)
    return loaded


def _check_against_stored(item: _Item, loaded: _Loaded, errors: _Errors) -> None:
    """Quantities against claims, totals over the merged lines, shipment times; sets totals."""
    data = item.data
    order = item.order
    stored = loaded.lines.get(order.pk, {}) if order is not None else {}
    merged: dict[int, tuple[int, int]] = {
        number: (line.paid_amount, line.discount) for number, line in stored.items()
    }
    for line in item.lines:
        merged[line.number] = (_paid(line.data), line.data.discount)
        current = stored.get(line.number)
        if current is None:
            continue
        claimed = loaded.claimed.get(current.pk, 0)
        minimum = claimed + current.cancelled_quantity
        if line.data.quantity < minimum:
            if current.cancelled_quantity:
                message = catalogue.QUANTITY_BELOW_CLAIMED_AND_CANCELLED.render(
                    claimed=claimed, cancelled=current.cancelled_quantity, minimum=minimum
                )
            else:
                message = catalogue.QUANTITY_BELOW_CLAIMED.render(claimed=claimed, minimum=minimum)
            errors.add(f"{item.prefix}.lines.{line.index}.quantity", message)
    item.items_total = sum(paid for paid, _ in merged.values())
    if order is not None and "shipping_fee" not in data.model_fields_set:
        item.shipping_fee = order.shipping_fee
    else:
        item.shipping_fee = data.shipping_fee
    expected = item.items_total + item.shipping_fee
    if data.paid_total is not None and data.paid_total != expected:
        errors.add(
            f"{item.prefix}.paid_total",
            catalogue.PAID_TOTAL_MISMATCH.render(
                paid_total=data.paid_total,
                items_total=item.items_total,
                shipping_fee=item.shipping_fee,
                expected=expected,
            ),
        )
    item.paid_total = expected
    item.discount_total = (
        data.discount_total
        if data.discount_total is not None
        else sum(discount for _, discount in merged.values())
    )
    if data.shipment is not None:
        match = _match_shipment(loaded.shipments.get(order.pk, []) if order else [], data.shipment)
        shipped = item.shipped_at or (match.shipped_at if match else None)
        delivered = item.delivered_at or (match.delivered_at if match else None)
        if shipped and delivered and delivered < shipped:
            errors.add(
                f"{item.prefix}.shipment.delivered_at",
                catalogue.DELIVERED_BEFORE_SHIPPED.render(
                    delivered=delivered.isoformat(), shipped=shipped.isoformat()
                ),
            )


def _match_shipment(shipments: list[Shipment], data: ShipmentIn) -> Shipment | None:
    """The stored shipment this input describes: same tracking number, else the one booked
    before its tracking number was known; without a tracking number, the first one."""
    if not data.tracking_number:
        return shipments[0] if shipments else None
    for shipment in shipments:
        same_carrier = not (data.carrier_code and shipment.carrier_code) or (
            data.carrier_code == shipment.carrier_code
        )
        if shipment.tracking_number == data.tracking_number and same_carrier:
            return shipment
    untracked = [shipment for shipment in shipments if not shipment.tracking_number]
    return untracked[0] if untracked else None


@dataclass
class _Products:
    by_sku: dict[str, Product]
    created: int


def _products_for(store: Store, items: list[_Item]) -> _Products:
    """Products by SKU; unknown SKUs become products named and priced after their first line.

    A line that names the product's option group or options sets them (the catalogue's
    variants come in with the orders); lines that leave them out change nothing.
    """
    first_seen: dict[str, OrderLineIn] = {}
    variant_of: dict[str, OrderLineIn] = {}
    for item in items:
        for line in item.lines:
            first_seen.setdefault(line.data.sku, line.data)
            if {"option_group", "options"} & line.data.model_fields_set:
                variant_of.setdefault(line.data.sku, line.data)
    by_sku: dict[str, Product] = {}
    for chunk in _chunks(first_seen):
        by_sku.update(
            (product.sku, product) for product in Product.objects.filter(store=store, sku__in=chunk)
        )
    missing = [
        Product(
            store=store,
            sku=sku,
            name=line.name,
            category=line.category,
            price=line.unit_price,
            option_group=line.option_group,
            options=line.options or {},
        )
        for sku, line in first_seen.items()
        if sku not in by_sku
    ]
    if missing:
        # ignore_conflicts: a product created meanwhile by another writer is simply used.
        Product.objects.bulk_create(missing, ignore_conflicts=True)
        for chunk in _chunks([product.sku for product in missing]):
            by_sku.update(
                (product.sku, product)
                for product in Product.objects.filter(store=store, sku__in=chunk)
            )
    _variants_update(by_sku, variant_of)
    return _Products(by_sku=by_sku, created=len(missing))


def _variants_update(by_sku: dict[str, Product], variant_of: dict[str, OrderLineIn]) -> None:
    changed: list[Product] = []
    for sku, line in variant_of.items():
        product = by_sku[sku]
        values: dict[str, Any] = {}
        if "option_group" in line.model_fields_set:
            values["option_group"] = line.option_group
        if "options" in line.model_fields_set:
            values["options"] = line.options or {}
        if _assign(product, values):
            changed.append(product)
    if changed:
        Product.objects.bulk_update(changed, ["option_group", "options"])


class _CustomerMatcher:
    """Finds each order's customer within the store: by phone digits, else email, else new.

    Loads the candidates in one or two queries; customers new to the store are created once
    per batch (two orders of one new buyer share one customer) with a single bulk insert.
    """

    def __init__(self, store: Store, items: list[_Item]) -> None:
        self.store = store
        self.by_digits: dict[str, Customer] = {}
        self.by_email: dict[str, Customer] = {}
        self.writes = _Writes(Customer)
        phones: set[str] = set()
        emails: set[str] = set()
        for item in items:
            wanted = item.data.customer
            if wanted is None:
                continue
            if phone_digits(wanted.phone):
                phones.update(phone_variants(wanted.phone))
            if wanted.email:
                emails.add(wanted.email)
        found: dict[int, Customer] = {}
        for chunk in _chunks(sorted(phones)):
            found.update((c.pk, c) for c in Customer.objects.filter(store=store, phone__in=chunk))
        for chunk in _chunks(sorted(emails)):
            found.update((c.pk, c) for c in Customer.objects.filter(store=store, email__in=chunk))
        for customer in sorted(found.values(), key=lambda c: c.pk):  # the oldest record wins
            self._remember(customer)

    @property
    def created(self) -> int:
        return len(self.writes.new)

    def _remember(self, customer: Customer) -> None:
        digits = phone_digits(customer.phone)
        if digits:
            self.by_digits.setdefault(digits, customer)
        if customer.email:
            self.by_email.setdefault(customer.email.lower(), customer)

    def match(self, data: CustomerIn, *, current: Customer | None, fallback_name: str) -> Customer:
        digits = phone_digits(data.phone)
        customer = (self.by_digits.get(digits) if digits else None) or (
            self.by_email.get(data.email) if data.email else None
        )
        if customer is None and not digits and not data.email and current is not None:
            return current  # a name alone identifies no one; keep the order's customer
        if customer is None:
            customer = Customer(
                store=self.store,
                name=data.name or fallback_name or digits or data.email,
                phone=digits,
                email=data.email,
            )
            self.writes.new.append(customer)
            self._remember(customer)
            return customer
        # Fill what the stored customer lacks; never overwrite what CS may have corrected.
        blanks = {"phone": digits, "email": data.email, "name": data.name}
        fill = {
            name: value for name, value in blanks.items() if value and not getattr(customer, name)
        }
        if fill and customer.pk is None:
            _assign(customer, fill)  # created earlier in this batch: inserted with the fill
            self._remember(customer)
        elif fill and self.writes.update(customer, fill):
            self._remember(customer)
        return customer

    def save(self) -> None:
        self.writes.save()


def _write_orders(
    store: Store, items: list[_Item], customers: _CustomerMatcher, now: dt.datetime
) -> _Writes[Order]:
    resolved: dict[int, Customer | None] = {}
    for item in items:
        current = item.order.customer if item.order is not None else None
        data = item.data
        resolved[item.index] = (
            customers.match(data.customer, current=current, fallback_name=data.shipping_name)
            if data.customer is not None
            else current
        )
    customers.save()  # new customers get their ids before the orders point at them

    writes = _Writes(Order)
    for item in items:
        data = item.data
        customer = resolved[item.index]
        values: dict[str, Any] = {
            "ordered_at": item.ordered_at,
            "items_total": item.items_total,
            "shipping_fee": item.shipping_fee,
            "discount_total": item.discount_total,
            "paid_total": item.paid_total,
        }
        if item.order is None:
            values.update({name: getattr(data, name) for name in _HEADER_FIELDS})
            item.order = Order(
                store=store,
                channel=item.channel,
                channel_order_number=data.order_number,
                currency=store.currency,
                customer=customer,
                **values,
            )
            writes.new.append(item.order)
            continue
        order = item.order
        order.channel = item.channel  # same row; saves a query when the caller reads it
        values.update(
            {name: getattr(data, name) for name in _HEADER_FIELDS if name in data.model_fields_set}
        )
        if customer is not None:
            values["customer_id"] = customer.pk  # saved above, so it has one
        if writes.update(order, values):
            item.changed = True
            order.updated_at = now  # bulk_update does not apply auto_now
            writes.fields.add("updated_at")
    writes.save()
    return writes


def _line_writes(items: list[_Item], loaded: _Loaded, products: _Products) -> _Writes[OrderLine]:
    writes = _Writes(OrderLine)
    for item in items:
        order = item.order
        if order is None:
            raise RuntimeError("an order's lines are written after the order itself")
        stored = loaded.lines.get(order.pk, {})
        for line in item.lines:
            data = line.data
            product = products.by_sku[data.sku]
            values: dict[str, Any] = {
                "product_id": product.pk,
                "sku": data.sku,
                "name": data.name,
                "quantity": data.quantity,
                "unit_price": data.unit_price,
                "discount": data.discount,
                "paid_amount": _paid(data),
            }
            current = stored.get(line.number)
            if current is None:
                values["category"] = data.category or product.category
                writes.new.append(OrderLine(order=order, line_number=line.number, **values))
                item.changed = True
                continue
            if "category" in data.model_fields_set:
                values["category"] = data.category
            if writes.update(current, values):
                item.changed = True
    return writes


def _shipment_writes(items: list[_Item], loaded: _Loaded) -> _Writes[Shipment]:
    """The forward shipment each input carries; feeds fill in what they know and never erase a
    stored time or tracking number by leaving it out."""
    writes = _Writes(Shipment)
    for item in items:
        data = item.data.shipment
        order = item.order
        if data is None or order is None:
            continue
        values: dict[str, Any] = {
            "carrier_code": data.carrier_code,
            "tracking_number": data.tracking_number,
            "shipped_at": item.shipped_at,
            "delivered_at": item.delivered_at,
        }
        values = {name: value for name, value in values.items() if value}
        match = _match_shipment(loaded.shipments.get(order.pk, []), data)
        if match is None:
            writes.new.append(Shipment(order=order, **values))
            item.changed = True
        elif writes.update(match, values):
            item.changed = True
    return writes
