"""The return, one question per screen: items, reason, photos, resolution, option, method,
pickup, account, then the policy's answer and the final tap.

Each screen reads and writes the draft in the session (``portal.draft``); a valid answer
moves on (redirect), a bad one shows the screen again with the error beside its field and
what was typed. The back link goes to the previous screen with its answer still there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from banpum.commerce.models import Store
from banpum.core.errors import ApplicationError
from banpum.core.images import PhotoUpload
from banpum.integrations.banks.accounts import account_number_digits, mask_account_number
from banpum.integrations.banks.codes import bank_get
from banpum.policy import texts as policy_texts
from banpum.policy.calendar import is_business_day
from banpum.policy.deadlines import local_date
from banpum.policy.types import Method, Resolution
from banpum.portal import session
from banpum.portal.draft import Draft, first_unanswered, pickup_days, steps_for
from banpum.portal.forms import (
    CONDITION_CHOICES,
    METHOD_WORDS,
    AccountForm,
    ItemsForm,
    MethodForm,
    OptionForm,
    PhotosForm,
    PickupForm,
    ReasonForm,
    ResolutionForm,
)
from banpum.portal.orders import OrderView
from banpum.portal.submit import customer_actor, portal_return_submit
from banpum.portal.texts import day, decision_words
from banpum.portal.views.common import found_order, store_of
from banpum.returns.photos import return_photos_send
from banpum.returns.pickup_wish import PickupWish
from banpum.returns.selectors import return_photos_unattached
from banpum.returns.services import return_request_preview

PICKUP_DAYS = 7


@dataclass(frozen=True)
class Screen:
    title: Any  # the question, lazily translated
    build: Callable[[HttpRequest, OrderView, Draft, dt.datetime], forms.Form]
    save: Callable[[HttpRequest, forms.Form, OrderView, Draft, dt.datetime], None]
    multipart: bool = False


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# Items -----------------------------------------------------------------------------------


def _items_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    initial = {f"line_{k}": v for k, v in draft.lines.items()}
    return ItemsForm(_data(request), lines=view.lines, initial=initial)


def _items_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    draft.lines = {k: v for k, v in form.chosen().items() if v > 0}


# Reason ----------------------------------------------------------------------------------


def _reason_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    initial = {
        "reason_code": draft.reason_code or None,
        "condition": draft.condition,
        "reason_detail": draft.reason_detail,
    }
    return ReasonForm(_data(request), rules=view.rules, initial=initial)


def _reason_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    draft.reason_code = form.cleaned_data["reason_code"]
    draft.condition = form.cleaned_data["condition"]
    draft.reason_detail = form.cleaned_data["reason_detail"].strip()


# Photos ----------------------------------------------------------------------------------


def _photos_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    return PhotosForm(_data(request), request.FILES if request.method == "POST" else None)


def _photos_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    kept = return_photos_unattached(order=view.order, photo_ids=draft.photo_ids)
    draft.photo_ids = [photo.pk for photo in kept]
    files = form.cleaned_data.get("photos") or []
    if files:
        sent = return_photos_send(
            order=view.order,
            uploads=[PhotoUpload(name=f.name or "", size=f.size or 0, file=f) for f in files],
            actor=customer_actor(view),
            now=now,
            already=len(draft.photo_ids),
        )
        draft.photo_ids += [photo.pk for photo in sent]
    if not draft.photo_ids:
        form.add_error("photos", _("This reason needs at least one photo of the problem."))


# Resolution ------------------------------------------------------------------------------


def _resolutions(view: OrderView) -> list[Resolution]:
    allowed = [r for r in Resolution if r in view.rules.allowed_resolutions]
    if view.order.customer_id is None:
        # Store credit is kept for a customer; an order without one can only be refunded.
        allowed = [r for r in allowed if r is not Resolution.STORE_CREDIT]
    return allowed


def _resolution_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    initial = {"resolution": draft.resolution or None}
    return ResolutionForm(_data(request), allowed=_resolutions(view), initial=initial)


def _resolution_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    draft.resolution = form.cleaned_data["resolution"]


# Option ----------------------------------------------------------------------------------


def _option_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    lines = [
        (line, view.variants[line.product_id])
        for line, _ in view.lines
        if draft.lines.get(line.pk)
        and line.product_id is not None
        and len(view.variants.get(line.product_id, [])) > 1
    ]
    initial = {f"line_{k}": v for k, v in draft.replacements.items()}
    return OptionForm(_data(request), lines=lines, initial=initial)


def _option_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    draft.replacements = form.chosen()


# Method ----------------------------------------------------------------------------------


def _method_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    allowed = [m for m in Method if m in view.rules.allowed_methods]
    return MethodForm(_data(request), allowed=allowed, initial={"method": draft.method or None})


def _method_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    draft.method = form.cleaned_data["method"]


# Pickup ----------------------------------------------------------------------------------


def pickup_day_choices(store: Store, now: dt.datetime) -> list[dt.date]:
    """The next business days from tomorrow, in the store's calendar: when carriers come."""
    return pickup_days(
        local_date(now, store.timezone),
        count=PICKUP_DAYS,
        is_open=lambda d: is_business_day(d, store.country),
    )


def _pickup_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    order = view.order
    wish = draft.wish
    initial = {
        "preferred_date": wish.preferred_date.isoformat() if wish.preferred_date else None,
        "contact_name": wish.contact_name or order.shipping_name,
        "contact_phone": wish.contact_phone or order.shipping_phone,
        "postcode": wish.postcode or order.shipping_postcode,
        "address1": wish.address1 or order.shipping_address1,
        "address2": wish.address2 or order.shipping_address2,
        "memo": wish.memo,
    }
    days = pickup_day_choices(order.store, now)
    return PickupForm(_data(request), days=days, initial=initial)


def _pickup_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    data = form.cleaned_data
    draft.pickup = PickupWish(
        contact_name=data["contact_name"].strip(),
        contact_phone=data["contact_phone"].strip(),
        postcode=data["postcode"].strip(),
        address1=data["address1"].strip(),
        address2=data["address2"].strip(),
        preferred_date=data["preferred_date"],
        memo=data["memo"].strip(),
    ).as_json()


# Account ---------------------------------------------------------------------------------


def _account_form(request: HttpRequest, view: OrderView, draft: Draft, now: dt.datetime) -> Any:
    return AccountForm(_data(request), initial=draft.account or None)


def _account_save(
    request: HttpRequest, form: Any, view: OrderView, draft: Draft, now: dt.datetime
) -> None:
    data = form.cleaned_data
    draft.account = {
        "bank_code": data["bank_code"],
        "account_number": account_number_digits(data["account_number"]),
        "holder_name": data["holder_name"].strip(),
    }


SCREENS: dict[str, Screen] = {
    "items": Screen(gettext_lazy("Which items are you returning?"), _items_form, _items_save),
    "reason": Screen(gettext_lazy("Why are you returning them?"), _reason_form, _reason_save),
    "photos": Screen(
        gettext_lazy("Add photos of the problem"), _photos_form, _photos_save, multipart=True
    ),
    "resolution": Screen(
        gettext_lazy("What would you like instead?"), _resolution_form, _resolution_save
    ),
    "option": Screen(gettext_lazy("Which option should we send?"), _option_form, _option_save),
    "method": Screen(gettext_lazy("How does it come back to us?"), _method_form, _method_save),
    "pickup": Screen(gettext_lazy("Where and when should the courier come?"), _pickup_form,
                     _pickup_save),
    "account": Screen(
        gettext_lazy("Where should the refund go?"), _account_form, _account_save
    ),
}  # fmt: skip


def _step_url(store: Store, step: str) -> str:
    if step == "confirm":
        return reverse("portal:confirm", kwargs={"slug": store.slug})
    return reverse("portal:step", kwargs={"slug": store.slug, "step": step})


def _progress(steps: list[str], current: str) -> dict[str, int]:
    position = steps.index(current) + 1 if current in steps else len(steps) + 1
    return {"at": position, "of": len(steps) + 1}


@require_http_methods(["GET"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    store = store_of(slug)
    view = found_order(request, store, timezone.now())
    if view is None:
        return redirect("portal:lookup", slug=store.slug)
    draft = Draft.from_session(session.draft_get(request, store))
    steps = steps_for(draft, view.needs())
    return redirect(_step_url(store, first_unanswered(draft, steps) or "confirm"))


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    view = found_order(request, store, now)
    if view is None:
        return redirect("portal:lookup", slug=store.slug)
    draft = Draft.from_session(session.draft_get(request, store))
    steps = steps_for(draft, view.needs())
    waiting = first_unanswered(draft, steps)
    if step not in steps or (waiting is not None and steps.index(waiting) < steps.index(step)):
        return redirect(_step_url(store, waiting or "confirm"))
    screen = SCREENS[step]
    form = screen.build(request, view, draft, now)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                screen.save(request, form, view, draft, now)
            except ApplicationError as error:
                _form_errors(form, error)
        if form.is_valid() and not form.errors:
            draft.mark(step)
            session.draft_set(request, store, draft.to_session())
            steps = steps_for(draft, view.needs())
            index = steps.index(step)
            following = steps[index + 1] if index + 1 < len(steps) else "confirm"
            return redirect(_step_url(store, following))
        session.draft_set(request, store, draft.to_session())
        status = 422
    index = steps.index(step)
    back = (
        _step_url(store, steps[index - 1])
        if index
        else reverse("portal:order", kwargs={"slug": store.slug})
    )
    photos = (
        return_photos_unattached(order=view.order, photo_ids=draft.photo_ids)
        if step == "photos"
        else []
    )
    return render(
        request,
        "portal/step.html",
        {
            "store": store,
            "step": step,
            "title": screen.title,
            "form": form,
            "multipart": screen.multipart,
            "progress": _progress(steps, step),
            "back": back,
            "photos": photos,
        },
        status=status,
    )


def _form_errors(form: forms.Form, error: ApplicationError) -> None:
    """A service's refusal beside the fields it names, else above the form."""
    fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
    if isinstance(fields, dict) and fields:
        for path, texts in fields.items():
            name = str(path).split(".")[0]
            for text in texts:
                form.add_error(name if name in form.fields else None, text)
        return
    target = str(error.extra.get("field", "")).split(".")[0] if error.extra else ""
    form.add_error(target if target in form.fields else None, error.message)


def _summary(view: OrderView, draft: Draft) -> dict[str, Any]:
    lines = view.line_by_id
    variants = {p.pk: p for group in view.variants.values() for p in group}
    reason = view.rules.reason(draft.reason_code)
    conditions = dict(CONDITION_CHOICES)
    account = draft.account
    bank = bank_get(account.get("bank_code", "")) if account else None
    wish = draft.wish
    return {
        "items": [
            {
                "name": lines[line_id].name,
                "quantity": count,
                "option": variants[draft.replacements[line_id]].options
                if line_id in draft.replacements_asked() and draft.replacements[line_id] in variants
                else None,
            }
            for line_id, count in sorted(draft.lines.items())
            if line_id in lines and count > 0
        ],
        "reason": policy_texts.reason_label(reason, draft.reason_code),
        "condition": conditions.get(draft.condition, draft.condition),
        "photos": len(draft.photo_ids),
        "resolution": policy_texts.label(policy_texts.RESOLUTION_LABELS, draft.resolution),
        "method": METHOD_WORDS.get(Method(draft.method)) if draft.method else "",
        "pickup_day": day(wish.preferred_date),
        "pickup_address": " ".join(p for p in (wish.address1, wish.address2) if p),
        "account": f"{bank.name() if bank else ''} {mask_account_number(account['account_number'])}"
        if account.get("account_number")
        else "",
    }


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    view = found_order(request, store, now)
    if view is None:
        return redirect("portal:lookup", slug=store.slug)
    draft = Draft.from_session(session.draft_get(request, store))
    needs = view.needs()
    steps = steps_for(draft, needs)
    waiting = first_unanswered(draft, steps)
    if waiting is not None:
        return redirect(_step_url(store, waiting))
    error = ""
    status = 200
    if request.method == "POST":
        try:
            created = portal_return_submit(view=view, draft=draft, needs=needs, now=now)
        except ApplicationError as refused:
            error = refused.message
            status = 422
        else:
            number = created.number or ""
            session.return_grant(request, store, number, now=now)
            session.draft_clear(request, store)
            messages.success(
                request, _("Your return %(number)s is registered.") % {"number": number}
            )
            return redirect("portal:status", slug=store.slug, number=number)
    ask = draft.ask()
    decision = return_request_preview(order=view.order, ask=ask, now=now)
    return render(
        request,
        "portal/confirm.html",
        {
            "store": store,
            "summary": _summary(view, draft),
            "words": decision_words(decision, resolution=ask.resolution),
            "error": error,
            "progress": _progress(steps, "confirm"),
            "back": _step_url(store, steps[-1]),
            "edit": {s: _step_url(store, s) for s in steps},
        },
        status=status,
    )
