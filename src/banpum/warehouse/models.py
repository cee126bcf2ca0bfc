"""What the warehouse holds: stock per SKU and location, moved only through its ledger.

``StockMovement`` is append-only; ``StockLevel`` is the running balance it keeps, written only
by ``warehouse.stock`` under a row lock, in the same transaction as the movement. A balance can
be rebuilt from the movements at any time (``stock_level_rebuilt``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Product, Store
from banpum.core.models import AppendOnlyModel, StoredImage
from banpum.returns.models import CONDITION_CHOICES, ReturnLine, ReturnRequest


class StockLocation(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="stock_locations", verbose_name=_("store")
    )
    code = models.SlugField(_("code"), max_length=32, help_text=_("e.g. main, refurb, quarantine"))
    name = models.CharField(_("name"), max_length=100)
    # Where restocked returns go unless the worker picks another location.
    is_default = models.BooleanField(_("default"), default=False)
    # Units here can be sold (and reserved for exchanges): not quarantine or refurbishment.
    sellable = models.BooleanField(_("sellable"), default=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["store_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="stock_location_code_unique"),
            models.UniqueConstraint(
                fields=["store"], condition=Q(is_default=True), name="stock_location_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MovementKind(models.TextChoices):
    RESTOCK = "restock", _("Restocked from a return")
    RECEIPT = "receipt", _("Goods received")
    ADJUSTMENT = "adjustment", _("Stock count adjustment")
    RESERVE = "reserve", _("Reserved")
    RELEASE = "release", _("Reservation released")
    SHIP = "ship", _("Shipped")
    TRANSFER_OUT = "transfer_out", _("Moved out")
    TRANSFER_IN = "transfer_in", _("Moved in")
    WRITE_OFF = "write_off", _("Written off")


class StockLevel(models.Model):
    """The balance of one SKU at one location: ``on_hand`` units, ``reserved`` of them."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="stock_levels", verbose_name=_("store")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="stock_levels", verbose_name=_("product")
    )
    location = models.ForeignKey(
        StockLocation, on_delete=models.PROTECT, related_name="levels", verbose_name=_("location")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["product_id", "location_id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "location"], name="stock_level_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_gte_0"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_gte_0"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_lte_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.location}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(AppendOnlyModel):
    """One change of a stock level; never updated or deleted."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="stock_movements", verbose_name=_("store")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_movements", verbose_name=_("product")
    )
    location = models.ForeignKey(
        StockLocation,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("location"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    # Signed changes: +3 on hand for a restock, +1 reserved for a reservation.
    on_hand_change = models.IntegerField(_("on-hand change"), default=0)
    reserved_change = models.IntegerField(_("reserved change"), default=0)
    # The balance after this movement, so the ledger reads like a bank statement.
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    # What caused it: a return number, an exchange, a count; with its id for links.
    reference = models.CharField(_("reference"), max_length=64, blank=True, db_index=True)
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["store", "product", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(on_hand_change=0) | ~Q(reserved_change=0),
                name="stock_movement_changes_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id} {self.on_hand_change:+d}"


# --- receiving ------------------------------------------------------------------------------


class InspectionPhoto(StoredImage):
    """A photo of a returned line (or of an unidentified parcel), stored privately.

    The file lives in the ``inspection_photos`` storage under a random name, re-encoded without
    its metadata; it is served only through the store-scoped API.
    """

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="inspection_photos", verbose_name=_("store")
    )
    return_line = models.ForeignKey(
        ReturnLine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("return line"),
    )

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["id"]


class UnidentifiedParcel(models.Model):
    """A box that arrived and that no scan could tie to a return (미확인 입고).

    Registered at once, so its arrival time is kept: matched later, the return counts as
    received when the box arrived, and the refund clock is not delayed by the search.
    """

    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        related_name="unidentified_parcels",
        verbose_name=_("store"),
    )
    code = models.CharField(_("scanned code"), max_length=64, blank=True, db_index=True)
    carrier_code = models.CharField(_("carrier"), max_length=64, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    sender_phone = models.CharField(_("sender phone"), max_length=32, blank=True)
    photo = models.ForeignKey(
        InspectionPhoto,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    matched_return = models.ForeignKey(
        ReturnRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="unidentified_parcels",
        verbose_name=_("matched return"),
    )
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    matched_by = models.CharField(_("matched by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("unidentified parcel")
        verbose_name_plural = _("unidentified parcels")
        ordering = ["-id"]
        indexes = [models.Index(fields=["store", "matched_at", "-id"])]

    def __str__(self) -> str:
        return self.code or f"parcel {self.pk}"


class ReturnReceipt(AppendOnlyModel):
    """One scan-in of a return's boxes: who received how many, when. Append-only.

    A return of several boxes is received box by box (``partially_received`` until the last);
    the sum of ``boxes`` says how many are in.
    """

    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="receipts",
        verbose_name=_("return request"),
    )
    boxes = models.PositiveSmallIntegerField(_("boxes"), default=1)
    box_count = models.PositiveSmallIntegerField(_("boxes expected"), default=1)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)
    received_at = models.DateTimeField(_("received at"))
    unidentified_parcel = models.ForeignKey(
        UnidentifiedParcel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("unidentified parcel"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("return receipt")
        verbose_name_plural = _("return receipts")
        ordering = ["return_request_id", "received_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(boxes__gte=1), name="return_receipt_boxes_gte_1")
        ]

    def __str__(self) -> str:
        return f"{self.return_request_id}: {self.boxes} box(es)"


# --- inspection -----------------------------------------------------------------------------


class Grade(models.TextChoices):
    A = "A", _("A: resellable as new")
    B = "B", _("B: open box, resellable")
    C = "C", _("C: damaged")
    D = "D", _("D: unsellable")


# Grades whose units may go back on the shelf.
SELLABLE_GRADES = frozenset({Grade.A, Grade.B})


class InspectionOutcome(models.TextChoices):
    ACCEPT = "accept", _("Accepted")
    ACCEPT_WITH_DEDUCTION = "accept_with_deduction", _("Accepted with a deduction")
    REJECT = "reject", _("Rejected")


class DeductionReason(models.TextChoices):
    """Why the refund may be cut: only a loss of value the customer caused.

    전자상거래법 §17②: a deduction is lawful only where the consumer's fault reduced the
    goods' value; a change-of-mind return in resellable condition takes none.
    """

    USED = "used", _("Used or worn")
    DAMAGED_BY_CUSTOMER = "damaged_by_customer", _("Damaged by the customer")
    MISSING_PARTS = "missing_parts", _("Parts or accessories missing")
    PACKAGING_REMOVED = "packaging_removed", _("Tags or packaging removed, losing value")


class RejectReason(models.TextChoices):
    MISSING = "missing", _("Not in the box")
    WRONG_ITEM = "wrong_item", _("A different item was sent")
    NOT_OUR_PRODUCT = "not_our_product", _("Not a product of this store")
    EMPTY_BOX = "empty_box", _("Empty box")
    BEYOND_PERIOD = "beyond_period", _("Beyond the return period")
    VALUE_LOST = "value_lost", _("Value lost by the customer's use beyond return")
    OTHER = "other", _("Other")


# Rejections that suggest abuse: the customer is flagged, their next requests held.
FRAUD_REASONS = frozenset({RejectReason.EMPTY_BOX, RejectReason.WRONG_ITEM})


class LineInspection(models.Model):
    """What the warehouse found for one return line; read by settlement for the refund."""

    return_line = models.OneToOneField(
        ReturnLine,
        on_delete=models.CASCADE,
        related_name="inspection",
        verbose_name=_("return line"),
    )
    quantity_received = models.PositiveIntegerField(_("quantity received"))
    quantity_accepted = models.PositiveIntegerField(_("quantity accepted"))
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    condition = models.CharField(_("condition"), max_length=20, choices=CONDITION_CHOICES)
    outcome = models.CharField(_("outcome"), max_length=32, choices=InspectionOutcome.choices)
    deduction_amount = models.PositiveBigIntegerField(_("deduction"), default=0)
    deduction_reason = models.CharField(
        _("deduction reason"), max_length=32, choices=DeductionReason.choices, blank=True
    )
    reject_reason = models.CharField(
        _("reject reason"), max_length=32, choices=RejectReason.choices, blank=True
    )
    reject_text = models.CharField(_("reject detail"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    inspected_by = models.CharField(_("inspected by"), max_length=150, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"))

    class Meta:
        verbose_name = _("line inspection")
        verbose_name_plural = _("line inspections")
        ordering = ["return_line_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_accepted__lte=F("quantity_received")),
                name="inspection_accepted_lte_received",
            ),
            models.CheckConstraint(
                condition=Q(deduction_amount=0) | Q(outcome="accept_with_deduction"),
                name="inspection_deduction_only_when_deducting",
            ),
            models.CheckConstraint(
                condition=Q(deduction_amount=0) | ~Q(deduction_reason=""),
                name="inspection_deduction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_line_id}: {self.outcome} {self.grade}"

    @property
    def quantity_missing(self) -> int:
        return max(self.return_line.quantity - self.quantity_received, 0)


class DispositionAction(models.TextChoices):
    RESTOCK = "restock", _("Restock")
    REFURBISH = "refurbish", _("Refurbish")
    RETURN_TO_VENDOR = "return_to_vendor", _("Return to vendor")
    DISPOSE = "dispose", _("Dispose")
    # Refused units go back to the customer (the return is sent back, or that part of it).
    RETURN_TO_CUSTOMER = "return_to_customer", _("Return to the customer")


class Disposition(models.Model):
    """Where some units of an inspected line went."""

    line_inspection = models.ForeignKey(
        LineInspection,
        on_delete=models.CASCADE,
        related_name="dispositions",
        verbose_name=_("line inspection"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    action = models.CharField(_("action"), max_length=20, choices=DispositionAction.choices)
    location = models.ForeignKey(
        StockLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispositions",
        verbose_name=_("location"),
    )
    movement = models.OneToOneField(
        StockMovement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disposition",
        verbose_name=_("stock movement"),
    )

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        ordering = ["line_inspection_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="disposition_quantity_gte_1")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.action}"
