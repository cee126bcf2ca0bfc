"""/api/v1: a return's refunds, refund queues, goodwill, fees, store credit, payment settings."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.core.api_context import request_actor
from banpum.core.pagination import Pages
from banpum.core.schemas import errors
from banpum.returns.models import FeeSettlement, ReturnRequest
from banpum.returns.selectors import return_request_get
from banpum.settlement import facts, selectors, texts
from banpum.settlement.breakdown import refund_breakdown
from banpum.settlement.models import PaymentProvider, Refund, RefundReason
from banpum.settlement.schemas import (
    FeeSettleIn,
    FeeSettlementOut,
    FeeWaiveIn,
    GoodwillIn,
    PaymentAccountIn,
    PaymentAccountOut,
    RedeemIn,
    RefundDetailOut,
    ReturnRefundsOut,
    StoreCreditEntryOut,
    StoreCreditOut,
)
from banpum.settlement.services import fees, intents, payment_account, sending, store_credit

router = Router(tags=["settlement"])


def _require(request: HttpRequest, capability: Capability) -> None:
    actor_require(request_actor(request), request_store(request).pk, capability)


def _return_refunds(return_request: ReturnRequest) -> dict[str, Any]:
    result = refund_breakdown(facts.breakdown_input(return_request))
    return {
        "number": return_request.number or "",
        "breakdown": texts.breakdown_words(result.as_json()),
        "total": result.total,
        "refunds": selectors.refunds_for_return(return_request=return_request),
    }


@router.get(
    "/returns/{number}/refunds",
    response={200: ReturnRefundsOut, **errors(403, 404)},
    summary="A return's refund breakdown and its refunds",
)
def return_refunds(request: HttpRequest, number: str) -> dict[str, Any]:
    _require(request, Capability.REFUND_MANAGE)
    return _return_refunds(return_request_get(store=request_store(request), number=number))


class QueueQuery(Schema):
    state: selectors.RefundQueue = selectors.RefundQueue.ALL


@router.get(
    "/refunds",
    response={200: list[RefundDetailOut], **errors(403, 422)},
    summary="Refund queues: due soon, late, failed, awaiting transfer, all",
)
@paginate(Pages, ordering=("-id",))
def list_refunds(request: HttpRequest, filters: Query[QueueQuery]) -> Any:
    _require(request, Capability.REFUND_MANAGE)
    queryset = selectors.refund_list(
        store=request_store(request), queue=filters.state, now=timezone.now()
    )
    return queryset


@router.get(
    "/refunds/{refund_id}",
    response={200: RefundDetailOut, **errors(403, 404)},
    summary="One refund",
)
def get_refund(request: HttpRequest, refund_id: int) -> Refund:
    _require(request, Capability.REFUND_MANAGE)
    return selectors.refund_get(store=request_store(request), refund_id=refund_id)


@router.post(
    "/refunds/{refund_id}/retry",
    response={200: RefundDetailOut, **errors(403, 404, 409)},
    summary="Send a failed refund again after fixing its cause",
)
def retry_refund(request: HttpRequest, refund_id: int) -> Refund:
    store = request_store(request)
    refund = selectors.refund_get(store=store, refund_id=refund_id)
    sending.refund_retry(refund=refund, actor=request_actor(request), now=timezone.now())
    return selectors.refund_get(store=store, refund_id=refund_id)


@router.post(
    "/returns/{number}/refunds/goodwill",
    response={201: RefundDetailOut, **errors(403, 404, 409, 422)},
    summary="A goodwill refund with a reason (manager); never above what was paid",
)
def goodwill_refund(request: HttpRequest, number: str, payload: GoodwillIn) -> Status[Any]:
    store = request_store(request)
    return_request = return_request_get(store=store, number=number)
    refund = intents.refund_goodwill(
        return_request=return_request,
        amount=payload.amount,
        reason=RefundReason(payload.reason),
        note=payload.note,
        actor=request_actor(request),
        now=timezone.now(),
    )
    return Status(201, selectors.refund_get(store=store, refund_id=refund.pk))


def _fee_out(return_request: ReturnRequest) -> dict[str, Any]:
    return {
        "number": return_request.number or "",
        "status": return_request.status,
        "fee_settlement": return_request.fee_settlement,
        "fee_amount": return_request.fee_amount,
    }


@router.post(
    "/returns/{number}/fee/waive",
    response={200: FeeSettlementOut, **errors(403, 404, 409, 422)},
    summary="Waive an outstanding return fee (manager); the return completes if it only waited",
)
def waive_fee(request: HttpRequest, number: str, payload: FeeWaiveIn) -> dict[str, Any]:
    return_request = return_request_get(store=request_store(request), number=number)
    return _fee_out(
        fees.return_fee_waive(
            return_request=return_request,
            reason=payload.reason,
            actor=request_actor(request),
            now=timezone.now(),
        )
    )


@router.post(
    "/returns/{number}/fee/settle",
    response={200: FeeSettlementOut, **errors(403, 404, 409, 422)},
    summary="Record an outstanding return fee paid later",
)
def settle_fee(request: HttpRequest, number: str, payload: FeeSettleIn) -> dict[str, Any]:
    return_request = return_request_get(store=request_store(request), number=number)
    return _fee_out(
        fees.return_fee_settle_later(
            return_request=return_request,
            how=FeeSettlement(payload.how),
            note=payload.note,
            actor=request_actor(request),
            now=timezone.now(),
        )
    )


@router.get(
    "/customers/{customer_id}/store-credit",
    response={200: StoreCreditOut, **errors(403, 404)},
    summary="A customer's store-credit balance",
)
def store_credit_get(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    _require(request, Capability.STORE_CREDIT_MANAGE)
    customer = selectors.customer_get(store=request_store(request), customer_id=customer_id)
    return {
        "customer_id": customer.pk,
        "balance": selectors.store_credit_balance(customer=customer),
    }


@router.get(
    "/customers/{customer_id}/store-credit/entries",
    response={200: list[StoreCreditEntryOut], **errors(403, 404, 422)},
    summary="A customer's store-credit entries, newest first",
)
@paginate(Pages, ordering=("-id",))
def store_credit_entries(request: HttpRequest, customer_id: int) -> Any:
    _require(request, Capability.STORE_CREDIT_MANAGE)
    customer = selectors.customer_get(store=request_store(request), customer_id=customer_id)
    return selectors.store_credit_entries(customer=customer)


@router.post(
    "/customers/{customer_id}/store-credit/redeem",
    response={201: StoreCreditEntryOut, **errors(403, 404, 409, 422)},
    summary="Spend store credit; 409 when the balance is short",
)
def store_credit_redeem(request: HttpRequest, customer_id: int, payload: RedeemIn) -> Status[Any]:
    customer = selectors.customer_get(store=request_store(request), customer_id=customer_id)
    entry = store_credit.store_credit_redeem(
        customer=customer,
        amount=payload.amount,
        reference=payload.reference,
        actor=request_actor(request),
        now=timezone.now(),
    )
    return Status(201, entry)


@router.put(
    "/settings/payment-account",
    response={200: PaymentAccountOut, **errors(403, 422)},
    summary="Set the payment gateway account (the secret key is write-only)",
)
def set_payment_account(request: HttpRequest, payload: PaymentAccountIn) -> dict[str, Any]:
    account = payment_account.payment_account_set(
        store=request_store(request),
        provider=PaymentProvider(payload.provider),
        base_url=payload.base_url,
        secret_key=payload.secret_key,
        actor=request_actor(request),
        now=timezone.now(),
    )
    return {
        "provider": account.provider,
        "base_url": account.base_url,
        "is_active": account.is_active,
        "secret_key_set": bool(account.secret_key),
    }
