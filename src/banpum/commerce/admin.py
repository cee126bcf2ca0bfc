"""Superusers' admin for commerce. An order under a return is read-only here.

Returns claim units of order lines and their refunds rest on what was paid and when it was
delivered, so once an order has a return its lines, amounts and shipments change only through
the order import service, which checks what returns claim.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
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


class SalesChannelInline(admin.TabularInline[SalesChannel, Store]):
    model = SalesChannel
    extra = 0


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin[Store]):
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
class SalesChannelAdmin(admin.ModelAdmin[SalesChannel]):
    list_display = ["name", "code", "kind", "store", "is_active"]
    list_filter = ["kind", "is_active", "store"]
    search_fields = ["name", "code"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["name", "phone", "email", "store", "is_flagged", "created_at"]
    list_filter = ["is_flagged", "store"]
    search_fields = ["name", "phone", "email"]
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["sku", "name", "category", "price", "returnable", "store"]
    list_filter = ["returnable", "category", "store"]
    search_fields = ["sku", "name", "barcode"]
    show_full_result_count = False


def _all_fields(model: Any) -> list[str]:
    return [field.name for field in model._meta.fields]


def _order_has_returns(order: Any) -> bool:
    return order is not None and order.pk is not None and order.returns.exists()


class OrderPartAdmin(admin.ModelAdmin[OrderLine | Shipment]):
    """A line or shipment: read-only once its order has a return, and never bulk-deleted."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and _order_has_returns(obj.order):
            return _all_fields(self.model)
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _order_has_returns(obj.order):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would skip the per-order check above
        return actions


class FrozenUnderReturnInline(admin.TabularInline[OrderLine | Shipment, Order]):
    """Rows of an order: read-only, never added or deleted, once the order has a return."""

    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _order_has_returns(obj):
            return _all_fields(self.model)
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _order_has_returns(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _order_has_returns(obj) and super().has_delete_permission(request, obj)


class OrderLineInline(FrozenUnderReturnInline):
    model = OrderLine
    raw_id_fields = ["product"]


class ShipmentInline(FrozenUnderReturnInline):
    model = Shipment


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            _all_fields(Order)
            if _order_has_returns(obj)
            else super().get_readonly_fields(request, obj)
        )


@admin.register(OrderLine)
class OrderLineAdmin(OrderPartAdmin):
    list_display = ["order", "line_number", "sku", "name", "quantity", "paid_amount"]
    list_select_related = ["order"]
    search_fields = ["order__channel_order_number", "sku", "name"]
    raw_id_fields = ["order", "product"]
    show_full_result_count = False


@admin.register(Shipment)
class ShipmentAdmin(OrderPartAdmin):
    list_display = ["order", "carrier_code", "tracking_number", "shipped_at", "delivered_at"]
    list_filter = ["carrier_code"]
    list_select_related = ["order"]
    search_fields = ["tracking_number", "order__channel_order_number"]
    raw_id_fields = ["order"]
    show_full_result_count = False
