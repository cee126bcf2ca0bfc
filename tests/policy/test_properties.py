"""Properties of the policy engine that must hold for every input, checked with hypothesis."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from banpum.policy.calendar import is_business_day
from banpum.policy.deadlines import (
    defect_until,
    delay_interest,
    local_date,
    period_end,
    refund_due,
    withdrawal_until,
)
from banpum.policy.fees import line_refund, refund_estimate, return_fee
from banpum.policy.rules import decide
from banpum.policy.types import (
    AutoApproval,
    Condition,
    Decision,
    FaultSide,
    FeeCollection,
    FeeDecision,
    FeeKind,
    FeePayer,
    HoldReason,
    LineFacts,
    LineRequest,
    Method,
    OrderFacts,
    Outcome,
    PolicyRules,
    ReasonKind,
    Resolution,
    ReturnAsk,
    ReturnType,
    as_json,
)
from tests.policy.builders import auto, rules

FAST = settings(max_examples=300, deadline=None)
HEAVY = settings(max_examples=200, deadline=None)

DATES = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
COUNTRIES = st.sampled_from(["KR", "US"])
MONEY = st.integers(min_value=0, max_value=10_000_000)
ONE_DAY = dt.timedelta(days=1)


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# --- Money -------------------------------------------------------------------------------


@FAST
@given(paid=MONEY, quantity=st.integers(1, 40), data=st.data())
def test_line_refund_over_any_split_sums_to_exactly_what_was_paid(
    paid: int, quantity: int, data: st.DataObject
) -> None:
    claimed = 0
    total = 0
    while claimed < quantity:
        units = data.draw(st.integers(1, quantity - claimed), label="units")
        share = line_refund(paid, quantity, claimed, units)
        assert 0 <= share <= paid
        # Within one won of the exact proportional share.
        assert abs(share * quantity - paid * units) < quantity
        claimed += units
        total += share
    assert total == paid
    assert line_refund(paid, quantity, claimed, 1) == 0


fee_decisions = st.builds(
    FeeDecision,
    payer=st.sampled_from(FeePayer),
    kind=st.sampled_from(FeeKind),
    amount=st.integers(0, 50_000),
    collection=st.none() | st.sampled_from(FeeCollection),
)


@st.composite
def order_money(draw: st.DrawFn) -> OrderFacts:
    shipping = draw(st.sampled_from([0, 2500, 3000, 5000]))
    paid_total = draw(MONEY) + shipping
    already = draw(st.just(0) | st.integers(0, paid_total + 10_000))
    return OrderFacts(
        paid_total=paid_total,
        shipping_fee=shipping,
        free_shipping=shipping == 0,
        already_refunded=already,
        delivered_at=None,
        customer_flagged=False,
        country="KR",
        timezone="Asia/Seoul",
    )


@FAST
@given(
    order=order_money(),
    items=MONEY,
    refund_shipping=st.booleans(),
    fee=fee_decisions,
    resolution=st.sampled_from(Resolution),
)
def test_refund_estimate_is_bounded_and_adds_up(
    order: OrderFacts,
    items: int,
    refund_shipping: bool,
    fee: FeeDecision,
    resolution: Resolution,
) -> None:
    refund = refund_estimate(
        order=order,
        items=items,
        refund_original_shipping=refund_shipping,
        fee=fee,
        resolution=resolution,
    )
    refundable = max(order.paid_total - order.already_refunded, 0)
    assert 0 <= refund.total <= refundable
    assert 0 <= refund.deduction <= fee.amount
    assert refund.deduction <= refund.items + refund.shipping
    assert refund.fee_outstanding >= 0
    if fee.payer is FeePayer.BUYER:
        assert refund.deduction + refund.fee_outstanding == fee.amount
    else:
        assert refund.deduction == refund.fee_outstanding == 0
    if fee.collection is not FeeCollection.DEDUCT_FROM_REFUND:
        assert refund.deduction == 0
    if resolution is Resolution.EXCHANGE:
        assert (refund.total, refund.shipping, refund.deduction) == (0, 0, 0)
        return
    assert refund.items + refund.shipping - refund.deduction == refund.total
    assert refund.items == min(items, refundable)
    wanted_shipping = order.shipping_fee if refund_shipping else 0
    assert refund.shipping == min(wanted_shipping, refundable - refund.items)


@FAST
@given(
    return_shipping=st.integers(0, 10_000),
    outbound_shipping=st.integers(0, 10_000),
    exchange_fee=st.none() | st.integers(0, 20_000),
    free_shipping=st.booleans(),
    leaves_free_shipping=st.booleans(),
    fault=st.sampled_from(FaultSide),
    return_type=st.sampled_from(ReturnType),
    method=st.sampled_from(Method),
    resolution=st.sampled_from(Resolution),
    collection=st.none() | st.sampled_from(FeeCollection),
)
def test_return_fee_is_never_negative_nor_a_penalty(
    return_shipping: int,
    outbound_shipping: int,
    exchange_fee: int | None,
    free_shipping: bool,
    leaves_free_shipping: bool,
    fault: FaultSide,
    return_type: ReturnType,
    method: Method,
    resolution: Resolution,
    collection: FeeCollection | None,
) -> None:
    policy = rules(
        return_shipping_fee=return_shipping,
        outbound_shipping_fee=outbound_shipping,
        exchange_fee=exchange_fee,
    )
    order = OrderFacts(10_000, 0, free_shipping, 0, None, False, "KR", "Asia/Seoul")
    fee = return_fee(
        rules=policy,
        order=order,
        fault=fault,
        return_type=return_type,
        method=method,
        resolution=resolution,
        requested_collection=collection,
        leaves_order_below_free_shipping=leaves_free_shipping,
    )
    assert fee.amount >= 0
    assert (fee.amount == 0) == (fee.kind is FeeKind.NONE) == (fee.collection is None)
    if fault is not FaultSide.BUYER:
        assert fee == FeeDecision(FeePayer.SELLER, FeeKind.NONE, 0, None)
        return
    assert fee.payer is FeePayer.BUYER
    if resolution is Resolution.EXCHANGE:
        assert fee.collection is not FeeCollection.DEDUCT_FROM_REFUND
    if return_type is ReturnType.RETURN:
        # §18(9): the cost of sending the goods back, nothing beyond it.
        inbound = 0 if method in (Method.SELF_SHIP, Method.IN_STORE) else return_shipping
        outbound = outbound_shipping if (free_shipping and leaves_free_shipping) else 0
        assert fee.amount == inbound + outbound
    else:
        assert fee.kind in (FeeKind.EXCHANGE, FeeKind.NONE)
        assert fee.amount <= (
            exchange_fee if exchange_fee is not None else return_shipping + outbound_shipping
        )


# --- Deadlines ---------------------------------------------------------------------------


@FAST
@given(delivered=DATES, policy_days=st.integers(0, 60))
def test_korean_withdrawal_is_at_least_seven_days_and_ends_on_a_working_day(
    delivered: dt.date, policy_days: int
) -> None:
    until = withdrawal_until(delivered, policy_days=policy_days, country="KR")
    nominal = delivered + dt.timedelta(days=max(policy_days, 7))
    assert until >= nominal
    assert is_business_day(until, "KR")
    # §161: moved only past Saturdays, Sundays and public holidays.
    assert not any(is_business_day(day, "KR") for day in days_between(nominal, until - ONE_DAY))


@FAST
@given(delivered=DATES, policy_days=st.integers(0, 60))
def test_other_countries_withdrawal_is_the_store_policy(
    delivered: dt.date, policy_days: int
) -> None:
    until = withdrawal_until(delivered, policy_days=policy_days, country="US")
    assert until == delivered + dt.timedelta(days=policy_days)


@FAST
@given(delivered=DATES, days=st.tuples(st.integers(0, 60), st.integers(0, 60)), country=COUNTRIES)
def test_lengthening_the_policy_never_shortens_the_deadline(
    delivered: dt.date, days: tuple[int, int], country: str
) -> None:
    shorter, longer = sorted(days)
    assert withdrawal_until(delivered, policy_days=shorter, country=country) <= (
        withdrawal_until(delivered, policy_days=longer, country=country)
    )


@FAST
@given(start=DATES, months=st.integers(1, 36))
def test_calendar_months_end_the_day_before_the_corresponding_day(
    start: dt.date, months: int
) -> None:
    # Civil Act §157/§160: the period starts the next day and ends the day before the same
    # day of the month ``months`` later; without such a day, at the end of that month.
    end = period_end(start, months=months, country="US")
    first = start + ONE_DAY
    year, month = divmod(first.month - 1 + months, 12)
    year, month = first.year + year, month + 1
    try:
        expected_next = dt.date(year, month, first.day)
    except ValueError:  # no such day: the period runs to the end of that month
        expected_next = dt.date(year + month // 12, month % 12 + 1, 1)
    assert end + ONE_DAY == expected_next


@FAST
@given(
    delivered=DATES,
    noticed_after=st.none() | st.integers(0, 400),
    months=st.tuples(st.integers(0, 24), st.integers(0, 24)),
    known_days=st.integers(0, 90),
    country=COUNTRIES,
)
def test_defect_deadline_bounds(
    delivered: dt.date,
    noticed_after: int | None,
    months: tuple[int, int],
    known_days: int,
    country: str,
) -> None:
    noticed = None if noticed_after is None else delivered + dt.timedelta(days=noticed_after)
    shorter, longer = sorted(months)

    def until(policy_months: int, noticed_on: dt.date | None = noticed) -> dt.date:
        return defect_until(
            delivered,
            policy_months=policy_months,
            noticed_on=noticed_on,
            known_days=known_days,
            country=country,
        )

    assert until(shorter) <= until(longer)
    assert until(shorter, None) <= until(shorter)  # noticing late can only lengthen
    if noticed is not None:
        assert until(shorter) >= noticed + dt.timedelta(days=known_days)
    if country == "KR":
        assert is_business_day(until(shorter), "KR")
        assert until(shorter) >= period_end(delivered, months=3, country="US")
        assert until(shorter) > withdrawal_until(delivered, policy_days=7, country="KR")
        if noticed is not None:
            assert until(shorter) >= noticed + dt.timedelta(days=30)


@FAST
@given(received=DATES, business_days=st.integers(0, 10), country=COUNTRIES)
def test_refund_due_is_exactly_n_business_days_later(
    received: dt.date, business_days: int, country: str
) -> None:
    due = refund_due(received, business_days=business_days, country=country)
    if business_days == 0:
        assert due == received
        return
    assert due > received
    assert is_business_day(due, country)
    counted = [
        day for day in days_between(received + ONE_DAY, due) if is_business_day(day, country)
    ]
    assert len(counted) == business_days


@FAST
@given(
    amount=st.integers(0, 10**9),
    extra=st.integers(0, 10**6),
    due=DATES,
    days_late=st.integers(-30, 2000),
)
def test_delay_interest_is_fifteen_percent_a_year_rounded_down(
    amount: int, extra: int, due: dt.date, days_late: int
) -> None:
    paid = due + dt.timedelta(days=days_late)
    interest = delay_interest(amount, due_on=due, paid_on=paid)
    if days_late <= 0:
        assert interest == 0
        return
    exact = Fraction(amount) * Fraction(15, 100) * days_late / 365
    assert interest <= exact < interest + 1
    assert delay_interest(amount, due_on=due, paid_on=paid + ONE_DAY) >= interest
    assert delay_interest(amount + extra, due_on=due, paid_on=paid) >= interest


# --- Decisions ---------------------------------------------------------------------------

REASON_CODES = [
    "change_of_mind",
    "wrong_option",
    "defective",
    "missing_parts",
    "wrong_item",
    "not_as_described",
    "damaged_in_transit",
]
STORES = [("KR", "Asia/Seoul"), ("US", "America/New_York")]
WAIVABLE = {"window_expired", "non_returnable", "condition_not_accepted"}  # policy exceptions
# Hypothesis takes naive bounds and adds the zone itself.
FIRST, LAST = dt.datetime(2025, 1, 1), dt.datetime(2027, 6, 30)  # noqa: DTZ001
MOMENTS = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(dt.UTC))


@st.composite
def policies(draw: st.DrawFn) -> PolicyRules:
    return rules(
        change_of_mind_days=draw(st.sampled_from([0, 3, 7, 14, 30])),
        defect_months=draw(st.sampled_from([0, 1, 3, 6])),
        defect_known_days=draw(st.sampled_from([0, 30, 60])),
        non_returnable_categories=draw(st.sampled_from([frozenset(), frozenset({"food"})])),
        non_returnable_skus=draw(st.sampled_from([frozenset(), frozenset({"B"})])),
        return_shipping_fee=draw(st.sampled_from([0, 3000, 4000])),
        outbound_shipping_fee=draw(st.sampled_from([0, 3000])),
        exchange_fee=draw(st.sampled_from([None, 0, 5000])),
        free_shipping_threshold=draw(st.sampled_from([None, 0, 30_000, 100_000])),
        allowed_methods=draw(
            st.sampled_from([frozenset(Method), frozenset({Method.CARRIER_PICKUP})])
        ),
        allowed_resolutions=draw(
            st.sampled_from([frozenset(Resolution), frozenset({Resolution.REFUND})])
        ),
        default_fee_collection=draw(st.sampled_from(FeeCollection)),
        refund_business_days=draw(st.integers(0, 5)),
        auto_approval=draw(
            st.sampled_from(
                [
                    AutoApproval(),
                    auto(),
                    auto(max_refund=50_000),
                    auto(reason_kinds=frozenset({ReasonKind.CHANGE_OF_MIND})),
                    auto(methods=frozenset({Method.CARRIER_PICKUP})),
                ]
            )
        ),
    )


@st.composite
def order_lines(
    draw: st.DrawFn, *, fresh: bool = False, clean: bool = False
) -> dict[int, LineFacts]:
    """Lines of an order. ``fresh``: all delivered, none returned yet, every one returnable;
    ``clean``: all delivered, something left to return on every line, mostly returnable."""
    facts: dict[int, LineFacts] = {}
    for line_id in range(1, draw(st.integers(1, 4)) + 1):
        quantity = draw(st.integers(1 if fresh or clean else 0, 5))
        delivered = quantity if fresh or clean else draw(st.integers(0, quantity))
        if fresh:
            claimed = 0
        elif clean:
            claimed = draw(st.just(0) | st.integers(0, quantity - 1))
        else:
            claimed = draw(st.just(0) | st.integers(0, delivered))
        facts[line_id] = LineFacts(
            order_line_id=line_id,
            sku=draw(st.sampled_from("ABC")),
            category=draw(st.sampled_from(["apparel", "food", ""])),
            returnable=fresh or draw(st.integers(0, 4)) > 0,
            quantity=quantity,
            delivered_quantity=delivered,
            claimed_quantity=claimed,
            paid_amount=draw(st.integers(0, 300_000)),
        )
    return facts


@st.composite
def cases(draw: st.DrawFn) -> tuple[ReturnAsk, OrderFacts, dict[int, LineFacts], PolicyRules, Any]:
    """Any request at all, or (three times in four) one that is well formed and in time."""
    clean = draw(st.integers(0, 3)) > 0
    policy = draw(policies())
    facts = draw(order_lines(clean=clean))
    country, timezone = draw(st.sampled_from(STORES))
    shipping = draw(st.sampled_from([0, 3000]))
    paid_total = sum(f.paid_amount for f in facts.values()) + shipping
    delivered_at = draw(MOMENTS) if clean else draw(st.none() | MOMENTS)
    late = draw(st.integers(0, 150 * 24 * 60))
    early = draw(st.integers(0, 6 * 24 * 60))
    now = (delivered_at or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) + dt.timedelta(
        minutes=early if clean and draw(st.booleans()) else late
    )
    order = OrderFacts(
        paid_total=paid_total,
        shipping_fee=shipping,
        free_shipping=draw(st.booleans()),
        already_refunded=draw(st.just(0) | st.integers(0, paid_total + 5000)),
        delivered_at=delivered_at,
        customer_flagged=draw(st.booleans()),
        country=country,
        timezone=timezone,
    )
    reason_codes = st.sampled_from(REASON_CODES if clean else [*REASON_CODES, "bogus"])
    return_type = draw(st.sampled_from(ReturnType))
    if clean and Resolution.EXCHANGE not in policy.allowed_resolutions:
        return_type = ReturnType.RETURN
    if clean:
        available = {
            line_id: f.delivered_quantity - f.claimed_quantity
            for line_id, f in facts.items()
            if f.delivered_quantity > f.claimed_quantity
        }
        chosen = (
            draw(st.lists(st.sampled_from(sorted(available)), unique=True, min_size=1))
            if (available)
            else []
        )
        requested = [
            LineRequest(
                line_id,
                draw(st.integers(1, available[line_id])),
                draw(st.none() | reason_codes),
                draw(st.sampled_from([Condition.UNOPENED, Condition.OPENED])),
            )
            for line_id in chosen
        ]
        resolutions = sorted(policy.allowed_resolutions - {Resolution.EXCHANGE}) or [
            Resolution.REFUND
        ]
        resolution = (
            Resolution.EXCHANGE
            if return_type is ReturnType.EXCHANGE
            else draw(st.sampled_from(resolutions))
        )
        method = draw(st.sampled_from(sorted(policy.allowed_methods)))
    else:
        requested = draw(
            st.lists(
                st.builds(
                    LineRequest,
                    order_line_id=st.integers(1, len(facts) + 1),
                    quantity=st.integers(-1, 6),
                    reason_code=st.none() | reason_codes,
                    condition=st.sampled_from(Condition),
                ),
                max_size=4,
            )
        )
        resolution = draw(st.sampled_from(Resolution))
        method = draw(st.sampled_from(Method))
    ask = ReturnAsk(
        type=return_type,
        reason_code=draw(reason_codes),
        resolution=resolution,
        method=method,
        lines=tuple(requested),
        fee_collection=draw(st.none() | st.sampled_from(FeeCollection)),
        defect_noticed_at=draw(st.none() | MOMENTS),
        photo_count=draw(st.integers(0, 2)),
    )
    return ask, order, facts, policy, now


@HEAVY
@given(case=cases())
def test_decisions_are_consistent(case: tuple[Any, ...]) -> None:
    ask, order, facts, policy, now = case
    decision = decide(ask, order=order, lines=facts, rules=policy, now=now)

    # Deterministic, and JSON-safe.
    assert decide(ask, order=order, lines=facts, rules=policy, now=now) == decision
    json.dumps(as_json(decision))

    # Eligible exactly when nothing is wrong; rejected exactly when not eligible.
    assert decision.eligible == (not decision.all_problems)
    assert (decision.outcome is Outcome.REJECT) == (not decision.eligible)
    if decision.outcome is Outcome.HOLD:
        assert decision.hold_reason is HoldReason.PHOTOS_MISSING
        assert ask.photo_count == 0
    else:
        assert decision.hold_reason is None
    if decision.outcome is Outcome.APPROVE:
        assert policy.auto_approval.enabled
        assert not order.customer_flagged
    assert decision.policy_version == policy.version

    # Lines: one decision per requested line, refunds by cumulative shares; a line that only
    # needs a policy exception keeps its share, one that cannot be claimed at all has none.
    assert [line.order_line_id for line in decision.lines] == [r.order_line_id for r in ask.lines]
    for request, line in zip(ask.lines, decision.lines, strict=True):
        assert line.eligible == (not line.problems)
        line_facts = facts.get(request.order_line_id)
        waivable = all(problem.code in WAIVABLE for problem in line.problems)
        if not line.eligible:
            # A refused line adds nothing to the refund, whatever its problem.
            assert line.refund_amount == 0
        if not waivable or line_facts is None:
            assert line.exception_amount == 0
            continue
        assert 1 <= request.quantity <= line_facts.delivered_quantity - line_facts.claimed_quantity
        assert line.exception_amount == line_refund(
            line_facts.paid_amount,
            line_facts.quantity,
            line_facts.claimed_quantity,
            request.quantity,
        )

    # Money.
    refund, fee = decision.refund, decision.fee
    refundable = max(order.paid_total - order.already_refunded, 0)
    assert 0 <= refund.total <= refundable
    assert 0 <= refund.deduction <= fee.amount
    assert fee.amount >= 0
    if fee.payer is FeePayer.SELLER:
        assert fee.amount == 0
    if decision.fault is not None:
        assert (fee.payer is FeePayer.BUYER) == (decision.fault is FaultSide.BUYER)
    if ask.resolution is Resolution.EXCHANGE:
        assert refund.total == 0
    else:
        assert refund.items + refund.shipping - refund.deduction == refund.total
        assert refund.items == min(sum(line.refund_amount for line in decision.lines), refundable)
        assert refund.shipping in (0, min(order.shipping_fee, refundable - refund.items))
    if ask.type is ReturnType.RETURN and fee.payer is FeePayer.BUYER:
        assert fee.amount <= policy.return_shipping_fee + policy.outbound_shipping_fee

    # Deadlines.
    deadlines = decision.deadlines
    assert (deadlines.law == "KR") == (order.country == "KR")
    if order.delivered_at is None:
        assert deadlines.withdrawal_until is None
        assert "not_delivered" in [p.code for p in decision.problems]
        return
    delivered_on = local_date(order.delivered_at, order.timezone)
    assert deadlines.withdrawal_until is not None
    assert deadlines.defect_until is not None
    if order.country == "KR":
        assert deadlines.refund_business_days <= 3
        assert deadlines.withdrawal_until >= delivered_on + dt.timedelta(days=7)
        assert is_business_day(deadlines.withdrawal_until, "KR")
        assert deadlines.defect_until > deadlines.withdrawal_until
    if decision.eligible:
        today = local_date(now, order.timezone)
        for line in decision.lines:
            reason = policy.reason(line.reason_code)
            assert reason is not None
            limit = (
                deadlines.withdrawal_until
                if reason.kind is ReasonKind.CHANGE_OF_MIND
                else deadlines.defect_until
            )
            assert today <= limit


@HEAVY
@given(case=cases())
def test_the_refund_never_includes_an_ineligible_line(case: tuple[Any, ...]) -> None:
    """A line the policy refuses (non-returnable, late, …) adds nothing to ``refund``; only a
    person's exception (``exception_refund``) may count it."""
    ask, order, facts, policy, now = case
    decision = decide(ask, order=order, lines=facts, rules=policy, now=now)
    granted = sum(line.refund_amount for line in decision.lines if line.eligible)
    assert all(line.refund_amount == 0 for line in decision.lines if not line.eligible)
    if ask.resolution is not Resolution.EXCHANGE:
        refundable = max(order.paid_total - order.already_refunded, 0)
        assert decision.refund.items == min(granted, refundable)
    assert decision.exception_refund is not None
    assert decision.exception_refund.items >= decision.refund.items


def _returns_of_every_unit(facts: dict[int, LineFacts], data: st.DataObject) -> list[Counter[int]]:
    """Every unit of the order, handed back over a random number of returns."""
    units = [line_id for line_id, f in facts.items() for _ in range(f.quantity)]
    units = data.draw(st.permutations(units), label="order of units")
    returns: list[Counter[int]] = []
    while units:
        size = data.draw(st.integers(1, len(units)), label="units in this return")
        returns.append(Counter(units[:size]))
        units = units[size:]
    return returns


def _run_returns(
    facts: dict[int, LineFacts],
    order: OrderFacts,
    policy: PolicyRules,
    returns: list[Counter[int]],
    reason: str,
) -> list[Decision]:
    now = (order.delivered_at or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) + dt.timedelta(days=1)
    decisions = []
    for units in returns:
        ask = ReturnAsk(
            type=ReturnType.RETURN,
            reason_code=reason,
            resolution=Resolution.REFUND,
            method=Method.CARRIER_PICKUP,
            lines=tuple(LineRequest(line_id, n) for line_id, n in sorted(units.items())),
            photo_count=1,
        )
        decision = decide(ask, order=order, lines=facts, rules=policy, now=now)
        assert decision.eligible, decision.all_problems
        decisions.append(decision)
        order = dataclasses.replace(
            order, already_refunded=order.already_refunded + decision.refund.total
        )
        facts = {
            line_id: dataclasses.replace(f, claimed_quantity=f.claimed_quantity + units[line_id])
            for line_id, f in facts.items()
        }
    return decisions


@HEAVY
@given(
    facts=order_lines(fresh=True),
    shipping=st.sampled_from([0, 2500, 3000]),
    delivered_at=MOMENTS,
    data=st.data(),
)
def test_seller_fault_returns_of_every_unit_refund_exactly_what_was_paid(
    facts: dict[int, LineFacts], shipping: int, delivered_at: dt.datetime, data: st.DataObject
) -> None:
    items = sum(f.paid_amount for f in facts.values())
    order = OrderFacts(
        items + shipping, shipping, shipping == 0, 0, delivered_at, False, "KR", "Asia/Seoul"
    )
    returns = _returns_of_every_unit(facts, data)
    decisions = _run_returns(facts, order, rules(), returns, "wrong_item")
    assert sum(d.refund.total for d in decisions) == items + shipping
    assert all(d.fee.amount == 0 for d in decisions)
    # The original shipping goes back once, with the last units.
    assert [d.refund.shipping for d in decisions] == [0] * (len(decisions) - 1) + [shipping]


@HEAVY
@given(
    facts=order_lines(fresh=True),
    threshold=st.sampled_from([None, 0, 10_000, 50_000, 200_000, 10**9]),
    delivered_at=MOMENTS,
    data=st.data(),
)
def test_change_of_mind_returns_of_a_free_shipping_order_pay_the_outbound_leg_once(
    facts: dict[int, LineFacts],
    threshold: int | None,
    delivered_at: dt.datetime,
    data: st.DataObject,
) -> None:
    items = sum(f.paid_amount for f in facts.values())
    order = OrderFacts(items, 0, True, 0, delivered_at, False, "KR", "Asia/Seoul")
    policy = rules(free_shipping_threshold=threshold)
    returns = _returns_of_every_unit(facts, data)
    decisions = _run_returns(facts, order, policy, returns, "change_of_mind")
    fees = [d.fee.amount for d in decisions]
    assert sum(fees) == 3000 * len(decisions) + 3000
    assert [d.fee.kind for d in decisions].count(FeeKind.ROUND_TRIP) == 1
    assert sum(d.refund.items for d in decisions) == items
    assert sum(d.refund.total + d.refund.deduction for d in decisions) == items
