"""Refunds, what each order still has to refund, the store-credit ledger, payment accounts,
and exchanges (the replacement lines and their shipment).

``Refund.status`` is written only by ``settlement.transitions.refund_transition``. What an order
(and each of its lines) has committed to refunds is a row with a database check, so two refunds
racing for the same money cannot together commit more than was paid.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Customer, Order, OrderLine, Product, Store
from banpum.core.fields import EncryptedCharField
from banpum.core.models import AppendOnlyModel
from banpum.logistics.models import OutboundShipment
from banpum.returns.models import ReturnLine, ReturnRequest


class RefundKind(models.TextChoices):
    RETURN = "return", _("Return refund")
    EARLY = "early", _("Early refund at pickup")
    KEEP_ITEM = "keep_item", _("Refund, item kept")
    GOODWILL = "goodwill", _("Goodwill refund")
    INTEREST = "interest", _("Delay interest")


class RefundMethod(models.TextChoices):
    ORIGINAL_PAYMENT = "original_payment", _("Original payment")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    STORE_CREDIT = "store_credit", _("Store credit")
    MARKETPLACE = "marketplace", _("Refunded by the marketplace")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    UNKNOWN = "unknown", _("Outcome unknown, checking")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    AWAITING_TRANSFER = "awaiting_transfer", _("Awaiting bank transfer")
    PAID_BY_CHANNEL = "paid_by_channel", _("Refunded by the marketplace")


# The money has gone out (or the channel says it has).
DONE_STATUSES = frozenset({RefundStatus.PAID, RefundStatus.PAID_BY_CHANNEL})
# The job owes a gateway call or its outcome.
IN_FLIGHT_STATUSES = frozenset({RefundStatus.SENDING, RefundStatus.UNKNOWN})


class RefundReason(models.TextChoices):
    """Why a manager refunded beyond the rules (goodwill)."""

    SERVICE_RECOVERY = "service_recovery", _("Service recovery")
    DELAY = "delay", _("Delivery or handling delay")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price adjustment")
    PARTIAL_DEFECT = "partial_defect", _("Minor defect, item kept")
    OTHER = "other", _("Other")


class Refund(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("store")
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order")
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.PROTECT,
        related_name="refunds",
        null=True,
        blank=True,
        verbose_name=_("return request"),
    )
    # The principal an interest refund is owed on.
    principal = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="interest_refunds",
        null=True,
        blank=True,
        verbose_name=_("principal refund"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RefundKind.choices)
    method = models.CharField(_("method"), max_length=20, choices=RefundMethod.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RefundStatus.choices,
        default=RefundStatus.PENDING,
        editable=False,
    )
    amount = models.PositiveBigIntegerField(_("amount"))
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    interest_owed = models.PositiveBigIntegerField(_("delay interest owed"), default=0)
    payment_key = models.CharField(_("payment key"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error_code = models.CharField(_("last error code"), max_length=64, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_reference = models.CharField(_("transaction key"), max_length=200, blank=True)
    reason_code = models.CharField(
        _("reason"), max_length=32, choices=RefundReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["store", "status", "due_on"]),
            models.Index(fields=["status", "next_attempt_at"]),
            # The insights build reads the refunds opened or moved since its last run by this
            # (``refund_open`` and ``refund_transition`` set ``updated_at``).
            models.Index(fields=["store", "updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"refund {self.pk} {self.amount}"


class RefundLine(models.Model):
    refund = models.ForeignKey(
        Refund, on_delete=models.CASCADE, related_name="lines", verbose_name=_("refund")
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="refund_lines", verbose_name=_("line")
    )
    return_line = models.ForeignKey(
        ReturnLine,
        on_delete=models.PROTECT,
        related_name="refund_lines",
        null=True,
        blank=True,
        verbose_name=_("return line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    amount = models.PositiveBigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        ordering = ["refund_id", "id"]

    def __str__(self) -> str:
        return f"{self.refund} line {self.order_line_id}: {self.amount}"


class RefundStatusChange(AppendOnlyModel):
    """One immutable row per status move of a refund: its audit trail."""

    refund = models.ForeignKey(
        Refund, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("refund")
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from status"), max_length=20)
    to_status = models.CharField(_("to status"), max_length=20)
    actor_type = models.CharField(_("actor type"), max_length=10)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("refund status change")
        verbose_name_plural = _("refund status changes")
        ordering = ["refund_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.refund} {self.from_status}→{self.to_status}"


class OrderRefundBalance(models.Model):
    """What an order's refunds have committed, never more than was paid (a database check)."""

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="refund_balance", verbose_name=_("order")
    )
    paid_total = models.PositiveBigIntegerField(_("paid total"))
    committed_total = models.PositiveBigIntegerField(_("committed to refunds"), default=0)

    class Meta:
        verbose_name = _("order refund balance")
        verbose_name_plural = _("order refund balances")
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_total__lte=F("paid_total")),
                name="order_refund_committed_lte_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.committed_total}/{self.paid_total}"


class OrderLineRefundBalance(models.Model):
    """The same guarantee per order line, for refunds that name lines."""

    order_line = models.OneToOneField(
        OrderLine,
        on_delete=models.CASCADE,
        related_name="refund_balance",
        verbose_name=_("order line"),
    )
    paid_amount = models.PositiveBigIntegerField(_("paid amount"))
    committed_total = models.PositiveBigIntegerField(_("committed to refunds"), default=0)

    class Meta:
        verbose_name = _("order line refund balance")
        verbose_name_plural = _("order line refund balances")
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_total__lte=F("paid_amount")),
                name="order_line_refund_committed_lte_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line}: {self.committed_total}/{self.paid_amount}"


class StoreCreditAccount(models.Model):
    customer = models.OneToOneField(
        Customer,
        on_delete=models.PROTECT,
        related_name="store_credit",
        verbose_name=_("customer"),
    )
    balance = models.BigIntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("store credit account")
        verbose_name_plural = _("store credit accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="store_credit_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.balance}"


class StoreCreditEntryKind(models.TextChoices):
    ISSUE = "issue", _("Issued")
    REDEEM = "redeem", _("Redeemed")
    REVERSE = "reverse", _("Reversed")


class StoreCreditEntry(AppendOnlyModel):
    """One immutable movement of a customer's store credit, with the balance after it."""

    account = models.ForeignKey(
        StoreCreditAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
    )
    amount = models.BigIntegerField(_("amount"))  # signed: + issued, - redeemed
    balance_after = models.BigIntegerField(_("balance after"))
    kind = models.CharField(_("kind"), max_length=10, choices=StoreCreditEntryKind.choices)
    refund = models.ForeignKey(
        Refund,
        on_delete=models.PROTECT,
        related_name="store_credit_entries",
        null=True,
        blank=True,
        verbose_name=_("refund"),
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit entries")
        ordering = ["account_id", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="store_credit_entry_balance_not_negative"
            ),
            models.UniqueConstraint(
                fields=["refund"],
                condition=Q(kind="issue"),
                name="store_credit_issued_once_per_refund",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d}"


class PaymentProvider(models.TextChoices):
    TOSS = "toss", _("Toss Payments")
    SIMULATOR = "simulator", _("Payment simulator")


class PaymentAccount(models.Model):
    """A store's account with its payment gateway; the secret key is write-only."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="payment_account", verbose_name=_("store")
    )
    provider = models.CharField(_("provider"), max_length=20, choices=PaymentProvider.choices)
    base_url = models.URLField(_("base URL"), blank=True)
    # Encrypted at rest; never shown by the API, the admin or a log line; replaced, never read
    # back (only the gateway adapter reveals it, to authenticate).
    secret_key = EncryptedCharField(
        _("secret key"), purpose="payment_secret", max_length=300, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")

    def __str__(self) -> str:
        return f"{self.store} {self.provider}"

    def __repr__(self) -> str:
        return f"<PaymentAccount {self.pk} {self.provider} secret=***>"


# --- bank transfers -------------------------------------------------------------------------


class RefundAccount(AppendOnlyModel):
    """An account a bank-transfer refund is paid to, as the customer or CS gave it.

    Rows are never changed: a new account for a return is a new row (the latest wins), so a
    batch item keeps pointing at the account its file was built with. The number is encrypted
    at rest; ``account_masked`` and ``account_last4`` are what screens show and search.
    """

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="refund_accounts", verbose_name=_("store")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="refund_accounts",
        null=True,
        blank=True,
        verbose_name=_("customer"),
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="refund_accounts",
        null=True,
        blank=True,
        verbose_name=_("order"),
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.PROTECT,
        related_name="refund_accounts",
        null=True,
        blank=True,
        verbose_name=_("return request"),
    )
    bank_code = models.CharField(_("bank code"), max_length=3)
    account_number = EncryptedCharField(
        _("account number"), purpose="refund_account", max_length=20, editable=False
    )
    account_last4 = models.CharField(_("account number, last 4 digits"), max_length=4)
    account_masked = models.CharField(_("account number, masked"), max_length=20)
    holder_name = models.CharField(_("account holder"), max_length=30)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"))

    append_only_message = "refund accounts are never changed: add a new one"

    class Meta:
        verbose_name = _("refund account")
        verbose_name_plural = _("refund accounts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["store", "account_last4"])]

    def __str__(self) -> str:
        return f"{self.bank_code} {self.account_masked}"

    def __repr__(self) -> str:
        return f"<RefundAccount {self.pk} {self.bank_code} {self.account_masked}>"


class TransferBatchStatus(models.TextChoices):
    EXPORTED = "exported", _("Exported, awaiting the bank's result")
    CONFIRMED = "confirmed", _("Confirmed, all paid")
    PARTLY_FAILED = "partly_failed", _("Confirmed, some transfers failed")


class TransferBatch(models.Model):
    """One 대량이체 file: the refunds it pays, exported once, confirmed from the bank's result.

    ``status`` is written only by ``settlement.transfer_transitions.transfer_batch_transition``.
    """

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="transfer_batches", verbose_name=_("store")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TransferBatchStatus.choices,
        default=TransferBatchStatus.EXPORTED,
        editable=False,
    )
    count = models.PositiveIntegerField(_("transfers"))
    total = models.PositiveBigIntegerField(_("total"))
    file_name = models.CharField(_("file name"), max_length=100)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"))
    confirmed_by = models.CharField(_("confirmed by"), max_length=150, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer batch")
        verbose_name_plural = _("transfer batches")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.status}"


class TransferOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class TransferBatchItem(models.Model):
    """One refund in one batch, with the account and amount its file row was built from.

    A refund is in at most one item that is not failed (a partial unique index): it can never
    be exported twice while a transfer may still pay it. A failed item stays in its batch as
    the record of the attempt; the refund, retried, may join a new batch.
    """

    batch = models.ForeignKey(
        TransferBatch, on_delete=models.PROTECT, related_name="items", verbose_name=_("batch")
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, related_name="transfer_items", verbose_name=_("refund")
    )
    account = models.ForeignKey(
        RefundAccount,
        on_delete=models.PROTECT,
        related_name="transfer_items",
        verbose_name=_("account"),
    )
    amount = models.PositiveBigIntegerField(_("amount"))
    bank_code = models.CharField(_("bank code"), max_length=3)
    account_last4 = models.CharField(_("account number, last 4 digits"), max_length=4)
    reference = models.CharField(_("reference"), max_length=20)
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=TransferOutcome.choices,
        default=TransferOutcome.PENDING,
        editable=False,
    )
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer batch item")
        verbose_name_plural = _("transfer batch items")
        ordering = ["batch_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["refund"],
                condition=~Q(outcome="failed"),
                name="transfer_item_one_live_per_refund",
            ),
            models.UniqueConstraint(fields=["batch", "refund"], name="transfer_item_once_in_batch"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_item_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: refund {self.refund_id} {self.outcome}"


# --- exchanges ------------------------------------------------------------------------------


class ExchangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    RESERVED = "reserved", _("Replacement reserved")
    SHIPPING = "shipping", _("Replacement being booked")
    SHIPPED = "shipped", _("Replacement shipped")
    CONVERTED_TO_REFUND = "converted_to_refund", _("Refunded instead")
    CANCELLED = "cancelled", _("Cancelled")


class Exchange(models.Model):
    """What a return of type exchange sends back: the replacement lines and their shipment.

    ``status`` is written only by ``settlement.exchanges.transitions.exchange_transition``.
    """

    return_request = models.OneToOneField(
        ReturnRequest, on_delete=models.CASCADE, related_name="exchange"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExchangeStatus.choices,
        default=ExchangeStatus.REQUESTED,
        editable=False,
    )
    # The buyer's exchange fee, from the policy decision stored on the return (0 on the
    # seller's fault).
    fee_amount = models.PositiveBigIntegerField(_("exchange fee"), default=0)
    # Why the exchange waits (e.g. "out_of_stock"), for CS; blank when nothing blocks it.
    waiting_reason = models.CharField(_("waiting because"), max_length=32, blank=True)
    waiting_detail = models.JSONField(_("waiting detail"), default=dict, blank=True)
    # 맞교환: the replacement went out with the pickup (no outbound shipment of its own).
    swap = models.BooleanField(_("swap at the door"), default=False)
    shipment = models.ForeignKey(
        OutboundShipment,
        on_delete=models.PROTECT,
        related_name="exchanges",
        null=True,
        blank=True,
        verbose_name=_("outbound shipment"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.return_request} {self.status}"


class ExchangeLine(models.Model):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="lines")
    return_line = models.ForeignKey(
        ReturnLine, on_delete=models.PROTECT, related_name="exchange_lines"
    )
    replacement = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="exchange_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # Units of the replacement reserved in the ledger (RESERVE minus RELEASE and SHIP).
    reserved = models.PositiveIntegerField(_("reserved"), default=0)

    class Meta:
        verbose_name = _("exchange line")
        verbose_name_plural = _("exchange lines")
        ordering = ["exchange_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "return_line"], name="exchange_line_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="exchange_line_qty_gte_1"),
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("quantity")),
                name="exchange_line_reserved_lte_qty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exchange_id}: {self.replacement_id} × {self.quantity}"


class ExchangeStatusChange(AppendOnlyModel):
    """One move of an exchange along its table: append-only, written by its one writer."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=20)
    to_status = models.CharField(_("to"), max_length=20)
    actor_type = models.CharField(_("actor type"), max_length=10)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("exchange status change")
        verbose_name_plural = _("exchange status changes")
        ordering = ["exchange_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.exchange_id}: {self.from_status} → {self.to_status}"
