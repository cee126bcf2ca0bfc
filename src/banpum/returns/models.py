"""Return requests, their lines and their append-only event log.

``ReturnRequest.status`` is written only by ``returns.transitions.return_transition``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Customer, Order, OrderLine, Product, Store
from banpum.core.models import AppendOnlyModel, StoredImage
from banpum.policy import texts
from banpum.policy.models import ReturnPolicy
from banpum.policy.types import (
    Condition,
    FeeCollection,
    FeePayer,
    HoldReason,
    Method,
    Resolution,
    ReturnType,
)


def _choices(enum: type, labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(member.value, labels[member.value]) for member in enum]  # type: ignore[attr-defined]


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PICKUP_REQUESTED = "pickup_requested", _("Pickup requested")
    AWAITING_SHIPMENT = "awaiting_shipment", _("Awaiting shipment")
    IN_TRANSIT = "in_transit", _("In transit")
    ARRIVED = "arrived", _("Arrived, awaiting scan")
    RECEIVED = "received", _("Received")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    INSPECTED = "inspected", _("Inspected")
    # Refunded without collecting the goods (cheap or bulky items): the refund is on its way.
    ITEM_KEPT = "item_kept", _("Item kept, refund pending")
    REFUND_PENDING = "refund_pending", _("Refund pending")
    REFUNDED = "refunded", _("Refunded")
    # Every line was refused at inspection: the goods go back to the customer.
    SENT_BACK = "sent_back", _("Sent back")
    EXCHANGE_PENDING = "exchange_pending", _("Exchange pending")
    EXCHANGE_SHIPPED = "exchange_shipped", _("Exchange shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class FeeSettlement(models.TextChoices):
    """How a buyer-paid return fee was settled, recorded at inspection (blank: not yet).

    ``OUTSTANDING`` blocks completion until the fee arrives or a manager waives it.
    """

    NOT_OWED = "not_owed", _("Nothing owed")
    DEDUCTED = "deducted", _("Deducted from the refund")
    ENCLOSED = "enclosed", _("Enclosed in the box")
    TRANSFERRED = "transferred", _("Transferred")
    CHARGED = "charged", _("Charged separately")
    OUTSTANDING = "outstanding", _("Outstanding")
    WAIVED = "waived", _("Waived")


class Origin(models.TextChoices):
    CUSTOMER = "customer", _("Customer (portal)")
    CS = "cs", _("CS agent")
    API = "api", _("API")
    CHANNEL = "channel", _("Sales channel")


RETURN_TYPE_CHOICES = _choices(ReturnType, texts.RETURN_TYPE_LABELS)
RESOLUTION_CHOICES = _choices(Resolution, texts.RESOLUTION_LABELS)
METHOD_CHOICES = _choices(Method, texts.METHOD_LABELS)
FEE_PAYER_CHOICES = _choices(FeePayer, texts.FEE_PAYER_LABELS)
FEE_COLLECTION_CHOICES = _choices(FeeCollection, texts.FEE_COLLECTION_LABELS)
HOLD_REASON_CHOICES = _choices(HoldReason, texts.HOLD_REASON_LABELS)
CONDITION_CHOICES = _choices(Condition, texts.CONDITION_LABELS)

OPEN_STATUSES = frozenset(
    {
        ReturnStatus.REQUESTED,
        ReturnStatus.ON_HOLD,
        ReturnStatus.APPROVED,
        ReturnStatus.PICKUP_REQUESTED,
        ReturnStatus.AWAITING_SHIPMENT,
        ReturnStatus.IN_TRANSIT,
        ReturnStatus.ARRIVED,
        ReturnStatus.PARTIALLY_RECEIVED,
        ReturnStatus.RECEIVED,
        ReturnStatus.INSPECTED,
        ReturnStatus.ITEM_KEPT,
        ReturnStatus.REFUND_PENDING,
        ReturnStatus.REFUNDED,
        ReturnStatus.SENT_BACK,
        ReturnStatus.EXCHANGE_PENDING,
        ReturnStatus.EXCHANGE_SHIPPED,
    }
)
# Units in these returns are spoken for: a new return cannot claim them again.
CLAIMING_STATUSES = OPEN_STATUSES | {ReturnStatus.COMPLETED}


class ReturnRequest(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="returns", verbose_name=_("store")
    )
    # ``returns.numbers``: the store's code, the month and a random part, drawn before the
    # insert. Nullable only for rows of older versions.
    number = models.CharField(  # noqa: DJ001
        _("return number"), max_length=20, unique=True, null=True, editable=False
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="returns",
        null=True,
        blank=True,
        verbose_name=_("customer"),
    )
    type = models.CharField(_("type"), max_length=10, choices=RETURN_TYPE_CHOICES)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReturnStatus.choices,
        default=ReturnStatus.REQUESTED,
        editable=False,
    )
    hold_reason = models.CharField(
        _("hold reason"), max_length=32, choices=HOLD_REASON_CHOICES, blank=True
    )
    reason_code = models.CharField(_("reason"), max_length=40)
    reason_detail = models.TextField(_("reason detail"), blank=True)
    resolution = models.CharField(_("resolution"), max_length=20, choices=RESOLUTION_CHOICES)
    method = models.CharField(_("method"), max_length=20, choices=METHOD_CHOICES)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    fee_payer = models.CharField(_("fee payer"), max_length=10, choices=FEE_PAYER_CHOICES)
    fee_amount = models.PositiveBigIntegerField(_("return fee"), default=0)
    fee_collection = models.CharField(
        _("fee collection"), max_length=20, choices=FEE_COLLECTION_CHOICES, blank=True
    )
    refund_estimate = models.PositiveBigIntegerField(_("refund estimate"), default=0)
    decision = models.JSONField(_("decision"), default=dict, editable=False)
    policy = models.ForeignKey(
        ReturnPolicy, on_delete=models.PROTECT, related_name="returns", verbose_name=_("policy")
    )
    request_deadline = models.DateField(_("request deadline"), null=True, blank=True)
    refund_business_days = models.PositiveSmallIntegerField(_("refund period (business days)"))
    refund_due_on = models.DateField(_("refund due on"), null=True, blank=True)
    # When the carrier reported the parcel delivered to the return address, and when the
    # warehouse scanned it in: the refund clock starts at the earlier of the two.
    arrived_at = models.DateTimeField(_("delivered to the warehouse at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    fee_settlement = models.CharField(
        _("return fee settlement"), max_length=20, choices=FeeSettlement.choices, blank=True
    )
    defect_noticed_at = models.DateTimeField(_("defect noticed at"), null=True, blank=True)
    # Where and when the customer (or CS) asked the carrier to come, as ``returns.pickup_wish``
    # stores it; the pickup is booked from it whenever the return is approved. Empty: the
    # order's shipping address, the carrier's first date.
    pickup_wish = models.JSONField(_("pickup wish"), default=dict, blank=True)
    # Paid back before the goods came back (선환불 at the pickup scan), written by settlement
    # through ``return_refunded_early_record``: the stalled list shows it as money at risk.
    refunded_early_amount = models.PositiveBigIntegerField(_("refunded early"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # A form's token or a client's key: a repeated submit answers the return it already opened
    # instead of opening a second one (unique per store when given).
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, editable=False
    )
    # Set by the services from their clock (``now``), so the demo and imports write history.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["store", "status", "-id"]),
            models.Index(fields=["store", "-id"]),
            # The office's return list, newest first, of a store and of a status: read off the
            # index and stopped after a page, instead of sorting every return of the store.
            models.Index(fields=["store", "-created_at"]),
            models.Index(fields=["store", "status", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="on_hold") | ~Q(hold_reason=""),
                name="return_on_hold_has_reason",
            ),
            models.UniqueConstraint(
                fields=["store", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="return_idempotency_key_unique_per_store",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"return {self.pk}"


class ReturnLine(models.Model):
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("return request"),
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reason_code = models.CharField(_("reason"), max_length=40)
    condition = models.CharField(
        _("condition"), max_length=20, choices=CONDITION_CHOICES, default=Condition.UNOPENED
    )
    refund_estimate = models.PositiveBigIntegerField(_("refund estimate"), default=0)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    # In an exchange, the variant the customer asked for (the same product when empty); CS may
    # still choose another (``settlement.exchanges``).
    replacement = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replacement asked for"),
    )

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="return_line_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity_gte_1"),
        ]
        ordering = ["return_request_id", "id"]

    def __str__(self) -> str:
        return f"{self.return_request} × {self.quantity} {self.order_line.name}"


class EventType(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS_CHANGED = "status_changed", _("Status changed")
    NOTE_ADDED = "note_added", _("Note added")
    LOGISTICS = "logistics", _("Pickup and tracking")
    FEE_SETTLED = "fee_settled", _("Return fee settled")


class ActorType(models.TextChoices):
    SYSTEM = "system", _("System")
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    API = "api", _("API client")


class ReturnEvent(AppendOnlyModel):
    """One immutable line of a return's history: the timeline, the audit trail and the feed."""

    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("return request"),
    )
    type = models.CharField(_("type"), max_length=32, choices=EventType.choices)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    actor_type = models.CharField(_("actor type"), max_length=10, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("occurred at"), db_index=True)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["return_request_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.return_request} {self.type} {self.to_status}".strip()


class ReturnPhoto(StoredImage):
    """A photo the customer sent with a return (a defect, a damaged parcel), stored privately.

    Sent before the return exists (the policy asks for photos before it decides), so a photo is
    first kept for its order and then attached to the return it was sent for; the file lives in
    the ``return_photos`` storage under a random name, re-encoded without its metadata.
    """

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="return_photos", verbose_name=_("store")
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="return_photos", verbose_name=_("order")
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("return request"),
    )

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")
        ordering = ["id"]
