"""The access log in the Django admin (superusers only): read, never changed or deleted."""

from __future__ import annotations

from django.contrib import admin

from banpum.core.admin import ReadOnlyAdmin
from banpum.office.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin[PersonalDataAccess]):
    list_display = (
        "at",
        "store",
        "username",
        "role",
        "return_request",
        "kinds",
        "reason",
        "ip_address",
    )
    list_filter = ("store", "reason")
    search_fields = ("username", "return_request__number")
    date_hierarchy = "at"
    list_select_related = ("store", "return_request")
    readonly_fields = (
        "store",
        "return_request",
        "user",
        "username",
        "role",
        "kinds",
        "reason",
        "reason_detail",
        "ip_address",
        "at",
    )
    actions = None
