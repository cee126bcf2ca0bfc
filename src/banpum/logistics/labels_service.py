"""Return labels for returns: which returns may have one, and what it says (the ORM side).

A label is a courier's instruction to carry a parcel, so one is issued only while the return
has a live pickup or waybill (see ``selectors.LABEL_PICKUP_STATUSES``) and its parcel is on the
way back; a rejected or cancelled return gets none (409). Everything printed comes from rows
already stored: the carrier's sorting code and terminal were fetched after booking
(``services.label_codes``), so printing never waits on the carrier.
"""

from __future__ import annotations

from collections.abc import Sequence

from banpum.commerce.models import Store
from banpum.core.errors import Conflict
from banpum.logistics import errors
from banpum.logistics.addresses import return_address
from banpum.logistics.labels import (
    BOX_SIZE_LABELS,
    LabelItem,
    LabelParty,
    ReturnLabel,
    render_labels,
)
from banpum.logistics.models import CarrierAccount, Pickup
from banpum.logistics.selectors import returns_for_labels
from banpum.policy.deadlines import local_date
from banpum.returns.models import ReturnRequest, ReturnStatus

FARE_LABELS = {"prepaid": "선불", "collect": "착불", "credit": "신용"}
LAYOUTS = ("A6", "A4")
# The parcel is (to be) on its way to the warehouse: the only time a label is of use.
LABEL_RETURN_STATUSES = (
    ReturnStatus.PICKUP_REQUESTED,
    ReturnStatus.AWAITING_SHIPMENT,
    ReturnStatus.IN_TRANSIT,
)


def box_size_label(account: CarrierAccount | None, code: str) -> str:
    """The box size as the label says it: the account's own label, else 극소/소/중/대/특대."""
    for box in (account.box_sizes if account else None) or []:
        if isinstance(box, dict) and box.get("code") == code and box.get("label"):
            return str(box["label"])
    return BOX_SIZE_LABELS.get(code.strip().lower(), code)


def label_pickup(return_request: ReturnRequest) -> Pickup:
    """The pickup a return's label is for; ``Conflict`` when the return may have no label.

    Needs ``return_request`` from ``selectors.returns_for_labels`` (its ``label_pickups``).
    """
    number = return_request.number or ""
    if return_request.status not in LABEL_RETURN_STATUSES:
        raise errors.LABEL_NOT_AVAILABLE(
            number=number,
            status=return_request.get_status_display(),
            extra={"number": number, "status": return_request.status},
        )
    pickups: list[Pickup] = getattr(return_request, "label_pickups", [])
    if not pickups:
        raise errors.LABEL_NO_PICKUP(
            number=number,
            extra={"number": number, "status": return_request.status},
        )
    return pickups[0]


def _label_for(return_request: ReturnRequest) -> ReturnLabel:
    pickup = label_pickup(return_request)
    store = return_request.store
    order = return_request.order
    account = pickup.account
    carrier = pickup.carrier
    returns_to = return_address(store=store, account=account)
    waybill = pickup.waybill_number
    tracking_url = (
        carrier.tracking_url.replace("{tracking_number}", waybill)
        if carrier.tracking_url and waybill
        else f"https://tracker.delivery/#/{carrier.code}/{waybill}"
        if waybill
        else ""
    ) or f"banpum:return:{return_request.number}"
    booked_at = pickup.accepted_at or pickup.requested_at
    return ReturnLabel(
        return_number=return_request.number or "",
        waybill_number=waybill,
        carrier_name=carrier.name_ko,
        carrier_code=carrier.code,
        tracking_url=tracking_url,
        sender=LabelParty(
            name=pickup.contact_name or order.shipping_name or "",
            phone=pickup.contact_phone or order.shipping_phone or "",
            postcode=pickup.postcode or "",
            address1=pickup.address1 or "",
            address2=pickup.address2 or "",
        ),
        receiver=LabelParty(
            name=returns_to.name,
            phone=returns_to.phone,
            postcode=returns_to.postcode,
            address1=returns_to.address1,
            address2=returns_to.address2,
        ),
        items=tuple(
            LabelItem(name=line.order_line.name, quantity=line.quantity, sku=line.order_line.sku)
            for line in return_request.lines.all()
        ),
        box_count=pickup.box_count,
        box_size=box_size_label(account, pickup.box_size),
        fare_type=FARE_LABELS.get(pickup.fare_type, ""),
        memo=pickup.memo,
        sorting_code=pickup.sorting_code,
        terminal=pickup.terminal,
        order_number=order.channel_order_number,
        store_name=store.name,
        created_on=local_date(booked_at, store.timezone) if booked_at else None,
    )


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise errors.LABEL_LAYOUT_INVALID.field("layout")


def _render(returns: Sequence[ReturnRequest], layout: str) -> bytes:
    refused = []
    labels = []
    for return_request in returns:
        try:
            labels.append(_label_for(return_request))
        except Conflict as error:
            refused.append(error)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        raise Conflict(
            errors.LABELS_REFUSED.render(
                count=len(refused),
                numbers=", ".join(str(error.extra["number"]) for error in refused),
            ),
            code=refused[0].code,
            extra={"refused": [error.extra for error in refused]},
        )
    return render_labels(labels, layout=layout)  # type: ignore[arg-type]


def return_labels_pdf(*, store: Store, numbers: Sequence[str], layout: str = "A6") -> bytes:
    """One PDF of the labels of the store's returns ``numbers`` (batch printing)."""
    _check_layout(layout)
    if not numbers:
        raise errors.LABEL_NUMBERS_EMPTY.field("numbers")
    returns = returns_for_labels(store=store, numbers=numbers)
    missing = sorted(set(numbers) - {rr.number for rr in returns})
    if missing:
        raise errors.RETURNS_NOT_FOUND(numbers=", ".join(missing), extra={"numbers": missing})
    return _render(returns, layout)


def labels_pdf(returns: Sequence[ReturnRequest], *, layout: str = "A6") -> bytes:
    """The labels of ``returns`` (already scoped to the caller's store) as one PDF."""
    _check_layout(layout)
    if not returns:
        raise errors.LABEL_NUMBERS_EMPTY.field("numbers")
    return _render(returns_for_labels(ids=[rr.pk for rr in returns]), layout)
