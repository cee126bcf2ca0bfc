"""Turn returns into label data for ``labels.render_labels``: the ORM side of label printing."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from banpum.core.errors import ValidationFailed
from banpum.logistics.labels import LabelItem, LabelParty, ReturnLabel, render_labels
from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus
from banpum.returns.models import ReturnRequest

FARE_LABELS = {"prepaid": "선불", "collect": "착불", "credit": "신용"}


def _label_for(return_request: ReturnRequest) -> ReturnLabel:
    store = return_request.store
    order = return_request.order
    pickup: Pickup | None = (
        return_request.pickups.exclude(status=PickupStatus.CANCELLED)
        .select_related("account__carrier")
        .order_by("-id")
        .first()
    )
    account: CarrierAccount | None = (
        pickup.account
        if pickup
        else CarrierAccount.objects.filter(store=store, is_active=True)
        .select_related("carrier")
        .order_by("-is_default", "id")
        .first()
    )
    carrier = account.carrier if account else None
    waybill = pickup.waybill_number if pickup else ""
    tracking_url = (
        carrier.tracking_url.replace("{tracking_number}", waybill)
        if carrier and carrier.tracking_url and waybill
        else f"https://tracker.delivery/#/{carrier.code if carrier else ''}/{waybill}"
        if waybill
        else ""
    ) or f"banpum:return:{return_request.number}"
    return ReturnLabel(
        return_number=return_request.number or "",
        waybill_number=waybill,
        carrier_name=carrier.name_ko if carrier else "",
        carrier_code=carrier.code if carrier else "",
        tracking_url=tracking_url,
        sender=LabelParty(
            name=(pickup.contact_name if pickup else order.shipping_name) or "",
            phone=(pickup.contact_phone if pickup else order.shipping_phone) or "",
            postcode=(pickup.postcode if pickup else order.shipping_postcode) or "",
            address1=(pickup.address1 if pickup else order.shipping_address1) or "",
            address2=(pickup.address2 if pickup else order.shipping_address2) or "",
        ),
        receiver=LabelParty(
            name=(account.return_name if account else "")
            or store.return_address_name
            or store.name,
            phone=(account.return_phone if account else "") or store.return_address_phone,
            postcode=(account.return_postcode if account else "") or store.return_address_postcode,
            address1=(account.return_address1 if account else "") or store.return_address_line1,
            address2=(account.return_address2 if account else "") or store.return_address_line2,
        ),
        items=tuple(
            LabelItem(name=line.order_line.name, quantity=line.quantity, sku=line.order_line.sku)
            for line in return_request.lines.select_related("order_line")
        ),
        box_count=pickup.box_count if pickup else 1,
        box_size=pickup.box_size if pickup else "",
        fare_type=FARE_LABELS.get(pickup.fare_type if pickup else "", ""),
        memo=pickup.memo if pickup else "",
        order_number=order.channel_order_number,
        store_name=store.name,
        created_on=timezone.localdate(),
    )


def labels_pdf(returns: Sequence[ReturnRequest], *, layout: str = "A6") -> bytes:
    if layout not in ("A6", "A4"):
        raise ValidationFailed.for_fields({"layout": ["Choose A6 or A4."]})
    if not returns:
        raise ValidationFailed.for_fields({"numbers": ["Choose at least one return."]})
    return render_labels([_label_for(rr) for rr in returns], layout=layout)  # type: ignore[arg-type]
