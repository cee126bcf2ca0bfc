"""The store's people with their roles, and its API keys (a raw key is shown once)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts import selectors
from banpum.accounts import services as accounts
from banpum.accounts.capabilities import Capability
from banpum.accounts.models import ROLE_LABELS, StoreMembership
from banpum.core.errors import ApplicationError
from banpum.office.access import actor_of, needs
from banpum.office.store_settings.common import (
    errors_onto_form,
    not_found_as_404,
    render_settings,
)

ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


class MemberAddForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES)
    password = forms.CharField(
        label=gettext_lazy("Initial password (new person)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "For a new person: at least 8 characters, not common, not only digits. "
            "Leave empty to add someone who already has a username."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses it, e.g. 자사몰 연동"),
    )
    acts_for = forms.TypedChoiceField(
        label=gettext_lazy("Acts for"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy(
            "Empty: an integration with the store's API rights (no settings, no money beyond "
            "the rules). A member: the key has that person's role."
        ),
    )

    def __init__(self, *args: Any, members: list[StoreMembership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["acts_for"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—")] + [
            (m.pk, f"{m.user.get_username()} ({m.get_role_display()})") for m in members
        ]


def _people_page(
    request: HttpRequest, membership: StoreMembership, form: MemberAddForm, status: int = 200
) -> HttpResponse:
    members = list(selectors.store_member_list(store=membership.store))
    return render_settings(
        request,
        membership,
        "office/settings/people.html",
        {
            "form": form,
            "members": [
                {
                    "member": m,
                    "role_form": RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"),
                    "is_self": m.user_id == request.user.pk,
                }
                for m in members
            ],
        },
        current="settings-people",
        status=status,
    )


@needs(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = accounts.store_member_add(
                store=membership.store,
                actor=actor_of(request, membership),
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                password=form.cleaned_data["password"] or None,
            )
        except ApplicationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(
                request,
                _("%(username)s works here now as %(role)s.")
                % {"username": added.user.get_username(), "role": added.get_role_display()},
            )
            return redirect("office:settings-people")
    return _people_page(request, membership, form, 422 if form.errors else 200)


@needs(Capability.USERS_MANAGE)
@require_POST
def member_role(request: HttpRequest, membership: StoreMembership, member_id: int) -> HttpResponse:
    with not_found_as_404():
        target = selectors.store_member_get(store=membership.store, membership_id=member_id)
    form = RoleForm(request.POST, prefix=f"m{target.pk}")
    if form.is_valid():
        try:
            changed = accounts.store_member_role_change(
                store=membership.store,
                actor=actor_of(request, membership),
                membership_id=target.pk,
                role=form.cleaned_data["role"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(username)s is %(role)s now.")
                % {"username": changed.user.get_username(), "role": changed.get_role_display()},
            )
    else:
        messages.error(request, _("Choose a role."))
    return redirect("office:settings-people")


@needs(Capability.USERS_MANAGE)
@require_POST
def member_remove(
    request: HttpRequest, membership: StoreMembership, member_id: int
) -> HttpResponse:
    with not_found_as_404():
        target = selectors.store_member_get(store=membership.store, membership_id=member_id)
    try:
        accounts.store_member_remove(
            store=membership.store, actor=actor_of(request, membership), membership_id=target.pk
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(username)s no longer works in this store.")
            % {"username": target.user.get_username()},
        )
    return redirect("office:settings-people")


def _keys_page(
    request: HttpRequest,
    membership: StoreMembership,
    form: ApiKeyForm,
    *,
    raw_key: str = "",
    status: int = 200,
) -> HttpResponse:
    response = render_settings(
        request,
        membership,
        "office/settings/api_keys.html",
        {
            "form": form,
            "keys": selectors.api_key_list(store=membership.store),
            "raw_key": raw_key,
        },
        current="settings-api-keys",
        status=status,
    )
    return response


@never_cache
@needs(Capability.API_KEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    members = list(selectors.store_member_list(store=membership.store))
    form = ApiKeyForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = accounts.store_api_key_create(
                store=membership.store,
                actor=actor_of(request, membership),
                name=form.cleaned_data["name"],
                acts_for_id=form.cleaned_data["acts_for"],
            )
        except ApplicationError as error:
            errors_onto_form(form, error)
        else:
            # Shown once, on this answer (not stored, so no redirect): never cached.
            messages.success(request, _("Key %(prefix)s created.") % {"prefix": key.prefix})
            return _keys_page(request, membership, ApiKeyForm(members=members), raw_key=raw)
    return _keys_page(request, membership, form, status=422 if form.errors else 200)


@needs(Capability.API_KEYS_MANAGE)
@require_POST
def api_key_revoke(request: HttpRequest, membership: StoreMembership, key_id: int) -> HttpResponse:
    with not_found_as_404():
        key = accounts.store_api_key_revoke(
            store=membership.store,
            actor=actor_of(request, membership),
            key_id=key_id,
            now=timezone.now(),
        )
    messages.success(
        request, _("Key %(prefix)s revoked: it no longer works.") % {"prefix": key.prefix}
    )
    return redirect("office:settings-api-keys")
