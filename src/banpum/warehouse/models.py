"""What the warehouse holds: stock per SKU and location, moved only through its ledger.

``StockMovement`` is append-only; ``StockLevel`` is the running balance it keeps, written only
by ``warehouse.stock`` under a row lock, in the same transaction as the movement. A balance can
be rebuilt from the movements at any time (``stock_level_rebuilt``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Product, Store


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


class StockMovement(models.Model):
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("Stock movements are append-only.")
        super().save(*args, **kwargs)
