"""A CS agent sets the return fee as agreed with the customer (FeeOverride)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from banpum.core.errors import ValidationFailed
from banpum.policy.texts import decision_words
from banpum.policy.types import FeeCollection, FeePayer, Resolution, ReturnType
from banpum.returns.models import ReturnRequest
from banpum.returns.services import FeeOverride
from tests.factories import make_order
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


def _with_fee(order: Any, fee: FeeOverride, **ask_kwargs: Any) -> ReturnRequest:
    return open_return(order, create_kwargs={"fee": fee}, **ask_kwargs)


def test_buyer_pays_a_different_amount_enclosed_in_the_box(order: Any) -> None:
    return_request = _with_fee(
        order, FeeOverride(FeePayer.BUYER, 5000, FeeCollection.ENCLOSE_IN_BOX)
    )
    assert (return_request.fee_payer, return_request.fee_amount) == ("buyer", 5000)
    assert return_request.fee_collection == "enclose_in_box"
    assert return_request.refund_estimate == 10000  # nothing deducted: the cash is in the box
    stored = ReturnRequest.objects.get(pk=return_request.pk).decision
    assert stored["fee"] == {
        "payer": "buyer",
        "kind": "one_way",
        "amount": 5000,
        "collection": "enclose_in_box",
    }
    assert stored["refund"]["fee_outstanding"] == 5000
    assert stored["explanation"][-1] == {
        "code": "fee_set_by_cs",
        "params": {"payer": "buyer", "amount": 5000},
    }
    with translation.override("en"):
        assert decision_words(stored)["explanation"][-1] == (
            "Return fee set by CS: the buyer pays ₩5,000."
        )


def test_buyer_fee_without_a_collection_keeps_the_policys(order: Any) -> None:
    return_request = _with_fee(order, FeeOverride(FeePayer.BUYER, 2000))
    assert return_request.fee_collection == "deduct_from_refund"
    assert return_request.refund_estimate == 8000


def test_seller_pays(order: Any) -> None:
    return_request = _with_fee(order, FeeOverride(FeePayer.SELLER, 3000))
    assert (return_request.fee_payer, return_request.fee_amount) == ("seller", 0)
    assert return_request.fee_collection == ""
    assert return_request.refund_estimate == 10000
    stored = ReturnRequest.objects.get(pk=return_request.pk).decision
    assert stored["fee"] == {"payer": "seller", "kind": "none", "amount": 0, "collection": None}
    assert stored["refund"] == {
        "items": 10000,
        "shipping": 0,
        "deduction": 0,
        "total": 10000,
        "fee_outstanding": 0,
    }


def test_buyer_pays_nothing(order: Any) -> None:
    return_request = _with_fee(order, FeeOverride(FeePayer.BUYER, 0))
    assert (return_request.fee_amount, return_request.fee_collection) == (0, "")
    assert return_request.decision["fee"]["kind"] == "none"
    assert return_request.refund_estimate == 10000


def test_buyer_charged_on_a_sellers_fault_return(order: Any) -> None:
    """The policy said the seller pays; CS agreed otherwise with the customer."""
    return_request = _with_fee(order, FeeOverride(FeePayer.BUYER, 3000), reason_code="wrong_item")
    assert (return_request.fee_payer, return_request.fee_amount) == ("buyer", 3000)
    assert return_request.fee_collection == "deduct_from_refund"
    assert return_request.decision["fee"]["kind"] == "one_way"
    assert return_request.refund_estimate == 7000


def test_exchange_fee_is_never_deducted_from_a_refund_that_does_not_exist(order: Any) -> None:
    return_request = _with_fee(
        order,
        FeeOverride(FeePayer.BUYER, 6000, FeeCollection.DEDUCT_FROM_REFUND),
        type=ReturnType.EXCHANGE,
        resolution=Resolution.EXCHANGE,
        reason_code="wrong_item",
    )
    assert (return_request.fee_amount, return_request.fee_collection) == (6000, "enclose_in_box")
    assert return_request.decision["fee"]["kind"] == "exchange"
    assert return_request.refund_estimate == 0
    assert return_request.decision["refund"]["fee_outstanding"] == 6000


@pytest.mark.usefixtures("english")
def test_negative_fee_is_refused(order: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        _with_fee(order, FeeOverride(FeePayer.BUYER, -1))
    assert raised.value.extra["fields"] == {"fee.amount": ["The fee cannot be negative."]}
    assert not ReturnRequest.objects.exists()


def test_plain_strings_from_a_form_or_the_cli_are_understood(order: Any) -> None:
    fee = FeeOverride("buyer", 4000, "bank_transfer")  # type: ignore[arg-type]
    return_request = _with_fee(order, fee)
    assert (return_request.fee_payer, return_request.fee_amount) == ("buyer", 4000)
    assert return_request.fee_collection == "bank_transfer"
    assert return_request.refund_estimate == 10000


@pytest.mark.parametrize("amount", [5_000_000, 6001, 100_000])
def test_buyer_fee_is_capped_at_the_round_trip(order: Any, amount: int) -> None:
    """Issue 7: a ₩5,000,000 fee on a ₩23,000 order was accepted; no penalty beyond the return
    shipping (§18(9)): at most the policy's round trip (3,000 + 3,000)."""
    with pytest.raises(ValidationFailed) as raised:
        _with_fee(order, FeeOverride(FeePayer.BUYER, amount))
    assert list(raised.value.extra["fields"]) == ["fee.amount"]
    assert raised.value.extra["max_amount"] == 6000
    assert ReturnRequest.objects.count() == 0


def test_buyer_fee_may_be_the_whole_round_trip(order: Any) -> None:
    return_request = _with_fee(order, FeeOverride(FeePayer.BUYER, 6000))
    assert return_request.fee_amount == 6000


def test_buyer_fee_never_above_what_was_paid(store: Any) -> None:
    order = make_order(store=store, lines=[{"unit_price": 1000}], shipping_fee=0)
    with pytest.raises(ValidationFailed) as raised:
        _with_fee(order, FeeOverride(FeePayer.BUYER, 1001))
    assert raised.value.extra["max_amount"] == 1000


def test_seller_may_note_any_amount_it_pays(order: Any) -> None:
    return_request = _with_fee(order, FeeOverride(FeePayer.SELLER, 5_000_000))
    assert (return_request.fee_payer, return_request.fee_amount) == ("seller", 0)
