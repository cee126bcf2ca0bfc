"""The return policy: the active version and its history, and the editor that saves a new one.

Saving never edits a version: ``store_policy_version_create`` writes the next. Before saving,
the draft can be tried on one of the store's orders (``returns.policy_preview``): with htmx
the editor is swapped in place, without JavaScript the same POST renders the whole page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.commerce.models import Order
from banpum.commerce.selectors import order_get
from banpum.core.errors import ApplicationError, NotFound, ValidationFailed
from banpum.office.access import actor_of, needs
from banpum.office.formatting import money
from banpum.office.store_settings.common import is_htmx, not_found_as_404, render_settings
from banpum.office.store_settings.policy_forms import (
    PolicyForm,
    ReasonFormSet,
    SampleOrderForm,
    draft_errors_apply,
    draft_from,
    policy_initial,
    policy_summary,
    reason_rows,
    reasons_initial,
)
from banpum.policy import texts
from banpum.policy.models import ReturnPolicy
from banpum.policy.selectors import policy_current
from banpum.policy.types import Decision
from banpum.returns.policy_preview import PolicyPreview, policy_draft_preview
from banpum.returns.store_settings import store_policy_version_create

RECENT_ORDERS = 20
EDITOR = "office/settings/_policy_editor.html"


def _versions(membership: StoreMembership) -> list[ReturnPolicy]:
    return list(
        ReturnPolicy.objects.filter(store=membership.store)
        .select_related("created_by")
        .order_by("-version")
    )


@needs(Capability.POLICY_MANAGE)
@require_http_methods(["GET"])
def policy_overview(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    versions = _versions(membership)
    active = versions[0] if versions else None
    return render_settings(
        request,
        membership,
        "office/settings/policy.html",
        {
            "active": active,
            "summary": policy_summary(active.rules) if active else [],
            "reasons": reason_rows(active.rules) if active else [],
            "versions": versions,
        },
        current="settings-policy",
    )


@needs(Capability.POLICY_MANAGE)
@require_http_methods(["GET"])
def policy_version_detail(
    request: HttpRequest, membership: StoreMembership, version: int
) -> HttpResponse:
    policy = (
        ReturnPolicy.objects.filter(store=membership.store, version=version)
        .select_related("created_by")
        .first()
    )
    if policy is None:
        raise Http404
    active = policy_current(store=membership.store)  # there is one: ``policy`` is
    return render_settings(
        request,
        membership,
        "office/settings/policy_version.html",
        {
            "policy": policy,
            "is_active": policy.pk == active.pk,
            "summary": policy_summary(policy.rules),
            "reasons": reason_rows(policy.rules),
        },
        current="settings-policy",
    )


def _base_policy(request: HttpRequest, membership: StoreMembership) -> ReturnPolicy:
    """The version the editor starts from: the active one, or ``?from=<version>``."""
    wanted = request.GET.get("from", "")
    if wanted.isdigit():
        found = ReturnPolicy.objects.filter(store=membership.store, version=int(wanted)).first()
        if found is None:
            raise Http404
        return found
    return policy_current(store=membership.store)


def _recent_orders(membership: StoreMembership) -> list[str]:
    return list(
        Order.objects.filter(store=membership.store)
        .order_by("-ordered_at", "-pk")
        .values_list("channel_order_number", flat=True)[:RECENT_ORDERS]
    )


@needs(Capability.POLICY_MANAGE)
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    with not_found_as_404():  # a store without any policy has nothing to edit from
        active = policy_current(store=membership.store)
    if request.method == "GET":
        base = _base_policy(request, membership)
        return _editor(
            request,
            membership,
            active=active,
            form=PolicyForm(initial=policy_initial(base.rules)),
            formset=ReasonFormSet(initial=reasons_initial(base.rules), prefix="reasons"),
            sample=SampleOrderForm(),
            base=base,
        )
    if request.POST.get("action") == "preview":
        return _preview(request, membership, active)
    return _save(request, membership, active)


@needs(Capability.POLICY_MANAGE)
@require_POST
def policy_preview(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    """The editor's preview button under htmx; the same as the editor's plain POST."""
    with not_found_as_404():
        active = policy_current(store=membership.store)
    return _preview(request, membership, active)


def _bound(request: HttpRequest) -> tuple[PolicyForm, Any, SampleOrderForm]:
    return (
        PolicyForm(request.POST),
        ReasonFormSet(request.POST, prefix="reasons"),
        SampleOrderForm(request.POST),
    )


def _preview(
    request: HttpRequest, membership: StoreMembership, active: ReturnPolicy
) -> HttpResponse:
    form, formset, sample = _bound(request)
    context: dict[str, Any] = {}
    valid = all([form.is_valid(), formset.is_valid(), sample.is_valid()])
    number = sample.cleaned_data.get("sample_order", "").strip() if sample.is_valid() else ""
    if valid and not number:
        sample.add_error("sample_order", _("Enter an order number of this store."))
        valid = False
    order = None
    if valid:
        try:
            order = order_get(store=membership.store, order_number=number)
        except NotFound:
            sample.add_error(
                "sample_order", _("No order %(number)s in this store.") % {"number": number}
            )
        except ValidationFailed as error:
            sample.add_error("sample_order", error.message)
    if order is not None:
        draft = draft_from(active.rules, form.cleaned_data, formset)
        try:
            preview = policy_draft_preview(
                store=membership.store,
                actor=actor_of(request, membership),
                order=order,
                rules=draft.document,
                now=timezone.now(),
            )
        except ValidationFailed as error:
            context["general_errors"] = draft_errors_apply(error, draft, form, formset)
        else:
            context["preview"] = preview_rows(preview)
    return _editor(
        request,
        membership,
        active=active,
        form=form,
        formset=formset,
        sample=sample,
        base=active,
        context=context,
        status=200 if "preview" in context or is_htmx(request) else 422,
    )


def _save(request: HttpRequest, membership: StoreMembership, active: ReturnPolicy) -> HttpResponse:
    form, formset, sample = _bound(request)
    context: dict[str, Any] = {}
    if form.is_valid() and formset.is_valid():
        draft = draft_from(active.rules, form.cleaned_data, formset)
        try:
            policy = store_policy_version_create(
                store=membership.store,
                actor=actor_of(request, membership),
                rules=draft.document,
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationFailed as error:
            context["general_errors"] = draft_errors_apply(error, draft, form, formset)
        except ApplicationError as error:
            context["general_errors"] = [error.message]
        else:
            messages.success(
                request,
                _("Version %(version)s saved: new returns are decided under it.")
                % {"version": policy.version},
            )
            return redirect("office:settings-policy")
    return _editor(
        request,
        membership,
        active=active,
        form=form,
        formset=formset,
        sample=sample,
        base=active,
        context=context,
        status=200 if is_htmx(request) else 422,
    )


def _editor(
    request: HttpRequest,
    membership: StoreMembership,
    *,
    active: ReturnPolicy,
    form: PolicyForm,
    formset: Any,
    sample: SampleOrderForm,
    base: ReturnPolicy,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = {
        "active": active,
        "base": base,
        "form": form,
        "formset": formset,
        "sample": sample,
        "recent_orders": _recent_orders(membership),
        **(context or {}),
    }
    template = EDITOR if is_htmx(request) else "office/settings/policy_edit.html"
    return render_settings(
        request, membership, template, page, current="settings-policy", status=status
    )


# --- the preview in words --------------------------------------------------------------------


def _cell(decision: Decision) -> dict[str, Any]:
    problems = [texts.problem_message(p) for p in decision.all_problems]
    problems = list(dict.fromkeys(problems))
    fee = decision.fee
    return {
        "eligible": decision.eligible,
        "outcome": texts.label(texts.OUTCOME_LABELS, decision.outcome.value),
        "outcome_code": decision.outcome.value,
        "hold_reason": texts.label(texts.HOLD_REASON_LABELS, decision.hold_reason.value)
        if decision.hold_reason
        else "",
        "fee": _("%(payer)s pays %(amount)s")
        % {
            "payer": texts.label(texts.FEE_PAYER_LABELS, fee.payer.value),
            "amount": money(fee.amount),
        },
        "refund": money(decision.refund.total),
        "until": decision.deadlines.request_until,
        "problems": problems,
    }


def preview_rows(preview: PolicyPreview) -> dict[str, Any]:
    names = {line.pk: line for line in preview.order.lines.all()}
    return {
        "order": preview.order,
        "active_version": preview.active_version,
        "lines": [
            {"line": names.get(request.order_line_id), "quantity": request.quantity}
            for request in preview.lines
        ],
        "rows": [
            {
                "code": row.reason_code,
                "label": texts.reason_label(row.reason, row.reason_code),
                "changed": row.changed,
                "active": _cell(row.active),
                "draft": _cell(row.draft),
            }
            for row in preview.rows
        ],
        "changed": sum(1 for row in preview.rows if row.changed),
    }
