"""Exchange commands: choose the replacement, reserve it after inspection, ship it, or refund.

Stock moves only through ``warehouse.stock.stock_move`` (RESERVE, RELEASE, SHIP), each in the
transaction that changes the exchange and the return, so the ledger never holds a reservation
nobody owns. The replacement's parcel is an ``OutboundShipment`` booked by a logistics job;
its booking answer comes back through ``logistics.hooks`` (``exchange_shipment_booked``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Product
from banpum.commerce.selectors import product_is_variant_of
from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError, ValidationFailed
from banpum.logistics.hooks import SwapItem
from banpum.logistics.models import OutboundKind, OutboundShipment, OutboundStatus
from banpum.logistics.services.outbound import outbound_shipment_cancel, outbound_shipment_request
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as RS
from banpum.returns.services import return_complete_if_settled
from banpum.returns.transitions import Action, Move, return_transition, return_transition_allowed
from banpum.settlement import errors
from banpum.settlement.exchanges.transitions import ExchangeAction, exchange_transition
from banpum.settlement.models import Exchange, ExchangeLine, ExchangeStatus
from banpum.settlement.services.intents import refund_for_return
from banpum.warehouse.models import MovementKind
from banpum.warehouse.stock import StockChange, stock_available, stock_location, stock_move

logger = logging.getLogger(__name__)

OUT_OF_STOCK = "out_of_stock"


@dataclass(frozen=True)
class LineChoice:
    return_line_id: int
    replacement_sku: str
    quantity: int


def _exchange_fee(return_request: ReturnRequest) -> int:
    """The buyer's exchange fee as the policy decided it; nothing on the seller's fault."""
    return int(return_request.fee_amount) if return_request.fee_payer == "buyer" else 0


def _lock_return(return_request: ReturnRequest) -> ReturnRequest:
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if locked.type != "exchange":
        raise errors.EXCHANGE_NOT_AN_EXCHANGE(number=locked.number or "-")
    return locked


def _exchange_for(return_request: ReturnRequest, now: dt.datetime) -> Exchange:
    exchange, _ = Exchange.objects.get_or_create(
        return_request=return_request,
        defaults={
            "fee_amount": _exchange_fee(return_request),
            "created_at": now,
            "updated_at": now,
        },
    )
    return exchange


def _validated_lines(
    return_request: ReturnRequest, choices: Sequence[LineChoice]
) -> list[tuple[int, Product, int]]:
    """Every problem at once, by ``lines.N.field`` path, as the API reports fields."""
    if not choices:
        raise errors.EXCHANGE_NO_LINES.field("lines")
    lines = {
        line.pk: line
        for line in return_request.lines.select_related("order_line__product").order_by("id")
    }
    products = {
        p.sku: p
        for p in Product.objects.filter(
            store_id=return_request.store_id, sku__in=[c.replacement_sku for c in choices]
        )
    }
    fields: dict[str, list[str]] = {}
    seen: set[int] = set()
    valid: list[tuple[int, Product, int]] = []
    for index, choice in enumerate(choices):
        path = f"lines.{index}"
        line = lines.get(choice.return_line_id)
        if line is None:
            message = errors.EXCHANGE_UNKNOWN_LINE.render(line=choice.return_line_id)
            fields[f"{path}.return_line_id"] = [message]
            continue
        if choice.return_line_id in seen:
            message = errors.EXCHANGE_LINE_TWICE.render(line=choice.return_line_id)
            fields[f"{path}.return_line_id"] = [message]
            continue
        seen.add(choice.return_line_id)
        if choice.quantity > line.quantity:
            message = errors.EXCHANGE_QUANTITY_ABOVE_LINE.render(maximum=line.quantity)
            fields[f"{path}.quantity"] = [message]
        product = products.get(choice.replacement_sku)
        ordered = line.order_line.product
        if product is None:
            message = errors.EXCHANGE_UNKNOWN_SKU.render(sku=choice.replacement_sku)
            fields[f"{path}.replacement_sku"] = [message]
        elif ordered is None or not product_is_variant_of(product, ordered):
            message = errors.EXCHANGE_NOT_A_VARIANT.render(
                sku=product.sku, product=ordered.sku if ordered else line.order_line.sku
            )
            fields[f"{path}.replacement_sku"] = [message]
        elif choice.quantity <= line.quantity:
            valid.append((line.pk, product, choice.quantity))
    if fields:
        raise ValidationFailed.for_fields(fields)
    return valid


def exchange_choose(
    *,
    return_request: ReturnRequest,
    lines: Sequence[LineChoice | tuple[int, str, int]],
    actor: Actor,
    now: dt.datetime,
) -> Exchange:
    """Set what goes back to the customer: per return line, the same product or a sibling
    variant of the same store, up to the line's quantity. Possible until it is reserved."""
    actor_require(actor, return_request.store_id, Capability.EXCHANGE_MANAGE)
    choices = [c if isinstance(c, LineChoice) else LineChoice(*c) for c in lines]
    with transaction.atomic():
        locked = _lock_return(return_request)
        exchange = _exchange_for(locked, now)
        if exchange.status != ExchangeStatus.REQUESTED:
            raise errors.EXCHANGE_LINES_FIXED(number=locked.number or "-")
        valid = _validated_lines(locked, choices)
        exchange.lines.all().delete()
        ExchangeLine.objects.bulk_create(
            ExchangeLine(exchange=exchange, return_line_id=line_id, replacement=product, quantity=q)
            for line_id, product, q in valid
        )
        exchange.updated_at = now
        exchange.save(update_fields=["updated_at"])
        if locked.status == RS.EXCHANGE_PENDING:
            # The return waits for stock: a choice in stock goes out now, one that is not
            # is refused (409) so CS can pick another variant or refund instead.
            for line in exchange.lines.select_related("replacement"):
                available = stock_available(line.replacement)
                if available < line.quantity:
                    raise errors.EXCHANGE_OUT_OF_STOCK(
                        sku=line.replacement.sku,
                        available=available,
                        wanted=line.quantity,
                        extra={"sku": line.replacement.sku, "available": available},
                    )
            exchange = exchange_start(return_request=locked, actor=actor, now=now)
    return exchange


def _default_lines(exchange: Exchange) -> None:
    """Nothing chosen by CS: the variant the customer asked for (checked when the return was
    opened), else the same product again, for every line of the return."""
    if exchange.lines.exists():
        return
    wanted = [
        (line, line.replacement_id or line.order_line.product_id)
        for line in exchange.return_request.lines.select_related("order_line").order_by("id")
    ]
    ExchangeLine.objects.bulk_create(
        ExchangeLine(
            exchange=exchange,
            return_line=line,
            replacement_id=product_id,
            quantity=line.quantity,
        )
        for line, product_id in wanted
        if product_id is not None
    )


def _reserve(exchange: Exchange, actor: Actor, now: dt.datetime) -> dict[str, object] | None:
    """Reserve every line, all or nothing; on a shortage the reason, else None."""
    location = stock_location(exchange.return_request.store)
    reference = f"{exchange.return_request.number}-X"
    sku, wanted = "", 0
    try:
        with transaction.atomic():
            for line in exchange.lines.select_related("replacement").order_by("id"):
                sku, wanted = line.replacement.sku, line.quantity - line.reserved
                if wanted <= 0:
                    continue
                stock_move(
                    product=line.replacement,
                    location=location,
                    change=StockChange(MovementKind.RESERVE, reserved=wanted, reference=reference),
                    actor=actor,
                    now=now,
                )
                line.reserved = line.quantity
                line.save(update_fields=["reserved"])
    except ApplicationError as error:
        if error.code != "stock_not_enough":
            raise
        return {"sku": sku, "wanted": wanted, "available": error.extra.get("available", 0)}
    return None


def _release(exchange: Exchange, actor: Actor, now: dt.datetime) -> None:
    location = stock_location(exchange.return_request.store)
    reference = f"{exchange.return_request.number}-X"
    for line in exchange.lines.select_related("replacement").filter(reserved__gt=0):
        stock_move(
            product=line.replacement,
            location=location,
            change=StockChange(MovementKind.RELEASE, reserved=-line.reserved, reference=reference),
            actor=actor,
            now=now,
        )
        line.reserved = 0
        line.save(update_fields=["reserved"])


def _ship_stock(exchange: Exchange, actor: Actor, now: dt.datetime) -> None:
    location = stock_location(exchange.return_request.store)
    reference = f"{exchange.return_request.number}-X"
    for line in exchange.lines.select_related("replacement").filter(reserved__gt=0):
        stock_move(
            product=line.replacement,
            location=location,
            change=StockChange(
                MovementKind.SHIP,
                on_hand=-line.reserved,
                reserved=-line.reserved,
                reference=reference,
            ),
            actor=actor,
            now=now,
        )
        line.reserved = 0
        line.save(update_fields=["reserved"])


def exchange_start(*, return_request: ReturnRequest, actor: Actor, now: dt.datetime) -> Exchange:
    """After inspection: reserve the replacement and book its parcel, in one transaction with
    START_EXCHANGE. Out of stock: the return waits in exchange_pending, the exchange stays
    requested with the reason; calling again (stock came in) retries the reservation.
    A swap (맞교환) has shipped already: SHIP_EXCHANGE from inspected, then COMPLETE.
    """
    with transaction.atomic():
        locked = _lock_return(return_request)
        exchange = _exchange_for(locked, now)
        if exchange.swap and exchange.status == ExchangeStatus.RESERVED:
            # The goods are back, so the driver came: the replacement went with them.
            _ship_stock(exchange, actor, now)
            exchange = exchange_transition(
                exchange=exchange, action=ExchangeAction.SHIP, actor=actor, now=now
            )
        if exchange.status == ExchangeStatus.SHIPPED:
            if locked.status == RS.INSPECTED:
                locked = return_transition(
                    return_request=locked,
                    action=Action.SHIP_EXCHANGE,
                    actor=actor,
                    move=Move(data={"swap": exchange.swap}),
                    now=now,
                )
                return_complete_if_settled(return_request=locked, actor=actor, now=now)
            return exchange
        if exchange.status != ExchangeStatus.REQUESTED:
            return exchange  # reserved or on its way already
        _default_lines(exchange)
        shortage = _reserve(exchange, actor, now)
        if locked.status == RS.INSPECTED:
            data: dict[str, object] = {"cause": OUT_OF_STOCK, **shortage} if shortage else {}
            locked = return_transition(
                return_request=locked,
                action=Action.START_EXCHANGE,
                actor=actor,
                move=Move(data=data),
                now=now,
            )
        if shortage:
            exchange.waiting_reason, exchange.waiting_detail = OUT_OF_STOCK, shortage
            exchange.updated_at = now
            exchange.save(update_fields=["waiting_reason", "waiting_detail", "updated_at"])
            return exchange
        exchange = exchange_transition(
            exchange=exchange,
            action=ExchangeAction.RESERVE,
            actor=actor,
            now=now,
            changes={"waiting_reason": "", "waiting_detail": {}},
        )
        shipment = outbound_shipment_request(
            return_request=locked,
            kind=OutboundKind.EXCHANGE,
            actor=actor,
            now=now,
            items=[
                {
                    "sku": line.replacement.sku,
                    "name": line.replacement.name,
                    "quantity": line.quantity,
                }
                for line in exchange.lines.select_related("replacement").order_by("id")
            ],
        )
        return exchange_transition(
            exchange=exchange,
            action=ExchangeAction.BOOK_SHIPMENT,
            actor=actor,
            now=now,
            changes={"shipment": shipment},
            data={"shipment_id": shipment.pk},
        )


def exchange_shipment_booked(
    *, shipment: OutboundShipment, actor: Actor, now: dt.datetime
) -> Exchange | None:
    """The replacement's waybill is issued (inside the booking's transaction): the reserved
    stock ships, the return moves to exchange_shipped and completes unless a fee is owed."""
    if shipment.kind != OutboundKind.EXCHANGE:
        return None
    exchange = Exchange.objects.filter(shipment=shipment).first()
    if exchange is None or exchange.status != ExchangeStatus.SHIPPING:
        return exchange
    _ship_stock(exchange, actor, now)
    exchange = exchange_transition(
        exchange=exchange,
        action=ExchangeAction.SHIP,
        actor=actor,
        now=now,
        data={"waybill_number": shipment.waybill_number},
    )
    return_request = ReturnRequest.objects.get(pk=shipment.return_request_id)
    if return_transition_allowed(return_request.status, Action.SHIP_EXCHANGE):
        return_request = return_transition(
            return_request=return_request,
            action=Action.SHIP_EXCHANGE,
            actor=actor,
            move=Move(data={"shipment_id": shipment.pk, "waybill_number": shipment.waybill_number}),
            now=now,
        )
        return_complete_if_settled(return_request=return_request, actor=actor, now=now)
    return exchange


def exchange_convert_to_refund(
    *, return_request: ReturnRequest, consent_note: str, actor: Actor, now: dt.datetime
) -> Exchange:
    """No replacement can go out: refund instead, with the customer's consent written down.

    Releases the reservations, stops a parcel not yet booked, moves the return to
    refund_pending (START_REFUND needs the note) and starts the refund.
    """
    actor_require(actor, return_request.store_id, Capability.EXCHANGE_MANAGE)
    # Money goes out instead of goods: the refund's right too, checked before anything moves.
    actor_require(actor, return_request.store_id, Capability.REFUND_MANAGE)
    if not consent_note.strip():
        raise errors.EXCHANGE_CONSENT_MISSING.field("consent_note")
    with transaction.atomic():
        locked = _lock_return(return_request)
        exchange = _exchange_for(locked, now)
        shipment = exchange.shipment
        if shipment is not None and shipment.status in (
            OutboundStatus.REQUESTED,
            OutboundStatus.BOOKED,
        ):
            outbound_shipment_cancel(shipment=shipment, actor=actor, now=now)
        exchange = exchange_transition(
            exchange=exchange,
            action=ExchangeAction.CONVERT_TO_REFUND,
            actor=actor,
            now=now,
            note=consent_note.strip(),
        )
        _release(exchange, actor, now)
        # START_REFUND from exchange_pending needs the consent as its note.
        refund_for_return(return_request=locked, actor=actor, now=now, note=consent_note.strip())
    return exchange


def exchange_swap_reserve(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime
) -> list[SwapItem]:
    """At approval, for a carrier that swaps at the door (맞교환): reserve the replacement and
    name it for the pickup, or nothing (not an exchange, already reserved, out of stock)."""
    if return_request.type != "exchange":
        return []
    with transaction.atomic():
        exchange = _exchange_for(return_request, now)
        if exchange.status != ExchangeStatus.REQUESTED:
            return []
        _default_lines(exchange)
        if _reserve(exchange, actor, now) is not None:
            return []
        exchange = exchange_transition(
            exchange=exchange,
            action=ExchangeAction.RESERVE,
            actor=actor,
            now=now,
            changes={"swap": True},
            data={"swap": True},
        )
        return [
            SwapItem(line.replacement.sku, line.replacement.name, line.quantity)
            for line in exchange.lines.select_related("replacement").order_by("id")
        ]
