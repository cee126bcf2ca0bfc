"""Settlement: the money and goods that resolve a return.

Sections: exchanges (below). The refunds section is merged in beside it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Product
from banpum.logistics.models import OutboundShipment
from banpum.returns.models import ReturnLine, ReturnRequest

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


class ExchangeStatusChange(models.Model):
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("Exchange status changes are append-only.")
        super().save(*args, **kwargs)
