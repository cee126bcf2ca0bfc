"""The breakdown's promises, over any input (Hypothesis): never negative, never above what is
left per line and per order, deductions only lower it, and the parts add up to the total."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from banpum.settlement.breakdown import (
    BreakdownInput,
    Deduction,
    LineInput,
    refund_breakdown,
)

money = st.integers(min_value=0, max_value=2_000_000)


@st.composite
def line_inputs(draw: st.DrawFn, index: int) -> LineInput:
    quantity = draw(st.integers(min_value=1, max_value=5))
    paid = draw(money)
    claimed = draw(st.integers(min_value=0, max_value=quantity))
    return LineInput(
        order_line_id=index,
        return_line_id=index,
        paid_amount=paid,
        quantity=quantity,
        claimed_before=claimed,
        accepted=draw(st.integers(min_value=0, max_value=quantity)),
        deductions=tuple(
            Deduction(code, amount)
            for code, amount in draw(
                st.lists(st.tuples(st.sampled_from(["damaged", "used"]), money), max_size=2)
            )
        ),
        refunded_for_return=draw(st.integers(min_value=0, max_value=paid)),
        left=draw(st.integers(min_value=0, max_value=paid)),
    )


@st.composite
def inputs(draw: st.DrawFn) -> BreakdownInput:
    count = draw(st.integers(min_value=0, max_value=4))
    return BreakdownInput(
        lines=tuple(draw(line_inputs(i + 1)) for i in range(count)),
        shipping=draw(st.integers(min_value=0, max_value=6000)),
        fee_deduction=draw(st.integers(min_value=0, max_value=12000)),
        order_left=draw(money),
    )


@given(inputs())
def test_never_negative_never_above_what_is_left_and_adds_up(data: BreakdownInput) -> None:
    result = refund_breakdown(data)
    assert result.total >= 0
    assert result.total <= data.order_left
    for line, given_line in zip(result.lines, data.lines, strict=True):
        assert 0 <= line.net <= (given_line.left if given_line.left is not None else 10**12)
        assert line.net <= given_line.paid_amount
        assert line.fee_share >= 0
    assert (
        result.items
        - result.deductions
        - result.refunded_early
        - result.capped
        + result.shipping
        - result.fee_deduction
        == result.total
    )
    assert (
        sum(line.net for line in result.lines)
        + result.shipping
        - max(result.fee_deduction - sum(line.fee_share for line in result.lines), 0)
        == result.total
    )
    assert result.fee_deduction <= data.fee_deduction


@given(inputs(), st.integers(min_value=0, max_value=100_000))
def test_a_deduction_only_lowers_the_refund(data: BreakdownInput, extra: int) -> None:
    if not data.lines:
        return
    first, *rest = data.lines
    more = dataclasses.replace(first, deductions=(*first.deductions, Deduction("damaged", extra)))
    lowered = refund_breakdown(dataclasses.replace(data, lines=(more, *rest)))
    assert lowered.total <= refund_breakdown(data).total
    higher_fee = dataclasses.replace(data, fee_deduction=data.fee_deduction + extra)
    assert refund_breakdown(higher_fee).total <= refund_breakdown(data).total


def test_a_plain_return_reads_as_parts() -> None:
    data = BreakdownInput(
        lines=(LineInput(1, 10, paid_amount=20000, quantity=2, claimed_before=0, accepted=1),),
        shipping=3000,
        fee_deduction=3000,
        order_left=23000,
    )
    result = refund_breakdown(data)
    assert result.total == 10000
    listed = result.as_json()["parts"]
    assert isinstance(listed, list)
    parts = {p["code"]: p["amount"] for p in listed}
    assert parts["items"] == 10000
    assert parts["original_shipping"] == 3000
    assert parts["return_fee_deduction"] == -3000
