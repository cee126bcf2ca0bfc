from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banpum.core.actors import Actor
from banpum.core.admin import ReadOnlyAdmin
from banpum.core.errors import ApplicationError
from banpum.logistics.labels_service import labels_pdf
from banpum.logistics.models import (
    Carrier,
    CarrierAccount,
    CarrierRule,
    OutboundShipment,
    OutboundStatusChange,
    Parcel,
    Pickup,
    PickupStatusChange,
    TrackingEvent,
)
from banpum.logistics.services.pickups import pickup_rerequest


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin[Carrier]):
    list_display = ["code", "name_ko", "name_en", "country", "phone"]
    list_filter = ["country"]
    search_fields = ["code", "name_ko", "name_en"]


class CarrierAccountForm(forms.ModelForm[CarrierAccount]):
    """Secrets are write-only: never rendered back; empty keeps the saved value."""

    api_base_url = forms.URLField(
        label=_("API base URL"), required=False, max_length=200, assume_scheme="https"
    )
    new_credentials = forms.JSONField(
        label=_("credentials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60, "style": "font-family: monospace"}),
        help_text=_(
            'Write-only, e.g. {"api_key": "…"}. Leave empty to keep the saved credentials; '
            "what you type replaces them."
        ),
    )
    new_webhook_secret = forms.CharField(
        label=_("webhook secret"),
        required=False,
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Write-only. Leave empty to keep the saved secret."),
    )
    clear_webhook_secret = forms.BooleanField(label=_("remove the webhook secret"), required=False)

    class Meta:
        model = CarrierAccount
        fields = [  # every field but the two secrets, which only the write-only fields set
            "store",
            "carrier",
            "name",
            "is_default",
            "is_active",
            "gateway",
            "api_base_url",
            "poll_tracking",
            "customer_code",
            "fare_type",
            "box_sizes",
            "return_name",
            "return_phone",
            "return_postcode",
            "return_address1",
            "return_address2",
            "instructions",
        ]

    def clean_new_credentials(self) -> Any:
        value = self.cleaned_data.get("new_credentials")
        if value is not None and not isinstance(value, dict):
            raise forms.ValidationError(_("Credentials are a JSON object."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_credentials") is not None:
            self.instance.credentials = cleaned["new_credentials"]
        if cleaned.get("clear_webhook_secret"):
            self.instance.webhook_secret = ""
        elif cleaned.get("new_webhook_secret"):
            self.instance.webhook_secret = cleaned["new_webhook_secret"]
        return cleaned


@admin.register(CarrierAccount)
class CarrierAccountAdmin(admin.ModelAdmin[CarrierAccount]):
    form = CarrierAccountForm
    list_display = ["name", "carrier", "store", "gateway", "fare_type", "is_default", "is_active"]
    list_filter = ["gateway", "is_active", "store", "carrier"]
    search_fields = ["name", "customer_code"]
    readonly_fields = ["credentials_saved", "webhook_secret_saved"]
    fieldsets = [
        (None, {"fields": ["store", "carrier", "name", "is_default", "is_active"]}),
        (
            _("Integration"),
            {
                "fields": [
                    "gateway",
                    "api_base_url",
                    "credentials_saved",
                    "new_credentials",
                    "webhook_secret_saved",
                    "new_webhook_secret",
                    "clear_webhook_secret",
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

    @admin.display(description=_("saved credentials"))
    def credentials_saved(self, obj: CarrierAccount) -> str:
        return str(_("set")) if obj.credentials else str(_("not set"))

    @admin.display(description=_("saved webhook secret"))
    def webhook_secret_saved(self, obj: CarrierAccount) -> str:
        return str(_("set")) if obj.webhook_secret else str(_("not set"))


@admin.register(CarrierRule)
class CarrierRuleAdmin(admin.ModelAdmin[CarrierRule]):
    list_display = ["store", "priority", "account", "postcode_prefixes", "reason_codes", "note"]
    list_filter = ["store"]


EVENT_FIELDS = ("occurred_at", "status", "raw_status", "description", "location", "exception_code")


class TrackingEventInline(admin.TabularInline[TrackingEvent, Pickup]):
    model = TrackingEvent
    fk_name = "pickup"
    extra = 0
    can_delete = False
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pickup)
class PickupAdmin(admin.ModelAdmin[Pickup]):
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
    def print_labels(self, request: HttpRequest, queryset: QuerySet[Pickup]) -> HttpResponse | None:
        returns = [pickup.return_request for pickup in queryset.select_related("return_request")]
        try:
            pdf = labels_pdf(returns, layout="A4")
        except ApplicationError as error:  # e.g. a cancelled return: no label
            self.message_user(request, error.message, messages.ERROR)
            return None
        response = HttpResponse(pdf, content_type="application/pdf")
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
class TrackingEventAdmin(ReadOnlyAdmin[TrackingEvent]):
    list_display = ["tracking_number", "carrier_code", "status", "raw_status", "occurred_at"]
    list_filter = ["status", "carrier_code"]
    search_fields = ["tracking_number"]


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin[Parcel]):
    list_display = ["tracking_number", "carrier", "store", "is_open", "created_at", "closed_at"]
    list_filter = ["is_open", "carrier"]
    list_select_related = ["carrier", "store"]
    search_fields = ["tracking_number"]


@admin.register(PickupStatusChange)
class PickupStatusChangeAdmin(ReadOnlyAdmin[PickupStatusChange]):
    list_display = ["pickup", "action", "from_status", "to_status", "cancel_state", "at"]
    list_filter = ["action", "to_status"]
    list_select_related = ["pickup__return_request"]


@admin.register(OutboundShipment)
class OutboundShipmentAdmin(ReadOnlyAdmin[OutboundShipment]):
    """Written by the outbound services only (status by its one writer)."""

    list_display = ("id", "return_request", "kind", "status", "waybill_number", "requested_at")
    list_filter = ("kind", "status")
    search_fields = ("waybill_number", "return_request__number")


@admin.register(OutboundStatusChange)
class OutboundStatusChangeAdmin(ReadOnlyAdmin[OutboundStatusChange]):
    list_display = ("shipment", "action", "from_status", "to_status", "actor_label", "at")
