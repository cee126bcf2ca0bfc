"""Orders as the seller's channels know them: the ground a return stands on.

Money is in the store currency's minor units (KRW has none), as integers.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

STORE_CODE_PATTERN = r"^[A-Z0-9]{2,4}$"


class Store(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    # Heads the store's return numbers (DM-2611-7K3Q9X), so a scanned number names its store
    # in a warehouse that serves several.
    code = models.CharField(
        _("store code"),
        max_length=4,
        unique=True,
        validators=[
            RegexValidator(
                STORE_CODE_PATTERN, _("2 to 4 capital letters or digits, e.g. DM or SH01.")
            )
        ],
        help_text=_("2 to 4 capital letters or digits; starts every return number."),
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="KR",
        help_text=_("ISO 3166 code; KR applies the Korean e-commerce act's deadlines."),
    )
    timezone = models.CharField(_("timezone"), max_length=64, default="Asia/Seoul")
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    return_address_name = models.CharField(_("return addressee"), max_length=100, blank=True)
    return_address_phone = models.CharField(_("return phone"), max_length=32, blank=True)
    return_address_postcode = models.CharField(_("return postcode"), max_length=10, blank=True)
    return_address_line1 = models.CharField(_("return address"), max_length=200, blank=True)
    return_address_line2 = models.CharField(_("return address detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=STORE_CODE_PATTERN), name="store_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SalesChannel(models.Model):
    class Kind(models.TextChoices):
        SMARTSTORE = "smartstore", _("Naver Smart Store")
        COUPANG = "coupang", _("Coupang")
        CAFE24 = "cafe24", _("Cafe24")
        OWN_MALL = "own_mall", _("Own mall")
        MANUAL = "manual", _("Manual")
        API = "api", _("API")

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="channels", verbose_name=_("store")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.SlugField(
        _("code"), max_length=64, help_text=_("Unique within the store, used by imports.")
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="channel_code_unique_per_store")
        ]
        ordering = ["store_id", "name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="customers", verbose_name=_("store")
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    is_flagged = models.BooleanField(
        _("flagged"),
        default=False,
        help_text=_("Flagged customers' returns are never auto-approved."),
    )
    flag_reason = models.CharField(_("flag reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="products", verbose_name=_("store")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    price = models.PositiveBigIntegerField(_("price"), default=0)
    returnable = models.BooleanField(
        _("returnable"),
        default=True,
        help_text=_("Unset for goods that can never be returned for a change of mind."),
    )
    # A variant (one colour × size of a style) is a product of its own; siblings share the
    # style code. Blank for a product without options. ``commerce.options`` checks both.
    option_group = models.CharField(
        _("option group"),
        max_length=64,
        blank=True,
        help_text=_("The style code shared by the product's colour and size variants."),
    )
    options = models.JSONField(
        _("options"), default=dict, blank=True, help_text=_('e.g. {"색상": "검정", "사이즈": "M"}')
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["store", "sku"], name="product_sku_unique_per_store")
        ]
        indexes = [models.Index(fields=["store", "option_group"], name="product_option_group")]
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class PaymentMethod(models.TextChoices):
    """How the buyer paid, which decides where a refund goes (``settlement``).

    Card, easy pay and phone payments are cancelled at the payment gateway; virtual-account and
    transfer payments are paid back by bank transfer; marketplace orders are refunded by the
    marketplace itself. Blank: not recorded (refunded by bank transfer, by hand).
    """

    CARD = "card", _("Card")
    EASY_PAY = "easy_pay", _("Easy pay (Kakao Pay, Naver Pay, Toss Pay …)")
    MOBILE = "mobile", _("Mobile phone payment")
    VIRTUAL_ACCOUNT = "virtual_account", _("Virtual account")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    MARKETPLACE = "marketplace", _("Paid through the marketplace")


def _alias_key(text: str) -> str:
    return "".join(text.split()).lower().replace("_", "").replace("-", "")


# What sellers' exports and feeds write for each method, as ``_alias_key`` reads it.
_ALIASES: dict[str, str] = {
    **{m.value: m.value for m in PaymentMethod},
    **dict.fromkeys(["카드", "신용카드", "체크카드", "신용/체크카드", "creditcard"], "card"),
    **dict.fromkeys(
        [
            "간편결제",
            "easypay",
            "카카오페이",
            "kakaopay",
            "토스페이",
            "tosspay",
            "페이코",
            "payco",
            "삼성페이",
            "samsungpay",
        ],
        "easy_pay",
    ),
    **dict.fromkeys(["휴대폰", "휴대폰결제", "핸드폰결제", "mobilephone"], "mobile"),
    **dict.fromkeys(["가상계좌", "virtualaccount", "무통장(가상계좌)"], "virtual_account"),
    **dict.fromkeys(
        ["계좌이체", "실시간계좌이체", "무통장입금", "무통장", "banktransfer", "transfer"],
        "bank_transfer",
    ),
    **dict.fromkeys(
        ["마켓", "마켓결제", "네이버페이", "naverpay", "쿠페이", "coupay", "쿠팡"], "marketplace"
    ),
}
PAYMENT_METHOD_ALIASES = {_alias_key(word): method for word, method in _ALIASES.items()}


def payment_method_parse(text: str) -> str | None:
    """The method a seller's word names (``"신용카드"`` → ``card``); ``""`` for blank, else None."""
    key = _alias_key(text)
    return PAYMENT_METHOD_ALIASES.get(key) if key else ""


class Order(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="orders", verbose_name=_("store")
    )
    channel = models.ForeignKey(
        SalesChannel,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("sales channel"),
    )
    channel_order_number = models.CharField(_("order number"), max_length=64)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="orders",
        null=True,
        blank=True,
        verbose_name=_("customer"),
    )
    ordered_at = models.DateTimeField(_("ordered at"))
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    items_total = models.PositiveBigIntegerField(_("items total"), default=0)
    shipping_fee = models.PositiveBigIntegerField(_("shipping fee paid"), default=0)
    free_shipping = models.BooleanField(
        _("free shipping"),
        default=False,
        help_text=_(
            "The seller paid the outbound shipping; a change-of-mind return costs both ways."
        ),
    )
    discount_total = models.PositiveBigIntegerField(_("discount"), default=0)
    paid_total = models.PositiveBigIntegerField(_("paid total"), default=0)
    payment_method = models.CharField(
        _("payment method"), max_length=32, choices=PaymentMethod.choices, blank=True
    )
    payment_reference = models.CharField(_("payment reference"), max_length=128, blank=True)
    shipping_name = models.CharField(_("recipient"), max_length=100, blank=True)
    shipping_phone = models.CharField(_("recipient phone"), max_length=32, blank=True)
    shipping_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    shipping_address1 = models.CharField(_("address"), max_length=200, blank=True)
    shipping_address2 = models.CharField(_("address detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "channel_order_number"], name="order_number_unique_per_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["store", "-ordered_at"]),
            models.Index(fields=["channel_order_number"]),
            # The insights build reads the orders changed since its last run by this.
            models.Index(fields=["store", "updated_at"]),
        ]
        ordering = ["-ordered_at", "-id"]

    def __str__(self) -> str:
        return self.channel_order_number


class OrderLine(models.Model):
    """One line of an order. A line has no ``updated_at``: whoever changes a line moves its
    order's (``order_bulk_upsert`` does, ``bulk_update`` setting it by hand), which is how the
    insights build finds the lines to count again."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    line_number = models.PositiveSmallIntegerField(_("line number"))
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="order_lines",
        null=True,
        blank=True,
        verbose_name=_("product"),
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    cancelled_quantity = models.PositiveIntegerField(_("cancelled quantity"), default=0)
    unit_price = models.PositiveBigIntegerField(_("unit price"))
    discount = models.PositiveBigIntegerField(_("discount"), default=0)
    paid_amount = models.PositiveBigIntegerField(
        _("paid amount"), help_text=_("What the buyer paid for this line after discounts.")
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="order_line_unique"),
            models.CheckConstraint(
                condition=Q(cancelled_quantity__lte=models.F("quantity")),
                name="order_line_cancelled_lte_quantity",
            ),
        ]
        ordering = ["order_id", "line_number"]

    def __str__(self) -> str:
        return f"{self.order} #{self.line_number} {self.name}"


class Shipment(models.Model):
    """The forward delivery; ``delivered_at`` starts the legal return window."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order")
    )
    carrier_code = models.CharField(
        _("carrier"), max_length=64, blank=True, help_text=_("e.g. kr.cjlogistics")
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [
            models.Index(fields=["carrier_code", "tracking_number"]),
            # The CS search finds an order by its waybill, whatever the carrier.
            models.Index(fields=["tracking_number"], name="shipment_tracking_number"),
        ]
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.carrier_code} {self.tracking_number}".strip() or f"shipment {self.pk}"
