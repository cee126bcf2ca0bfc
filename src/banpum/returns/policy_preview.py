"""What a draft policy would decide for one of the store's orders, beside the active version.

A manager editing the policy picks a sample order; for every reason of either version this
decides a return of all the order's still returnable units (a refund by carrier pickup, or
what the version allows instead, with photos attached) under the active rules and under the
draft, at ``now``, from the same facts ``return_request_preview`` loads. Nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce import errors as commerce_errors
from banpum.commerce.models import Order, OrderLine, Store
from banpum.core.actors import Actor
from banpum.policy.rules import decide
from banpum.policy.schemas import PolicyRulesSchema
from banpum.policy.selectors import policy_current, policy_rules
from banpum.policy.services import policy_rules_validate
from banpum.policy.types import (
    Decision,
    LineFacts,
    LineRequest,
    Method,
    OrderFacts,
    PolicyRules,
    Reason,
    Resolution,
    ReturnAsk,
    ReturnType,
)
from banpum.returns.facts import committed_refunds, customer_facts, line_facts, order_facts


@dataclass(frozen=True)
class ReasonComparison:
    """One reason's decision under the active version and under the draft."""

    reason_code: str
    reason: Reason | None  # the draft's, else the active version's
    active: Decision
    draft: Decision

    @property
    def changed(self) -> bool:
        def key(decision: Decision) -> tuple[object, ...]:
            return (
                decision.eligible,
                decision.outcome,
                decision.fee.payer,
                decision.fee.amount,
                decision.refund.total,
                decision.deadlines.request_until,
                decision.hold_reason,
                tuple(p.code for p in decision.all_problems),
            )

        return key(self.active) != key(self.draft)


@dataclass(frozen=True)
class PolicyPreview:
    order: Order
    active_version: int
    lines: tuple[LineRequest, ...]
    rows: tuple[ReasonComparison, ...]


def _sample_lines(lines: dict[int, LineFacts]) -> tuple[LineRequest, ...]:
    """Every line's units that can still be returned; a line with none asks for all it had, so
    that the decision says why not."""
    return tuple(
        LineRequest(
            order_line_id=line.order_line_id,
            quantity=max(line.delivered_quantity - line.claimed_quantity, 0) or line.quantity or 1,
        )
        for line in sorted(lines.values(), key=lambda line: line.order_line_id)
    )


def _ask(rules: PolicyRules, reason_code: str, lines: tuple[LineRequest, ...]) -> ReturnAsk:
    """A refund by carrier pickup, or the first resolution and method the version allows."""
    resolutions = rules.allowed_resolutions - {Resolution.EXCHANGE}
    resolution = (
        Resolution.REFUND
        if Resolution.REFUND in resolutions or not resolutions
        else sorted(resolutions)[0]
    )
    method = (
        Method.CARRIER_PICKUP
        if Method.CARRIER_PICKUP in rules.allowed_methods or not rules.allowed_methods
        else sorted(rules.allowed_methods)[0]
    )
    return ReturnAsk(
        type=ReturnType.RETURN,
        reason_code=reason_code,
        resolution=resolution,
        method=method,
        lines=lines,
        photo_count=1,  # as the portal asks: photos are attached where a reason needs them
    )


def _decide(
    order: Order,
    rules: PolicyRules,
    reason_code: str,
    facts: OrderFacts,
    lines: dict[int, LineFacts],
    requested: tuple[LineRequest, ...],
    now: dt.datetime,
) -> Decision:
    return decide(
        _ask(rules, reason_code, requested),
        order=facts,
        lines=lines,
        rules=rules,
        now=now,
        customer=customer_facts(order, rules=rules, now=now),
    )


def policy_draft_preview(
    *, store: Store, actor: Actor, order: Order, rules: dict[str, Any], now: dt.datetime
) -> PolicyPreview:
    """Decide a sample return of ``order`` under the active version and the draft ``rules``.

    ``ValidationFailed`` names the draft's bad fields (as ``policy_version_create`` would).
    """
    actor_require(actor, store.pk, Capability.POLICY_MANAGE)
    if order.store_id != store.pk:
        raise commerce_errors.ORDER_NOT_FOUND()
    document = policy_rules_validate(rules)
    active_policy = policy_current(store=store)
    active = policy_rules(active_policy)
    draft = PolicyRulesSchema.model_validate(document).to_rules(active_policy.version + 1)
    loaded = (
        Order.objects.select_related("store", "customer")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product")), "shipments"
        )
        .get(pk=order.pk)
    )
    facts = order_facts(loaded, already_refunded=committed_refunds(loaded))
    lines = line_facts(loaded)
    requested = _sample_lines(lines)
    codes = [r.code for r in draft.reasons]
    codes += [r.code for r in active.reasons if r.code not in codes]
    rows = tuple(
        ReasonComparison(
            reason_code=code,
            reason=draft.reason(code) or active.reason(code),
            active=_decide(loaded, active, code, facts, lines, requested, now),
            draft=_decide(loaded, draft, code, facts, lines, requested, now),
        )
        for code in codes
    )
    return PolicyPreview(
        order=loaded, active_version=active_policy.version, lines=requested, rows=rows
    )
