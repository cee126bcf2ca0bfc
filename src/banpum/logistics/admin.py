from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError
from banpum.logistics.labels_service import labels_pdf
from banpum.logistics.models import (
    Carrier,
    CarrierAccount,
    CarrierRule,
    Parcel,
    Pickup,
    PickupStatusChange,
    TrackingEvent,
)
from banpum.logistics.services.pickups import pickup_rerequest


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "name_en", "country", "phone"]
    list_filter = ["country"]
    search_fields = ["code", "name_ko", "name_en"]


@admin.register(CarrierAccount)
class CarrierAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "carrier", "store", "gateway", "fare_type", "is_default", "is_active"]
    list_filter = ["gateway", "is_active", "store", "carrier"]
    search_fields = ["name", "customer_code"]
    fieldsets = [
        (None, {"fields": ["store", "carrier", "name", "is_default", "is_active"]}),
        (
            _("Integration"),
            {
                "fields": [
                    "gateway",
                    "api_base_url",
                    "credentials",
                    "webhook_secret",
                    "poll_tracking",
                ]
            },
        ),
        (_("Contract"), {"fields": ["customer_code", "fare_type", "box_sizes"]}),
        (
            _("Return address"),
            {
                "fields": [
                    "return_name",
                    "return_phone",
                    "return_postcode",
                    "return_address1",
                    "return_address2",
                ]
            },
        ),
        (_("Unlinked carrier"), {"fields": ["instructions"]}),
    ]


@admin.register(CarrierRule)
class CarrierRuleAdmin(admin.ModelAdmin):
    list_display = ["store", "priority", "account", "postcode_prefixes", "reason_codes", "note"]
    list_filter = ["store"]


EVENT_FIELDS = ("occurred_at", "status", "raw_status", "description", "location", "exception_code")


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    fk_name = "pickup"
    extra = 0
    can_delete = False
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pickup)
class PickupAdmin(admin.ModelAdmin):
    list_display = [
        "return_request",
        "status",
        "account",
        "waybill_number",
        "attempts",
        "exception_code",
        "requested_at",
    ]
    list_filter = ["status", "exception_code", "manual", "account__carrier"]
    list_select_related = ["return_request", "account"]
    search_fields = ["waybill_number", "return_request__number", "contact_name", "contact_phone"]
    inlines = [TrackingEventInline]
    actions = ["print_labels", "rerequest"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Print return labels (A4)"))
    def print_labels(self, request: HttpRequest, queryset: QuerySet[Pickup]) -> HttpResponse:
        returns = [pickup.return_request for pickup in queryset.select_related("return_request")]
        response = HttpResponse(labels_pdf(returns, layout="A4"), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="labels.pdf"'
        return response

    @admin.action(description=_("Request the pickup again"))
    def rerequest(self, request: HttpRequest, queryset: QuerySet[Pickup]) -> None:
        for pickup in queryset:
            try:
                pickup_rerequest(pickup=pickup, actor=Actor.staff(request.user), now=timezone.now())
            except ApplicationError as error:
                self.message_user(request, f"{pickup}: {error.message}", messages.ERROR)


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "carrier_code", "status", "raw_status", "occurred_at"]
    list_filter = ["status", "carrier_code"]
    search_fields = ["tracking_number"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only: shown, never edited here."""

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Parcel)
class ParcelAdmin(_ReadOnlyAdmin):
    list_display = ["tracking_number", "carrier", "store", "is_open", "created_at", "closed_at"]
    list_filter = ["is_open", "carrier"]
    list_select_related = ["carrier", "store"]
    search_fields = ["tracking_number"]


@admin.register(PickupStatusChange)
class PickupStatusChangeAdmin(_ReadOnlyAdmin):
    list_display = ["pickup", "action", "from_status", "to_status", "cancel_state", "at"]
    list_filter = ["action", "to_status"]
    list_select_related = ["pickup__return_request"]
