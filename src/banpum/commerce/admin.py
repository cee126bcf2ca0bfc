from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    SalesChannel,
    Shipment,
    Store,
)


class SalesChannelInline(admin.TabularInline):
    model = SalesChannel
    extra = 0


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "timezone", "currency", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SalesChannelInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "code", "country", "timezone", "currency"]}),
        (
            _("Return address"),
            {
                "fields": [
                    "return_address_name",
                    "return_address_phone",
                    "return_address_postcode",
                    "return_address_line1",
                    "return_address_line2",
                ]
            },
        ),
    ]


@admin.register(SalesChannel)
class SalesChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "store", "is_active"]
    list_filter = ["kind", "is_active", "store"]
    search_fields = ["name", "code"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "store", "is_flagged", "created_at"]
    list_filter = ["is_flagged", "store"]
    search_fields = ["name", "phone", "email"]
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category", "price", "returnable", "store"]
    list_filter = ["returnable", "category", "store"]
    search_fields = ["sku", "name", "barcode"]
    show_full_result_count = False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["product"]


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "channel_order_number",
        "channel",
        "customer",
        "ordered_at",
        "paid_total",
        "shipping_fee",
        "store",
    ]
    list_filter = ["channel__kind", "store", "free_shipping"]
    list_select_related = ["channel", "customer", "store"]
    search_fields = ["channel_order_number", "customer__name", "customer__phone"]
    date_hierarchy = "ordered_at"
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline, ShipmentInline]
    show_full_result_count = False


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["order", "line_number", "sku", "name", "quantity", "paid_amount"]
    list_select_related = ["order"]
    search_fields = ["order__channel_order_number", "sku", "name"]
    raw_id_fields = ["order", "product"]
    show_full_result_count = False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["order", "carrier_code", "tracking_number", "shipped_at", "delivered_at"]
    list_filter = ["carrier_code"]
    list_select_related = ["order"]
    search_fields = ["tracking_number", "order__channel_order_number"]
    raw_id_fields = ["order"]
    show_full_result_count = False
