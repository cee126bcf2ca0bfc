"""Superusers' admin for memberships and API keys: a key is shown once, its digest never."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from banpum.accounts.models import ApiKey, StoreMembership
from banpum.accounts.services import api_key_create, api_key_revoke, store_membership_set


class ApiKeyForm(forms.ModelForm[ApiKey]):
    class Meta:
        model = ApiKey
        fields = ["store", "acts_for", "name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        store, acts_for = cleaned.get("store"), cleaned.get("acts_for")
        if store is not None and acts_for is not None and acts_for.store_id != store.pk:
            self.add_error("acts_for", _("A key can only act for a member of its own store."))
        return cleaned


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    form = ApiKeyForm
    list_display = [
        "prefix",
        "name",
        "store",
        "acts_for",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["store"]
    list_select_related = ["store", "acts_for__user", "acts_for__store"]
    fields = ["store", "acts_for", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the row says when and which key stopped working

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        key, raw = api_key_create(store=obj.store, name=obj.name, acts_for=obj.acts_for)
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


@admin.register(StoreMembership)
class StoreMembershipAdmin(admin.ModelAdmin[StoreMembership]):
    list_display = ["user", "store", "role", "created_at"]
    list_filter = ["role", "store"]
    list_select_related = ["user", "store"]
    search_fields = ["user__username", "user__email", "store__slug", "store__name"]
    raw_id_fields = ["user"]
    fields = ["user", "store", "role"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A membership is one person in one store: only its role changes.
        return ["user", "store"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: StoreMembership, form: Any, change: bool
    ) -> None:
        saved = store_membership_set(user=obj.user, store=obj.store, role=obj.role)
        obj.pk, obj.created_at = saved.pk, saved.created_at
