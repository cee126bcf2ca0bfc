"""Order reads: one order, the order page, and the CS search."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from banpum.commerce import errors
from banpum.commerce.hooks import claimed_units
from banpum.commerce.models import Order, OrderLine, Product, SalesChannel, Shipment, Store
from banpum.core.errors import ValidationFailed


def phone_digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def phone_variants(phone: str) -> list[str]:
    """The spellings a stored phone may have, so an exact, indexed ``IN`` lookup finds it.

    Banpum stores digits only, but customers created by hand or by older imports may carry the
    usual Korean hyphenation (010-1234-5678, 02-123-4567); matching those by stripping digits in
    SQL would scan the table.
    """
    digits = phone_digits(phone)
    variants = {phone.strip(), digits} if digits else {phone.strip()}
    if len(digits) in (10, 11):
        head = 2 if digits.startswith("02") else 3
        variants.add(f"{digits[:head]}-{digits[head:-4]}-{digits[-4:]}")
    if len(digits) == 9 and digits.startswith("02"):
        variants.add(f"02-{digits[2:5]}-{digits[5:]}")
    return sorted(v for v in variants if v)


def waybill_variants(text: str) -> list[str]:
    """A waybill as typed and without its separators (``6012-3456-7890`` → ``601234567890``);
    none for text too short to be one, so a name never searches the shipments."""
    term = text.strip()
    compact = "".join(ch for ch in term if ch not in "- ")
    if len(compact) < WAYBILL_MIN_LENGTH or not compact.isalnum():
        return []
    return sorted({term, compact})


WAYBILL_MIN_LENGTH = 8


def returnable_quantity(*, quantity: int, cancelled: int, delivered: bool, claimed: int) -> int:
    """Units a new return could still claim: delivered (live) units minus those already claimed.

    The same arithmetic as ``returns.facts.line_facts`` and the policy engine use.
    """
    live = quantity - cancelled
    return max((live if delivered else 0) - claimed, 0)


def sales_channel_codes(*, store: Store) -> list[str]:
    return sorted(SalesChannel.objects.filter(store=store).values_list("code", flat=True))


def order_get(
    *,
    store: Store,
    order_id: int | None = None,
    order_number: str | None = None,
    channel_code: str | None = None,
) -> Order:
    """One order of the store by id, or by channel order number (and channel when ambiguous)."""
    queryset = Order.objects.filter(store=store).select_related("channel", "customer")
    if order_id is not None:
        queryset = queryset.filter(pk=order_id)
    elif order_number:
        queryset = queryset.filter(channel_order_number=order_number)
        if channel_code:
            queryset = queryset.filter(channel__code=channel_code)
    else:
        raise errors.ORDER_REFERENCE_MISSING.field("order_id")
    orders = list(queryset[:2])
    if not orders:
        raise errors.ORDER_NOT_FOUND()
    if len(orders) > 1:
        message = errors.ORDER_NUMBER_AMBIGUOUS.render()
        raise ValidationFailed.for_fields({"channel": [message]}, message=message)
    return orders[0]


def order_detail_get(*, store: Store, order_id: int) -> Order:
    """The order page: the order with its lines (and products), shipments and customer in
    three queries.

    Each line carries ``claimed_quantity`` (units in open or completed returns) and
    ``order_delivered`` as annotations, so the page can show what is still returnable without a
    query per line.
    """
    lines = (
        OrderLine.objects.select_related("product")
        .annotate(
            claimed_quantity=claimed_units(),
            order_delivered=Exists(
                Shipment.objects.filter(order=OuterRef("order_id"), delivered_at__isnull=False)
            ),
        )
        .order_by("line_number")
    )
    queryset = (
        Order.objects.filter(store=store, pk=order_id)
        .select_related("channel", "customer")
        .prefetch_related(Prefetch("lines", queryset=lines), "shipments")
    )
    order = queryset.first()
    if order is None:
        raise errors.ORDER_NOT_FOUND()
    return order


def order_search(
    *,
    store: Store,
    q: str | None = None,
    channel_code: str | None = None,
    phone: str | None = None,
) -> QuerySet[Order]:
    """The CS search, newest first: ``q`` is an order number, a name, a phone, an email or
    the waybill of the order's delivery.

    Phones match the customer's or the recipient's, whatever the hyphenation; a waybill as
    printed (with hyphens or spaces) or as digits.
    """
    queryset = Order.objects.filter(store=store).select_related("channel", "customer")
    if channel_code:
        queryset = queryset.filter(channel__code=channel_code)
    if phone and phone.strip():
        variants = phone_variants(phone)
        queryset = queryset.filter(Q(customer__phone__in=variants) | Q(shipping_phone__in=variants))
    if q and q.strip():
        term = q.strip()
        match = (
            Q(channel_order_number=term)
            | Q(customer__name__icontains=term)
            | Q(shipping_name__icontains=term)
            | Q(customer__email__iexact=term)
        )
        if len(phone_digits(term)) >= 7:
            variants = phone_variants(term)
            match |= Q(customer__phone__in=variants) | Q(shipping_phone__in=variants)
        waybills = waybill_variants(term)
        if waybills:
            match |= Q(
                Exists(Shipment.objects.filter(order=OuterRef("pk"), tracking_number__in=waybills))
            )
        queryset = queryset.filter(match)
    return queryset.order_by("-id")


def product_get(*, store: Store, sku: str) -> Product:
    product = Product.objects.filter(store=store, sku=sku).first()
    if product is None:
        raise errors.PRODUCT_NOT_FOUND(sku=sku)
    return product


def product_siblings(product: Product) -> QuerySet[Product]:
    """The product and the other variants of its style (its option group), by SKU.

    A product without a group is a style of its own: its only "variant" is itself.
    """
    if not product.option_group:
        return Product.objects.filter(pk=product.pk)
    return Product.objects.filter(
        store_id=product.store_id, option_group=product.option_group
    ).order_by("sku")


def product_is_variant_of(candidate: Product, product: Product) -> bool:
    """The same product, or a sibling variant of the same store and style."""
    if candidate.pk == product.pk:
        return True
    return bool(
        product.option_group
        and candidate.store_id == product.store_id
        and candidate.option_group == product.option_group
    )


def order_find_for_shopper(*, store: Store, order_number: str, contact: str) -> Order | None:
    """The store's order with this number whose buyer or recipient has ``contact``, else None.

    ``contact`` is an email (matched case-insensitively to the customer's) or a phone with or
    without hyphens (the customer's or the recipient's). A wrong number and a wrong contact
    both answer None, so a shopper's portal cannot tell which one was wrong.
    """
    number, contact = order_number.strip(), contact.strip()
    if not number or not contact:
        return None
    queryset = Order.objects.filter(store=store, channel_order_number=number)
    if "@" in contact:
        match = Q(customer__email__iexact=contact)
    elif len(phone_digits(contact)) >= 7:
        variants = phone_variants(contact)
        match = Q(customer__phone__in=variants) | Q(shipping_phone__in=variants)
    else:
        return None
    return queryset.filter(match).select_related("channel", "customer").order_by("-id").first()


def product_variants_of(products: list[Product]) -> dict[int, list[Product]]:
    """Each product's variants (itself and its style's siblings, by SKU), in one query."""
    groups = {p.option_group for p in products if p.option_group}
    siblings: dict[str, list[Product]] = {}
    if groups:
        store_ids = {p.store_id for p in products}
        for candidate in Product.objects.filter(
            store_id__in=store_ids, option_group__in=groups
        ).order_by("sku"):
            siblings.setdefault(f"{candidate.store_id}:{candidate.option_group}", []).append(
                candidate
            )
    return {
        p.pk: siblings.get(f"{p.store_id}:{p.option_group}", [p]) if p.option_group else [p]
        for p in products
    }
