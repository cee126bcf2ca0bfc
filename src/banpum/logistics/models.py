"""Carriers, the store's accounts with them, pickups (회수) and tracking events.

A *linked* account talks to the carrier's API: pickups are booked by a background job. An
*unlinked* account has no API: the customer gets instructions and the waybill number is typed
in later. Either way the parcel is tracked through ``TrackingEvent`` rows.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Shipment, Store
from banpum.core.models import AppendOnlyModel
from banpum.returns.models import ReturnRequest


class Carrier(models.Model):
    """A carrier by its tracker.delivery id (``kr.cjlogistics``), shared by all stores."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="KR")
    phone = models.CharField(_("customer centre"), max_length=32, blank=True)
    tracking_url = models.CharField(
        _("tracking page"),
        max_length=300,
        blank=True,
        help_text=_("With {tracking_number} where the number goes."),
    )

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_ko} ({self.code})"


class FareType(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid (선불)")
    COLLECT = "collect", _("Collect (착불)")
    CREDIT = "credit", _("Credit (신용)")


class Gateway(models.TextChoices):
    SIMULATOR = "simulator", _("Banpum carrier simulator")
    CJ = "cj", _("CJ Logistics standard API")
    NONE = "none", _("Not linked (manual)")


class CarrierAccount(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="carrier_accounts")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="accounts")
    name = models.CharField(_("name"), max_length=100)
    gateway = models.CharField(
        _("integration"), max_length=20, choices=Gateway.choices, default=Gateway.NONE
    )
    api_base_url = models.URLField(_("API base URL"), blank=True)
    credentials = models.JSONField(
        _("credentials"), default=dict, blank=True, help_text=_("API keys of the contract.")
    )
    webhook_secret = models.CharField(_("webhook secret"), max_length=128, blank=True)
    poll_tracking = models.BooleanField(
        _("poll tracking"), default=False, help_text=_("For carriers that send no webhooks.")
    )
    customer_code = models.CharField(_("customer code"), max_length=64, blank=True)
    fare_type = models.CharField(
        _("fare type"), max_length=10, choices=FareType.choices, default=FareType.CREDIT
    )
    box_sizes = models.JSONField(
        _("box sizes and fares"),
        default=list,
        blank=True,
        help_text=_('e.g. [{"code": "small", "label": "소형", "max_cm": 80, "fare": 3000}]'),
    )
    return_name = models.CharField(_("return addressee"), max_length=100, blank=True)
    return_phone = models.CharField(_("return phone"), max_length=32, blank=True)
    return_postcode = models.CharField(_("return postcode"), max_length=10, blank=True)
    return_address1 = models.CharField(_("return address"), max_length=200, blank=True)
    return_address2 = models.CharField(_("return address detail"), max_length=200, blank=True)
    instructions = models.TextField(
        _("customer instructions"),
        blank=True,
        help_text=_("For an unlinked carrier: how the customer books and sends the parcel."),
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # 맞교환: one visit delivers the replacement and collects the return (the contract must
    # offer it; CJ calls it 교환회수).
    supports_swap = models.BooleanField(
        _("swap at the door"),
        default=False,
        help_text=_("The driver delivers an exchange's replacement when collecting the return."),
    )

    class Meta:
        verbose_name = _("carrier account")
        verbose_name_plural = _("carrier accounts")
        ordering = ["store_id", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["store"],
                condition=Q(is_default=True),
                name="one_default_carrier_account_per_store",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def linked(self) -> bool:
        return self.gateway != Gateway.NONE

    def fare_for(self, box_size: str) -> int:
        for box in self.box_sizes or []:
            if box.get("code") == box_size:
                return int(box.get("fare", 0))
        return 0


class CarrierRule(models.Model):
    """One line of the store's carrier choice: the first matching rule (by priority) wins."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="carrier_rules")
    priority = models.PositiveIntegerField(_("priority"), default=100)
    account = models.ForeignKey(
        CarrierAccount, on_delete=models.CASCADE, related_name="rules", verbose_name=_("account")
    )
    postcode_prefixes = models.JSONField(
        _("postcode prefixes"), default=list, blank=True, help_text=_('e.g. ["63"] for Jeju')
    )
    reason_codes = models.JSONField(_("reason codes"), default=list, blank=True)
    box_sizes = models.JSONField(_("box sizes"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("carrier rule")
        verbose_name_plural = _("carrier rules")
        ordering = ["store_id", "priority", "id"]

    def __str__(self) -> str:
        return f"{self.priority}: {self.account}"


class PickupStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered_to_warehouse", _("Delivered to the warehouse")
    CANCELLED = "cancelled", _("Cancelled")
    EXCEPTION = "exception", _("Exception")
    FAILED = "failed", _("Failed")


class PickupException(models.TextChoices):
    CUSTOMER_ABSENT = "customer_absent", _("Customer absent")
    ADDRESS_NOT_FOUND = "address_not_found", _("Address not found")
    REFUSED = "refused", _("Refused by the customer")
    ITEM_NOT_READY = "item_not_ready", _("Item not ready")
    BOOKING_FAILED = "booking_failed", _("Booking failed")
    OTHER = "other", _("Other")


class CancelState(models.TextChoices):
    """Whether the carrier heard about a cancelled pickup: CS reads it instead of server logs."""

    NONE = "", _("Not cancelled")
    REQUESTED = "requested", _("Cancel sent to the carrier")
    CONFIRMED = "confirmed", _("Cancel confirmed by the carrier")
    FAILED = "failed", _("The carrier refused the cancel")
    NOT_NEEDED = "not_needed", _("Nothing booked at the carrier")


class Parcel(models.Model):
    """One box on its way to the return address, known by its waybill (carrier, number).

    Several returns of one customer may travel in one box, so pickups point to a parcel rather
    than each holding a number of its own. While the parcel is open the database lets no other
    parcel hold the same waybill; carriers reuse numbers, so a closed parcel frees it.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="parcels")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="parcels")
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    sender_key = models.CharField(
        _("sender"), max_length=64, help_text=_("Who sends the box: a customer, or a phone.")
    )
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=Q(is_open=True),
                name="one_open_parcel_per_waybill",
            )
        ]
        indexes = [models.Index(fields=["carrier", "tracking_number"])]

    def __str__(self) -> str:
        return f"{self.carrier_id}:{self.tracking_number}"


class Pickup(models.Model):
    """A request to a carrier to collect a return (회수 요청), or a hand-entered waybill.

    ``status`` and ``cancel_state`` are written only by ``logistics.transitions``.
    """

    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="pickups"
    )
    account = models.ForeignKey(
        CarrierAccount,
        on_delete=models.PROTECT,
        related_name="pickups",
        null=True,
        blank=True,
        help_text=_("The contract booked with; empty for a waybill of a carrier without one."),
    )
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="pickups")
    parcel = models.ForeignKey(
        Parcel, on_delete=models.PROTECT, related_name="pickups", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=24, choices=PickupStatus.choices, default=PickupStatus.REQUESTED
    )
    manual = models.BooleanField(
        _("entered by hand"), default=False, help_text=_("Waybill typed in; nothing was booked.")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    selection_reason = models.CharField(_("why this carrier"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    address1 = models.CharField(_("address"), max_length=200, blank=True)
    address2 = models.CharField(_("address detail"), max_length=200, blank=True)
    preferred_date = models.DateField(_("preferred date"), null=True, blank=True)
    box_count = models.PositiveSmallIntegerField(_("boxes"), default=1)
    box_size = models.CharField(_("box size"), max_length=20, blank=True)
    fare_type = models.CharField(
        _("fare type"), max_length=10, choices=FareType.choices, blank=True
    )
    fare_amount = models.PositiveBigIntegerField(_("fare"), default=0)
    item_summary = models.CharField(_("items"), max_length=300, blank=True)
    memo = models.CharField(_("memo for the driver"), max_length=300, blank=True)
    # 맞교환: the driver hands over these items (``[{"sku", "name", "quantity"}]``) on the visit.
    swap = models.BooleanField(_("swap at the door"), default=False)
    swap_items = models.JSONField(_("items delivered on the visit"), default=list, blank=True)
    carrier_reference = models.CharField(_("carrier reference"), max_length=64, blank=True)
    waybill_number = models.CharField(_("waybill number"), max_length=64, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("booking attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("carrier call due at"),
        null=True,
        blank=True,
        help_text=_(
            "When the next booking or cancel call to the carrier is due; empty when none is. "
            "The sweep re-enqueues calls overdue by more than its grace period."
        ),
    )
    last_error = models.TextField(_("last error"), blank=True)
    exception_code = models.CharField(
        _("exception"), max_length=24, choices=PickupException.choices, blank=True
    )
    exception_message = models.CharField(_("carrier's words"), max_length=500, blank=True)
    exception_at = models.DateTimeField(_("exception at"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_confirmed = models.BooleanField(
        _("cancel confirmed by carrier"), default=False, editable=False
    )
    # What the carrier prints on its own labels, fetched once after booking (label_codes.py).
    sorting_code = models.CharField(_("sorting code"), max_length=32, blank=True)
    terminal = models.CharField(_("arrival terminal"), max_length=64, blank=True)
    label_codes_attempts = models.PositiveSmallIntegerField(
        _("label code fetches"), default=0, editable=False
    )
    label_codes_due_at = models.DateTimeField(
        _("label code fetch due at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the next fetch of the carrier's label codes is due; empty when none is."),
    )
    label_codes_error = models.CharField(
        _("label code error"), max_length=500, blank=True, editable=False
    )
    cancel_state = models.CharField(
        _("cancel at the carrier"),
        max_length=12,
        choices=CancelState.choices,
        default=CancelState.NONE,
        blank=True,
    )
    cancel_error = models.CharField(_("why the cancel failed"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pickup")
        verbose_name_plural = _("pickups")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "requested_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.return_request} {self.waybill_number or self.status}"


class OutboundKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange replacement")
    SEND_BACK = "send_back", _("Refused items sent back")


class OutboundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    BOOKED = "booked", _("Booked")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboundShipment(models.Model):
    """A parcel the store sends to the customer: an exchange's replacement, or refused goods.

    Booked with the carrier by a job (``logistics.services.outbound``); ``status`` is written only
    by ``logistics.outbound.transitions``. A swap pickup (맞교환) carries its delivery itself and
    needs no outbound shipment.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="outbound_shipments")
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="outbound_shipments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OutboundKind.choices)
    account = models.ForeignKey(
        CarrierAccount,
        on_delete=models.PROTECT,
        related_name="outbound_shipments",
        null=True,
        blank=True,
        help_text=_("The contract booked with; empty while no linked carrier is set up."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OutboundStatus.choices,
        default=OutboundStatus.REQUESTED,
        editable=False,
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    receiver_name = models.CharField(_("receiver"), max_length=100)
    receiver_phone = models.CharField(_("receiver phone"), max_length=32)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    address1 = models.CharField(_("address"), max_length=200, blank=True)
    address2 = models.CharField(_("address detail"), max_length=200, blank=True)
    items = models.JSONField(
        _("items"), default=list, blank=True, help_text=_('[{"sku", "name", "quantity"}]')
    )
    box_count = models.PositiveSmallIntegerField(_("boxes"), default=1)
    box_size = models.CharField(_("box size"), max_length=20, blank=True)
    carrier_reference = models.CharField(_("carrier reference"), max_length=64, blank=True)
    waybill_number = models.CharField(_("waybill number"), max_length=64, blank=True, db_index=True)
    fare_amount = models.PositiveBigIntegerField(_("fare"), default=0)
    attempts = models.PositiveIntegerField(_("booking attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("carrier call due at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outbound shipment")
        verbose_name_plural = _("outbound shipments")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.return_request} → {self.waybill_number or self.status}"


class OutboundStatusChange(AppendOnlyModel):
    """One move of an outbound shipment along its table: append-only, written by its writer."""

    shipment = models.ForeignKey(
        OutboundShipment, on_delete=models.CASCADE, related_name="status_changes"
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=12)
    to_status = models.CharField(_("to"), max_length=12)
    actor_type = models.CharField(_("actor type"), max_length=10)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("outbound status change")
        verbose_name_plural = _("outbound status changes")
        ordering = ["shipment_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.from_status} → {self.to_status}"


class PickupStatusChange(models.Model):
    """One move of a pickup along its transition table: append-only, written by its one writer."""

    pickup = models.ForeignKey(Pickup, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=24)
    to_status = models.CharField(_("to"), max_length=24)
    cancel_state = models.CharField(_("cancel at the carrier"), max_length=12, blank=True)
    actor_type = models.CharField(_("actor type"), max_length=10)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("pickup status change")
        verbose_name_plural = _("pickup status changes")
        ordering = ["pickup_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.pickup_id}: {self.from_status} → {self.to_status}"


class TrackingStatus(models.TextChoices):
    """tracker.delivery's normalised status set."""

    INFORMATION_RECEIVED = "INFORMATION_RECEIVED", _("Information received")
    AT_PICKUP = "AT_PICKUP", _("At pickup")
    IN_TRANSIT = "IN_TRANSIT", _("In transit")
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY", _("Out for delivery")
    ATTEMPT_FAIL = "ATTEMPT_FAIL", _("Attempt failed")
    DELIVERED = "DELIVERED", _("Delivered")
    AVAILABLE_FOR_PICKUP = "AVAILABLE_FOR_PICKUP", _("Available for pickup")
    EXCEPTION = "EXCEPTION", _("Exception")
    UNKNOWN = "UNKNOWN", _("Unknown")


class TrackingEvent(models.Model):
    carrier_code = models.CharField(_("carrier"), max_length=64)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    dedupe_key = models.CharField(_("dedupe key"), max_length=128)
    status = models.CharField(_("status"), max_length=24, choices=TrackingStatus.choices)
    raw_status = models.CharField(_("carrier status"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    exception_code = models.CharField(_("exception"), max_length=24, blank=True)
    occurred_at = models.DateTimeField(
        _("occurred at"), help_text=_("As the carrier stamped it, even when its clock is ahead.")
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    parcel = models.ForeignKey(
        Parcel, on_delete=models.CASCADE, null=True, blank=True, related_name="tracking_events"
    )
    pickup = models.ForeignKey(
        Pickup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tracking_events",
        help_text=_("The pickup the event first matched; every pickup of the parcel moves."),
    )
    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, null=True, blank=True, related_name="tracking_events"
    )

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["carrier_code", "tracking_number", "occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier_code", "tracking_number", "dedupe_key"],
                name="tracking_event_dedupe",
            )
        ]
        indexes = [models.Index(fields=["carrier_code", "tracking_number", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"
