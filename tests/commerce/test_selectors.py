"""commerce.selectors: phone spellings, returnable units, order lookups."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.commerce.selectors import (
    order_detail_get,
    order_get,
    phone_variants,
    returnable_quantity,
    waybill_variants,
)
from banpum.core.errors import NotFound
from tests.factories import StoreFactory, make_order


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("010-1234-5678", ["010-1234-5678", "01012345678"]),
        ("01012345678", ["010-1234-5678", "01012345678"]),
        ("0212345678", ["02-1234-5678", "0212345678"]),
        ("021234567", ["02-123-4567", "021234567"]),
        ("031-123-4567", ["031-123-4567", "0311234567"]),
    ],
)
def test_phone_variants(phone: str, expected: list[str]) -> None:
    assert phone_variants(phone) == expected


@pytest.mark.parametrize(
    ("quantity", "cancelled", "delivered", "claimed", "expected"),
    [
        (3, 0, True, 0, 3),
        (3, 1, True, 1, 1),
        (3, 0, False, 0, 0),
        (2, 0, True, 5, 0),
    ],
)
def test_returnable_quantity(
    quantity: int, cancelled: int, delivered: bool, claimed: int, expected: int
) -> None:
    assert (
        returnable_quantity(
            quantity=quantity, cancelled=cancelled, delivered=delivered, claimed=claimed
        )
        == expected
    )


@pytest.mark.django_db
def test_lookups_stay_inside_the_store(store: Any) -> None:
    mine = make_order(store=store)
    theirs = make_order(store=StoreFactory())
    assert order_get(store=store, order_id=mine.pk) == mine
    assert order_detail_get(store=store, order_id=mine.pk) == mine
    with pytest.raises(NotFound):
        order_get(store=store, order_id=theirs.pk)
    with pytest.raises(NotFound):
        order_detail_get(store=store, order_id=theirs.pk)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("612345678901", ["612345678901"]),
        ("6123-4567-8901", ["6123-4567-8901", "612345678901"]),
        (" 6123 4567 8901 ", ["6123 4567 8901", "612345678901"]),
        ("김철수", []),  # a name never searches the shipments
        ("ORD-1", []),  # too short for a waybill
        ("12-34!5678", []),
    ],
)
def test_waybill_variants(text: str, expected: list[str]) -> None:
    assert waybill_variants(text) == expected
