"""Bank-transfer batches (대량이체): gather the refunds awaiting a transfer into a file for
internet banking, download it, then confirm what the bank paid, by hand or from its result
file. Only the download carries account numbers in clear, and it is never cached."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banpum.accounts.capabilities import Capability
from banpum.accounts.models import StoreMembership
from banpum.core.errors import ApplicationError, NotFound
from banpum.office.access import actor_of, needs
from banpum.office.form_errors import form_error_add
from banpum.office.formatting import money
from banpum.office.money_forms import ConfirmForm, ResultFileForm
from banpum.settlement import errors as settlement_errors
from banpum.settlement import selectors
from banpum.settlement.models import TransferBatch, TransferOutcome
from banpum.settlement.services import transfers
from banpum.settlement.transfer_schemas import bank_name
from banpum.settlement.transfers_api import result_file_max_bytes

_CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=cp949",
}
BATCHES_SHOWN = 100


def _batch_or_404(membership: StoreMembership, batch_id: int) -> TransferBatch:
    try:
        return selectors.transfer_batch_get(store=membership.store, batch_id=batch_id)
    except NotFound:
        raise Http404 from None


@needs(Capability.TRANSFERS_MANAGE)
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest, membership: StoreMembership) -> HttpResponse:
    store = membership.store
    if request.method == "POST":
        try:
            batch = transfers.transfer_batch_create(
                store=store, actor=actor_of(request, membership), now=timezone.now()
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("office:transfer-list")
        messages.success(
            request,
            _("Batch %(id)s: %(count)s transfers, %(total)s. Download the file for your bank.")
            % {"id": batch.pk, "count": batch.count, "total": money(batch.total)},
        )
        return redirect("office:transfer-detail", batch_id=batch.pk)
    now = timezone.now()
    awaiting = selectors.refund_list(
        store=store, queue=selectors.RefundQueue.AWAITING_TRANSFER, now=now
    ).count()
    needing = selectors.refund_list(
        store=store, queue=selectors.RefundQueue.ACCOUNT_NEEDED, now=now
    ).count()
    batches = [
        {"batch": batch, "total": money(batch.total)}
        for batch in selectors.transfer_batch_list(store=store).order_by("-id")[:BATCHES_SHOWN]
    ]
    return render(
        request,
        "office/money/transfer_list.html",
        {
            "membership": membership,
            "batches": batches,
            "awaiting": awaiting,
            "needing": needing,
        },
    )


def _detail_page(
    request: HttpRequest,
    membership: StoreMembership,
    batch: TransferBatch,
    confirm_form: ConfirmForm | None = None,
    file_form: ResultFileForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    items = list(batch.items.all())
    pending = [item for item in items if item.outcome == TransferOutcome.PENDING]
    rows: list[dict[str, Any]] = [
        {
            "item": item,
            "bank": bank_name(item.bank_code),
            "amount": money(item.amount),
            "return_number": item.refund.return_request.number
            if item.refund.return_request
            else "",
        }
        for item in items
    ]
    return render(
        request,
        "office/money/transfer_detail.html",
        {
            "membership": membership,
            "batch": batch,
            "total": money(batch.total),
            "rows": rows,
            "open": batch.confirmed_at is None and bool(pending),
            "confirm_form": confirm_form or ConfirmForm(items=pending),
            "file_form": file_form or ResultFileForm(),
        },
        status=status,
    )


@needs(Capability.TRANSFERS_MANAGE)
@require_GET
def batch_detail(request: HttpRequest, membership: StoreMembership, batch_id: int) -> HttpResponse:
    return _detail_page(request, membership, _batch_or_404(membership, batch_id))


@needs(Capability.TRANSFERS_MANAGE)
@require_GET
def batch_file(
    request: HttpRequest, membership: StoreMembership, batch_id: int, kind: str
) -> HttpResponse:
    if kind not in _CONTENT_TYPES:
        raise Http404
    batch = _batch_or_404(membership, batch_id)
    try:
        exported = transfers.transfer_batch_export(
            batch=batch,
            actor=actor_of(request, membership),
            kind="xlsx" if kind == "xlsx" else "csv",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("office:transfer-detail", batch_id=batch.pk)
    response = HttpResponse(exported.content, content_type=_CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{batch.file_name}.{kind}"'
    # Account numbers in clear: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _confirmed_words(done: transfers.Confirmation) -> str:
    words = _("%(paid)s paid, %(failed)s failed.") % {
        "paid": len(done.paid),
        "failed": len(done.failed),
    }
    if done.missing:
        words += " " + _("%(count)s not in the file, still pending.") % {"count": len(done.missing)}
    if done.unexpected:
        rows = ", ".join(str(row.row) for row in done.unexpected)
        words += " " + _("Rows matching no transfer: %(rows)s.") % {"rows": rows}
    return words


@needs(Capability.TRANSFERS_MANAGE)
@require_POST
def batch_confirm(request: HttpRequest, membership: StoreMembership, batch_id: int) -> HttpResponse:
    batch = _batch_or_404(membership, batch_id)
    pending = [item for item in batch.items.all() if item.outcome == TransferOutcome.PENDING]
    form = ConfirmForm(request.POST, items=pending)
    if not form.is_valid():
        return _detail_page(request, membership, batch, confirm_form=form, status=422)
    if request.POST.get("all") == "paid":
        paid: Any = "all"
        failed: list[tuple[int, str]] = []
    else:
        paid, failed = form.decided()
    try:
        done = transfers.transfer_batch_confirm(
            batch=batch,
            paid=paid,
            failed=failed,
            actor=actor_of(request, membership),
            now=timezone.now(),
        )
    except ApplicationError as error:
        form_error_add(form, error)
        fresh = _batch_or_404(membership, batch_id)
        return _detail_page(request, membership, fresh, confirm_form=form, status=422)
    messages.success(request, _confirmed_words(done))
    return redirect(reverse("office:transfer-detail", args=[batch.pk]))


@needs(Capability.TRANSFERS_MANAGE)
@require_POST
def batch_confirm_file(
    request: HttpRequest, membership: StoreMembership, batch_id: int
) -> HttpResponse:
    batch = _batch_or_404(membership, batch_id)
    form = ResultFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        limit = result_file_max_bytes()
        try:
            if (upload.size or 0) > limit:
                raise settlement_errors.TRANSFER_FILE_TOO_LARGE(limit=limit)
            done = transfers.transfer_batch_confirm_file(
                batch=batch,
                content=upload.read(limit + 1),
                actor=actor_of(request, membership),
                now=timezone.now(),
            )
        except ApplicationError as error:
            form_error_add(form, error, default_field="file")
        else:
            messages.success(request, _confirmed_words(done))
            return redirect(reverse("office:transfer-detail", args=[batch.pk]))
    fresh = _batch_or_404(membership, batch_id)
    return _detail_page(request, membership, fresh, file_form=form, status=422)
