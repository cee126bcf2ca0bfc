"""The return decision: one pure function from facts and policy to a verdict.

``decide`` reads no database and no clock: the caller passes ``now``, the order and line facts,
and the policy version. The same inputs always give the same decision, so a return can be
re-explained from what it stored, and the engine can be tested exhaustively.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction

from banpum.policy import deadlines as law
from banpum.policy.fees import line_refund, refund_estimate, return_fee
from banpum.policy.types import (
    Condition,
    CustomerFacts,
    Deadlines,
    Decision,
    FaultSide,
    HoldReason,
    LineDecision,
    LineFacts,
    Note,
    OrderFacts,
    Outcome,
    Params,
    PolicyRules,
    Problem,
    Reason,
    Resolution,
    ReturnAsk,
    ReturnType,
    Signal,
)

# Line problems a person may waive (a policy exception, 정책 예외): the policy's or the law's
# limits on an otherwise well-formed claim. A refused line adds nothing to the refund; its share
# is kept apart (``exception_amount``, ``Decision.exception_refund``) so that an exception
# approved by CS refunds what the units are worth. Any other line problem (unknown line or
# reason, bad quantity) means there is nothing that could be refunded.
_WAIVABLE_LINE_PROBLEMS = frozenset({"window_expired", "non_returnable", "condition_not_accepted"})


def _claimable(line: LineDecision) -> bool:
    return all(problem.code in _WAIVABLE_LINE_PROBLEMS for problem in line.problems)


def decide(
    ask: ReturnAsk,
    *,
    order: OrderFacts,
    lines: Mapping[int, LineFacts],
    rules: PolicyRules,
    now: dt.datetime,
    customer: CustomerFacts | None = None,
) -> Decision:
    """Decide a return request. ``lines`` holds every line of the order, not only those asked.

    ``customer`` carries what the fraud signals read (counts over the repeat-returner window,
    blocklist matches); without it no signal can fire.
    """
    problems = _request_problems(ask, order, rules)
    reason = rules.reason(ask.reason_code)
    today = law.local_date(now, order.timezone)
    deadlines = _deadlines(ask, order, rules, reason, today)

    line_decisions = tuple(
        _decide_line(
            request_index=index,
            ask=ask,
            facts=lines.get(request.order_line_id),
            rules=rules,
            today=today,
            deadlines=deadlines,
            order_delivered=order.delivered_at is not None,
        )
        for index, request in enumerate(ask.lines)
    )
    eligible = not problems and all(line.eligible for line in line_decisions)

    fault = _fault(rules, line_decisions, reason, korean_law=deadlines.law == "KR")
    # Units the request would take back: every line when eligible; on a policy exception, the
    # lines with waivable problems too.
    requested = {line.order_line_id: line.quantity for line in line_decisions if _claimable(line)}
    granted = {line.order_line_id: line.quantity for line in line_decisions if line.eligible}
    fee = return_fee(
        rules=rules,
        order=order,
        fault=fault,
        return_type=ask.type,
        method=ask.method,
        resolution=ask.resolution,
        requested_collection=ask.fee_collection,
        leaves_order_below_free_shipping=_leaves_below_free_shipping(lines, requested, rules),
    )
    seller_side = fault is not FaultSide.BUYER
    # Only the lines the policy grants count; a refused line adds nothing.
    refund = refund_estimate(
        order=order,
        items=sum(line.refund_amount for line in line_decisions),
        refund_original_shipping=seller_side and not _units_kept(lines, granted),
        fee=fee,
        resolution=ask.resolution,
    )
    exception_refund = refund
    if granted != requested:
        exception_refund = refund_estimate(
            order=order,
            items=sum(line.exception_amount for line in line_decisions),
            refund_original_shipping=seller_side and not _units_kept(lines, requested),
            fee=fee,
            resolution=ask.resolution,
        )
    # Auto-approval limits what is at stake: the goods (refunded, credited or replaced) plus
    # any original shipping refunded, before the return fee is deducted.
    at_stake = sum(line.refund_amount for line in line_decisions) + refund.shipping
    signals = fraud_signals(customer or CustomerFacts(), rules)
    outcome, hold_reason = _outcome(ask, order, rules, line_decisions, at_stake, eligible, signals)
    return Decision(
        eligible=eligible,
        outcome=outcome,
        policy_version=rules.version,
        reason=reason,
        fault=fault if reason else None,
        lines=line_decisions,
        fee=fee,
        refund=refund,
        deadlines=deadlines,
        problems=tuple(problems),
        hold_reason=hold_reason,
        signals=signals,
        explanation=_explain(reason, fault, fee.amount, outcome, hold_reason, signals),
        exception_refund=exception_refund,
    )


def _request_problems(ask: ReturnAsk, order: OrderFacts, rules: PolicyRules) -> list[Problem]:
    problems: list[Problem] = []
    if rules.reason(ask.reason_code) is None:
        problems.append(
            Problem("unknown_reason", "reason_code", params={"reason_code": ask.reason_code})
        )
    if ask.resolution not in rules.allowed_resolutions:
        problems.append(
            Problem(
                "resolution_not_allowed", "resolution", params={"resolution": ask.resolution.value}
            )
        )
    if ask.method not in rules.allowed_methods:
        problems.append(
            Problem("method_not_allowed", "method", params={"method": ask.method.value})
        )
    if (ask.type is ReturnType.EXCHANGE) != (ask.resolution is Resolution.EXCHANGE):
        problems.append(Problem("type_resolution_mismatch", "resolution"))
    if not ask.lines:
        problems.append(Problem("no_lines", "lines"))
    seen: set[int] = set()
    for index, line in enumerate(ask.lines):
        if line.order_line_id in seen:
            problems.append(
                Problem(
                    "duplicate_line",
                    f"lines.{index}.order_line_id",
                    line.order_line_id,
                    params={"order_line_id": line.order_line_id},
                )
            )
        seen.add(line.order_line_id)
    if order.delivered_at is None:
        problems.append(Problem("not_delivered"))
    return problems


def _deadlines(
    ask: ReturnAsk, order: OrderFacts, rules: PolicyRules, reason: Reason | None, today: dt.date
) -> Deadlines:
    law_name = "KR" if law.korean_law_applies(order.country) else None
    business_days = law.refund_business_days(rules.refund_business_days, order.country)
    if order.delivered_at is None:
        return Deadlines(law_name, None, None, None, business_days)
    delivered_on = law.local_date(order.delivered_at, order.timezone)
    noticed_on = (
        law.local_date(ask.defect_noticed_at, order.timezone) if ask.defect_noticed_at else None
    )
    if noticed_on is not None:
        # A defect cannot have been noticed after the request that reports it.
        noticed_on = min(noticed_on, today)
    withdrawal = law.withdrawal_until(
        delivered_on,
        policy_days=rules.change_of_mind_days,
        country=order.country,
        extra_holidays=order.extra_holidays,
    )
    defect = law.defect_until(
        delivered_on,
        policy_months=rules.defect_months,
        noticed_on=noticed_on,
        known_days=rules.defect_known_days,
        country=order.country,
        extra_holidays=order.extra_holidays,
    )
    applicable = None
    if reason is not None:
        applicable = withdrawal if reason.kind.is_change_of_mind else defect
    return Deadlines(law_name, withdrawal, defect, applicable, business_days)


def _decide_line(
    *,
    request_index: int,
    ask: ReturnAsk,
    facts: LineFacts | None,
    rules: PolicyRules,
    today: dt.date,
    deadlines: Deadlines,
    order_delivered: bool,
) -> LineDecision:
    request = ask.lines[request_index]
    reason_code = request.reason_code or ask.reason_code
    field = f"lines.{request_index}"
    line_id = request.order_line_id
    problems: list[Problem] = []

    def problem(code: str, subfield: str = "", **params: str | int | float | None) -> None:
        path = f"{field}.{subfield}" if subfield else field
        problems.append(Problem(code, path, line_id, params=params))

    if facts is None:
        problem("unknown_line", "order_line_id", order_line_id=line_id)
        return LineDecision(line_id, request.quantity, reason_code, False, 0, tuple(problems))

    reason = rules.reason(reason_code)
    if reason is None:
        problem("unknown_reason", "reason_code", reason_code=reason_code)

    available = max(facts.delivered_quantity - facts.claimed_quantity, 0)
    if request.quantity < 1:
        problem("invalid_quantity", "quantity")
    elif request.quantity > available:
        problem(
            "quantity_exceeds_available",
            "quantity",
            available=available,
            delivered=facts.delivered_quantity,
            claimed=facts.claimed_quantity,
        )

    if reason is not None and order_delivered:
        if reason.kind.is_change_of_mind:
            _check_change_of_mind(facts, request.condition, rules, today, deadlines, problem)
        elif deadlines.defect_until is not None and today > deadlines.defect_until:
            problem("window_expired", until=deadlines.defect_until.isoformat())

    eligible = not problems
    worth = (
        line_refund(facts.paid_amount, facts.quantity, facts.claimed_quantity, request.quantity)
        if all(p.code in _WAIVABLE_LINE_PROBLEMS for p in problems)
        else 0
    )
    return LineDecision(
        line_id,
        request.quantity,
        reason_code,
        eligible,
        worth if eligible else 0,
        tuple(problems),
        exception_amount=worth,
    )


def _check_change_of_mind(
    facts: LineFacts,
    condition: Condition,
    rules: PolicyRules,
    today: dt.date,
    deadlines: Deadlines,
    problem: Callable[..., None],
) -> None:
    if deadlines.withdrawal_until is not None and today > deadlines.withdrawal_until:
        problem("window_expired", until=deadlines.withdrawal_until.isoformat())
    if (
        not facts.returnable
        or facts.sku in rules.non_returnable_skus
        or (facts.category and facts.category in rules.non_returnable_categories)
    ):
        problem("non_returnable")
    if condition in rules.blocked_conditions:
        problem("condition_not_accepted", "condition", condition=condition.value)


def _fault(
    rules: PolicyRules,
    lines: tuple[LineDecision, ...],
    reason: Reason | None,
    *,
    korean_law: bool,
) -> FaultSide:
    """The parcel goes back at the seller's cost if any claimed line is the seller's fault.

    Only the reasons of the lines count (the request's reason is only the default of lines that
    name none): of the lines that are eligible or only need a policy exception; failing those,
    of every line, then the request's, to show who would have paid.

    Under Korean law a return for a defect, a wrong or damaged item or goods not as described
    is never at the buyer's cost (전자상거래법 §18(10)), whatever the catalogue says: only a
    change of mind is.
    """

    def side(line_reason: Reason) -> FaultSide:
        if (
            korean_law
            and line_reason.fault is FaultSide.BUYER
            and not line_reason.kind.is_change_of_mind
        ):
            return FaultSide.SELLER
        return line_reason.fault

    def known(chosen: tuple[LineDecision, ...]) -> list[Reason]:
        found = (rules.reason(line.reason_code) for line in chosen)
        return [line_reason for line_reason in found if line_reason is not None]

    reasons = (
        known(tuple(line for line in lines if _claimable(line)))
        or known(lines)
        or ([reason] if reason else [])
    )
    faults = {side(line_reason) for line_reason in reasons}
    non_buyer = faults - {FaultSide.BUYER}
    if not non_buyer:
        return FaultSide.BUYER
    return FaultSide.SELLER if FaultSide.SELLER in non_buyer else FaultSide.CARRIER


def _units_kept(lines: Mapping[int, LineFacts], requested: Mapping[int, int]) -> bool:
    return any(
        facts.claimed_quantity + requested.get(line_id, 0) < facts.quantity
        for line_id, facts in lines.items()
    )


def _leaves_below_free_shipping(
    lines: Mapping[int, LineFacts],
    requested: Mapping[int, int],
    rules: PolicyRules,
) -> bool:
    """Whether this request is the one that costs a free-shipping order its free shipping.

    An order keeps free shipping while the buyer keeps something and, with a threshold, what
    they keep is worth at least the threshold. The outbound leg is charged once, by the request
    that crosses that line, and never again by a later return of the same order.
    """

    def qualifies(claiming: Mapping[int, int]) -> bool:
        if not _units_kept(lines, claiming):
            return False
        if rules.free_shipping_threshold is None:
            return True
        kept_value = sum(
            facts.paid_amount
            - line_refund(
                facts.paid_amount,
                facts.quantity,
                0,
                facts.claimed_quantity + claiming.get(line_id, 0),
            )
            for line_id, facts in lines.items()
        )
        return kept_value >= rules.free_shipping_threshold

    # Free shipping was granted when the order shipped, even on a promotion below threshold.
    nothing_claimed_before = all(facts.claimed_quantity <= 0 for facts in lines.values())
    qualified_before = nothing_claimed_before or qualifies({})
    return qualified_before and not qualifies(requested)


def fraud_signals(customer: CustomerFacts, rules: PolicyRules) -> tuple[Signal, ...]:
    """The fraud signals a request raises: blocklist matches first, then a repeat returner.

    The request being decided counts as one of the customer's returns: it is the one that
    would take them over the threshold. The threshold compares exactly (no float rounding);
    the ratio in the params is only for people to read.
    """
    signals = [
        Signal(HoldReason.BLOCKLISTED, {"kind": kind.value})
        for kind in sorted(customer.blocklisted)
    ]
    threshold = rules.repeat_returner
    returns = customer.returns + 1
    if (
        threshold is not None
        and customer.orders >= max(threshold.min_orders, 1)
        and Fraction(returns, customer.orders) > Fraction(str(threshold.max_ratio))
    ):
        signals.append(
            Signal(
                HoldReason.REPEAT_RETURNER,
                {
                    "returns": returns,
                    "orders": customer.orders,
                    "ratio": round(returns / customer.orders, 2),
                    "window_days": threshold.window_days,
                },
            )
        )
    return tuple(signals)


def _outcome(
    ask: ReturnAsk,
    order: OrderFacts,
    rules: PolicyRules,
    lines: tuple[LineDecision, ...],
    at_stake: int,
    eligible: bool,
    signals: tuple[Signal, ...],
) -> tuple[Outcome, HoldReason | None]:
    if not eligible:
        return Outcome.REJECT, None
    if signals:
        # Never approved by the policy alone: a person looks at the customer first.
        return Outcome.HOLD, signals[0].code
    reasons = [rules.reason(line.reason_code) for line in lines]
    if ask.photo_count == 0 and any(r is not None and r.photos_required for r in reasons):
        return Outcome.HOLD, HoldReason.PHOTOS_MISSING
    auto = rules.auto_approval
    kinds = {r.kind for r in reasons if r is not None}
    if (
        auto.enabled
        and not order.customer_flagged
        and (auto.max_refund is None or at_stake <= auto.max_refund)
        and (not auto.reason_kinds or kinds <= auto.reason_kinds)
        and (not auto.methods or ask.method in auto.methods)
    ):
        return Outcome.APPROVE, None
    return Outcome.REVIEW, None


def _explain(
    reason: Reason | None,
    fault: FaultSide,
    fee: int,
    outcome: Outcome,
    hold_reason: HoldReason | None,
    signals: tuple[Signal, ...] = (),
) -> tuple[Note, ...]:
    """The decision's reasons as codes and params; ``policy.texts`` words them."""
    notes: list[Note] = []
    if reason is not None:
        named: Params = {
            "reason_code": reason.code,
            "reason_ko": reason.label_ko,
            "reason_en": reason.label_en,
        }
        if fault is FaultSide.BUYER:
            notes.append(Note("buyer_pays_shipping", named))
        else:
            notes.append(Note("seller_pays_shipping", {**named, "fault": fault.value}))
    if fee:
        notes.append(Note("fee_charged", {"amount": fee}))
    notes.extend(Note(signal.code.value, dict(signal.params)) for signal in signals)
    if outcome is Outcome.HOLD:
        notes.append(Note("held", {"hold_reason": hold_reason.value if hold_reason else None}))
    else:
        notes.append(
            Note(
                {
                    Outcome.APPROVE: "auto_approved",
                    Outcome.REVIEW: "waits_for_review",
                    Outcome.REJECT: "not_eligible",
                }[outcome]
            )
        )
    return tuple(notes)


def early_refund_allowed(rules: PolicyRules, *, refund_amount: int, customer_flagged: bool) -> bool:
    """선환불 at the pickup scan: on, for a customer not flagged, up to the policy's amount."""
    limit = rules.refund_shortcuts.early_refund_max
    return limit is not None and not customer_flagged and 0 < refund_amount <= limit


def keep_item_allowed(
    rules: PolicyRules,
    *,
    refund_amount: int,
    categories: Collection[str],
    customer_flagged: bool,
) -> bool:
    """Refund without collecting: cheap (or listed-category) goods not worth the pickup."""
    shortcuts = rules.refund_shortcuts
    limit = shortcuts.keep_item_max
    if limit is None or customer_flagged or not 0 < refund_amount <= limit:
        return False
    allowed = shortcuts.keep_item_categories
    return not allowed or all(category in allowed for category in categories)
