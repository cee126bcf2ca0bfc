"""/api/v1: a return's refund account, and bank-transfer batches (export, file, confirm)."""

from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.core.api_context import request_actor
from banpum.core.pagination import Pages
from banpum.core.schemas import errors
from banpum.returns.selectors import return_request_get
from banpum.settlement import errors as settlement_errors
from banpum.settlement import selectors
from banpum.settlement.models import RefundAccount, TransferBatch
from banpum.settlement.services import refund_accounts, transfers
from banpum.settlement.transfer_schemas import (
    RefundAccountIn,
    RefundAccountOut,
    TransferBatchDetailOut,
    TransferBatchIn,
    TransferBatchOut,
    TransferConfirmIn,
    TransferConfirmOut,
)

router = Router(tags=["bank transfers"])

RESULT_FILE_MAX_BYTES = 5 * 1024 * 1024


def _require(request: HttpRequest, capability: Capability) -> None:
    actor_require(request_actor(request), request_store(request).pk, capability)


@router.get(
    "/returns/{number}/refund-account",
    response={200: RefundAccountOut, **errors(403, 404)},
    summary="The account a bank-transfer refund of this return goes to (masked)",
)
def get_refund_account(request: HttpRequest, number: str) -> RefundAccount:
    _require(request, Capability.REFUND_MANAGE)
    return_request = return_request_get(store=request_store(request), number=number)
    account = selectors.refund_account_current(return_request=return_request)
    if account is None:
        raise settlement_errors.REFUND_ACCOUNT_NOT_FOUND(number=return_request.number)
    return account


@router.put(
    "/returns/{number}/refund-account",
    response={200: RefundAccountOut, **errors(403, 404, 422)},
    summary="Give the account a bank-transfer refund goes to; checked, stored encrypted",
)
def set_refund_account(request: HttpRequest, number: str, payload: RefundAccountIn) -> Any:
    return_request = return_request_get(store=request_store(request), number=number)
    return refund_accounts.refund_account_set(
        return_request=return_request,
        bank_code=payload.bank_code,
        account_number=payload.account_number,
        holder_name=payload.holder_name,
        actor=request_actor(request),
        now=timezone.now(),
    )


@router.post(
    "/transfers/batches",
    response={201: TransferBatchDetailOut, **errors(403, 409, 422)},
    summary="Put the refunds awaiting a bank transfer (with an account) into a new batch",
)
def create_batch(request: HttpRequest, payload: TransferBatchIn) -> Status[Any]:
    store = request_store(request)
    batch = transfers.transfer_batch_create(
        store=store,
        actor=request_actor(request),
        now=timezone.now(),
        refund_ids=payload.refund_ids,
    )
    return Status(201, selectors.transfer_batch_get(store=store, batch_id=batch.pk))


@router.get(
    "/transfers/batches",
    response={200: list[TransferBatchOut], **errors(403, 422)},
    summary="Transfer batches, newest first",
)
@paginate(Pages, ordering=("-id",))
def list_batches(request: HttpRequest) -> Any:
    _require(request, Capability.TRANSFERS_MANAGE)
    return selectors.transfer_batch_list(store=request_store(request))


@router.get(
    "/transfers/batches/{batch_id}",
    response={200: TransferBatchDetailOut, **errors(403, 404)},
    summary="One transfer batch with its transfers",
)
def get_batch(request: HttpRequest, batch_id: int) -> TransferBatch:
    _require(request, Capability.TRANSFERS_MANAGE)
    return selectors.transfer_batch_get(store=request_store(request), batch_id=batch_id)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CSV = "text/csv; charset=cp949"


def _file_response(
    request: HttpRequest, batch_id: int, kind: Literal["xlsx", "csv"]
) -> HttpResponse:
    batch = selectors.transfer_batch_get(store=request_store(request), batch_id=batch_id)
    exported = transfers.transfer_batch_export(batch=batch, actor=request_actor(request), kind=kind)
    response = HttpResponse(exported.content, content_type=_XLSX if kind == "xlsx" else _CSV)
    response["Content-Disposition"] = f'attachment; filename="{batch.file_name}.{kind}"'
    # Account numbers in clear: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _binary(content_type: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": "The bulk-transfer (대량이체) file",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/transfers/batches/{batch_id}/file.xlsx",
    response={**errors(403, 404)},
    openapi_extra=_binary(_XLSX),
    summary="The batch's 대량이체 workbook for internet banking",
)
def batch_xlsx(request: HttpRequest, batch_id: int) -> HttpResponse:
    return _file_response(request, batch_id, "xlsx")


@router.get(
    "/transfers/batches/{batch_id}/file.csv",
    response={**errors(403, 404, 409)},
    openapi_extra=_binary("text/csv"),
    summary="The same transfers as CSV (CP949, as Korean banks read it)",
)
def batch_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    return _file_response(request, batch_id, "csv")


def _confirmation_out(request: HttpRequest, done: transfers.Confirmation) -> dict[str, Any]:
    return {
        "batch": selectors.transfer_batch_get(store=request_store(request), batch_id=done.batch.pk),
        "paid": list(done.paid),
        "failed": list(done.failed),
        "unchanged": list(done.unchanged),
        "missing": list(done.missing),
        "unexpected": [
            {
                "row": row.row,
                "account_number_masked": row.account_masked,
                "amount": row.amount,
                "succeeded": row.succeeded,
            }
            for row in done.unexpected
        ],
    }


@router.post(
    "/transfers/batches/{batch_id}/confirm",
    response={200: TransferConfirmOut, **errors(403, 404, 409, 422)},
    summary="Record which transfers the bank paid and which failed (409 once confirmed)",
)
def confirm_batch(request: HttpRequest, batch_id: int, payload: TransferConfirmIn) -> Any:
    batch = selectors.transfer_batch_get(store=request_store(request), batch_id=batch_id)
    done = transfers.transfer_batch_confirm(
        batch=batch,
        paid=payload.paid,
        failed=[(item.refund_id, item.reason) for item in payload.failed],
        actor=request_actor(request),
        now=timezone.now(),
    )
    return _confirmation_out(request, done)


def result_file_max_bytes() -> int:
    return int(getattr(settings, "BANPUM_TRANSFER_RESULT_MAX_BYTES", RESULT_FILE_MAX_BYTES))


@router.post(
    "/transfers/batches/{batch_id}/confirm/file",
    response={200: TransferConfirmOut, **errors(403, 404, 409, 413, 422)},
    summary="Confirm from the bank's result file (.xlsx or CSV, 성공/실패 per row)",
)
def confirm_batch_file(request: HttpRequest, batch_id: int, file: File[UploadedFile]) -> Any:
    batch = selectors.transfer_batch_get(store=request_store(request), batch_id=batch_id)
    _require(request, Capability.TRANSFERS_MANAGE)
    limit = result_file_max_bytes()
    if (file.size or 0) > limit:
        raise settlement_errors.TRANSFER_FILE_TOO_LARGE(limit=limit, extra={"limit": limit})
    done = transfers.transfer_batch_confirm_file(
        batch=batch,
        content=file.read(limit + 1),
        actor=request_actor(request),
        now=timezone.now(),
    )
    return _confirmation_out(request, done)
