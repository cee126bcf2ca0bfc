"""The store's payment gateway account: the provider, and a secret key never shown again."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError
from banpum.office.access import actor_of, needs
from banpum.office.store_settings.common import errors_onto_form, render_settings
from banpum.settlement.models import PaymentProvider
from banpum.settlement.services.payment_account import payment_account_get, payment_account_set


class PaymentAccountForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Provider"), choices=PaymentProvider.choices)
    base_url = forms.CharField(
        label=gettext_lazy("Simulator address"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Only for the simulator, on this machine; empty: the one banpum serve starts. "
            "Toss Payments is reached at its own address."
        ),
    )
    secret_key = forms.CharField(
        label=gettext_lazy("Secret key"),
        max_length=300,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Write-only: the account is saved whole, so type the key with every change."
        ),
    )


@needs(Capability.PAYMENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def payment_account(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    account = payment_account_get(store=membership.store)
    if request.method == "POST":
        form = PaymentAccountForm(request.POST)
        if form.is_valid():
            try:
                payment_account_set(
                    store=membership.store,
                    provider=PaymentProvider(form.cleaned_data["provider"]),
                    base_url=form.cleaned_data["base_url"],
                    secret_key=form.cleaned_data["secret_key"],
                    actor=actor_of(request, membership),
                    now=timezone.now(),
                )
            except ApplicationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("Payment account saved."))
                return redirect("office:settings-payment")
    else:
        form = PaymentAccountForm(
            initial={"provider": account.provider, "base_url": account.base_url}
            if account
            else None
        )
    return render_settings(
        request,
        membership,
        "office/settings/payment.html",
        {"form": form, "account": account, "secret_set": bool(account and account.secret_key)},
        current="settings-payment",
        status=422 if form.errors else 200,
    )
