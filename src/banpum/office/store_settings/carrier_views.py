"""The store's carrier accounts (secrets write-only) and the rules that choose among them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError, NotFound, ValidationFailed
from banpum.logistics import selectors
from banpum.logistics.models import CarrierAccount, CarrierRule
from banpum.logistics.services import accounts as services
from banpum.office.access import actor_of, needs
from banpum.office.formatting import money
from banpum.office.store_settings.carrier_forms import (
    SECRETS,
    BoxFormSet,
    CarrierAccountForm,
    CarrierRuleForm,
    account_initial,
    boxes_from,
    boxes_initial,
    secrets_saved,
)
from banpum.office.store_settings.common import (
    errors_onto_form,
    not_found_as_404,
    render_settings,
)
from banpum.policy import texts
from banpum.policy.selectors import policy_current, policy_rules


@needs(Capability.CARRIERS_MANAGE)
@require_http_methods(["GET"])
def carriers(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    accounts = [
        {
            "account": account,
            "fares": ", ".join(
                f"{box.get('label') or box.get('code')} {money(int(box.get('fare', 0)))}"
                for box in account.box_sizes or []
            ),
            "secrets": secrets_saved(account),
        }
        for account in selectors.carrier_account_list(store=membership.store)
    ]
    return render_settings(
        request,
        membership,
        "office/settings/carriers.html",
        {
            "accounts": accounts,
            "rules": selectors.carrier_rule_list(store=membership.store),
        },
        current="settings-carriers",
    )


def _account_page(
    request: HttpRequest, membership: StoreMembership, account: CarrierAccount | None
) -> HttpResponse:
    carriers_known = list(selectors.carrier_list())
    if request.method == "POST":
        form = CarrierAccountForm(request.POST, carriers=carriers_known)
        boxes = BoxFormSet(request.POST, prefix="boxes")
        if form.is_valid() and boxes.is_valid():
            box_errors: list[str] = []
            try:
                saved = _account_save(request, membership, account, form, boxes)
            except NotFound:
                raise
            except ApplicationError as error:
                # The boxes' problems show above the boxes; the rest next to their fields.
                fields = dict(error.extra.get("fields") or {})
                box_errors = [str(m) for m in fields.pop("box_sizes", [])]
                if fields:
                    errors_onto_form(form, ValidationFailed.for_fields(fields))
                elif not box_errors:
                    errors_onto_form(form, error)
            else:
                messages.success(
                    request, _("Carrier account “%(name)s” saved.") % {"name": saved.name}
                )
                return redirect("office:settings-carriers")
            return _account_render(request, membership, account, form, boxes, box_errors, 422)
        return _account_render(request, membership, account, form, boxes, [], 422)
    form = CarrierAccountForm(
        initial=account_initial(account) if account else {"is_active": True},
        carriers=carriers_known,
    )
    boxes = BoxFormSet(initial=boxes_initial(account) if account else None, prefix="boxes")
    return _account_render(request, membership, account, form, boxes, [], 200)


def _account_save(
    request: HttpRequest,
    membership: StoreMembership,
    account: CarrierAccount | None,
    form: CarrierAccountForm,
    boxes: Any,
) -> CarrierAccount:
    data = form.data_for(boxes_from(boxes))
    actor = actor_of(request, membership)
    if account is None:
        return services.carrier_account_create(
            store=membership.store, actor=actor, data=data, secrets=form.secrets_change()
        )
    return services.carrier_account_update(
        store=membership.store,
        actor=actor,
        account_id=account.pk,
        data=data,
        secrets=form.secrets_change(),
    )


def _account_render(
    request: HttpRequest,
    membership: StoreMembership,
    account: CarrierAccount | None,
    form: CarrierAccountForm,
    boxes: Any,
    box_errors: list[str],
    status: int,
) -> HttpResponse:
    saved = secrets_saved(account)
    return render_settings(
        request,
        membership,
        "office/settings/carrier_account.html",
        {
            "account": account,
            "form": form,
            "boxes": boxes,
            "box_errors": box_errors,
            "secrets": [
                {
                    "field": form[name],
                    "clear": form[f"clear_{name}"],
                    "saved": saved[name],
                }
                for name, _label in SECRETS
            ],
        },
        current="settings-carriers",
        status=status,
    )


@needs(Capability.CARRIERS_MANAGE)
@require_http_methods(["GET", "POST"])
def carrier_account_new(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    return _account_page(request, membership, None)


@needs(Capability.CARRIERS_MANAGE)
@require_http_methods(["GET", "POST"])
def carrier_account_edit(
    request: HttpRequest, membership: StoreMembership, account_id: int
) -> HttpResponse:
    with not_found_as_404():
        account = selectors.carrier_account_get(store=membership.store, account_id=account_id)
        return _account_page(request, membership, account)


def _reason_choices(membership: StoreMembership, rule: CarrierRule | None) -> list[tuple[str, str]]:
    rules = policy_rules(policy_current(store=membership.store))
    choices = [(r.code, texts.reason_label(r, r.code)) for r in rules.reasons]
    known = {code for code, _label in choices}
    # A rule may name a reason the policy has since dropped: keep it choosable, to untick it.
    extra = [(code, code) for code in (rule.reason_codes if rule else []) if code not in known]
    return choices + extra


def _rule_page(
    request: HttpRequest, membership: StoreMembership, rule: CarrierRule | None
) -> HttpResponse:
    kwargs: dict[str, Any] = {
        "accounts": selectors.carrier_account_list(store=membership.store),
        "reasons": _reason_choices(membership, rule),
    }
    if request.method == "POST":
        form = CarrierRuleForm(request.POST, **kwargs)
        if form.is_valid():
            actor = actor_of(request, membership)
            try:
                if rule is None:
                    services.carrier_rule_create(
                        store=membership.store, actor=actor, data=form.rule_data()
                    )
                else:
                    services.carrier_rule_update(
                        store=membership.store, actor=actor, rule_id=rule.pk, data=form.rule_data()
                    )
            except ApplicationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("Carrier rule saved."))
                return redirect("office:settings-carriers")
        status = 422
    else:
        initial = (
            {
                "account": rule.account_id,
                "priority": rule.priority,
                "postcode_prefixes": ", ".join(rule.postcode_prefixes or []),
                "reason_codes": list(rule.reason_codes or []),
                "box_sizes": ", ".join(rule.box_sizes or []),
                "note": rule.note,
            }
            if rule
            else None
        )
        form = CarrierRuleForm(initial=initial, **kwargs)
        status = 200
    return render_settings(
        request,
        membership,
        "office/settings/carrier_rule.html",
        {"rule": rule, "form": form},
        current="settings-carriers",
        status=status,
    )


@needs(Capability.CARRIERS_MANAGE)
@require_http_methods(["GET", "POST"])
def carrier_rule_new(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    return _rule_page(request, membership, None)


@needs(Capability.CARRIERS_MANAGE)
@require_http_methods(["GET", "POST"])
def carrier_rule_edit(
    request: HttpRequest, membership: StoreMembership, rule_id: int
) -> HttpResponse:
    with not_found_as_404():
        rule = selectors.carrier_rule_get(store=membership.store, rule_id=rule_id)
    return _rule_page(request, membership, rule)


@needs(Capability.CARRIERS_MANAGE)
@require_POST
def carrier_rule_delete(
    request: HttpRequest, membership: StoreMembership, rule_id: int
) -> HttpResponse:
    with not_found_as_404():
        services.carrier_rule_delete(
            store=membership.store, actor=actor_of(request, membership), rule_id=rule_id
        )
    messages.success(request, _("Carrier rule deleted."))
    return redirect("office:settings-carriers")
