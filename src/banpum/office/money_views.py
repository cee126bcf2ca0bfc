"""The money pages: one return's refunds and their forms, and the refund queues.

Every form posts to one action of the return's money page and is answered by a settlement
service; a refusal (an amount above what is left, a bad account number, a fee not owed) is
shown next to the field, with what was typed kept. Account numbers are never shown whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError, NotFound, PermissionDenied
from banpum.office.access import actor_of, can, needs
from banpum.office.exports import table_export
from banpum.office.form_errors import Placer, errors_place, form_error_add
from banpum.office.formatting import money
from banpum.office.money_forms import (
    ConvertForm,
    ExchangeForm,
    FeeSettleForm,
    FeeWaiveForm,
    GoodwillForm,
    RefundAccountForm,
)
from banpum.office.money_tables import RefundTable
from banpum.office.variants import variant_words
from banpum.policy.deadlines import local_date
from banpum.returns.models import FeeSettlement, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.selectors import return_request_get
from banpum.returns.transitions import Action, return_transition_allowed
from banpum.settlement import facts, selectors, texts
from banpum.settlement.breakdown import refund_breakdown
from banpum.settlement.exchanges import selectors as exchange_selectors
from banpum.settlement.exchanges import services as exchange_services
from banpum.settlement.models import ExchangeStatus, RefundReason
from banpum.settlement.services import fees, intents, refund_accounts, sending
from banpum.settlement.transfer_schemas import bank_name

PER_PAGE = 50
QUEUE_LABELS = {
    selectors.RefundQueue.DUE_SOON: gettext_lazy("Due soon"),
    selectors.RefundQueue.LATE: gettext_lazy("Late"),
    selectors.RefundQueue.FAILED: gettext_lazy("Failed"),
    selectors.RefundQueue.AWAITING_TRANSFER: gettext_lazy("Awaiting transfer"),
    selectors.RefundQueue.ACCOUNT_NEEDED: gettext_lazy("Account needed"),
    selectors.RefundQueue.ALL: gettext_lazy("All"),
}


def _return_or_404(membership: StoreMembership, number: str) -> ReturnRequest:
    try:
        return return_request_get(store=membership.store, number=number)
    except NotFound:
        raise Http404 from None


def _next_or(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


# --- a return's money -------------------------------------------------------------------------


def _variant_choices(line: Any) -> list[tuple[str, str]]:
    product = line.order_line.product
    if product is None:
        return [(line.order_line.sku, line.order_line.name)]
    return [
        (variant.product.sku, variant_words(variant))
        for variant in exchange_selectors.product_variants(product)
    ]


def _exchange_context(return_request: ReturnRequest) -> dict[str, Any]:
    try:
        exchange = exchange_selectors.exchange_get(return_request)
    except NotFound:
        exchange = None
    choosable = exchange is None or exchange.status == ExchangeStatus.REQUESTED
    convertible = return_request.status == S.EXCHANGE_PENDING and return_transition_allowed(
        return_request.status, Action.START_REFUND
    )
    return {"exchange": exchange, "choosable": choosable, "convertible": convertible}


def _exchange_form(return_request: ReturnRequest, data: Any = None) -> ExchangeForm:
    lines = [(line, _variant_choices(line)) for line in return_request.lines.all()]
    initial = {}
    for line, _choices in lines:
        initial[f"sku_{line.pk}"] = line.order_line.sku
    return ExchangeForm(data, lines=lines, initial=initial)


@dataclass
class MoneyForms:
    account: RefundAccountForm | None = None
    goodwill: GoodwillForm | None = None
    fee_waive: FeeWaiveForm | None = None
    fee_settle: FeeSettleForm | None = None
    exchange: ExchangeForm | None = None
    convert: ConvertForm | None = None


def _money_page(
    request: HttpRequest,
    membership: StoreMembership,
    return_request: ReturnRequest,
    bound: MoneyForms | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    bound = bound or MoneyForms()
    result = refund_breakdown(facts.breakdown_input(return_request))
    refunds = selectors.refunds_for_return(return_request=return_request)
    account = selectors.refund_account_current(return_request=return_request)
    is_exchange = return_request.type == "exchange"
    fee_outstanding = return_request.fee_settlement == FeeSettlement.OUTSTANDING
    # A form that was just refused stays on the page with its message, even when what it
    # acts on has moved on meanwhile (a fee settled, a replacement already reserved).
    fee_bound = bound.fee_waive is not None or bound.fee_settle is not None
    allowed = {
        "goodwill": can(request, membership, Capability.REFUND_GOODWILL),
        "fee": can(request, membership, Capability.FEE_WAIVE) and (fee_outstanding or fee_bound),
        "exchange": is_exchange and can(request, membership, Capability.EXCHANGE_MANAGE),
    }
    context: dict[str, Any] = {
        "membership": membership,
        "rr": return_request,
        "parts": texts.breakdown_words(result.as_json()),
        "total": money(result.total),
        "refunds": [
            {
                "refund": refund,
                "amount": money(refund.amount),
                "problem": texts.error_label(refund.last_error_code, refund.last_error)
                if refund.last_error_code
                else "",
            }
            for refund in refunds
        ],
        "account": account,
        "account_bank": bank_name(account.bank_code) if account else "",
        "fee": money(return_request.fee_amount),
        "fee_outstanding": fee_outstanding,
        "allowed": allowed,
        "account_form": bound.account or RefundAccountForm(),
        "goodwill_form": bound.goodwill or GoodwillForm(),
        "fee_waive_form": bound.fee_waive or FeeWaiveForm(),
        "fee_settle_form": bound.fee_settle or FeeSettleForm(),
        "can_inspect": can(request, membership, Capability.RETURN_INSPECT),
    }
    if allowed["exchange"]:
        context.update(_exchange_context(return_request))
        context["choosable"] = context["choosable"] or bound.exchange is not None
        context["convertible"] = context["convertible"] or bound.convert is not None
        context["exchange_form"] = bound.exchange or _exchange_form(return_request)
        context["convert_form"] = bound.convert or ConvertForm()
    return render(request, "office/money/return_money.html", context, status=status)


@needs(Capability.REFUND_MANAGE)
@require_GET
def return_money(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    return _money_page(request, membership, _return_or_404(membership, number))


@dataclass(frozen=True)
class MoneyAction:
    capability: Capability
    form: Callable[[ReturnRequest, Any], forms.Form]
    slot: str  # the MoneyForms field the bound form goes back into
    run: Callable[..., str]  # calls the service; answers the success message
    default_field: str | None = None


def _account(rr: ReturnRequest, form: Any, **ctx: Any) -> str:
    created = refund_accounts.refund_account_set(return_request=rr, **form.cleaned_data, **ctx)
    return _("Refund account saved: %(bank)s %(number)s.") % {
        "bank": bank_name(created.bank_code),
        "number": created.account_masked,
    }


def _goodwill(rr: ReturnRequest, form: Any, **ctx: Any) -> str:
    data = form.cleaned_data
    refund = intents.refund_goodwill(
        return_request=rr,
        amount=data["amount"],
        reason=RefundReason(data["reason"]),
        note=data["note"],
        **ctx,
    )
    return _("Goodwill refund of %(amount)s started.") % {"amount": money(refund.amount)}


def _fee_waive(rr: ReturnRequest, form: Any, **ctx: Any) -> str:
    fees.return_fee_waive(return_request=rr, reason=form.cleaned_data["reason"], **ctx)
    return _("The return fee was waived.")


def _fee_settle(rr: ReturnRequest, form: Any, **ctx: Any) -> str:
    data = form.cleaned_data
    fees.return_fee_settle_later(
        return_request=rr, how=FeeSettlement(data["how"]), note=data["note"], **ctx
    )
    return _("The return fee is recorded as paid.")


def _exchange(rr: ReturnRequest, form: Any, **ctx: Any) -> str:
    exchange_services.exchange_choose(return_request=rr, lines=form.choices_made(), **ctx)
    return _("The replacement is chosen.")


def _convert(rr: ReturnRequest, form: Any, **ctx: Any) -> str:
    exchange_services.exchange_convert_to_refund(
        return_request=rr, consent_note=form.cleaned_data["consent_note"], **ctx
    )
    return _("The exchange is now a refund, with the customer's consent.")


ACTIONS: dict[str, MoneyAction] = {
    "account": MoneyAction(
        Capability.REFUND_MANAGE, lambda rr, data: RefundAccountForm(data), "account", _account
    ),
    "goodwill": MoneyAction(
        Capability.REFUND_GOODWILL,
        lambda rr, data: GoodwillForm(data),
        "goodwill",
        _goodwill,
        default_field="amount",
    ),
    "fee-waive": MoneyAction(
        Capability.FEE_WAIVE, lambda rr, data: FeeWaiveForm(data), "fee_waive", _fee_waive
    ),
    "fee-settle": MoneyAction(
        Capability.FEE_WAIVE, lambda rr, data: FeeSettleForm(data), "fee_settle", _fee_settle
    ),
    "exchange": MoneyAction(Capability.EXCHANGE_MANAGE, _exchange_form, "exchange", _exchange),
    "convert": MoneyAction(
        Capability.EXCHANGE_MANAGE, lambda rr, data: ConvertForm(data), "convert", _convert
    ),
}


def _forbidden(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    return render(request, "office/forbidden.html", {"membership": membership}, status=403)


@needs(Capability.REFUND_MANAGE)
@require_POST
def return_money_post(
    request: HttpRequest, membership: StoreMembership, number: str, action: str
) -> HttpResponse:
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404
    return_request = _return_or_404(membership, number)
    if not can(request, membership, chosen.capability):
        return _forbidden(request, membership)
    form = chosen.form(return_request, request.POST)
    status = 422
    if form.is_valid():
        try:
            done = chosen.run(
                return_request, form, actor=actor_of(request, membership), now=timezone.now()
            )
        except PermissionDenied:
            return _forbidden(request, membership)
        except ApplicationError as error:
            if isinstance(form, ExchangeForm):
                errors_place(error, _exchange_place(form), fallback=form)
            else:
                form_error_add(form, error, default_field=chosen.default_field)
            status = error.status_code if 400 <= error.status_code < 500 else 422
        else:
            messages.success(request, done)
            return redirect(reverse("office:return-money", args=[return_request.number]))
    bound = MoneyForms()
    setattr(bound, chosen.slot, form)
    fresh = _return_or_404(membership, number)  # the page as it stands after the refusal
    return _money_page(request, membership, fresh, bound, status=status)


def _exchange_place(form: ExchangeForm) -> Placer:
    """The service's ``lines.<i>.<field>`` paths on the exchange form's per-line fields."""

    def place(path: str) -> tuple[forms.Form, str | None]:
        return form, form.field_for(path)

    return place


# --- refund queues ---------------------------------------------------------------------------


@needs(Capability.REFUND_MANAGE)
@require_GET
def refund_list(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    now = timezone.now()
    try:
        queue = selectors.RefundQueue(request.GET.get("queue") or selectors.RefundQueue.ALL)
    except ValueError:
        raise Http404 from None
    refunds = selectors.refunds_with_account(
        selectors.refund_list(store=store, queue=queue, now=now)
    )
    table = RefundTable(refunds, today=local_date(now, store.timezone), request=request)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    exported = table_export(request, table, store=store, name=f"refunds-{queue.value}", now=now)
    if exported is not None:
        return exported
    counts = selectors.refund_queue_counts(store=store, now=now)
    tabs = [
        {"queue": q.value, "label": QUEUE_LABELS[q], "count": counts[q], "current": q is queue}
        for q in selectors.RefundQueue
    ]
    return render(
        request,
        "office/money/refund_list.html",
        {
            "membership": membership,
            "table": table,
            "tabs": tabs,
            "queue": queue.value,
            "can_transfers": can(request, membership, Capability.TRANSFERS_MANAGE),
        },
    )


@needs(Capability.REFUND_MANAGE)
@require_POST
def refund_retry(request: HttpRequest, membership: StoreMembership, refund_id: int) -> HttpResponse:
    try:
        refund = selectors.refund_get(store=membership.store, refund_id=refund_id)
    except NotFound:
        raise Http404 from None
    back = _next_or(request, f"{reverse('office:refund-list')}?queue=failed")
    try:
        sending.refund_retry(refund=refund, actor=actor_of(request, membership), now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Refund %(id)s is sent again.") % {"id": refund.pk})
    return redirect(back)
