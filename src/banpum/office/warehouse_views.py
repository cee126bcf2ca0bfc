"""The warehouse's pages: scan to receive, unidentified parcels, inspection, photos.

Made for a tablet beside the packing table: a scanner types into the focused field and
presses Enter; the return and what should be in the box come back at once (an htmx swap of
the result, or the whole page without JavaScript), with a banner in words, an icon and a
colour. A lookup answers 200 whatever it finds, so htmx swaps the red banner as it swaps the
green one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError, NotFound
from banpum.office.access import actor_of, can, in_store, needs
from banpum.office.exports import export_format, page_query, table_export
from banpum.office.form_errors import errors_place, field_messages, form_error_add
from banpum.office.formatting import money
from banpum.office.warehouse_forms import (
    InspectionForm,
    LineInspectionForm,
    MatchForm,
    ReceiveForm,
    ScanForm,
    UnidentifiedForm,
)
from banpum.office.warehouse_tables import UnidentifiedParcelTable
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.selectors import return_request_get
from banpum.returns.transitions import GOODS_BACK, Action, return_transition_allowed
from banpum.settlement.models import DONE_STATUSES
from banpum.settlement.selectors import refunds_for_return
from banpum.warehouse import selectors, services
from banpum.warehouse.schemas import expected_return

OK, WARN, ERROR = "ok", "warn", "error"


@dataclass
class Banner:
    """The big line at the top of a scan: green, amber or red, always with words and an icon."""

    kind: str
    title: str
    detail: str = ""

    @property
    def icon(self) -> str:
        return {OK: "✔", WARN: "!", ERROR: "✖"}[self.kind]


@dataclass
class ScanOutcome:
    banner: Banner | None = None
    cards: list[dict[str, Any]] = field(default_factory=list)
    unidentified: UnidentifiedForm | None = None


def _htmx(request: HttpRequest) -> bool:
    """Asked by htmx (``django_htmx`` sets ``request.htmx``): answer the swapped part only."""
    return bool(getattr(request, "htmx", False))


def _return_or_404(membership: StoreMembership, number: str) -> ReturnRequest:
    try:
        return return_request_get(store=membership.store, number=number)
    except NotFound:
        raise Http404 from None


def _receivable(return_request: ReturnRequest) -> bool:
    status = return_request.status
    return return_transition_allowed(status, Action.RECEIVE) or return_transition_allowed(
        status, Action.RECEIVE_PART
    )


def _local(when: Any, store_timezone: str) -> str:
    return when.astimezone(ZoneInfo(store_timezone)).strftime("%Y-%m-%d %H:%M") if when else "-"


def _card(return_request: ReturnRequest) -> dict[str, Any]:
    """What the worker sees of one return: the warehouse API's shape, and who received it."""
    card = expected_return(return_request, receivable=_receivable(return_request))
    receipts = list(return_request.receipts.all())
    card["received_by"] = receipts[-1].received_by if receipts else ""
    card["received_at_local"] = _local(return_request.received_at, return_request.store.timezone)
    card["inspectable"] = return_transition_allowed(return_request.status, Action.INSPECT)
    card["receive_form"] = ReceiveForm(prefix=f"r-{return_request.pk}")
    card["boxes_left"] = max(card["box_count"] - card["boxes_received"], 1)
    return card


def _not_receivable(card: dict[str, Any]) -> Banner:
    if card["status"] in GOODS_BACK:
        return Banner(
            ERROR,
            _("Already received: %(number)s") % {"number": card["number"]},
            _("Received on %(when)s by %(who)s.")
            % {"when": card["received_at_local"], "who": card["received_by"] or "-"},
        )
    return Banner(
        ERROR,
        _("Cannot be received now: %(number)s") % {"number": card["number"]},
        _("The return is %(status)s.") % {"status": card["status_label"]},
    )


def _scan_outcome(membership: StoreMembership, code: str) -> ScanOutcome:
    try:
        found = selectors.warehouse_scan(store=membership.store, code=code)
    except NotFound as error:
        return ScanOutcome(
            banner=Banner(ERROR, _("Not found"), error.message),
            unidentified=UnidentifiedForm(initial={"code": code.strip()[:64]}),
        )
    cards = [_card(r) for r in found.returns]
    if not cards:
        return ScanOutcome(
            banner=Banner(
                ERROR,
                _("No return awaits this product"),
                _("No return of %(code)s is on its way to the warehouse.") % {"code": code},
            ),
            unidentified=UnidentifiedForm(initial={"code": code.strip()[:64]}),
        )
    receivable = [c for c in cards if c["receivable"]]
    if not receivable:
        banner = _not_receivable(cards[0])
    elif len(cards) == 1:
        card = cards[0]
        banner = Banner(
            OK,
            _("Found: %(number)s") % {"number": card["number"]},
            _("%(customer)s · order %(order)s. Check the box, then receive it.")
            % {"customer": card["customer_name"], "order": card["order_number"]},
        )
    else:
        banner = Banner(
            WARN,
            _("%(count)s returns match: pick the one in the box.") % {"count": len(cards)},
        )
    return ScanOutcome(banner=banner, cards=cards)


def _scan_page(
    request: HttpRequest,
    membership: StoreMembership,
    form: ScanForm,
    outcome: ScanOutcome,
) -> HttpResponse:
    context = {"membership": membership, "form": form, "outcome": outcome}
    template = (
        "office/warehouse/_scan_result.html" if _htmx(request) else "office/warehouse/scan.html"
    )
    return render(request, template, context)


@needs(Capability.RETURN_RECEIVE)
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    if request.method != "POST":
        return _scan_page(request, membership, ScanForm(), ScanOutcome())
    form = ScanForm(request.POST)
    if not form.is_valid():
        banner = Banner(ERROR, _("Scan or type a code."))
        return _scan_page(request, membership, form, ScanOutcome(banner=banner))
    outcome = _scan_outcome(membership, form.cleaned_data["code"])
    return _scan_page(request, membership, ScanForm(), outcome)


def _received_banner(received: ReturnRequest, card: dict[str, Any]) -> Banner:
    if received.status == S.PARTIALLY_RECEIVED:
        return Banner(
            WARN,
            _("Partially received: %(number)s") % {"number": card["number"]},
            _("%(received)s of %(expected)s boxes are in; scan the next box when it comes.")
            % {"received": card["boxes_received"], "expected": card["box_count"]},
        )
    return Banner(
        OK,
        _("Received: %(number)s") % {"number": card["number"]},
        _("All %(expected)s box(es) are in. Inspect it next.") % {"expected": card["box_count"]},
    )


@needs(Capability.RETURN_RECEIVE)
@require_POST
def receive(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    return_request = _return_or_404(membership, number)
    form = ReceiveForm(request.POST, prefix=f"r-{return_request.pk}")
    banner: Banner
    if not form.is_valid():
        banner = Banner(
            ERROR, _("Not received"), " ".join(str(m) for ms in form.errors.values() for m in ms)
        )
    else:
        try:
            received = services.return_receive(
                return_request=return_request,
                actor=actor_of(request, membership),
                boxes_received=form.cleaned_data["boxes_received"] or 1,
                note=form.cleaned_data["note"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            banner = Banner(ERROR, _("Not received"), error.message)
        else:
            shaped = selectors.returns_for_worker(
                ReturnRequest.objects.filter(pk=received.pk)
            ).get()
            card = _card(shaped)
            banner = _received_banner(received, card)
            if not _htmx(request):
                messages.success(request, f"{banner.title} — {banner.detail}")
                return redirect("office:warehouse-scan")
            return _scan_page(request, membership, ScanForm(), ScanOutcome(banner, [card]))
    if not _htmx(request):
        messages.error(request, f"{banner.title} — {banner.detail}")
        return redirect("office:warehouse-scan")
    shaped = selectors.returns_for_worker(ReturnRequest.objects.filter(pk=return_request.pk)).get()
    return _scan_page(request, membership, ScanForm(), ScanOutcome(banner, [_card(shaped)]))


# --- unidentified parcels (미확인 입고) ----------------------------------------------------------


def _show_all(request: HttpRequest) -> bool:
    """``?all=1``: matched parcels too, not only those waiting."""
    return request.GET.get("all") == "1"


def _unidentified_export(request: HttpRequest, membership: StoreMembership) -> HttpResponse | None:
    """The list as Excel/CSV with the page's filter: every parcel it selects, not its first
    200, up to the export limit."""
    if export_format(request) is None:
        return None
    store = membership.store
    parcels = selectors.unidentified_parcel_list(
        store=store, unmatched=None if _show_all(request) else True
    )
    table = UnidentifiedParcelTable(parcels, zone=store.timezone)
    return table_export(
        request, table, store=store, name="unidentified-parcels", now=timezone.now()
    )


def _unidentified_page(
    request: HttpRequest,
    membership: StoreMembership,
    form: UnidentifiedForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    show_all = _show_all(request)
    parcels = selectors.unidentified_parcel_list(
        store=membership.store, unmatched=None if show_all else True
    )[:200]
    zone = membership.store.timezone
    rows = [
        {
            "parcel": parcel,
            "received_at": _local(parcel.received_at, zone),
            "match_form": MatchForm(prefix=f"p-{parcel.pk}"),
        }
        for parcel in parcels
    ]
    return render(
        request,
        "office/warehouse/unidentified.html",
        {
            "membership": membership,
            "form": form or UnidentifiedForm(),
            "rows": rows,
            "show_all": show_all,
            "query": page_query(request),
        },
        status=status,
    )


@needs(Capability.RETURN_RECEIVE)
@require_http_methods(["GET", "POST"])
def unidentified(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    if request.method != "POST":
        exported = _unidentified_export(request, membership)
        if exported is not None:
            return exported
        return _unidentified_page(request, membership)
    form = UnidentifiedForm(request.POST)
    if form.is_valid():
        try:
            parcel = services.unidentified_parcel_register(
                store=membership.store,
                facts=services.ParcelFacts(**form.cleaned_data),
                actor=actor_of(request, membership),
                now=timezone.now(),
            )
        except ApplicationError as error:
            form_error_add(form, error)
        else:
            messages.success(
                request,
                _("Unidentified parcel %(id)s registered: match it to its return when found.")
                % {"id": parcel.pk},
            )
            return redirect("office:warehouse-unidentified")
    return _unidentified_page(request, membership, form, status=422)


@needs(Capability.RETURN_RECEIVE)
@require_POST
def unidentified_match(
    request: HttpRequest, membership: StoreMembership, parcel_id: int
) -> HttpResponse:
    try:
        parcel = selectors.unidentified_parcel_get(store=membership.store, parcel_id=parcel_id)
    except NotFound:
        raise Http404 from None
    form = MatchForm(request.POST, prefix=f"p-{parcel.pk}")
    if not form.is_valid():
        messages.error(request, _("Give the return number the parcel belongs to."))
        return redirect("office:warehouse-unidentified")
    try:
        return_request = return_request_get(
            store=membership.store, number=form.cleaned_data["return_number"]
        )
        services.unidentified_parcel_match(
            parcel=parcel,
            return_request=return_request,
            actor=actor_of(request, membership),
            note=form.cleaned_data["note"],
            now=timezone.now(),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("office:warehouse-unidentified")
    messages.success(
        request,
        _("Parcel %(id)s matched to %(number)s and received.")
        % {"id": parcel.pk, "number": return_request.number},
    )
    return redirect("office:warehouse-unidentified")


# --- inspection ---------------------------------------------------------------------------------


def _fee_needs_word(return_request: ReturnRequest) -> bool:
    """The policy collects the fee outside the refund: the worker says whether it came."""
    return (
        return_request.fee_payer == "buyer"
        and return_request.fee_amount > 0
        and (return_request.fee_collection or "deduct_from_refund") != "deduct_from_refund"
    )


def _inspection_lines(return_request: ReturnRequest) -> list[Any]:
    try:
        return selectors.return_inspection_get(return_request=return_request)
    except NotFound:
        return []


def _settled_words(return_request: ReturnRequest) -> str:
    """What the inspection set going, in words: a refund, an exchange, the goods sent back."""
    status = return_request.status
    if status in (S.REFUND_PENDING, S.REFUNDED, S.COMPLETED) and return_request.type != "exchange":
        refunds = refunds_for_return(return_request=return_request)
        total = money(sum(r.amount for r in refunds))
        if refunds and all(r.status in DONE_STATUSES for r in refunds):
            return _("Refunded: %(amount)s.") % {"amount": total}
        return _("Refund started: %(amount)s.") % {"amount": total}
    if status in (S.EXCHANGE_PENDING, S.EXCHANGE_SHIPPED):
        return _("Exchange started: the replacement is reserved and goes out next.")
    if status == S.SENT_BACK:
        return _("Nothing was accepted: the goods are sent back to the customer.")
    return str(return_request.get_status_display())


def _inspect_page(
    request: HttpRequest,
    membership: StoreMembership,
    return_request: ReturnRequest,
    line_forms: list[LineInspectionForm] | None = None,
    form: InspectionForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    inspectable = return_transition_allowed(return_request.status, Action.INSPECT)
    lines = list(return_request.lines.all())
    if inspectable and line_forms is None:
        line_forms = [LineInspectionForm(line=line) for line in lines]
    kept = selectors.inspection_photos_by_line(return_request=return_request)
    for line_form in line_forms or []:
        line_form.kept_photos = kept.get(line_form.line.pk, [])
    inspected = [] if inspectable else _inspection_lines(return_request)
    return render(
        request,
        "office/warehouse/inspect.html",
        {
            "membership": membership,
            "rr": return_request,
            "inspectable": inspectable,
            "line_forms": line_forms or [],
            "form": form or InspectionForm(),
            "fee_needs_word": _fee_needs_word(return_request),
            "fee": money(return_request.fee_amount),
            "inspected": inspected,
            "settled": _settled_words(return_request) if inspected else "",
            "can_money": can(request, membership, Capability.REFUND_MANAGE),
        },
        status=status,
    )


def _photos_add(
    request: HttpRequest, membership: StoreMembership, line_form: LineInspectionForm
) -> bool:
    """Keep the line's new photos before the inspection: taken on a tablet, they must not be
    lost to a mistake elsewhere on the page. False when they were refused (shown on the field)."""
    uploads = line_form.cleaned_data.get("photos") or []
    if not uploads:
        return True
    try:
        services.inspection_photos_add(
            store=membership.store,
            uploads=[
                services.PhotoUpload(name=f.name or "", size=f.size or 0, file=f) for f in uploads
            ],
            return_line=line_form.line,
            actor=actor_of(request, membership),
            now=timezone.now(),
        )
    except ApplicationError as error:
        texts = [t for found in field_messages(error).values() for t in found] or [error.message]
        for text in texts:
            line_form.add_error("photos", text)
        return False
    return True


@needs(Capability.RETURN_INSPECT)
@require_http_methods(["GET", "POST"])
def inspect(request: HttpRequest, membership: StoreMembership, number: str) -> HttpResponse:
    return_request = _return_or_404(membership, number)
    if request.method != "POST":
        return _inspect_page(request, membership, return_request)
    lines = list(return_request.lines.all())
    line_forms = [LineInspectionForm(request.POST, request.FILES, line=line) for line in lines]
    form = InspectionForm(request.POST)
    # Every form checked and every photo kept, even after a first mistake: all errors at once.
    checked = [f.is_valid() for f in line_forms] + [form.is_valid()]
    kept = [_photos_add(request, membership, f) for f in line_forms if f.is_valid()]
    if not (all(checked) and all(kept)):
        return _inspect_page(request, membership, return_request, line_forms, form, status=422)
    try:
        inspected = services.return_inspect(
            return_request=return_request,
            lines=[f.inspection() for f in line_forms],
            fee=services.FeeConfirmation(form.fee_received_value()),
            note=form.cleaned_data["note"],
            actor=actor_of(request, membership),
            now=timezone.now(),
        )
    except ApplicationError as error:
        _inspection_errors(error, line_forms, form)
        return _inspect_page(request, membership, return_request, line_forms, form, status=422)
    # Read again: settlement moved the return on (refund, exchange, send-back) after the
    # inspection, in the same transaction.
    settled = _return_or_404(membership, inspected.number or number)
    messages.success(
        request,
        _("Inspected %(number)s. %(next)s")
        % {"number": settled.number, "next": _settled_words(settled)},
    )
    return redirect(reverse("office:return-inspect", args=[inspected.number]))


def _inspection_errors(
    error: ApplicationError, line_forms: list[LineInspectionForm], form: InspectionForm
) -> None:
    """``lines.<i>.<field>`` on the line's form, ``fee.received`` on the fee, the rest on top."""

    def place(path: str) -> tuple[Any, str | None]:
        parts = path.split(".")
        if parts[0] == "fee":
            return form, "fee_received"
        if parts[0] == "lines" and len(parts) >= 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(line_forms):
                target = line_forms[index]
                name = parts[2]
                return target, name if name in target.fields else None
        return form, None

    errors_place(error, place, fallback=form)


# --- photos -------------------------------------------------------------------------------------


@in_store
@require_http_methods(["GET"])
def photo(request: HttpRequest, membership: StoreMembership, photo_id: int) -> HttpResponse:
    """One inspection photo of the person's store; any other store's is a 404."""
    try:
        found = selectors.inspection_photo_get(store=membership.store, photo_id=photo_id)
    except NotFound:
        raise Http404 from None
    with services.photo_storage().open(found.name, "rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="photo-{found.pk}"'
    return response
