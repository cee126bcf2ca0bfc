from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from banpum.accounts.models import ApiKey
from banpum.accounts.services import api_key_create, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "store", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["store"]
    fields = ["store", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        key, raw = api_key_create(store=obj.store, name=obj.name)
        obj.pk, obj.prefix, obj.digest = key.pk, key.prefix, key.digest
        obj.created_at = key.created_at
        self.message_user(
            request,
            _("New API key (shown only now, copy it): %(key)s") % {"key": raw},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key)
        self.message_user(request, _("Revoked %(count)d key(s).") % {"count": queryset.count()})
