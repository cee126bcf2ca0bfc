"""The office's reads of its own rows and of a return's personal data, masked unless revealed.

``personal_data_of`` is the one place that turns a return's contact details into text for a
page: each value is masked unless its kind was revealed (and logged) in this request, so a
template never holds a full value it should not show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from banpum.commerce.models import Product, SalesChannel, Store
from banpum.core.crypto import Secret
from banpum.integrations.banks.codes import bank_get
from banpum.logistics.models import Pickup
from banpum.office.formatting import address_masked, email_masked, phone_masked
from banpum.office.models import DataKind, PersonalDataAccess
from banpum.returns.models import ReturnRequest
from banpum.settlement.models import RefundAccount
from banpum.settlement.selectors import refund_account_current


@dataclass(frozen=True)
class DataRow:
    kind: str
    label: str
    text: str
    revealed: bool


@dataclass(frozen=True)
class PersonalData:
    rows: list[DataRow]
    revealed: frozenset[str] = frozenset()
    refund_account: RefundAccount | None = None
    kinds_present: frozenset[str] = field(default_factory=frozenset)


def _address(postcode: str, address1: str, address2: str) -> tuple[str, str]:
    full = " ".join(
        part for part in (f"({postcode})" if postcode else "", address1, address2) if part
    )
    return full, address_masked(address1)


def _account_text(account: RefundAccount, *, revealed: bool) -> tuple[str, str]:
    """(full, masked); the number is decrypted into text only when it is to be shown."""
    bank = bank_get(account.bank_code)
    name = bank.name() if bank is not None else account.bank_code
    masked = f"{name} {account.account_masked} ({account.holder_name})"
    if not revealed:
        return masked, masked
    number = account.account_number
    digits = number.reveal() if isinstance(number, Secret) else str(number or "")
    return f"{name} {digits} ({account.holder_name})", masked


def personal_data_of(
    *,
    return_request: ReturnRequest,
    kinds: Iterable[str] = (),
    pickups: Sequence[Pickup] | None = None,
) -> PersonalData:
    """The return's phones, email, addresses and refund account; full only for ``kinds``.

    ``pickups`` (newest first) saves a query when the page has them already.
    """
    revealed = frozenset(kinds)
    order = return_request.order
    customer = return_request.customer
    if pickups is None:
        pickups = list(return_request.pickups.order_by("-id")[:1])
    pickup = pickups[0] if pickups else None
    rows: list[DataRow] = []

    def add(kind: str, label: str, full: str, masked: Callable[[str], str] | str) -> None:
        if not full:
            return
        shown = kind in revealed
        hidden = masked(full) if callable(masked) else masked
        rows.append(DataRow(kind, label, full if shown else hidden, shown))

    phones: list[str] = []
    for label, phone in (
        (_("Customer phone"), customer.phone if customer else ""),
        (_("Recipient phone"), order.shipping_phone),
        (_("Pickup contact phone"), pickup.contact_phone if pickup else ""),
    ):
        if phone and phone not in phones:
            phones.append(phone)
            add(DataKind.PHONE, label, phone, phone_masked)
    add(DataKind.EMAIL, _("Email"), customer.email if customer else "", email_masked)
    addresses: list[str] = []
    places = [
        (
            _("Shipping address"),
            order.shipping_postcode,
            order.shipping_address1,
            order.shipping_address2,
        )
    ]
    if pickup is not None:
        places.append((_("Pickup address"), pickup.postcode, pickup.address1, pickup.address2))
    for label, postcode, address1, address2 in places:
        full, masked = _address(postcode, address1, address2)
        if full and full not in addresses:
            addresses.append(full)
            add(DataKind.ADDRESS, label, full, masked)
    account = refund_account_current(return_request=return_request)
    if account is not None:
        full, masked = _account_text(account, revealed=DataKind.REFUND_ACCOUNT in revealed)
        add(DataKind.REFUND_ACCOUNT, _("Refund account"), full, masked)
    return PersonalData(
        rows=rows,
        revealed=revealed,
        refund_account=account,
        kinds_present=frozenset(row.kind for row in rows),
    )


def personal_data_accesses(*, store: Store) -> QuerySet[PersonalDataAccess]:
    """The store's reveal log, newest first, with the return each row is about."""
    return (
        PersonalDataAccess.objects.filter(store=store)
        .select_related("return_request")
        .order_by("-at", "-id")
    )


def personal_data_access_usernames(*, store: Store) -> list[str]:
    """Who appears in the store's log (a filter's choices), also people who left the store."""
    usernames = (
        PersonalDataAccess.objects.filter(store=store)
        .values_list("username", flat=True)
        .distinct()
        .order_by("username")
    )
    return list(usernames)


# --- The insights' filter bar: what the store sells through and what it sells ------------------


def sales_channel_choices(*, store: Store) -> list[tuple[str, str]]:
    """The store's sales channels as (code, name), by name."""
    return [
        (code, name)
        for code, name in SalesChannel.objects.filter(store=store)
        .order_by("name", "code")
        .values_list("code", "name")
    ]


def product_categories(*, store: Store) -> list[str]:
    """The categories of the store's products, each once, in order."""
    return list(
        Product.objects.filter(store=store)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
