"""The Django admin is for active superusers only.

Staff work in the back office (``/office/``), scoped to their stores and roles; a staff account
that is not a superuser gets no admin at all: no login, no page, no data (Django's default
admits any ``is_staff`` account and shows it every store's rows its permissions cover).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def is_active_superuser(user: object) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


class SuperuserLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "superusers_only": _(
            "This site is for superusers only. Staff sign in to the back office at /office/."
        ),
    }

    def confirm_login_allowed(self, user: object) -> None:
        super().confirm_login_allowed(user)  # type: ignore[arg-type]
        if not is_active_superuser(user):
            raise forms.ValidationError(
                self.error_messages["superusers_only"], code="superusers_only"
            )


class SuperuserAdminSite(AdminSite):
    login_form = SuperuserLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_active_superuser(request.user)
