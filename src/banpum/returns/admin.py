"""Read-mostly admin for returns: status moves only through the services."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError
from banpum.returns import services
from banpum.returns.models import ReturnEvent, ReturnLine, ReturnRequest


class ReadOnlyInline(admin.TabularInline[ReturnLine | ReturnEvent, ReturnRequest]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["order_line", "quantity", "reason_code", "condition", "refund_estimate", "outcome"]


class ReturnEventInline(ReadOnlyInline):
    model = ReturnEvent
    fields = ["at", "type", "from_status", "to_status", "actor_type", "actor_label", "note"]
    ordering = ["at", "id"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin[ReturnRequest]):
    list_display = [
        "number",
        "status",
        "type",
        "reason_code",
        "resolution",
        "method",
        "origin",
        "fee_amount",
        "refund_estimate",
        "order",
        "created_at",
    ]
    list_filter = ["status", "type", "origin", "resolution", "method", "hold_reason", "store"]
    list_select_related = ["order"]
    search_fields = ["number", "order__channel_order_number", "customer__name", "customer__phone"]
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline, ReturnEventInline]
    actions = ["approve", "cancel"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[ReturnRequest], command: Callable[..., Any]
    ) -> None:
        done = 0
        for return_request in queryset:
            try:
                command(
                    return_request=return_request,
                    actor=Actor.staff(request.user),
                    now=timezone.now(),
                )
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"{return_request}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d return(s) updated.") % {"count": done})

    @admin.action(description=_("Approve selected returns"))
    def approve(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._apply(request, queryset, services.return_request_approve)

    @admin.action(description=_("Cancel selected returns"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._apply(request, queryset, services.return_request_cancel)


@admin.register(ReturnEvent)
class ReturnEventAdmin(admin.ModelAdmin[ReturnEvent]):
    list_display = ["return_request", "type", "from_status", "to_status", "actor_label", "at"]
    list_filter = ["type", "actor_type"]
    list_select_related = ["return_request"]
    search_fields = ["return_request__number", "note"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReturnLine)
class ReturnLineAdmin(admin.ModelAdmin[ReturnLine]):
    list_display = ["return_request", "order_line", "quantity", "reason_code", "condition"]
    list_select_related = ["return_request", "order_line"]
    search_fields = ["return_request__number", "order_line__sku"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
