"""Existing pickups: their carrier, a parcel per waybill, and what the carrier heard of a cancel."""

from typing import Any

from django.db import migrations

OPEN = ("requested", "accepted", "picked_up", "in_transit", "exception")


def _sender(return_request: Any) -> str:
    if return_request.customer_id:
        return f"customer:{return_request.customer_id}"
    digits = "".join(ch for ch in return_request.order.shipping_phone if ch.isdigit())
    return f"phone:{digits}" if digits else f"order:{return_request.order_id}"


def forwards(apps: Any, schema_editor: Any) -> None:
    Pickup = apps.get_model("logistics", "Pickup")
    Parcel = apps.get_model("logistics", "Parcel")
    TrackingEvent = apps.get_model("logistics", "TrackingEvent")
    parcels: dict[tuple[int, str], Any] = {}
    pickups = Pickup.objects.select_related(
        "account", "return_request__order"
    ).order_by("id")
    for pickup in pickups:
        pickup.carrier_id = pickup.account.carrier_id
        if pickup.status == "cancelled":
            if pickup.cancel_confirmed:
                pickup.cancel_state = "confirmed"
            elif pickup.next_attempt_at is not None:
                pickup.cancel_state = "requested"
            elif pickup.last_error.startswith("cancel:"):
                pickup.cancel_state = "failed"
                pickup.cancel_error = pickup.last_error[:500]
            else:
                pickup.cancel_state = "not_needed"
        if pickup.waybill_number:
            key = (pickup.carrier_id, pickup.waybill_number)
            parcel = parcels.get(key)
            if parcel is None:
                parcel = parcels[key] = Parcel.objects.create(
                    store_id=pickup.account.store_id,
                    carrier_id=pickup.carrier_id,
                    tracking_number=pickup.waybill_number,
                    sender_key=_sender(pickup.return_request),
                    is_open=False,
                    created_at=pickup.requested_at,
                )
            pickup.parcel_id = parcel.pk
            if pickup.status in OPEN and not parcel.is_open:
                # The newest open pickup of a number keeps it open; older ones share it.
                Parcel.objects.filter(
                    carrier_id=parcel.carrier_id,
                    tracking_number=parcel.tracking_number,
                    is_open=True,
                ).update(is_open=False)
                parcel.is_open = True
                parcel.save(update_fields=["is_open"])
        pickup.save(
            update_fields=["carrier", "cancel_state", "cancel_error", "parcel"]
        )
        if pickup.parcel_id:
            TrackingEvent.objects.filter(pickup_id=pickup.pk).update(parcel_id=pickup.parcel_id)


class Migration(migrations.Migration):
    dependencies = [("logistics", "0005_parcels_and_pickup_transitions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
