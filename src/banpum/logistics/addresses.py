"""The two ends of a return parcel as one ``Address`` type: the sender's and the store's.

The return address falls back field by field from the carrier account (a contract may name
its own return centre) to the store's, in this one place, for bookings, instructions and labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from banpum.integrations.carriers.base import Address

if TYPE_CHECKING:
    from banpum.commerce.models import Store
    from banpum.logistics.models import CarrierAccount, Pickup

__all__ = ["Address", "address_line", "pickup_address", "return_address"]


def return_address(*, store: Store, account: CarrierAccount | None = None) -> Address:
    """Where the parcel goes back to: the account's return address, else the store's."""
    return Address(
        name=(account.return_name if account else "") or store.return_address_name or store.name,
        phone=(account.return_phone if account else "") or store.return_address_phone,
        postcode=(account.return_postcode if account else "") or store.return_address_postcode,
        address1=(account.return_address1 if account else "") or store.return_address_line1,
        address2=(account.return_address2 if account else "") or store.return_address_line2,
    )


def pickup_address(pickup: Pickup) -> Address:
    """Where the driver collects the parcel."""
    return Address(
        pickup.contact_name, pickup.contact_phone, pickup.postcode, pickup.address1, pickup.address2
    )


def address_line(address: Address) -> str:
    """``(17383) 경기도 이천시 … B동`` on one line."""
    parts = (
        f"({address.postcode})" if address.postcode else "",
        address.address1,
        address.address2,
    )
    return " ".join(part for part in parts if part)
