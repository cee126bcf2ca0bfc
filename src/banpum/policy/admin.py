"""Policies are versioned: the admin adds a new version and never edits an old one."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ValidationFailed
from banpum.policy.models import BlocklistEntry, ExtraHoliday, ReturnPolicy
from banpum.policy.schemas import default_rules_document
from banpum.policy.services import policy_rules_validate, policy_version_create


class NewPolicyVersionForm(forms.ModelForm[ReturnPolicy]):
    rules = forms.JSONField(
        label=_("rules"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family: monospace"}),
        help_text=_(
            "Saving creates a new version; returns keep the version they were decided under."
        ),
    )

    class Meta:
        model = ReturnPolicy
        fields = ["store", "rules", "note"]

    def clean_rules(self) -> Any:
        rules = self.cleaned_data["rules"]
        try:
            return policy_rules_validate(rules if isinstance(rules, dict) else {})
        except ValidationFailed as error:
            problems = [
                f"{path}: {'; '.join(msgs)}" for path, msgs in error.extra["fields"].items()
            ]
            raise forms.ValidationError(problems) from error


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin[ReturnPolicy]):
    list_display = ["store", "version", "note", "created_at", "created_by"]
    list_filter = ["store"]
    form = NewPolicyVersionForm
    readonly_fields = ["version", "created_at", "created_by", "pretty_rules"]

    def get_fields(self, request: HttpRequest, obj: ReturnPolicy | None = None) -> Any:
        if obj is None:
            return ["store", "rules", "note"]
        return ["store", "version", "note", "created_at", "created_by", "pretty_rules"]

    def get_readonly_fields(self, request: HttpRequest, obj: ReturnPolicy | None = None) -> Any:
        if obj is None:
            return []
        return ["store", "version", "note", "created_at", "created_by", "pretty_rules"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = {"rules": default_rules_document()}
        store_id = request.GET.get("store")
        latest = (
            ReturnPolicy.objects.filter(store_id=store_id).order_by("-version").first()
            if store_id and store_id.isdigit()
            else None
        )
        if latest is not None:
            initial.update(store=latest.store_id, rules=latest.rules)
        return initial

    @admin.display(description=_("rules"))
    def pretty_rules(self, obj: ReturnPolicy) -> str:
        return json.dumps(obj.rules, ensure_ascii=False, indent=2)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ReturnPolicy, form: Any, change: bool) -> None:
        if change:
            return
        created = policy_version_create(
            store=obj.store,
            rules=form.cleaned_data["rules"],
            note=obj.note,
            actor=request.user if isinstance(request.user, User) else None,
        )
        obj.pk, obj.version, obj.created_at = created.pk, created.version, created.created_at


@admin.register(BlocklistEntry)
class BlocklistEntryAdmin(admin.ModelAdmin[BlocklistEntry]):
    """Read-only here: entries are added through the API, which normalises the value."""

    list_display = ["store", "kind", "value", "reason", "created_at", "created_by"]
    list_filter = ["store", "kind"]
    search_fields = ["value"]
    readonly_fields = ["store", "kind", "value", "reason", "created_at", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(admin.ModelAdmin[ExtraHoliday]):
    """Read-only here: a holiday added through the API moves received returns' due dates."""

    list_display = ["store", "date", "name", "created_at", "created_by"]
    list_filter = ["store"]
    readonly_fields = ["store", "date", "name", "created_at", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
